#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# HeMS behaviours seen in the field. A Serving HeMS that speaks only CWMP 1.0 and faults
# anything else with 8006: henbd informs again at once, one version older each time, and
# after a restart starts in cwmp-1-0. Then, with another HeMS:
# an empty HTTP 200 instead of the InformResponse after a Reboot (the events stay, M Reboot
# comes again), a 302 in the middle of a session (followed; ManagementServer.URL unchanged), a
# fresh authentication challenge mid-session, several requests before the release, and a HeMS
# that never releases the session (henbd's session deadline, then a retry).
. "$(dirname "$0")/../lib/common.sh"

MS=Device.ManagementServer.
# phase 1: a Serving HeMS that speaks only CWMP 1.0
cat >"$WORK/v10.script" <<EOF
session *
only-namespace 1.0
rpc Configure
rpc GetParameterValues ${MS}ParameterKey
rpc GetParameterNames Device.DeviceInfo. true
release
EOF
# phase 2: the other behaviours
cat >"$WORK/serving.script" <<EOF
session 1
rpc Configure
rpc SetParameterValues key=field-1 ${MS}CWMPRetryMinimumWaitInterval=xsd:unsignedInt:1
rpc Reboot reboot-1
release

session 2
expect-event "M Reboot" reboot-1
inform-response empty200

session 3
expect-event "M Reboot" reboot-1
expect-event "1 BOOT"
http 302 https://serving.henb.test:7548/cwmp/moved
rpc GetParameterValues ${MS}URL
http 401-once
rpc ScheduleInform 1 hang
release

session 4
expect-event "M ScheduleInform" hang
never-release hang

session *
release
EOF

make_pki
start_bus
start_dns hems.henb.test=$INITIAL_IP serving.henb.test=$SERVING_IP
start_hems initial-v10 $INITIAL_IP:7546 --role initial $(tls_args hems-dns) \
    --serving-hems-url https://serving.henb.test:7549/cwmp
start_hems v10 $SERVING_IP:7549 --role serving $(tls_args hems-dns) --s1 10.16.0.1 --script "$WORK/v10.script"
start_hems initial $INITIAL_IP:7547 --role initial $(tls_args hems-dns) \
    --serving-hems-url https://serving.henb.test:7548/cwmp
start_hems serving $SERVING_IP:7548 --role serving $(tls_args hems-dns) --s1 10.16.0.1 \
    --script "$WORK/serving.script" --auth digest --username "00005A-HeNB-SN%2D$HENB_TEST_NET" --password hems-pw

write_factory https://hems.henb.test:7546/cwmp "[ConnectionRequest]" "Address=$NET.9"
start_henbd
check "registered with a cwmp-1-0-only HeMS" wait_final 30
V10=$WORK/v10.log
check "the first Inform in cwmp-1-2 was refused with 8006" grep -q "\[session 1\] -> Fault 8006" "$V10"
check "henbd informed again at once, in cwmp-1-1, then in cwmp-1-0" \
    bash -c "grep -q '\[session 2\] from .*Inform (urn:dslforum-org:cwmp-1-1)' '$V10' &&
             grep -q '\[session 3\] from .*Inform (urn:dslforum-org:cwmp-1-0)' '$V10'"
check "... and said so" grep -q "informing again in urn:dslforum-org:cwmp-1-0" "$WORK/henbd.log"
check "several requests before the release, answered in cwmp-1-0" grep -q "\[session 3\] <- GetParameterNamesResponse" "$V10"
stop_henbd
start_henbd
check "after a restart: registered again" wait_final 30
check_eq "a restart starts in cwmp-1-0, the version this HeMS accepted" \
    "urn:dslforum-org:cwmp-1-0" \
    "$(grep "\[session [4]\] from" "$V10" | grep -o "urn:dslforum-org:cwmp-1-[0-9]" | tr '\n' ' ' | sed 's/ $//')"

# phase 2
stop_henbd
rm -rf "$WORK/state"
write_factory https://hems.henb.test:7547/cwmp "[ConnectionRequest]" "Address=$NET.9" \
    "[CWMP]" "Password=hems-pw" "[Timeouts]" "Session=10"
start_henbd
check "the second HeMS registered the HeNB, then asked for a reboot" \
    wait_for 20 grep -q "\[session 1\] <- RebootResponse" "$WORK/serving.log"
LOG=$WORK/serving.log
check "empty 200 instead of an InformResponse: the attempt failed" \
    wait_for 20 grep -q "answered the Inform with an empty HTTP 200" "$WORK/henbd.log"
check "... and henbd came back with M Reboot and 1 BOOT still queued" \
    wait_for 20 grep -q "\[session 3\] from .*events: .*M Reboot.*RetryCount 1;" "$LOG"
check "302 mid-session: followed" wait_for 10 grep -q "HeMS redirects the session to https://serving.henb.test:7548/cwmp/moved" "$WORK/henbd.log"
check "302: ManagementServer.URL unchanged" wait_for 10 grep -q "\[session 3\]    ${MS}URL = https://serving.henb.test:7548/cwmp$" "$LOG"
check "a fresh challenge mid-session: answered, the session went on" wait_for 10 grep -q "\[session 3\] <- ScheduleInformResponse" "$LOG"
check "a session never released: henbd gives up after 10 s" \
    wait_for 25 grep -q "session with https://serving.henb.test:7548/cwmp failed: the session with .* did not end within 10 s" "$WORK/henbd.log"
check "... and retries on the schedule" wait_for 15 grep -q "\[session 5\] from .*RetryCount 1;" "$LOG"
check "every scripted expectation held" bash -c "! grep -q 'EXPECT FAILED' '$LOG' '$V10'"
finish
