#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The RPCs a CPE must answer (TR-069 Amendment 6, Table 5), from a scripted Serving HeMS:
# GetRPCMethods, GetParameterNames, Set/GetParameterAttributes, AddObject, DeleteObject,
# ScheduleInform, then what they lead to: an active value-change session, InformParameter
# entries in the Inform, persistence across a restart, Reboot (M Reboot + 1 BOOT) and
# FactoryReset (discovery from the Initial HeMS again).
. "$(dirname "$0")/../lib/common.sh"

OPSTATE=Device.Services.FAPService.1.FAPControl.LTE.OpState
IP=Device.ManagementServer.InformParameter.
cat >"$WORK/serving.script" <<EOF
session 1
expect-event "0 BOOTSTRAP"
rpc Configure
rpc GetRPCMethods
rpc GetParameterNames Device.ManagementServer. true
rpc SetParameterAttributes $OPSTATE=2 Device.DeviceInfo.UpTime=2
rpc SetParameterAttributes $OPSTATE=2 Device.ManagementServer.PeriodicInformInterval=1:Subscriber
rpc GetParameterAttributes $OPSTATE Device.ManagementServer.PeriodicInformInterval
rpc AddObject $IP key=add-1
rpc SetParameterValues key=ip-1 ${IP}1.Enable=xsd:boolean:true ${IP}1.ParameterName=Device.DeviceInfo.UpTime
rpc AddObject $IP key=add-2
rpc DeleteObject ${IP}2. key=del-2
rpc DeleteObject ${IP}2. key=del-again
rpc ScheduleInform 6 sched-1
rpc ScheduleInform 0 sched-bad
release

# OpState turned true when registration completed: active notification
session 2
expect-event "4 VALUE CHANGE"
expect-param $OPSTATE=true
release

session 3
expect-event "3 SCHEDULED"
expect-event "M ScheduleInform" sched-1
expect-param Device.ManagementServer.ParameterKey=del-2
expect-param Device.DeviceInfo.UpTime
release

# after a restart of henbd: what the HeMS configured is still there
session 4
expect-event "1 BOOT"
expect-no-event "0 BOOTSTRAP"
expect-param Device.DeviceInfo.UpTime
rpc GetParameterAttributes $OPSTATE
rpc GetParameterValues Device.ManagementServer.InformParameterNumberOfEntries
rpc Reboot reboot-1
release

session 5
expect-event "1 BOOT"
expect-event "M Reboot" reboot-1
expect-no-event "0 BOOTSTRAP"
rpc FactoryReset
release

# after the factory reset, registration again: a new ACS URL means 0 BOOTSTRAP (1 BOOT went to
# the Initial HeMS, the first one the HeNB reached after the reset)
session 6
expect-event "0 BOOTSTRAP"
expect-no-event "1 BOOT"
rpc Configure
rpc GetParameterAttributes $OPSTATE
rpc GetParameterValues Device.ManagementServer.InformParameterNumberOfEntries Device.ManagementServer.ParameterKey
release
EOF

start_hems_pair --s1 10.12.0.1 \
    --script "$WORK/serving.script"
write_factory https://hems.henb.test:7547/cwmp "[ConnectionRequest]" "Address=$NET.9"
start_henbd
check "registered" wait_final 30
LOG=$WORK/serving.log

check_contains "GetRPCMethods lists every RPC of Table 5 and ScheduleInform" \
    "GetRPCMethods, SetParameterValues, GetParameterValues, GetParameterNames, SetParameterAttributes, GetParameterAttributes, AddObject, DeleteObject, Reboot, Download, FactoryReset, ScheduleInform" \
    "$(grep "<- GetRPCMethodsResponse" "$LOG")"
check "the Inform offers CWMP 1.0 to 1.4 (SupportedCWMPVersions)" \
    grep -q "\[session 1\]    SupportedCWMPVersions 1.0,1.1,1.2,1.3,1.4" "$LOG"
check "GetParameterNames, NextLevel true: the table object, writable" grep -q "   ${IP} writable" "$LOG"
check "SetParameterAttributes: active notification of UpTime refused with 9009" grep -q "<- Fault 9009" "$LOG"
check "GetParameterAttributes: OpState active, the refused request changed nothing else" \
    grep -q "   $OPSTATE notification 2 access-list -" "$LOG"
check "GetParameterAttributes: passive with the Subscriber access list" \
    grep -q "   Device.ManagementServer.PeriodicInformInterval notification 1 access-list Subscriber" "$LOG"
check "AddObject: instance 1, then instance 2" \
    grep -Pzq "AddObjectResponse instance 1 status 0(.|\n)*AddObjectResponse instance 2 status 0" "$LOG"
check "DeleteObject of instance 2" grep -q "<- DeleteObjectResponse status 0" "$LOG"
check "DeleteObject of a deleted instance: 9005" grep -q "<- Fault 9005" "$LOG"
check "ScheduleInform with 0 s: 9003" grep -q "<- Fault 9003" "$LOG"

check "active notification: a session with 4 VALUE CHANGE" wait_for 10 grep -q "^.*\[session 2\] from .*events: 4 VALUE CHANGE;" "$LOG"
check "4 VALUE CHANGE alone does not bring InformParameter entries" \
    test "$(sed -n '/\[session 2\] from/,/\[session 2\] ->/p' "$LOG" | grep -c "Device.DeviceInfo.UpTime")" = 0
check "ScheduleInform: a session with 3 SCHEDULED and M ScheduleInform" \
    wait_for 15 grep -q "\[session 3\] from .*events: 3 SCHEDULED, M ScheduleInform;" "$LOG"
# the HeMS logged session 3's Inform; henbd counts it once it is over
wait_eval 10 '[ "$(prop Management SessionCount)" = "uint32 2" ]'
check_eq "Management: sessions after registration counted" "uint32 2" "$(prop Management SessionCount)"
check_eq "Management: last session ok" "'ok'" "$(prop Management LastSessionResult)"
check_eq "Management: nothing pending" "@as []" "$(prop Management PendingEvents)"
check_contains "Management: the Connection Request URL" "'http://$NET.9:7547/" "$(prop Management ConnectionRequestURL)"

# restart, then the HeMS reboots the HeNB, then resets it to factory
stop_henbd
start_henbd
# (the HeMS reboots the HeNB right in this session: wait for the session, not for the state)
check "after restart: registered" wait_for 30 grep -q "\[session 4\] <- RebootResponse" "$LOG"
check "after restart: notification attribute kept" test "$(grep -c "   $OPSTATE notification 2" "$LOG")" -ge 2
check "after restart: the InformParameter instance kept" \
    grep -q "\[session 4\]    Device.ManagementServer.InformParameterNumberOfEntries = 1" "$LOG"
check "Reboot: the HeNB came back with M Reboot and 1 BOOT" \
    wait_for 20 grep -q "\[session 5\] from .*events: M Reboot, 1 BOOT;" "$LOG"
check "FactoryReset: discovery through the Initial HeMS again, 0 BOOTSTRAP and 1 BOOT" \
    wait_for 20 grep -q "\[session 2\] from .*events: 0 BOOTSTRAP, 1 BOOT;" "$WORK/initial.log"
check "FactoryReset: registered again" wait_final 30
check "FactoryReset: attributes back to off" grep -q "\[session 6\]    $OPSTATE notification 0" "$LOG"
check "FactoryReset: no InformParameter instance, the Serving HeMS's ParameterKey" \
    grep -q "\[session 6\]    Device.ManagementServer.InformParameterNumberOfEntries = 0" "$LOG"
check "every scripted expectation held" bash -c "! grep -q 'EXPECT FAILED' '$LOG'"
check "all expectations were checked" test "$(grep -c 'expect ok' "$LOG")" -ge 14
finish
