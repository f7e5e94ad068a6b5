#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# GenieACS as a Serving HeMS that manages the cell (issue 11): a provision on 0 BOOTSTRAP, as an
# operator writes one, creates two PLMNList entries with declare() and alias paths (GenieACS
# adds the objects, then sets their PLMNID) and writes the whole LTE cell configuration. henbd
# answers every RPC without a fault; a radio-stack client on the bus sees one
# ConfigurationChanged with every value; GenieACS reads back what it wrote.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/genieacs.sh"

FAP=Device.Services.FAPService.1.
CELL=${FAP}CellConfig.LTE.
PLMN=${CELL}EPC.PLMNList.
RF=${CELL}RAN.RF.

start_genieacs_pair
genieacs_initial_hands_out_serving
genieacs_serving_sets_s1 10.12.0.1
genieacs_provision serving cell "const cell = \"$CELL\", plmn = \"$PLMN\", rf = \"$RF\";
declare(plmn + \"[PLMNID:00101]\", {path: 1}, {path: 1});
declare(plmn + \"[PLMNID:310410]\", {path: 1}, {path: 1});
declare(plmn + \"[PLMNID:00101].Enable\", {value: 1}, {value: true});
declare(plmn + \"[PLMNID:00101].IsPrimary\", {value: 1}, {value: true});
declare(plmn + \"[PLMNID:00101].CellReservedForOperatorUse\", {value: 1}, {value: false});
declare(plmn + \"[PLMNID:310410].Enable\", {value: 1}, {value: true});
declare(plmn + \"[PLMNID:310410].IsPrimary\", {value: 1}, {value: false});
declare(plmn + \"[PLMNID:310410].CellReservedForOperatorUse\", {value: 1}, {value: true});
declare(cell + \"EPC.TAC\", {value: 1}, {value: 4660});
declare(cell + \"RAN.Common.CellIdentity\", {value: 1}, {value: 1234567});
declare(rf + \"EARFCNDL\", {value: 1}, {value: \"3100\"});
declare(rf + \"EARFCNUL\", {value: 1}, {value: \"21100\"});
declare(rf + \"FreqBandIndicator\", {value: 1}, {value: 7});
declare(rf + \"DLBandwidth\", {value: 1}, {value: \"50\"});
declare(rf + \"ULBandwidth\", {value: 1}, {value: \"50\"});
declare(rf + \"PhyCellID\", {value: 1}, {value: \"17\"});
declare(rf + \"ReferenceSignalPower\", {value: 1}, {value: \"-10\"});
declare(cell + \"RAN.CellRestriction.CellBarred\", {value: 1}, {value: false});
declare(\"${FAP}FAPControl.LTE.AdminState\", {value: 1}, {value: true});"
genieacs_preset serving cell cell "0 BOOTSTRAP"
genieacs_factory

MATCH="type='signal',interface='org.henbd.HeNB1.Radio',member='ConfigurationChanged'"
busctl --address="$DBUS_SESSION_BUS_ADDRESS" monitor --json=short --match "$MATCH" \
    >"$WORK/busctl.log" 2>"$WORK/busctl.stderr" &
PIDS+=($!)
# busctl says nothing once it listens: a signal of our own shows it does
wait_eval 10 'gdbus emit --session -o /org/henbd/test -s org.henbd.HeNB1.Radio.ConfigurationChanged "probe" "@a{ss} {}" &&
    grep -q probe "$WORK/busctl.log"' || bail_out "busctl monitor does not see signals" "$(tail -3 "$WORK/busctl.stderr")"
signals() { grep '"member":"ConfigurationChanged"' "$WORK/busctl.log" | grep -vc '"probe"'; }
# NAME of the first ConfigurationChanged's configuration
signal_value() {
    /usr/bin/python3 -c "import json,sys
lines=[json.loads(l) for l in open(sys.argv[1]) if 'ConfigurationChanged' in l and '\"probe\"' not in l]
print(lines[0]['payload']['data'][1].get(sys.argv[2], '(absent)'))" "$WORK/busctl.log" "$1"
}

start_henbd
t0=$SECONDS
check "registered" wait_final 120
echo "# registration with the cell provisioned took $(( SECONDS - t0 )) s"
check_eq "State is registered (6)" "6" "$(prop '' State)"
check "the cell configuration is applied: ConfigurationChanged" wait_eval 30 '[ "$(signals)" -ge 1 ]'
check_eq "the Serving GenieACS recorded no fault" "" "$(genieacs_faults serving)"

# which instance holds which PLMN is GenieACS's choice: find them by PLMNID
inst_of() { /usr/bin/python3 -c "import json,sys
lines=[json.loads(l) for l in open(sys.argv[1]) if 'ConfigurationChanged' in l and '\"probe\"' not in l]
c=lines[0]['payload']['data'][1]
print(''.join(k[len(sys.argv[2]):-len('.PLMNID')] for k, v in c.items() if k.startswith(sys.argv[2]) and k.endswith('.PLMNID') and v == sys.argv[3]))" \
    "$WORK/busctl.log" "$PLMN" "$1"; }
A=$(inst_of 00101)
B=$(inst_of 310410)
check "two PLMNList entries, one per PLMN" test -n "$A" -a -n "$B" -a "$A" != "$B"
for kv in "EPC.TAC=4660" "RAN.Common.CellIdentity=1234567" "RAN.RF.EARFCNDL=3100" "RAN.RF.EARFCNUL=21100" \
          "RAN.RF.FreqBandIndicator=7" "RAN.RF.DLBandwidth=50" "RAN.RF.ULBandwidth=50" "RAN.RF.PhyCellID=17" \
          "RAN.RF.ReferenceSignalPower=-10" "RAN.CellRestriction.CellBarred=false" \
          "EPC.PLMNList.$A.Enable=true" "EPC.PLMNList.$A.IsPrimary=true" \
          "EPC.PLMNList.$A.CellReservedForOperatorUse=false" "EPC.PLMNList.$B.Enable=true" \
          "EPC.PLMNList.$B.IsPrimary=false" "EPC.PLMNList.$B.CellReservedForOperatorUse=true"; do
    check_eq "the signal carries ${kv%%=*}" "${kv#*=}" "$(signal_value "$CELL${kv%%=*}")"
done
check_eq "the signal carries AdminState" "true" "$(signal_value "${FAP}FAPControl.LTE.AdminState")"
check_eq "one ConfigurationChanged for the session" "1" "$(signals)"
KEY=$(/usr/bin/python3 -c "import json,sys
print([json.loads(l) for l in open(sys.argv[1]) if 'ConfigurationChanged' in l and '\"probe\"' not in l][0]['payload']['data'][0])" "$WORK/busctl.log")
check_eq "Radio.ConfigurationKey is the signal's ParameterKey" "'$KEY'" "$(prop Radio ConfigurationKey)"
check_contains "henbctl cell shows the TAC" "4660" "$(henbctl_ cell 2>&1 | grep EPC.TAC)"

DEV=$(genieacs_device_id serving)
check_eq "GenieACS reads back the TAC" "4660" "$(genieacs_value serving "$DEV" "${CELL}EPC.TAC")"
check_eq "GenieACS reads back the PLMNID of entry $B" "310410" "$(genieacs_value serving "$DEV" "${PLMN}$B.PLMNID")"
check_eq "GenieACS reads back the PLMNID of entry $A" "00101" "$(genieacs_value serving "$DEV" "${PLMN}$A.PLMNID")"
finish
