#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# s1-sctp against a small fake MME (tests/s1/henb-fake-mme: usrsctp over UDP, the codec's MME
# side), for what a real MME does not do on demand: the S1SetupRequest's IEs as an MME decodes
# them, an S1SetupFailure with TimeToWait (the retry comes no sooner), an answer that is no
# S1AP, an MME that goes away and comes back, and the kernel transport on a kernel without
# SCTP. The success path against a real MME is integration-s1-open5gs.
. "$(dirname "$0")/../lib/common.sh"

[ -x "${HENB_FAKE_MME:-}" ] || skip_all "henb-fake-mme not built (needs libusrsctp-dev)"
# usrsctp has one UDP port per process: the MME's and henbd's, apart from other tests'
MME_UDP=$(( 30000 + HENB_TEST_NET * 4 ))
HENB_UDP=$(( MME_UDP + 1 ))
MME_PID=
MME_LOG=

start_mme() { # start_mme NAME ARGS...: the fake MME, logging to fake-mme-NAME.log
    MME_LOG=$WORK/fake-mme-$1.log; shift
    "$HENB_FAKE_MME" --udp-port $MME_UDP "$@" >"$MME_LOG" 2>&1 &
    MME_PID=$!
    PIDS+=($MME_PID)
    wait_for 10 grep -q " listening" "$MME_LOG" || bail_out "the fake MME did not start" "$(tail -3 "$MME_LOG")"
}
# mme_lines WORD: the current fake MME's lines of that kind, without their time
mme_lines() { awk -v w="$1" '$2 == w { $1 = ""; print substr($0, 2) }' "$MME_LOG" 2>/dev/null; }
# mme_time WORD [N]: the time (ms) of the N-th line (default 1) of that kind
mme_time() { awk -v w="$1" -v n="${2:-1}" '$2 == w && ++c == n { print $1; exit }' "$MME_LOG"; }
stop_mme() { kill "$MME_PID"; wait "$MME_PID" 2>/dev/null; MME_PID=; }
s1_conf() { # s1_conf EXTRA-LINES...: henbd's [S1] for the fake MME
    write_factory https://hems.henb.test:7547/cwmp "[S1]" Backend=s1-sctp Transport=usrsctp \
        UDPEncapsulationPort=$HENB_UDP UDPEncapsulationRemotePort=$MME_UDP PLMN=99970 TAC=7 \
        CellIdentity=4660 ENBName=henb-test RetryMinimumWait=1 HeartbeatInterval=1 "$@"
}
requests() { mme_lines request | wc -l; }

# the Serving HeMS also sets the cell's TAC (9): it wins over the factory's [S1] TAC (7)
printf '[Parameters]\nDevice.Services.FAPService.1.CellConfig.LTE.EPC.TAC=xsd:unsignedInt 9\n' >"$WORK/cell.conf"
start_hems_pair --s1 127.0.0.1 --s1-port 36412 --s1-mode One --s1-ipsec false --values "$WORK/cell.conf"
start_mme first --answer response --mme-name fake-mme-1 --capacity 99
s1_conf
start_henbd
check "registered: S1SetupResponse from the fake MME" wait_final 30
check_eq "the S1SetupRequest as the MME decoded it: Global eNB ID (home, the cell identity), eNB name, TA (the HeMS's TAC, the factory PLMN), paging DRX" \
    "request plmn=99970 enb_id=4660 home=1 name=henb-test tas=9/99970 drx=128" "$(mme_lines request | head -1)"
check_eq "S1Link up" "'up'" "$(prop Serving S1Link)"
check_eq "MmeName on the bus" "'fake-mme-1'" "$(prop Serving MmeName)"
check_eq "ServedGummeis on the bus" "['99970:2:1']" "$(prop Serving ServedGummeis)"
check_eq "MmeRelativeCapacity on the bus" "uint32 99" "$(prop Serving MmeRelativeCapacity)"
check_eq "S1FarEnd on the bus" "'127.0.0.1:36412'" "$(prop Serving S1FarEnd)"
check_contains "henbctl status shows the MME" "MME: fake-mme-1 at 127.0.0.1:36412, relative capacity 99, served GUMMEIs 99970:2:1" \
    "$(henbctl_ status)"
check_eq "henbctl status --json has it" "fake-mme-1 up" "$(json "s['serving']['mme_name'] + ' ' + s['serving']['s1_link']")"
check_contains "the S1 step's detail names the MME" "S1SetupResponse from 127.0.0.1:36412, MME fake-mme-1" \
    "$(json "s['steps'][-1]['detail']")"

# the MME goes away: the link is lost, henbd stays registered and sets S1 up again once it is back
stop_mme
check "the lost association shows on the bus" wait_eval 20 '[ "$(prop Serving S1Link)" = "'"'lost'"'" ]'
check_contains "and why" "S1 link lost" "$(prop Serving S1LinkDetail)"
check_eq "State stays registered (the HeMS is reachable)" "6" "$(prop "" State)"
start_mme second --answer response --mme-name fake-mme-2
check "the MME back: S1 set up again (with backoff)" wait_eval 30 '[ "$(prop Serving S1Link)" = "'"'up'"'" ]'
check_eq "with the new MME's name" "'fake-mme-2'" "$(prop Serving MmeName)"
check_eq "the new MME got an S1SetupRequest" 1 "$(requests)"
stop_henbd
stop_mme

# S1SetupFailure with TimeToWait 10 s: the step fails with the cause; the retry comes no sooner
# (TR-069's first wait is 5-10 s: TimeToWait decides) and registers
start_mme failure --answer failure-then-response --cause 5 --time-to-wait 10
s1_conf
start_henbd
check "S1SetupFailure: failed with reason s1-setup (11)" wait_eval 30 '[ "$(prop "" StateFailedReason)" = "uint32 11" ]'
check_contains "LastError names the cause and TimeToWait" "S1SetupFailure, cause misc: unknown-PLMN, TimeToWait 10 s" \
    "$(prop "" LastError)"
# measured from the failed step's end on henbd's own clock (how late the test reads it does
# not matter): TimeToWait (10 s) at least, where TR-069's first wait would be 5-10 s
failed_at=$(json "max(x['start_us'] + x['duration_us'] for x in s['steps'])")
check "the failed step's end is known" test -n "$failed_at"
next_in=$(( ($(prop Management NextAttempt | awk '{ print $2 }') - ${failed_at:-0}) / 1000 ))
check "Management.NextAttempt is TimeToWait after the failure, not TR-069's 5-10 s ($next_in ms)" \
    test "$next_in" -ge 10000 -a "$next_in" -le 11000
check "then registered on the retry" wait_eval 40 '[ "$(prop "" State)" = 6 ]'
t_fail=$(mme_time answered 1)
t_retry=$(mme_time request 2)
check_eq "the MME answered the first request with S1SetupFailure" "answered S1SetupFailure" "$(mme_lines answered | head -1)"
check "the retry's S1SetupRequest came >= 10 s after the failure ($(( ${t_retry:-0} - ${t_fail:-0} )) ms)" \
    test -n "$t_retry" -a $(( ${t_retry:-0} - ${t_fail:-0} )) -ge 10000
tap_comment <<<"TimeToWait 10 s: the retry's S1SetupRequest came $(( ${t_retry:-0} - ${t_fail:-0} )) ms after the failure"
stop_henbd
stop_mme

# an answer that is no S1AP: logged, and the attempt ends when the answer is overdue
start_mme garbage --answer garbage
s1_conf ResponseTimeout=2
start_henbd
check "garbage: failed with reason s1-setup" wait_eval 30 '[ "$(prop "" StateFailedReason)" = "uint32 11" ]'
check "henbd logged the undecodable message" grep -q "cannot decode" "$WORK/henbd.log"
check_contains "LastError: no answer in time" "no S1 Setup answer within 2 s" "$(prop "" LastError)"
stop_henbd
stop_mme

# [S1] settings the plugin cannot work with: henbd refuses to start and says which
for bad in "Transport=pigeon|[S1] Transport 'pigeon' is not one of kernel, usrsctp" \
           "PagingDRX=100|[S1] PagingDRX 100 is not one of 32, 64, 128, 256" \
           "UDPEncapsulationPort=$MME_UDP|[S1] UDPEncapsulationPort must differ from UDPEncapsulationRemotePort"; do
    s1_conf "${bad%%|*}"
    out=$("$HENBD" --session --config "$WORK/etc/factory.conf" --conf-dir "$WORK/etc/conf.d" \
        --state-dir "$WORK/state-bad" --plugin-dir "$HENB_PLUGIN_DIR" 2>&1 </dev/null)
    rc=$?
    check "${bad%%|*}: henbd refuses to start (exit $rc)" test $rc -ne 0
    check_contains "${bad%%|*}: and says why" "${bad#*|}" "$out"
done

# the kernel transport on this kernel
if ! python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_STREAM, 132)' 2>/dev/null; then
    write_factory https://hems.henb.test:7547/cwmp "[S1]" Backend=s1-sctp Transport=kernel PLMN=99970 TAC=7
    start_henbd
    check "Transport=kernel without kernel SCTP: failed with reason s1-setup" \
        wait_eval 30 '[ "$(prop "" StateFailedReason)" = "uint32 11" ]'
    check_contains "and the error says why and what to do" "kernel SCTP is not available" "$(prop "" LastError)"
    check_contains "..." "Transport=usrsctp" "$(prop "" LastError)"
else
    ok "# SKIP this kernel has SCTP"
fi
finish
