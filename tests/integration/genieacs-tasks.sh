#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# NBI tasks with ?connection_request on a HeNB registered with the Serving GenieACS, as an
# operator posts them: getParameterValues, setParameterValues (valid; out of range -> the task
# fault GenieACS records), refreshObject of the whole tree, addObject/deleteObject of
# ManagementServer.InformParameter, reboot, factoryReset. GenieACS answers 200 only when the
# Connection Request (Digest) got the HeNB to start a session and the task was done in it;
# "202 Device is offline" or "202 Task queued but not processed" means it was not. Each
# task's effect is checked on henbd itself (D-Bus, state file, envelope trace, log).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/genieacs.sh"

MS=Device.ManagementServer.
GW=$GENIEACS_GW
STATE=$WORK/state/henbd.state
start_genieacs_pair
genieacs_initial_hands_out_serving
genieacs_serving_sets_s1
genieacs_factory
start_henbd
check "registered" wait_final 120
DEV=$(genieacs_device_id serving)
check "the Serving GenieACS holds the Connection Request URL" \
    test -n "$(genieacs_value serving "$DEV" ${MS}ConnectionRequestURL)"

# state_value GROUP KEY -> the value in henbd's state file
state_value() {
    /usr/bin/python3 -c '
import configparser, sys
c = configparser.RawConfigParser(delimiters=("=",), interpolation=None)
c.optionxform = str
c.read(sys.argv[1])
print(c.get(sys.argv[2], sys.argv[3], fallback=""))' "$STATE" "$1" "$2"
}
last_trace() { local f=("$WORK"/trace/*.xml); basename "${f[-1]}" | cut -c1-4; }
# received_since MARK RPC -> the envelopes of RPC henbd received after trace number MARK
received_since() {
    local f
    for f in "$WORK"/trace/*-received-"$2".xml; do
        [ -f "$f" ] && [ "$(basename "$f" | cut -c1-4)" \> "$1" ] && echo "$f"
    done
}
# task NAME JSON: posts the task and checks the 200. On anything else it shows what GenieACS
# and henbd said about the Connection Request, and whether GenieACS did the task all the same
# (in a session the request started after all); a task never done is removed, so that it does
# not run in a later case's session. Either way the next case starts with an empty queue.
task() {
    local name=$1 t0=$SECONDS
    MARK=$(last_trace)
    genieacs_task serving "$DEV" "$2"
    echo "# $name: NBI answered '$GENIEACS_TASK_STATUS' after $(( SECONDS - t0 )) s"
    check_eq "$name: the NBI answers 200 (done in the session its Connection Request started)" \
        "200 OK" "$GENIEACS_TASK_STATUS"
    case $GENIEACS_TASK_STATUS in 200*) return 0;; esac
    genieacs_cr_exchange | tail -6 | sed 's/^/#     GenieACS: /'
    grep -i 'connection request' "$WORK/henbd.log" | grep -v 'DEBUG\|Connection Requests at\|requests on' | tail -3 |
        sed 's/^/#     henbd: /'
    [ -n "$GENIEACS_TASK_ID" ] || return 0
    if wait_eval 60 '! genieacs_task_pending serving "$DEV" "$GENIEACS_TASK_ID"'; then
        echo "#     GenieACS did the task all the same $(( SECONDS - t0 )) s after it was posted"
    else
        echo "#     GenieACS never did the task: removed"
        nbi serving DELETE "/tasks/$GENIEACS_TASK_ID" >/dev/null
    fi
}
# genieacs_cr_exchange: the Connection Requests in GenieACS's debug log: request, status,
# connection (GenieACS numbers connections by their start time), Authorization or not
genieacs_cr_exchange() {
    /usr/bin/python3 - "$WORK/genieacs-serving-debug.yaml" <<'PY'
import re, sys
for doc in open(sys.argv[1]).read().split("\n---\n"):
    ev = re.search(r"^event: (.*)$", doc, re.M)
    if not ev or "HTTP request error" not in ev.group(1) and not re.search(r"^method: GET|^statusCode:", doc, re.M):
        continue
    if "incoming HTTP request" in ev.group(1) or "outgoing HTTP response" in ev.group(1):
        continue
    con = re.search(r"^connection: (.*)$", doc, re.M)
    st = re.search(r"^statusCode: (.*)$", doc, re.M)
    au = re.search(r"authorization: (\S+)", doc, re.I)
    err = re.search(r"^error: (.*)$", doc, re.M)
    print(ev.group(1), "connection", con.group(1) if con else "?",
          ("status " + st.group(1)) if st else "", ("Authorization " + au.group(1)) if au else "",
          ("error " + err.group(1)) if err else "")
PY
}

# getParameterValues
task getParameterValues "{\"name\":\"getParameterValues\",\"parameterNames\":[\"Device.DeviceInfo.UpTime\",\"${MS}PeriodicInformInterval\"]}"
check "getParameterValues: henbd received GetParameterValues for UpTime" \
    wait_eval 30 'grep -q "Device.DeviceInfo.UpTime" $(received_since "$MARK" GetParameterValues) /dev/null'

# setParameterValues, valid
# (a parameter no stock preset declares: they would set theirs back in the same session)
task "setParameterValues (valid)" '{"name":"setParameterValues","parameterValues":[["Device.DeviceInfo.ProvisioningCode","genieacs-task","xsd:string"]]}'
check "setParameterValues: henbd stored the ProvisioningCode (state file)" \
    wait_eval 30 'state_value Parameters Device.DeviceInfo.ProvisioningCode | grep -qx genieacs-task'

# setParameterValues, out of range: GenieACS records the task fault, henbd keeps its value
MARK=$(last_trace)
t0=$SECONDS
genieacs_task serving "$DEV" "{\"name\":\"setParameterValues\",\"parameterValues\":[[\"${GW}S1SigLinkPort\",70000,\"xsd:unsignedInt\"]]}"
echo "# setParameterValues (out of range): NBI answered '$GENIEACS_TASK_STATUS' after $(( SECONDS - t0 )) s"
check_eq "setParameterValues (out of range): the NBI answers 202 Task faulted" "202 Task faulted" "$GENIEACS_TASK_STATUS"
wait_eval 60 'genieacs_faults serving | grep -q "task_$GENIEACS_TASK_ID"'
fault=$(genieacs_faults serving | grep "task_$GENIEACS_TASK_ID")
echo "# GenieACS fault: $fault"
check_contains "setParameterValues (out of range): GenieACS recorded the CPE's fault 9003 on the task" " cwmp.9003 " "$fault"
check_contains "setParameterValues (out of range): ... naming S1SigLinkPort with 9007" \
    '"parameterName": "Device.Services.FAPService.1.FAPControl.LTE.Gateway.S1SigLinkPort", "faultCode": "9007"' "$fault"
check_eq "setParameterValues (out of range): henbd kept S1SigLinkPort" "uint32 36412" "$(prop Serving S1Port)"
check "setParameterValues (out of range): henbd answered with Fault 9007 for S1SigLinkPort" \
    grep -q "9007" $(ls "$WORK"/trace/*-sent-Fault.xml 2>/dev/null) /dev/null
[ -n "$GENIEACS_TASK_ID" ] && nbi serving DELETE "/tasks/$GENIEACS_TASK_ID" >/dev/null
[ -n "$fault" ] && nbi serving DELETE "/faults/$(echo "$fault" | cut -d' ' -f1)" >/dev/null

# refreshObject of the whole tree
task "refreshObject (whole tree)" '{"name":"refreshObject","objectName":""}'
check "refreshObject: henbd was asked for the names of the whole tree" \
    wait_eval 30 'grep -q "<ParameterPath></ParameterPath>\|<ParameterPath/>" $(received_since "$MARK" GetParameterNames) /dev/null'
check_eq "refreshObject: GenieACS now holds OpState true" "true" \
    "$(genieacs_value serving "$DEV" Device.Services.FAPService.1.FAPControl.LTE.OpState)"

# addObject / deleteObject
task addObject "{\"name\":\"addObject\",\"objectName\":\"${MS}InformParameter\"}"
check "addObject: henbd created InformParameter.1 (state file)" \
    wait_eval 30 '[ "$(state_value Objects ${MS}InformParameter.)" = "1;" ]'
task deleteObject "{\"name\":\"deleteObject\",\"objectName\":\"${MS}InformParameter.1\"}"
check "deleteObject: henbd removed InformParameter.1 (state file)" \
    wait_eval 30 '[ -z "$(state_value Objects ${MS}InformParameter.)" ] && [ "$(state_value NextInstance ${MS}InformParameter.)" = 2 ]'

# reboot: henbd restarts its bootstrap and tells the Serving HeMS "M Reboot" with 1 BOOT
n=$(sent_informs | wc -l)
task reboot '{"name":"reboot"}'
check "reboot: henbd sends an Inform with M Reboot and 1 BOOT" \
    wait_eval 60 'sent_informs | tail -n +$((n + 1)) | grep -q "1 BOOT.*M Reboot\|M Reboot.*1 BOOT"'
check "reboot: registered again" wait_eval 60 '[ "$(prop "" State)" = 6 ]'

# factoryReset: discovery from the Initial HeMS again (0 BOOTSTRAP there), then registration
n=$(sent_informs | wc -l)
initial_before=$(grep -c 'Inform;' "$WORK/genieacs-initial-cwmp-access.log")
task factoryReset '{"name":"factoryReset"}'
check "factoryReset: henbd runs discovery with the Initial GenieACS again" \
    wait_eval 60 '[ "$(grep -c "Inform;" "$WORK/genieacs-initial-cwmp-access.log")" -gt "$initial_before" ]'
check "factoryReset: registered again" wait_eval 60 '[ "$(prop "" State)" = 6 ]'
check_eq "factoryReset: the ProvisioningCode the HeMS set is gone" "" \
    "$(state_value Parameters Device.DeviceInfo.ProvisioningCode)"
check "factoryReset: the stock inform preset set PeriodicInformInterval again" \
    wait_eval 30 '[ "$(state_value Parameters ${MS}PeriodicInformInterval)" = 300 ]'

sent_informs | sed 's/^/# sent Inform /'
finish
