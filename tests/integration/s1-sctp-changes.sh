#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# s1-sctp and the Serving HeMS's S1 values: S1ConnectionMode One with a far end that refuses
# the association first in S1SigLinkServerList (the next one answers and henbd registers with
# it); after registration a session that changes S1SigLinkServerList sets S1 up again with
# the new list (the old association ends, a new S1SetupRequest goes out), and a step record
# says so. The MME is tests/s1/henb-fake-mme.
. "$(dirname "$0")/../lib/common.sh"

[ -x "${HENB_FAKE_MME:-}" ] || skip_all "henb-fake-mme not built (needs libusrsctp-dev)"
MME_UDP=$(( 30000 + HENB_TEST_NET * 4 ))
MME_LOG=$WORK/fake-mme.log
mme_lines() { awk -v w="$1" '$2 == w { $1 = ""; print substr($0, 2) }' "$MME_LOG"; }

GW=Device.Services.FAPService.1.FAPControl.LTE.Gateway.
cat >"$WORK/serving.script" <<EOF2
session 1
expect-event "0 BOOTSTRAP"
rpc Configure
rpc ScheduleInform 1 change-list
release

session 2
expect-event "M ScheduleInform" change-list
rpc SetParameterValues key=s1-list ${GW}S1SigLinkServerList=127.0.0.1
release
EOF2
# 127.0.0.9 is local (lo) but no MME listens there: the INIT is answered with an ABORT
start_hems_pair --s1 127.0.0.9,127.0.0.1 --s1-port 36412 --s1-mode One --s1-ipsec false --script "$WORK/serving.script"
"$HENB_FAKE_MME" --udp-port $MME_UDP --mme-name fake-mme >"$MME_LOG" 2>&1 &
PIDS+=($!)
wait_for 10 grep -q " listening" "$MME_LOG" || bail_out "the fake MME did not start" "$(tail -3 "$MME_LOG")"
write_factory https://hems.henb.test:7547/cwmp "[S1]" Backend=s1-sctp Transport=usrsctp \
    UDPEncapsulationPort=$(( MME_UDP + 1 )) UDPEncapsulationRemotePort=$MME_UDP PLMN=99970 TAC=7 \
    ResponseTimeout=5 HeartbeatInterval=1 RetryMinimumWait=1
start_henbd
check "registered" wait_final 30
check "mode One: the first far end was tried and failed" grep -q "S1: 127.0.0.9:36412: " "$WORK/henbd.log"
# session 2 follows at once: the registration's own record tells who answered
check_contains "the registration's S1 step: the second far end answered" \
    "127.0.0.9,127.0.0.1 port 36412 mode One: S1SetupResponse from 127.0.0.1:36412, MME fake-mme" \
    "$(json "[x['detail'] for x in s['steps'] if x['name'] == 'start-s1-setup'][0]")"

check "session 2 changed S1SigLinkServerList: S1 set up again" wait_eval 30 '[ "$(mme_lines request | wc -l)" = 2 ]'
check "the old association ended first" bash -c "[ \"\$(awk '\$2 == \"association\" { print \$3 }' '$MME_LOG' | tr '\n' ' ')\" = 'up closed up ' ]"
check "registered again, S1Link up" wait_eval 10 '[ "$(prop "" State)" = 6 ] && [ "$(prop Serving S1Link)" = "'"'up'"'" ]'
check_eq "S1FarEnd" "'127.0.0.1:36412'" "$(prop Serving S1FarEnd)"
check_contains "a step record after the registration's, saying why and who answered" \
    "the HeMS changed S1SigLinkServerList: 127.0.0.1 port 36412 mode One: S1SetupResponse from 127.0.0.1:36412, MME fake-mme" \
    "$(json "s['steps'][-1]['detail']")"
finish
