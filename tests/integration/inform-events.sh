#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every Inform states its cause (issue 10, 2b, d, f), against HeMS that provision only on an
# event, as GenieACS presets do. The operator has not entered the HeNB in the Initial HeMS yet:
# the retry of the failed discovery, `henbctl start` and `henbctl rediscover` each inform it
# with 0 BOOTSTRAP (1 BOOT only until a boot was acknowledged), RetryCount 0 since every
# session before completed. The Serving HeMS leaves out S1 at first: the registration retry
# carries 0 BOOTSTRAP too. The first Inform already names the Connection Request URL; the
# SetParameterValues of S1 is answered Status 0, that of the Serving HeMS URL Status 1.
. "$(dirname "$0")/../lib/common.sh"

MS=Device.ManagementServer.
cat >"$WORK/initial.script" <<EOF
session 1
# not entered yet: short retry waits, no Serving HeMS
rpc SetParameterValues key=retry-1 ${MS}CWMPRetryMinimumWaitInterval=xsd:unsignedInt:1 ${MS}CWMPRetryIntervalMultiplier=xsd:unsignedInt:1000
session 2
# henbd's own retry; still not entered, and long retry waits from now on
expect-event "0 BOOTSTRAP"
expect-no-event "1 BOOT"
rpc SetParameterValues key=retry-2 ${MS}CWMPRetryMinimumWaitInterval=xsd:unsignedInt:3600
session 3
# henbctl start
expect-event "0 BOOTSTRAP"
release
session 4
# henbctl rediscover
expect-event "0 BOOTSTRAP"
release
session *
# entered: the preset fires on 0 BOOTSTRAP
provision-on "0 BOOTSTRAP"
rpc Configure
rpc SetParameterValues key=retry-3 ${MS}CWMPRetryMinimumWaitInterval=xsd:unsignedInt:1
EOF
cat >"$WORK/serving.script" <<EOF
session 1
# the first session sets no S1 far end
expect-event "0 BOOTSTRAP"
release
session *
provision-on "0 BOOTSTRAP"
rpc Configure
EOF

make_pki
start_bus
start_dns hems.henb.test=$INITIAL_IP serving.henb.test=$SERVING_IP
start_hems initial $INITIAL_IP:7547 --role initial $(tls_args hems-dns) \
    --serving-hems-url https://serving.henb.test:7548/cwmp --script "$WORK/initial.script"
start_hems serving $SERVING_IP:7548 --role serving $(tls_args hems-dns) --s1 10.14.0.1 --script "$WORK/serving.script"
# its own address: the address toward the HeMS is 127.0.0.1, which tests running at once share
write_factory https://hems.henb.test:7547/cwmp "[ConnectionRequest]" "Address=$NET.9"
start_henbd

# inform_line LOG N -> the Inform line of session N
inform_line() { grep "\[session $2\] from .*: Inform " "$WORK/$1.log"; }
failed_no_serving() { [ "$(prop '' State)" = "-1" ] && [ "$(prop '' StateFailedReason)" = "uint32 9" ]; }

check "the first discovery fails: no Serving HeMS" wait_eval 30 failed_no_serving
check_contains "the first Inform: 0 BOOTSTRAP and 1 BOOT" "events: 0 BOOTSTRAP, 1 BOOT; RetryCount 0;" \
    "$(inform_line initial 1)"
check "the first Inform names the Connection Request URL" \
    grep -Eq "\[session 1\]    ${MS}ConnectionRequestURL = http://$NET.9:[0-9]+/" "$WORK/initial.log"
check "a plain parameter: SetParameterValuesResponse Status 0" \
    grep -q "\[session 1\] <- SetParameterValuesResponse Status 0$" "$WORK/initial.log"

check "henbd retries discovery on its own" wait_eval 30 'inform_line initial 2'
check_contains "the retry: 0 BOOTSTRAP without the acknowledged 1 BOOT, RetryCount 0" \
    "events: 0 BOOTSTRAP; RetryCount 0;" "$(inform_line initial 2)"
check "... and fails again" wait_eval 30 'grep -q "\[session 2\] -> 204" "$WORK/initial.log" && failed_no_serving'

henbctl_ start
check "henbctl start informs the Initial HeMS" wait_eval 30 'inform_line initial 3'
check_contains "... with 0 BOOTSTRAP, RetryCount 0" "events: 0 BOOTSTRAP; RetryCount 0;" "$(inform_line initial 3)"
check "... and fails" wait_eval 30 'grep -q "\[session 3\] -> 204" "$WORK/initial.log" && failed_no_serving'

henbctl_ rediscover
check "henbctl rediscover informs the Initial HeMS" wait_eval 30 'inform_line initial 4'
check_contains "... with 0 BOOTSTRAP, RetryCount 0" "events: 0 BOOTSTRAP; RetryCount 0;" "$(inform_line initial 4)"
check "... and fails" wait_eval 30 'grep -q "\[session 4\] -> 204" "$WORK/initial.log" && failed_no_serving'

# the operator enters the HeNB: the next Inform makes the preset fire
henbctl_ start
check "the Initial HeMS hands out the Serving HeMS" wait_for 30 grep -q "\[session 5\] -> SetParameterValues" "$WORK/initial.log"
check "a new HeMS: SetParameterValuesResponse Status 1" wait_for 30 \
    grep -q "\[session 5\] <- SetParameterValuesResponse Status 1$" "$WORK/initial.log"
check "the Serving HeMS sets no S1 at first: no-s1-address" \
    wait_eval 30 '[ "$(prop "" StateFailedReason)" = "uint32 10" ]'
check_contains "the Serving HeMS's first Inform: 0 BOOTSTRAP" "events: 0 BOOTSTRAP; RetryCount 0;" \
    "$(inform_line serving 1)"
check "henbd retries the registration on its own" wait_eval 30 'inform_line serving 2'
check_contains "the registration retry: 0 BOOTSTRAP again, RetryCount 0" "events: 0 BOOTSTRAP; RetryCount 0;" \
    "$(inform_line serving 2)"
check "registered" wait_eval 30 '[ "$(prop "" State)" = 6 ]'
check "S1 configuration: SetParameterValuesResponse Status 0" \
    grep -q "\[session 2\] <- SetParameterValuesResponse Status 0$" "$WORK/serving.log"
check "the Serving HeMS's first Inform names the Connection Request URL" \
    grep -Eq "\[session 1\]    ${MS}ConnectionRequestURL = http://$NET.9:[0-9]+/" "$WORK/serving.log"
check "every scripted expectation held" bash -c "! grep -q 'EXPECT FAILED' '$WORK/initial.log' '$WORK/serving.log'"
finish
