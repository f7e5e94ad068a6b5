#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The cell (org.henbd.HeNB1.Radio): a HeMS session writes the cell configuration and a
# radio-stack client sees exactly one ConfigurationChanged after it, with every value and the
# session's ParameterKey (busctl, henbctl monitor and the GI client over libhenb-glib); the
# radio-keyfile backend writes its key file and runs its command once; the radio stack
# reports its status and the HeMS, which asked for active notification, gets "4 VALUE CHANGE"
# with the values; refused reports change nothing; an unprivileged user reads but cannot
# report; the configuration survives a restart; a factory reset applies the factory values.
# As root the bus is Debian's system bus configuration with the shipped bus policy, so that
# the policy is what decides who may call ReportStatus.
. "$(dirname "$0")/../lib/common.sh"

FAP=Device.Services.FAPService.1.
ADMIN=${FAP}FAPControl.LTE.AdminState
OPSTATE=${FAP}FAPControl.LTE.OpState
RFTX=${FAP}FAPControl.LTE.RFTxStatus
# the radio stack's user in this test: one the machine has; and another one
RADIO_USER=daemon
OTHER_USER=bin

LTE=${FAP}CellConfig.LTE.
PLMN=${LTE}EPC.PLMNList.
RF=${LTE}RAN.RF.
PM=Device.FAP.PerfMgmt.Config.
GPS=Device.FAP.GPS.ContinuousGPSStatus.
PM_PASSWORD=pm-secret
# the cell configuration the HeMS writes (name=xsd:type:value), two PLMNList entries included
CELL=("$ADMIN=xsd:boolean:true" "${LTE}EPC.TAC=xsd:unsignedInt:4660"
    "${PLMN}1.Enable=xsd:boolean:true" "${PLMN}1.IsPrimary=xsd:boolean:true"
    "${PLMN}1.PLMNID=xsd:string:00101" "${PLMN}1.CellReservedForOperatorUse=xsd:boolean:false"
    "${PLMN}2.Enable=xsd:boolean:true" "${PLMN}2.IsPrimary=xsd:boolean:false"
    "${PLMN}2.PLMNID=xsd:string:310410" "${PLMN}2.CellReservedForOperatorUse=xsd:boolean:true"
    "${LTE}RAN.Common.CellIdentity=xsd:unsignedInt:1234567"
    "${RF}EARFCNDL=xsd:string:3100" "${RF}EARFCNUL=xsd:string:21100" "${RF}FreqBandIndicator=xsd:unsignedInt:7"
    "${RF}DLBandwidth=xsd:string:50" "${RF}ULBandwidth=xsd:string:50"
    "${RF}PhyCellID=xsd:string:17,10..20" "${RF}ReferenceSignalPower=xsd:string:-10"
    "${LTE}RAN.CellRestriction.CellBarred=xsd:boolean:false" "Device.IPsec.Enable=xsd:boolean:true"
    "${PM}1.Enable=xsd:boolean:true" "${PM}1.URL=xsd:string:https://pm.example.net/upload"
    "${PM}1.PeriodicUploadInterval=xsd:unsignedInt:900")
# a GPS fix as the radio stack reports it
FIX=("${GPS}CurrentFix=true" "${GPS}GotFix=true" "${GPS}Latitude=48856614" "${GPS}Longitude=2352222"
    "${GPS}LastFixTime=2026-12-01T19:00:00Z")

PYTHON=(/usr/bin/python3)
[ -n "${HENB_SANITIZER_PRELOAD:-}" ] &&
    PYTHON=(env LD_PRELOAD="$HENB_SANITIZER_PRELOAD" ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" /usr/bin/python3)
HAVE_GI=1
"${PYTHON[@]}" -c 'import gi; gi.require_version("Henb", "1.0"); from gi.repository import Henb' 2>/dev/null || HAVE_GI=

# --- the bus ------------------------------------------------------------------------------
SYSTEM_BUS=
if [ "$(id -u)" = 0 ] && [ -f /usr/share/dbus-1/system.conf ] && command -v setpriv >/dev/null &&
    id "$RADIO_USER" >/dev/null 2>&1 && id "$OTHER_USER" >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
    SYSTEM_BUS=1
    # Debian's system.conf as integration-policy runs it, with the shipped policy; the radio
    # stack's user in it is the one of this machine
    start_bus() {
        mkdir -m 0755 "$WORK/bus"
        chmod 0711 "$WORK"
        awk -v u="$RADIO_USER" '
            /<policy user="/ && !/user="root"/ { sub(/user="[^"]*"/, "user=\"" u "\"") } { print }' \
            "$HENB_DATA_DIR/org.henbd.HeNB1.conf" >"$WORK/bus/henbd.conf"
        # and a policy that lets a user through who is not [Radio] User: henbd refuses it itself
        sed -n '/<policy user="'"$RADIO_USER"'">/,/<\/policy>/p' "$WORK/bus/henbd.conf" |
            sed 's/user="'"$RADIO_USER"'"/user="'"$OTHER_USER"'"/' >"$WORK/bus/other.xml"
        sed -i "/<policy context=\"default\">/e cat $WORK/bus/other.xml" "$WORK/bus/henbd.conf"
        sed -e '/<user>/d' -e '/<standard_system_servicedirs\/>/d' -e '/<servicehelper>/d' -e '/<includedir>/d' \
            -e "s|</busconfig>|  <include>$WORK/bus/henbd.conf</include>\n</busconfig>|" \
            /usr/share/dbus-1/system.conf >"$WORK/system.conf"
        dbus-daemon --config-file="$WORK/system.conf" --nofork --nopidfile --nosyslog \
            --address="unix:path=$WORK/bus/system_bus_socket" --print-address=3 \
            3>"$WORK/bus.address" >"$WORK/dbus.log" 2>&1 &
        PIDS+=($!)
        wait_for 5 test -s "$WORK/bus.address" || bail_out "dbus-daemon did not start" "$(tail -5 "$WORK/dbus.log")"
        DBUS_SESSION_BUS_ADDRESS=$(head -n1 "$WORK/bus.address")
        export DBUS_SESSION_BUS_ADDRESS
    }
fi
as_user() { local u=$1; shift; setpriv --reuid="$(id -u "$u")" --regid="$(id -g "$u")" --clear-groups -- "$@"; }
# report [USER] NAME=VALUE... -> ReportStatus through gdbus (its output, errors included)
report() {
    local wrap=() args="{" sep="" kv
    if [ "$1" = as ]; then wrap=(as_user "$2"); shift 2; fi
    for kv in "$@"; do args+="$sep'${kv%%=*}': '${kv#*=}'"; sep=", "; done
    "${wrap[@]}" gdbus call --session -d org.henbd.HeNB1 -o /org/henbd/HeNB1 \
        -m org.henbd.HeNB1.Radio.ReportStatus "$args}" 2>&1
}
radio() { prop Radio "$1"; }

# gi FILE-OR-ARGS...: the GI client
gi() { "${PYTHON[@]}" "$(dirname "$0")/radio_gi_client.py" "$@"; }
# signals FILE: how many ConfigurationChanged busctl saw
# (not the probe that showed busctl listens)
signals() { grep '"member":"ConfigurationChanged"' "$WORK/busctl.log" | grep -vc '"probe"'; }
gi_signals() { grep -c '"signal": "cell-configuration-changed"' "$WORK/gi.log"; }
# jq-less: a Python expression on the Nth signal the GI client logged (1-based), bound to r
gi_signal() {
    /usr/bin/python3 -c "import json,sys
lines=[json.loads(l) for l in open(sys.argv[1]) if 'signal' in l]
r=lines[int(sys.argv[2])-1]; print($2)" "$WORK/gi.log" "$1"
}
# the busctl payload of the Nth ConfigurationChanged: "KEY NAME=VALUE..." sorted
bus_signal() {
    /usr/bin/python3 -c "import json,sys
lines=[json.loads(l) for l in open(sys.argv[1]) if 'ConfigurationChanged' in l and '\"probe\"' not in l]
d=lines[int(sys.argv[2])-1]['payload']['data']
print(d[0], ' '.join('%s=%s' % kv for kv in sorted(d[1].items())))" "$WORK/busctl.log" "$1"
}
# the cell configuration as the key file holds it: "KEY NAME=VALUE..." sorted
keyfile_values() {
    /usr/bin/python3 -c "import configparser,sys
c=configparser.RawConfigParser(); c.optionxform=str; c.read(sys.argv[1])
# the bus shows a password as "": so does this view (the file has it, checked apart)
kv=sorted('%s.%s=%s' % (g, k, '' if k == 'Password' else v) for g in c.sections() if g != 'henbd' for k, v in c[g].items())
print(c['henbd']['ParameterKey'], ' '.join(kv))" "$WORK/radio/cell.conf"
}
# what the HeMS wrote, as the signal must hold it ("NAME=VALUE" sorted); a cell
# configuration parameter the session left alone keeps its factory value
expected_written() {
    local kv
    for kv in "${CELL[@]}"; do v=${kv#*=}; echo "${kv%%=*}=${v#xsd:*:}"; done | sort
}

# --- the beds -----------------------------------------------------------------------------
printf '%s\n' '#!/bin/sh' \
    '# one line per run: why, the key, the file and its mode' \
    "echo \"\$HENB_RADIO_REASON key=\$HENB_RADIO_PARAMETER_KEY file=\$HENB_RADIO_KEYFILE mode=\$(stat -c %a \"\$HENB_RADIO_KEYFILE\")\" >>\"$WORK/radio-command.log\"" \
    >"$WORK/radio-command"
chmod 0755 "$WORK/radio-command"

{
    echo 'session 1'
    echo 'expect-event "0 BOOTSTRAP"'
    echo 'rpc Configure'
    echo "rpc SetParameterAttributes $OPSTATE=2 $RFTX=2 ${GPS}CurrentFix=2"
    echo "rpc AddObject $PLMN key=plmn-1"
    echo "rpc AddObject $PLMN key=plmn-2"
    echo "rpc AddObject $PM key=pm-1"
    echo "rpc SetParameterValues key=cell-1 ${CELL[*]} ${PM}1.Password=xsd:string:$PM_PASSWORD"
    echo 'release'
    echo
    echo '# the radio stack reported OpState and RFTxStatus true'
    echo 'session 2'
    echo 'expect-event "4 VALUE CHANGE"'
    echo "expect-param $OPSTATE=true"
    echo "expect-param $RFTX=true"
    echo "expect-param ${GPS}CurrentFix=true"
    echo 'release'
    echo
    echo '# the radio stack reported RFTxStatus false: a session after registration, by the agent,'
    echo '# that changes the cell configuration'
    echo 'session 3'
    echo 'expect-event "4 VALUE CHANGE"'
    echo "expect-param $RFTX=false"
    echo "rpc SetParameterValues key=cell-2 ${LTE}EPC.TAC=xsd:unsignedInt:4661 ${PLMN}2.Enable=xsd:boolean:false"
    echo 'release'
    echo
    echo '# after a restart of henbd'
    echo 'session 4'
    echo 'expect-event "1 BOOT"'
    echo 'rpc FactoryReset'
    echo 'release'
} >"$WORK/serving.script"

start_hems_pair --s1 10.14.0.1 --script "$WORK/serving.script"
write_factory https://hems.henb.test:7547/cwmp "[Daemon]" "AutoStart=false" \
    "[Radio]" "User=$RADIO_USER" "Backend=radio-keyfile" "KeyFile=$WORK/radio/cell.conf" \
    "Command=$WORK/radio-command"
mkdir -m 0750 "$WORK/radio"
start_henbd
LOG=$WORK/serving.log

# --- before any session: the factory configuration ------------------------------------------
check_eq "Backend names the plugin" "'radio-keyfile'" "$(radio Backend)"
check_eq "ConfigurationKey is empty for the factory configuration" "''" "$(radio ConfigurationKey)"
check_eq "AdminState false from the factory" "false" "$(radio AdminState)"
check_contains "Configuration holds AdminState" "'$ADMIN': 'false'" "$(radio Configuration)"
check_contains "Status holds OpState" "'$OPSTATE': 'false'" "$(radio Status)"
check_contains "Status holds RFTxStatus" "'$RFTX': 'false'" "$(radio Status)"
case "$(radio Configuration)" in
    *"$OPSTATE"*) not_ok "Configuration holds no status parameter" "$(radio Configuration)";;
    *) ok "Configuration holds no status parameter";;
esac
check "the key file was written at start-up" test -s "$WORK/radio/cell.conf"
check_eq "the key file is 0640" "640" "$(stat -c %a "$WORK/radio/cell.conf")"
check_contains "the key file groups by object path" \
    "[Device.Services.FAPService.1.FAPControl.LTE]" "$(cat "$WORK/radio/cell.conf")"
check_eq "the command ran once at start-up, for the factory configuration" "configuration key=" \
    "$(cut -d' ' -f1-2 "$WORK/radio-command.log" 2>&1)"
check_contains "henbctl cell shows the backend" "radio backend: radio-keyfile" "$(henbctl_ cell)"
check_contains "henbctl cell shows the configuration" "  $ADMIN = false" "$(henbctl_ cell)"
check_contains "henbctl cell shows the status" "  $RFTX = false" "$(henbctl_ cell)"

# --- refused reports change nothing ---------------------------------------------------------
STATUS0=$(radio Status)
out=$(report "$OPSTATE=true" "${FAP}FAPControl.LTE.NoSuchThing=1")
check_contains "ReportStatus with an unknown name: InvalidArgs" "org.henbd.HeNB1.Error.Core.InvalidArgs" "$out"
check_contains "... naming it" "NoSuchThing is not a parameter" "$out"
out=$(report "$RFTX=true" "$ADMIN=true")
check_contains "ReportStatus with a cell configuration name: InvalidArgs" "org.henbd.HeNB1.Error.Core.InvalidArgs" "$out"
check_contains "... naming it" "$ADMIN is not a capability or status parameter" "$out"
out=$(report "$RFTX=true" "$OPSTATE=maybe")
check_contains "ReportStatus with an invalid value: InvalidArgs" "org.henbd.HeNB1.Error.Core.InvalidArgs" "$out"
check_contains "... naming it" "$OPSTATE" "$out"
out=$(henbctl_ cell report "$RFTX=true" "$OPSTATE=maybe" 2>&1)
check_contains "henbctl cell report: the refusal" "ReportStatus failed" "$out"
check_eq "the refused reports changed nothing" "$STATUS0" "$(radio Status)"
check_eq "... nor AdminState" "false" "$(radio AdminState)"

if [ -n "$SYSTEM_BUS" ]; then
    out=$(report as nobody "$OPSTATE=true")
    check_contains "nobody cannot report status (bus policy)" "org.freedesktop.DBus.Error.AccessDenied" "$out"
    out=$(as_user nobody "$HENBCTL" --session cell report "$OPSTATE=true" 2>&1)
    check_contains "nobody cannot report status with henbctl either" "AccessDenied" "$out"
    out=$(as_user nobody gdbus call --session -d org.henbd.HeNB1 -o /org/henbd/HeNB1 \
        -m org.freedesktop.DBus.Properties.GetAll org.henbd.HeNB1.Radio 2>&1)
    check_contains "nobody reads the Radio properties" "'$ADMIN': 'false'" "$out"
    check_contains "nobody reads them with henbctl cell" "  $ADMIN = false" "$(as_user nobody "$HENBCTL" --session cell 2>&1)"
    out=$(report as "$OTHER_USER" "$OPSTATE=true")
    check_contains "a user the bus lets through but [Radio] User does not name: Unauthorized (henbd)" \
        "org.henbd.HeNB1.Error.Core.Unauthorized" "$out"
    check_eq "nobody's report changed nothing" "$STATUS0" "$(radio Status)"
    # the radio stack's user: let through by the bus policy and by henbd. The radio is not up
    # yet and says so, which keeps henbd's own guess of OpState (registered) out
    check_eq "the radio stack's user reports status" "()" "$(report as "$RADIO_USER" "$OPSTATE=false" "$RFTX=false")"
else
    tap_comment "not root: no bus policy to try; nobody's report is not tried"
    check_eq "the radio stack reports status" "()" "$(report "$OPSTATE=false" "$RFTX=false")"
fi

# --- a HeMS session writes the cell configuration -------------------------------------------
MATCH="type='signal',interface='org.henbd.HeNB1.Radio',member='ConfigurationChanged'"
busctl --address="$DBUS_SESSION_BUS_ADDRESS" monitor --json=short --match "$MATCH" \
    >"$WORK/busctl.log" 2>"$WORK/busctl.stderr" &
PIDS+=($!)
# busctl says nothing once it listens: a signal of our own shows it does
wait_eval 10 'gdbus emit --session -o /org/henbd/test -s org.henbd.HeNB1.Radio.ConfigurationChanged "probe" "@a{ss} {}" &&
    grep -q probe "$WORK/busctl.log"' || bail_out "busctl monitor does not see signals" "$(tail -3 "$WORK/busctl.stderr")"
PROBES=0
if [ -n "$HAVE_GI" ]; then
    gi watch "$WORK/gi.log" 2>"$WORK/gi.stderr" &
    PIDS+=($!)
    check "the GI client is connected" wait_eval 10 'grep -q ready "$WORK/gi.log"'
fi
henbctl_ wait --timeout "$(scaled 60)" >"$WORK/henbctl-wait.log" 2>&1 &
WAIT_PID=$!
PIDS+=($WAIT_PID)

check "henbctl start" henbctl_ start
check "registered" wait $WAIT_PID
check "ConfigurationChanged after the session" wait_eval 10 '[ $(signals) -gt $PROBES ]'
check_eq "ConfigurationKey is the session's ParameterKey" "'cell-1'" "$(radio ConfigurationKey)"
check_eq "AdminState true" "true" "$(radio AdminState)"
CONF1=$(radio Configuration)
for kv in $(expected_written); do
    check_contains "Configuration holds ${kv%%=*}" "'${kv%%=*}': '${kv#*=}'" "$CONF1"
done
check_contains "henbctl wait printed the change before registered" \
    "cell configuration applied: ParameterKey 'cell-1'" "$(cat "$WORK/henbctl-wait.log")"
SIG1=$(bus_signal $((PROBES + 1)))
check_eq "busctl: the signal carries the session's ParameterKey" "cell-1" "${SIG1%% *}"
for kv in $(expected_written); do
    check_contains "busctl: the signal carries ${kv%%=*}" " $kv" " ${SIG1#* }"
done
# the keyfile's view of the same configuration, and the bus property's
check_eq "the key file holds the signal's configuration and key" "$SIG1" "$(keyfile_values)"
check_contains "the bus shows the PerfMgmt password as \"\"" " ${PM}1.Password= " " ${SIG1#* } "
case "$(radio Configuration)$(cat "$WORK/busctl.log")" in
    *"$PM_PASSWORD"*) not_ok "the password is nowhere on the bus";;
    *) ok "the password is nowhere on the bus";;
esac
check_contains "the key file has the password" "Password=$PM_PASSWORD" "$(cat "$WORK/radio/cell.conf")"
check_contains "two PLMNList entries: the first" "[${PLMN}1]" "$(cat "$WORK/radio/cell.conf")"
check_contains "two PLMNList entries: the second" "[${PLMN}2]" "$(cat "$WORK/radio/cell.conf")"
check_eq "the key file is still 0640" "640" "$(stat -c %a "$WORK/radio/cell.conf")"
check_eq "the command ran once with the session's key" "1" "$(grep -c '^configuration key=cell-1 ' "$WORK/radio-command.log")"
check_contains "AdminState was handed over at once, during the session" "admin-state key= " \
    "$(cat "$WORK/radio-command.log")"

if [ -n "$HAVE_GI" ]; then
    check "GI: cell-configuration-changed" wait_eval 10 '[ $(gi_signals) -ge 1 ]'
    check_eq "GI: the signal's key" "cell-1" "$(gi_signal 1 'r["key"]')"
    check_eq "GI: the property holds the key in the handler" "cell-1" "$(gi_signal 1 'r["property_key"]')"
    check_eq "GI: the signal's configuration is the property's" "True" \
        "$(gi_signal 1 'r["configuration"] == r["property_configuration"]')"
    check_eq "GI: ... and busctl's" "${SIG1#* }" \
        "$(gi_signal 1 "' '.join('%s=%s' % kv for kv in sorted(r['configuration'].items()))")"
    check_eq "GI: AdminState in the handler" "True" "$(gi_signal 1 'r["admin_state"]')"
    check_contains "GI: notify::cell-configuration-key" '"value": "cell-1"' "$(grep notify "$WORK/gi.log")"
    # AdminState came with the SetParameterValues, the rest only when the session was over
    check_eq "GI: notify::cell-admin-state true before the configuration changed" \
        '{"notify": "cell-admin-state", "value": true}' \
        "$(grep -m1 -E 'cell-admin-state|cell-configuration-changed' "$WORK/gi.log")"
else
    ok "# SKIP the GI client: python3-gi or the Henb typelib is not available"
fi

# --- the radio stack reports; the HeMS asked for active notification ------------------------
if [ -n "$HAVE_GI" ]; then
    check_eq "GI: report_status OpState and RFTxStatus true, a GPS fix" "ok" \
        "$(gi report "$OPSTATE=true" "$RFTX=true" "${FIX[@]}")"
    check_contains "GI: report_status refused for a bad value, naming it" \
        "error org.henbd.HeNB1.Error.Core.InvalidArgs: $RFTX" "$(gi report "$RFTX=sometimes")"
else
    check_eq "henbctl cell report OpState and RFTxStatus true, a GPS fix" "" \
        "$(henbctl_ cell report "$OPSTATE=true" "$RFTX=true" "${FIX[@]}" 2>&1)"
fi
check_contains "Status holds OpState true" "'$OPSTATE': 'true'" "$(radio Status)"
check_contains "Status holds RFTxStatus true" "'$RFTX': 'true'" "$(radio Status)"
check "the HeMS got the value change session" wait_eval 20 'grep -q "^.*\[session 2\] -> InformResponse" "$LOG"'
check_contains "... an Inform with 4 VALUE CHANGE" "4 VALUE CHANGE" "$(grep '\[session 2\] from' "$LOG")"
check_contains "... carrying OpState true" "expect ok: param $OPSTATE=true" "$(grep '\[session 2\]' "$LOG")"
check_contains "... carrying RFTxStatus true" "expect ok: param $RFTX=true" "$(grep '\[session 2\]' "$LOG")"
check_contains "... carrying the GPS fix" "expect ok: param ${GPS}CurrentFix=true" "$(grep '\[session 2\]' "$LOG")"
check_contains "Status holds the fix's latitude" "'${GPS}Latitude': '48856614'" "$(radio Status)"
check "session 2 ended" wait_eval 20 'grep -q "\[session 2\] -> 204\|\[session 2\] .*released" "$LOG"'
check_eq "a session that changed no cell configuration: no ConfigurationChanged" "$((PROBES + 1))" "$(signals)"
check_eq "... and no command run" "1" "$(grep -c '^configuration key=cell-1 ' "$WORK/radio-command.log")"
[ -z "$HAVE_GI" ] || check_eq "GI: exactly one signal so far" "1" "$(gi_signals)"
check_contains "henbctl cell --json: the key" '"configuration_key": "cell-1"' "$(henbctl_ cell --json)"
check_contains "henbctl cell --json: the status" "\"$RFTX\": \"true\"" "$(henbctl_ cell --json)"
check "henbctl cell --json is JSON" /usr/bin/python3 -c "import json,sys; json.loads(sys.argv[1])" "$(henbctl_ cell --json)"

# --- a session of the agent, after registration, changes the cell configuration -------------
BEFORE=$(signals)
check_eq "the radio stack reports RFTxStatus false" "()" "$(report "$RFTX=false")"
check "... the HeMS's session 3 (4 VALUE CHANGE) changes the configuration" \
    wait_eval 20 '[ $(signals) -gt $BEFORE ]'
SIG2=$(bus_signal $((BEFORE + 1)))
check_eq "... one ConfigurationChanged with its key" "cell-2" "${SIG2%% *}"
check_contains "... with the new TAC" " ${LTE}EPC.TAC=4661 " " ${SIG2#* } "
check_contains "... and the second PLMN disabled" " ${PLMN}2.Enable=false " " ${SIG2#* } "
check_contains "... the rest as before" " ${PLMN}1.PLMNID=00101 " " ${SIG2#* } "
check_eq "... ConfigurationKey" "'cell-2'" "$(radio ConfigurationKey)"
check "... the key file holds it" wait_eval 10 '[ "$(keyfile_values)" = "$SIG2" ]'
check "... the command ran once with its key" wait_eval 10 \
    '[ $(grep -c "^configuration key=cell-2 " "$WORK/radio-command.log") = 1 ]'
check "session 3 ended" wait_eval 20 'grep -q "\[session 3\] -> 204" "$LOG"'
check_eq "... and no other ConfigurationChanged" "$((BEFORE + 1))" "$(signals)"
[ -z "$HAVE_GI" ] || check "GI: the second signal" wait_eval 10 '[ $(gi_signals) = 2 ]'
[ -z "$HAVE_GI" ] || check_eq "GI: its key" "cell-2" "$(gi_signal 2 'r["key"]')"
CONF1=$(radio Configuration)

# --- a restart keeps the configuration ------------------------------------------------------
RUNS=$(wc -l <"$WORK/radio-command.log")
stop_henbd
start_henbd
check_eq "after a restart: Configuration as before" "$CONF1" "$(radio Configuration)"
check_eq "after a restart: ConfigurationKey as before" "'cell-2'" "$(radio ConfigurationKey)"
check_eq "after a restart: AdminState as before" "true" "$(radio AdminState)"
check_eq "after a restart: the key file unchanged, the command not run again" "$RUNS" \
    "$(wc -l <"$WORK/radio-command.log")"
# the status is the radio's, not henbd's to keep: the radio stack reports again
check_contains "after a restart: the status is the factory's until reported" "'${GPS}Latitude': '0'" "$(radio Status)"
check_eq "the radio stack reports its fix again" "()" "$(report "${FIX[@]}")"

# --- a factory reset: the factory configuration, key "" -------------------------------------
BEFORE=$(signals)
check "henbctl start after the restart" henbctl_ start
check "the factory reset's ConfigurationChanged" wait_eval 30 '[ $(signals) -gt $BEFORE ]'
SIGR=$(bus_signal $((BEFORE + 1)))
check_eq "after the factory reset: key \"\"" "''" "$(radio ConfigurationKey)"
check_eq "... the signal's key is empty" "" "${SIGR%% *}"
check_contains "... AdminState false again" "$ADMIN=false" "$SIGR"
check_eq "... the AdminState property too" "false" "$(radio AdminState)"
check "... the key file rewritten with the factory values" wait_eval 10 '[ "$(keyfile_values)" = "$SIGR" ]'
case "$SIGR" in *PLMNList.1.*) not_ok "... no PLMNList entry left" "$SIGR";; *) ok "... no PLMNList entry left";; esac
check_contains "... TAC back to its factory value" "${LTE}EPC.TAC=0 " "$SIGR "
check "... the command ran with the key \"\"" wait_eval 10 \
    '[ $(grep -c "^configuration key= " "$WORK/radio-command.log") = 2 ]'
check_contains "... the radio's reported status stays" "'${GPS}Latitude': '48856614'" "$(radio Status)"
check "registered again" henbctl_ wait --timeout "$(scaled 60)"
check_eq "one ConfigurationChanged for the reset, none for the registration after it" "$((BEFORE + 1))" "$(signals)"
[ -z "$HAVE_GI" ] || check_eq "GI: three signals in all" "3" "$(gi_signals)"
[ -z "$HAVE_GI" ] || check_eq "GI: the third one's key is empty" "" "$(gi_signal 3 'r["key"]')"
[ -z "$HAVE_GI" ] || check_eq "GI: AdminState false in its handler" "False" "$(gi_signal 3 'r["admin_state"]')"
check "henbd logged no warning about the radio" bash -c "! grep -E 'WARNING.*(Radio|radio)' '$WORK/henbd.log'"

# --- without a backend: the bus only ---------------------------------------------------------
RUNS=$(wc -l <"$WORK/radio-command.log")
CONF=$(radio Configuration)
stop_henbd
sed -i '/^Backend=radio-keyfile$/d' "$WORK/etc/conf.d/50-test.conf"
start_henbd
check_eq "without [Radio] Backend: Backend is empty" "''" "$(radio Backend)"
check_eq "... the configuration is on the bus as before" "$CONF" "$(radio Configuration)"
check_contains "... henbctl cell says so" "radio backend: - (D-Bus only)" "$(henbctl_ cell)"
check_eq "... and no command ran" "$RUNS" "$(wc -l <"$WORK/radio-command.log")"
check_eq "every expectation of the HeMS's script held" "" "$(grep 'EXPECT FAILED' "$LOG")"

finish
