#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The LTE cell configuration (TR-196 CellConfig.LTE, issue 11) from a scripted Serving HeMS:
# two PLMNList entries by AddObject, the whole cell configuration in one SetParameterValues
# (Status 0: applied at once), a PerfMgmt upload entry, the values of the whole tree, the
# invalid values of the issue (9007 each, nothing applied), radio status refused (9008); the
# configuration survives a restart of henbd and a FactoryReset clears it.
. "$(dirname "$0")/../lib/common.sh"

FAP=Device.Services.FAPService.1.
CELL=${FAP}CellConfig.LTE.
PLMN=${CELL}EPC.PLMNList.
RF=${CELL}RAN.RF.
PM=Device.FAP.PerfMgmt.Config.
cat >"$WORK/serving.script" <<EOF
session 1
expect-event "0 BOOTSTRAP"
rpc Configure
rpc AddObject $PLMN key=plmn-1
rpc AddObject $PLMN key=plmn-2
rpc SetParameterValues key=cell-1 \
    ${FAP}FAPControl.LTE.AdminState=xsd:boolean:true \
    ${CELL}EPC.TAC=xsd:unsignedInt:4660 \
    ${PLMN}1.Enable=xsd:boolean:true ${PLMN}1.IsPrimary=xsd:boolean:true \
    ${PLMN}1.PLMNID=xsd:string:00101 ${PLMN}1.CellReservedForOperatorUse=xsd:boolean:false \
    ${PLMN}2.Enable=xsd:boolean:true ${PLMN}2.IsPrimary=xsd:boolean:false \
    ${PLMN}2.PLMNID=xsd:string:310410 ${PLMN}2.CellReservedForOperatorUse=xsd:boolean:true \
    ${CELL}RAN.Common.CellIdentity=xsd:unsignedInt:1234567 \
    ${RF}EARFCNDL=xsd:string:3100 ${RF}EARFCNUL=xsd:string:21100 \
    ${RF}FreqBandIndicator=xsd:unsignedInt:7 \
    ${RF}DLBandwidth=xsd:string:50 ${RF}ULBandwidth=xsd:string:50 \
    ${RF}PhyCellID=xsd:string:17,10..20 ${RF}ReferenceSignalPower=xsd:string:-10 \
    ${CELL}RAN.CellRestriction.CellBarred=xsd:boolean:false \
    ${CELL}RAN.CellRestriction.CellReservedForOperatorUse=xsd:boolean:false \
    Device.IPsec.Enable=xsd:boolean:true
rpc AddObject $PM key=pm-1
rpc SetParameterValues key=pm-2 ${PM}1.Enable=xsd:boolean:true \
    ${PM}1.URL=xsd:string:https://pm.example.net/upload ${PM}1.Username=xsd:string:pm \
    ${PM}1.Password=xsd:string:pm-secret ${PM}1.PeriodicUploadInterval=xsd:unsignedInt:900 \
    ${PM}1.PeriodicUploadTime=xsd:dateTime:2026-01-01T00:00:00Z
rpc SetParameterValues key=bad-1 ${CELL}EPC.TAC=xsd:unsignedInt:1 \
    ${RF}EARFCNDL=xsd:string:70000 ${RF}PhyCellID=xsd:string:504 \
    ${PLMN}1.PLMNID=xsd:string:0010 ${RF}DLBandwidth=xsd:string:20
rpc SetParameterValues key=bad-2 ${CELL}EPC.TAC=xsd:unsignedInt:2 \
    ${FAP}FAPControl.LTE.OpState=xsd:boolean:true
rpc GetParameterValues Device.
release

# after a restart of henbd: the cell configuration is still there
session 2
expect-event "1 BOOT"
expect-no-event "0 BOOTSTRAP"
expect-param Device.ManagementServer.ParameterKey=pm-2
rpc GetParameterValues $CELL Device.FAP.PerfMgmt.
rpc FactoryReset
release

# after the factory reset: registration again, the cell back to its factory state
session 3
expect-event "0 BOOTSTRAP"
rpc Configure
rpc GetParameterValues $CELL Device.FAP.PerfMgmt. ${FAP}FAPControl.LTE.AdminState Device.IPsec.Enable
release
EOF

start_hems_pair --s1 10.12.0.1 --script "$WORK/serving.script"
write_factory https://hems.henb.test:7547/cwmp
start_henbd
check "registered" wait_final 30
LOG=$WORK/serving.log
check "session 1 released" wait_for 10 grep -q "\[session 1\] -> 204" "$LOG"

# what one session's GetParameterValuesResponse said NAME was: in_session N NAME VALUE
in_session() { grep -q "^.*\[session $1\]    $2 = $3\$" "$LOG"; }

check "AddObject PLMNList: instance 1, then instance 2" \
    grep -Pzq "AddObjectResponse instance 1 status 0(.|\n)*AddObjectResponse instance 2 status 0" "$LOG"
# henbd's answers in order: Configure, two AddObject, the cell, AddObject, the PerfMgmt entry,
# the two refused requests, the whole tree
answers=$(sed -n 's/.*\[session 1\] <- \([A-Za-z]*\( Status [01]\| instance [0-9]*\| 900[0-9]\)\?\).*/\1/p' "$LOG" |
    tr '\n' ';')
check_eq "the whole cell configuration and the PerfMgmt entry: Status 0 (applied at once)" \
    "empty;SetParameterValuesResponse Status 0;AddObjectResponse instance 1;AddObjectResponse instance 2;SetParameterValuesResponse Status 0;AddObjectResponse instance 1;SetParameterValuesResponse Status 0;Fault 9003;Fault 9003;GetParameterValuesResponse;" \
    "$answers"
check "the invalid values: fault 9003" test "$(grep -c "\[session 1\] <- Fault 9003" "$LOG")" = 2
for name in ${RF}EARFCNDL ${RF}PhyCellID ${PLMN}1.PLMNID ${RF}DLBandwidth; do
    check "invalid $name: 9007" grep -q "\[session 1\]    $name: 9007" "$LOG"
done
check "the valid TAC beside them: no fault of its own" bash -c "! grep -q '    ${CELL}EPC.TAC: ' '$LOG'"
check "OpState (radio status) written by the HeMS: 9008" \
    grep -q "\[session 1\]    ${FAP}FAPControl.LTE.OpState: 9008" "$LOG"

# the whole tree, after the refused SetParameterValues
check "GetParameterValues Device.: answered" grep -q "\[session 1\] <- GetParameterValuesResponse" "$LOG"
check "whole tree: nothing of the refused requests applied (TAC 4660)" in_session 1 "${CELL}EPC.TAC" 4660
check "whole tree: PLMNListNumberOfEntries 2" in_session 1 "${CELL}EPC.PLMNListNumberOfEntries" 2
check "whole tree: PLMN 1" in_session 1 "${PLMN}1.PLMNID" 00101
check "whole tree: PLMN 1 primary" in_session 1 "${PLMN}1.IsPrimary" true
check "whole tree: PLMN 2" in_session 1 "${PLMN}2.PLMNID" 310410
check "whole tree: PLMN 2 reserved for operator use" in_session 1 "${PLMN}2.CellReservedForOperatorUse" true
check "whole tree: EARFCNDL" in_session 1 "${RF}EARFCNDL" 3100
check "whole tree: PhyCellID" in_session 1 "${RF}PhyCellID" "17,10..20"
check "whole tree: DLBandwidth" in_session 1 "${RF}DLBandwidth" 50
check "whole tree: ReferenceSignalPower" in_session 1 "${RF}ReferenceSignalPower" -10
check "whole tree: CellIdentity" in_session 1 "${CELL}RAN.Common.CellIdentity" 1234567
check "whole tree: AdminState" in_session 1 "${FAP}FAPControl.LTE.AdminState" true
check "whole tree: Device.IPsec.Enable" in_session 1 Device.IPsec.Enable true
check "whole tree: the PerfMgmt URL" in_session 1 "${PM}1.URL" https://pm.example.net/upload
check "whole tree: the PerfMgmt password reads empty" in_session 1 "${PM}1.Password" ""
check "whole tree: GPS status" in_session 1 Device.FAP.GPS.ContinuousGPSStatus.GotFix false
check "whole tree: capabilities" in_session 1 "${FAP}Capabilities.LTE.NNSFSupported" false
count=$(sed -n 's/.*\[session 1\] <- GetParameterValuesResponse \([0-9]*\) parameters.*/\1/p' "$LOG")
check "whole tree: more than 150 parameters ($count)" test "${count:-0}" -gt 150

check "the state file holds the PerfMgmt password, not the GetParameterValues answer" \
    grep -q "pm-secret" "$WORK/state/henbd.state"

stop_henbd
start_henbd
check "after restart: session 2 reached the FactoryReset" \
    wait_for 30 grep -q "\[session 2\] <- FactoryResetResponse" "$LOG"
check "after restart: PLMN 2 kept" in_session 2 "${PLMN}2.PLMNID" 310410
check "after restart: PLMNListNumberOfEntries 2" in_session 2 "${CELL}EPC.PLMNListNumberOfEntries" 2
check "after restart: EARFCNDL kept" in_session 2 "${RF}EARFCNDL" 3100
check "after restart: PhyCellID kept" in_session 2 "${RF}PhyCellID" "17,10..20"
check "after restart: TAC kept" in_session 2 "${CELL}EPC.TAC" 4660
check "after restart: the PerfMgmt entry kept" in_session 2 "${PM}1.PeriodicUploadInterval" 900

check "FactoryReset: registered again" wait_for 40 grep -q "\[session 3\] <- GetParameterValuesResponse" "$LOG"
check "FactoryReset: no PLMNList entry" in_session 3 "${CELL}EPC.PLMNListNumberOfEntries" 0
check "FactoryReset: no PLMN 2" bash -c "! grep -q '\[session 3\]    ${PLMN}2.PLMNID' '$LOG'"
check "FactoryReset: EARFCNDL empty" in_session 3 "${RF}EARFCNDL" ""
check "FactoryReset: TAC 0" in_session 3 "${CELL}EPC.TAC" 0
check "FactoryReset: no PerfMgmt entry" in_session 3 Device.FAP.PerfMgmt.ConfigNumberOfEntries 0
check "FactoryReset: the cell is off" in_session 3 "${FAP}FAPControl.LTE.AdminState" false
check "FactoryReset: Device.IPsec.Enable back to false" in_session 3 Device.IPsec.Enable false
check "every scripted expectation held" bash -c "! grep -q 'EXPECT FAILED' '$LOG'"
check "all expectations were checked" test "$(grep -c 'expect ok' "$LOG")" -ge 5
finish
