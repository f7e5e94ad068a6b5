#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# S1 Setup against a real MME (Open5GS, userspace SCTP over UDP), after a public-variant
# bootstrap in which the reference HeMS plays the Initial and the Serving HeMS
# (tests/integration/public-flow.sh) and sets the S1 far end:
# - the MME not running yet: S1 Setup fails, the registration is retried, and once the MME runs
#   henbd is registered with the MME's name, served GUMMEIs and relative capacity on the bus;
#   tshark decodes the S1SetupRequest henbd sent to the IEs the cell configuration gives;
# - the MME restarted: the link is lost, and set up again;
# - a TAC the MME does not serve: S1SetupFailure with its cause; the next attempt waits at
#   least the MME's TimeToWait.
. "$(dirname "$0")/../lib/open5gs.sh"
open5gs_enter_netns "$@"
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/open5gs.sh"

open5gs_require
command -v tshark >/dev/null 2>&1 && HAVE_TSHARK=1 || HAVE_TSHARK=

s1_conf() { # s1_conf EXTRA-LINES...: henbd's [S1] toward the MME (PLMN 999/70 like it)
    write_factory https://hems.henb.test:7547/cwmp "[S1]" Backend=s1-sctp Transport=usrsctp \
        UDPEncapsulationPort=9900 UDPEncapsulationRemotePort=9899 PLMN=99970 CellIdentity=74565 \
        ENBName=henbd-open5gs ResponseTimeout=3 HeartbeatInterval=1 RetryMinimumWait=1 "$@"
}
# log_line REGEX FROM: the number of the first line of henbd's log after line FROM matching REGEX
log_line() { awk -v f="$2" -v re="$1" 'NR > f && $0 ~ re { print NR; exit }' "$WORK/henbd.log"; }
# line_ms N: the time of henbd's log line N, in ms
line_ms() {
    local t
    t=$(sed -n "$1p" "$WORK/henbd.log" | grep -o '[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]*')
    echo $(( $(date -d "$t" +%s%N) / 1000000 ))
}

if [ -n "$HAVE_TSHARK" ]; then
    tshark -q -i lo -f "udp port 9899" -w "$WORK/s1.pcap" >"$WORK/tshark.log" 2>&1 &
    PIDS+=($!)
    wait_for 20 grep -q "Capturing on" "$WORK/tshark.log" || bail_out "tshark did not start" "$(cat "$WORK/tshark.log")"
fi

start_hems_pair --s1 127.0.0.1 --s1-port 36412 --s1-mode One --s1-ipsec false
s1_conf TAC=1
start_henbd
# no MME yet
check "no MME: the S1 step fails (reason s1-setup, 11)" wait_eval 30 '[ "$(prop "" StateFailedReason)" = "uint32 11" ]'
check_contains "LastError says no answer came" "no S1 Setup answer within 3 s" "$(prop "" LastError)"
start_mme 1
check "the MME runs: registered on a retry" wait_eval 60 '[ "$(prop "" State)" = 6 ]'
check_eq "S1Link up" "'up'" "$(prop Serving S1Link)"
check_eq "the MME's name on the bus" "'open5gs-mme0'" "$(prop Serving MmeName)"
check_eq "its served GUMMEI (PLMN 999/70, group 2, code 1)" "['99970:2:1']" "$(prop Serving ServedGummeis)"
capacity=$(prop Serving MmeRelativeCapacity)
check "a relative capacity ($capacity)" test -n "$capacity"
check "the MME logged the eNB" grep -q "eNB-S1 accepted\|S1SetupRequest\|\[Added\] Number of eNBs" "$MME_LOG"
check_contains "henbctl status shows the MME" "MME: open5gs-mme0 at 127.0.0.1:36412" "$(henbctl_ status)"

if [ -n "$HAVE_TSHARK" ]; then
    wait_for 10 test -s "$WORK/s1.pcap"
    tshark -d udp.port==9899,sctp -r "$WORK/s1.pcap" -Y "s1ap.procedureCode == 17 && s1ap.initiatingMessage_element" -V \
        >"$WORK/s1setuprequest.txt" 2>&1
    decoded=$(cat "$WORK/s1setuprequest.txt")
    # for the record (and the demo's note): the request as tshark decodes it
    sed -n '/^S1 Application Protocol/,$p' "$WORK/s1setuprequest.txt" | tap_comment
    check_contains "tshark: an S1SetupRequest" "S1SetupRequest" "$decoded"
    check_contains "tshark: the home eNB ID is the cell identity (74565 = 0x12345)" "homeENB-ID: 00123450" "$decoded"
    check_contains "tshark: the eNB name" "ENBname: henbd-open5gs" "$decoded"
    check_contains "tshark: the TAC" "tAC: 1 (0x0001)" "$decoded"
    check "tshark: one broadcast PLMN, 999/70" bash -c "grep -A2 'broadcastPLMNs: 1 item' '$WORK/s1setuprequest.txt' | grep -q 'PLMNidentity: 99f907'"
    check_contains "tshark: the Global eNB ID's PLMN" "pLMNidentity: 99f907" "$decoded"
    check_contains "tshark: the paging DRX" "PagingDRX: v128 (2)" "$decoded"
    check_contains "tshark: PPID 18" "Payload protocol identifier: S1 Application Protocol (S1AP) (18)" "$decoded"
else
    ok "# SKIP no tshark: the S1SetupRequest is not decoded independently"
fi

# the MME restarts: the link is lost, then set up again
from=$(wc -l <"$WORK/henbd.log")
stop_mme
check "the MME stopped: S1Link lost" wait_eval 30 '[ "$(prop Serving S1Link)" = "'"'lost'"'" ]'
check_eq "State stays registered" 6 "$(prop "" State)"
start_mme 1
check "the MME back: S1Link up again" wait_eval 60 '[ "$(prop Serving S1Link)" = "'"'up'"'" ]'
check_eq "with the MME's name" "'open5gs-mme0'" "$(prop Serving MmeName)"
check "a new S1SetupResponse was logged" bash -c "tail -n +$from '$WORK/henbd.log' | grep -q 'S1SetupResponse from 127.0.0.1:36412: MME open5gs-mme0'"
stop_henbd

# a TAC the MME does not serve (the factory's, as no HeMS set CellConfig.LTE.EPC.TAC)
from=$(wc -l <"$WORK/henbd.log")
s1_conf TAC=2
start_henbd
check "TAC 2: S1SetupFailure, reason s1-setup" wait_eval 30 '[ "$(prop "" StateFailedReason)" = "uint32 11" ]'
error=$(prop "" LastError)
check_contains "LastError names the S1SetupFailure and its cause" "answered S1SetupFailure, cause " "$error"
ttw=$(grep -o "TimeToWait [0-9]*" <<<"$error" | grep -o "[0-9]*" || true)
if [ -n "$ttw" ]; then
    fail_line=$(log_line "answered S1SetupFailure" "$from")
    wait_eval $(( ttw + 30 )) '[ -n "$(log_line "S1: S1 Setup with" '"$fail_line"')" ]'
    next_line=$(log_line "S1: S1 Setup with" "$fail_line")
    t1=$(line_ms "$fail_line")
    t2=${next_line:+$(line_ms "$next_line")}
    check "the next attempt came no sooner than TimeToWait $ttw s ($(( ${t2:-0} - ${t1:-0} )) ms)" \
        test -n "${t2:-}" -a $(( ${t2:-0} - ${t1:-0} )) -ge $(( ttw * 1000 ))
    tap_comment "Open5GS TimeToWait $ttw s: the next S1 Setup came $(( ${t2:-0} - ${t1:-0} )) ms after the failure"
else
    ok "# the MME's S1SetupFailure carried no TimeToWait: $error"
fi
stop_henbd
stop_mme
finish
