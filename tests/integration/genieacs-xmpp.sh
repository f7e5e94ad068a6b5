#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# XMPP Connection Requests (TR-069 Annex K) with real parts: prosody as the XMPP server (TLS
# with a certificate from the operator root CA), the Serving GenieACS with its XMPP account,
# henbd's cr-xmpp plugin. The Serving GenieACS configures the XMPP connection at bootstrap as
# an operator would (provision: Device.XMPP.Connection.1, a Server row, ConnReqXMPPConnection,
# ConnReqAllowedJabberIDs; no notification attribute: TR-181 makes ConnReqJabberID's active
# by default), learns henbd's JID from the value change, and its NBI tasks with ?connection_request then go over XMPP. A second,
# hostile sender (xmpp-probe, libstrophe) brings wrong credentials and a JID not allowed.
# Also: prosody restarts -> henbd back online and a Connection Request works; prosody with a
# certificate of another CA -> henbd refuses it and stays off; a domain by name with
# ServerConnectAlgorithm DNS (dnsmasq, DNS SAN).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/genieacs.sh"
. "$(dirname "$0")/../lib/xmpp.sh"

[ -x "${HENB_XMPP_PROBE:-}" ] || skip_all "no xmpp-probe (the cr-xmpp plugin needs libstrophe-dev)"
[ -f "$HENB_PLUGIN_DIR/libhenb-plugin-cr-xmpp.so" ] || skip_all "no cr-xmpp plugin"
command -v prosody >/dev/null || skip_all "no prosody (tests/tools/install-deps)"

MS=Device.ManagementServer.
XC=Device.XMPP.Connection.1.

genieacs_require
make_pki
start_prosody
xmpp_user henb henb-xmpp-secret
xmpp_user acs acs-xmpp-secret
xmpp_user mallory mallory-secret
xmpp_user henb henb-fqdn-secret "$XMPP_FQDN"
# GenieACS's XMPP client: the account, and the operator root CA to check prosody's certificate
GENIEACS_ENV="GENIEACS_XMPP_JID=acs@$XMPP_DOMAIN GENIEACS_XMPP_PASSWORD=acs-xmpp-secret NODE_EXTRA_CA_CERTS=$WORK/pki/ca.pem"
start_bus
start_dns hems.henb.test=$INITIAL_IP serving.henb.test=$SERVING_IP $XMPP_FQDN=$XMPP_IP
start_genieacs initial
start_genieacs serving
genieacs_initial_hands_out_serving
genieacs_serving_sets_s1
genieacs_provision serving xmpp "const c = \"$XC\";
declare(c + \"Username\", {value: 1}, {value: \"henb\"});
declare(c + \"Password\", {value: 1}, {value: \"henb-xmpp-secret\"});
declare(c + \"Domain\", {value: 1}, {value: \"$XMPP_DOMAIN\"});
declare(c + \"Resource\", {value: 1}, {value: \"cell\"});
declare(c + \"UseTLS\", {value: 1}, {value: true});
declare(c + \"ServerConnectAlgorithm\", {value: 1}, {value: \"ServerTable\"});
declare(c + \"ServerRetryInitialInterval\", {value: 1}, {value: 1});
declare(c + \"ServerRetryIntervalMultiplier\", {value: 1}, {value: 1000});
declare(c + \"ServerRetryMaxInterval\", {value: 1}, {value: 2});
declare(c + \"Server.*\", {path: 1}, {path: 1});
declare(c + \"Server.*.ServerAddress\", {value: 1}, {value: \"$XMPP_IP\"});
declare(c + \"Server.*.Port\", {value: 1}, {value: $XMPP_PORT});
declare(c + \"Server.*.Enable\", {value: 1}, {value: true});
declare(c + \"Enable\", {value: 1}, {value: true});
declare(\"${MS}ConnReqXMPPConnection\", {value: 1}, {value: \"Device.XMPP.Connection.1\"});
declare(\"${MS}ConnReqAllowedJabberIDs\", {value: 1}, {value: \"acs@$XMPP_DOMAIN\"});"
genieacs_preset serving xmpp-bootstrap xmpp "0 BOOTSTRAP"
genieacs_factory
start_henbd

check "registered" wait_final 120
DEV=$(genieacs_device_id serving)
online_count() { grep -c "XMPP: online as" "$WORK/henbd.log"; }
check "henbd is online on prosody as henb@$XMPP_DOMAIN/cell, with TLS" \
    wait_eval 30 'grep -q "XMPP: online as henb@$XMPP_DOMAIN/cell on $XMPP_IP:$XMPP_PORT (TLS)" "$WORK/henbd.log"'
check_eq "ConnReqJabberID reached the Serving GenieACS (active notification by default, 4 VALUE CHANGE)" \
    "henb@$XMPP_DOMAIN/cell" \
    "$(wait_eval 30 '[ -n "$(genieacs_value serving "$DEV" ${MS}ConnReqJabberID)" ]';
       genieacs_value serving "$DEV" ${MS}ConnReqJabberID)"

sessions() { ls "$WORK"/trace/*-sent-Inform.xml 2>/dev/null | wc -l; }
# sessions for a Connection Request (GenieACS's stock presets also bring periodic ones)
cr_sessions() { grep -l "6 CONNECTION REQUEST" "$WORK"/trace/*-sent-Inform.xml 2>/dev/null | wc -l; }
accepted() { grep -c "XMPP Connection Request from \"acs@$XMPP_DOMAIN/.*accepted" "$WORK/henbd.log"; }
# first_cr_inform_after N -> the file of the first Inform with 6 CONNECTION REQUEST after the N-th
first_cr_inform_after() {
    ls "$WORK"/trace/*-sent-Inform.xml | tail -n +$(( $1 + 1 )) | while read -r f; do
        grep -q "6 CONNECTION REQUEST" "$f" && { echo "$f"; break; }
    done
}

# xmpp_task CASE: an NBI task (getParameterValues) with ?connection_request; prints the time
# from the POST to the session start (henbd's Inform with 6 CONNECTION REQUEST)
xmpp_task() {
    local before t0 t1 ta f a
    before=$(sessions)
    a=$(accepted)
    t0=$(date +%s%N)
    genieacs_task serving "$DEV" "{\"name\":\"getParameterValues\",\"parameterNames\":[\"${XC}Status\",\"${XC}TLSEstablished\",\"${XC}JabberID\"]}"
    check_eq "$1: the NBI answers 200 (done in the session the XMPP Connection Request started)" \
        "200 OK" "$GENIEACS_TASK_STATUS"
    f=$(first_cr_inform_after "$before")
    if [ -n "$f" ]; then
        t1=$(date -r "$f" +%s%N)
        # when henbd accepted the IQ: its log's clock time
        ta=$(date -d "today $(grep 'XMPP Connection Request from .* accepted' "$WORK/henbd.log" | tail -1 |
                             grep -o '[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]*' | head -1)" +%s%N)
        echo "# $1: NBI POST -> session start (Inform sent) $(( (t1 - t0) / 1000000 )) ms" \
             "(POST -> IQ accepted by henbd $(( (ta - t0) / 1000000 )) ms, then the Inform $(( (t1 - ta) / 1000000 )) ms)"
        # the times are figures for the reader (they follow the machine's load); the order is the check
        check "$1: henbd accepted the IQ after the NBI POST" test "$ta" -ge "$t0"
        check "$1: ... and the session began after that" test "$t1" -ge "$ta"
    else
        not_ok "$1: a session with 6 CONNECTION REQUEST" "none after Inform number $before"
    fi
    check "$1: it came over XMPP (henbd accepted it from acs@$XMPP_DOMAIN)" test "$(accepted)" -gt "$a"
}

xmpp_task "XMPP Connection Request from GenieACS"
check_eq "the task read Status Enabled, TLSEstablished true and the JabberID" "Enabled true henb@$XMPP_DOMAIN/cell" \
    "$(genieacs_value serving "$DEV" ${XC}Status) $(genieacs_value serving "$DEV" ${XC}TLSEstablished) $(genieacs_value serving "$DEV" ${XC}JabberID)"

# the HeMS moves henbd to another resource: a new session, and GenieACS learns the new JID
genieacs_task serving "$DEV" "{\"name\":\"setParameterValues\",\"parameterValues\":[[\"${XC}Resource\",\"cell2\",\"xsd:string\"]]}"
check_eq "Resource set to cell2 (NBI task)" "200 OK" "$GENIEACS_TASK_STATUS"
check "henbd is online again as henb@$XMPP_DOMAIN/cell2" \
    wait_eval 30 'grep -q "XMPP: online as henb@$XMPP_DOMAIN/cell2 " "$WORK/henbd.log"'
check "GenieACS learnt the new ConnReqJabberID" \
    wait_eval 30 '[ "$(genieacs_value serving "$DEV" ${MS}ConnReqJabberID)" = "henb@$XMPP_DOMAIN/cell2" ]'
xmpp_task "to the new JID"

# the hostile sender: no session may follow its requests. The Connection Request credentials
# are the ones GenieACS's stock inform provision set
CR_USER=$(genieacs_value serving "$DEV" ${MS}ConnectionRequestUsername)
CR_PASS=$(genieacs_value serving "$DEV" ${MS}ConnectionRequestPassword)
check "GenieACS holds the Connection Request credentials it set" test -n "$CR_USER" -a -n "$CR_PASS"
probe_send() { timeout 20 "$HENB_XMPP_PROBE" send "$1@$XMPP_DOMAIN" "$2" "$XMPP_IP" "$XMPP_PORT" "henb@$XMPP_DOMAIN/cell2" "$3" "$4"; }
N0=$(cr_sessions)
A1=$(grep -c 'Connection Request accepted (xmpp)' "$WORK/henbd.log")
check_eq "wrong Connection Request password from an allowed JID: <not-authorized/>" "error not-authorized" \
    "$(probe_send acs acs-xmpp-secret "$CR_USER" wrong-password)"
check_eq "a JID not in ConnReqAllowedJabberIDs with the right credentials: <service-unavailable/>" \
    "error service-unavailable" "$(probe_send mallory mallory-secret "$CR_USER" "$CR_PASS")"
# henbd decides before it answers, and asks for the session (or not) before the answer is out
check_eq "no session asked for after the refused requests" "$A1" "$(grep -c 'Connection Request accepted (xmpp)' "$WORK/henbd.log")"
check_eq "no session for a Connection Request after the refused ones" "$N0" "$(cr_sessions)"
check "henbd logged both refusals" bash -c "grep -q 'refused: wrong username or password' '$WORK/henbd.log' &&
    grep -q 'mallory@$XMPP_DOMAIN.*refused: not in ConnReqAllowedJabberIDs' '$WORK/henbd.log'"

# prosody restarts: henbd notices, retries (ServerRetryInitialInterval 1 s) and is back
O0=$(online_count)
stop_prosody
check "prosody gone: henbd retries (ServerNotPresent)" \
    wait_eval 15 'grep -q "XMPP: $XMPP_IP:$XMPP_PORT: the server ended the session (system-shutdown.*next attempt in" "$WORK/henbd.log"'
start_prosody
check "prosody back: henbd online again" wait_eval 30 '[ "$(online_count)" -gt "$O0" ]'
xmpp_task "after the restart of prosody"

# a server certificate from another CA: refused, henbd stays off and keeps trying
xmpp_make_cert xmpp-rogue rogue-ca
stop_prosody
start_prosody xmpp-rogue
O1=$(online_count)
refusals() { grep -c "certificate refused: the certificate is not issued by the operator root CA" "$WORK/henbd.log"; }
check "a certificate not from the operator root CA is refused, at each retry" \
    wait_eval 30 '[ "$(refusals)" -ge 2 ]'
check_eq "henbd did not go online with it" "$O1" "$(online_count)"
check "D-Bus shows the xmpp transport failed, with the refusal as its detail" \
    wait_eval 15 'prop ConnectionRequest Transports |
        grep -q "(.xmpp., [a-z]*, .failed., .[^)]*certificate refused: the certificate is not issued by the operator root CA"'
check "D-Bus XmppState: failed (between the retries)" \
    wait_eval 15 '[ "$(prop ConnectionRequest XmppState)" = "'"'failed'"'" ]'

# the HeMS moves henbd to a domain by name, found by DNS (ServerConnectAlgorithm DNS): the
# name resolved by the test's dnsmasq, the certificate's DNS SAN checked; GenieACS's account
# stays on the IP domain of the same server
stop_prosody
start_prosody
check "prosody with the right certificate: henbd online again" wait_eval 30 '[ "$(online_count)" -gt "$O1" ]'
genieacs_task serving "$DEV" "{\"name\":\"setParameterValues\",\"parameterValues\":[[\"${XC}Domain\",\"$XMPP_FQDN\",\"xsd:string\"],[\"${XC}Password\",\"henb-fqdn-secret\",\"xsd:string\"],[\"${XC}ServerConnectAlgorithm\",\"DNS\",\"xsd:string\"]]}"
check_eq "Domain $XMPP_FQDN and ServerConnectAlgorithm DNS set (NBI task)" "200 OK" "$GENIEACS_TASK_STATUS"
check "henbd is online as henb@$XMPP_FQDN/cell2, the name resolved by DNS" \
    wait_eval 30 'grep -q "XMPP: online as henb@$XMPP_FQDN/cell2 on $XMPP_FQDN:5222 (TLS)" "$WORK/henbd.log"'
check "GenieACS learnt that JID" \
    wait_eval 30 '[ "$(genieacs_value serving "$DEV" ${MS}ConnReqJabberID)" = "henb@$XMPP_FQDN/cell2" ]'
xmpp_task "to henb@$XMPP_FQDN"

finish
