#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A HeMS sets the TR-069 retry settings to the top of their ranges,
# CWMPRetryMinimumWaitInterval 65535 s and CWMPRetryIntervalMultiplier 65535 (k = 65.535), and
# then fails sessions. m·k^n is then far beyond any clock (m·k^10 ≈ 10^23 s): the wait must
# saturate at henbd's bound on one wait (86400 s) instead of overflowing into a retry storm.
# Three runs: the agent's first retry (RetryCount 1); the agent's retry once a hostile HeMS ran
# RetryCount up with 1-s waits first (retry 8, where the unbounded wait overflows 64 bits);
# the procedure's retry after a failed discovery, whose waits come from the same settings; and
# the fallback bound, which holds however long the settings make the waits.
. "$(dirname "$0")/../lib/common.sh"

MS=Device.ManagementServer.
BOUND_S=86400
MAX_RETRY="${MS}CWMPRetryMinimumWaitInterval=xsd:unsignedInt:65535 ${MS}CWMPRetryIntervalMultiplier=xsd:unsignedInt:65535"
ONE_S_RETRY="${MS}CWMPRetryMinimumWaitInterval=xsd:unsignedInt:1 ${MS}CWMPRetryIntervalMultiplier=xsd:unsignedInt:1000"

# the time of day, in seconds, of the LOG line of session N's Inform (the HeMS logs local time)
inform_time() { awk -v s="[session $2] from" 'index($0, s) { split($1, t, ":"); printf "%.6f\n", t[1] * 3600 + t[2] * 60 + t[3]; exit }' "$1"; }
now_of_day() { date +%H:%M:%S.%N | awk '{ split($1, t, ":"); printf "%.6f\n", t[1] * 3600 + t[2] * 60 + t[3] }'; }

# no_storm NAME LOG N: the Informs LOG receives in the 10 s from failed session N's on (that
# one included), read off the HeMS's own time stamps once those 10 s have passed
no_storm() {
    local t0 count
    t0=$(inform_time "$2" "$3")
    wait_eval 30 "awk -v n=\$(now_of_day) -v t=$t0 'BEGIN { exit !(n >= t + 10.5) }'"
    count=$(awk -v t0="$t0" '/\] from .*: Inform / { split($1, t, ":"); s = t[1] * 3600 + t[2] * 60 + t[3];
                                                       if (s >= t0 && s < t0 + 10) n++ } END { print n + 0 }' "$2")
    check_eq "$1: $count Inform(s) in the 10 s from the failed session on (no retry storm)" 1 "$count"
}

# next_attempt_bounded NAME: NextAttempt positive, ahead, and at most one bounded wait ahead
next_attempt_bounded() {
    local next now
    next=$(prop Management NextAttempt | awk '{print $2}')
    now=$(($(date +%s%N) / 1000))
    echo "# $1: NextAttempt - now = $(((next - now) / 1000000)) s (bound $BOUND_S s)"
    check "$1: NextAttempt is positive and ahead" test "$next" -gt "$now"
    check "$1: NextAttempt at most now + $BOUND_S s" test "$next" -le "$((now + BOUND_S * 1000000))"
}

# fresh_henbd: a HeNB fresh from the factory
fresh_henbd() {
    stop_henbd
    rm -rf "$WORK/state"
    : >"$WORK/henbd.log"
    start_henbd
}

# --- 1. the agent's first retry ----------------------------------------------------------------
cat >"$WORK/serving.script" <<EOF
session 1
rpc Configure
rpc SetParameterValues key=retry-max $MAX_RETRY ${MS}PeriodicInformEnable=xsd:boolean:true ${MS}PeriodicInformInterval=xsd:unsignedInt:2
release

session *
inform-response http 500
EOF
start_hems_pair --s1 10.14.0.1 --script "$WORK/serving.script"
write_factory https://hems.henb.test:7547/cwmp "[ConnectionRequest]" "Address=$NET.9"
start_henbd
check "registered" wait_final 30
check "the first periodic session fails" wait_for 20 grep -q "session retry 1 in" "$WORK/henbd.log"
grep -o "session retry 1 in .*" "$WORK/henbd.log" | sed 's/^/# /'
check_eq "agent, retry 1: RetryCount 1" "uint32 1" "$(prop Management RetryCount)"
next_attempt_bounded "agent, retry 1"
no_storm "agent, retry 1" "$WORK/serving.log" 2

# --- 2. the agent's eighth retry: RetryCount run up with 1-s waits first ---------------------------
kill "$HEMS_PID_serving"
{
    echo "session 1"
    echo "rpc Configure"
    echo "rpc SetParameterValues key=retry-1s $ONE_S_RETRY ${MS}PeriodicInformEnable=xsd:boolean:true ${MS}PeriodicInformInterval=xsd:unsignedInt:2"
    echo "release"
    for s in 2 3 4 5 6 7 8; do printf '\nsession %s\ninform-response http 500\n' $s; done
    echo
    echo "session 9"
    echo "rpc SetParameterValues key=retry-max $MAX_RETRY"
    echo "http reset"
    echo
    echo "session *"
    echo "inform-response http 500"
} >"$WORK/serving2.script"
start_hems serving2 $SERVING_IP:7548 --role serving $(tls_args hems-dns) --s1 10.14.0.1 --script "$WORK/serving2.script"
fresh_henbd
check "registered again" wait_final 30
check "seven failed sessions, 1 s apart" wait_for 40 grep -q "session retry 7 in 1.0 s" "$WORK/henbd.log"
check "the HeMS sets the retry settings to their maximum, then drops the session" \
    wait_for 20 grep -q "session retry 8 in" "$WORK/henbd.log"
grep -o "session retry 8 in .*" "$WORK/henbd.log" | sed 's/^/# /'
check "the settings were taken" grep -q "\[session 9\] <- SetParameterValuesResponse Status 0" "$WORK/serving2.log"
check_eq "agent, retry 8: RetryCount 8" "uint32 8" "$(prop Management RetryCount)"
next_attempt_bounded "agent, retry 8"
no_storm "agent, retry 8" "$WORK/serving2.log" 9

# --- 3. the procedure's retry after a failed discovery ------------------------------------------
# an Initial HeMS that names no Serving HeMS: each discovery fails (Procedure.NoServingHems) and
# is retried, first with 1-s waits, then with the settings at their maximum
kill "$HEMS_PID_initial"
{
    for s in 1 2 3 4 5 6 7; do printf 'session %s\nrpc SetParameterValues key=i-%s %s\nrelease\n\n' $s $s "$ONE_S_RETRY"; done
    echo "session *"
    echo "rpc SetParameterValues key=i-max $MAX_RETRY"
    echo "release"
} >"$WORK/initial2.script"
start_hems initial2 $INITIAL_IP:7547 --role initial $(tls_args hems-dns) --script "$WORK/initial2.script"
fresh_henbd
check "seven failed discoveries, 1 s apart" wait_for 40 grep -q "session retry 7 in 1.0 s" "$WORK/henbd.log"
check "the eighth sets the retry settings to their maximum" wait_for 20 grep -q "session retry 8 in" "$WORK/henbd.log"
grep -o "session retry 8 in .*" "$WORK/henbd.log" | sed 's/^/# /'
check_contains "discovery failed: no Serving HeMS" "NoServingHems" "$(prop "" LastError)"
check_eq "procedure, retry 8: RetryCount 8" "uint32 8" "$(prop Management RetryCount)"
next_attempt_bounded "procedure, retry 8"
no_storm "procedure, retry 8" "$WORK/initial2.log" 8

# --- 4. the fallback bound: the Serving HeMS that set the settings goes away ------------------------
kill "$HEMS_PID_initial2" "$HEMS_PID_serving2"
printf 'session 1\nrpc Configure\nrpc SetParameterValues key=retry-max %s\nrelease\n' "$MAX_RETRY" >"$WORK/serving3.script"
start_hems initial3 $INITIAL_IP:7547 --role initial $(tls_args hems-dns) --serving-hems-url https://serving.henb.test:7548/cwmp
start_hems serving3 $SERVING_IP:7548 --role serving $(tls_args hems-dns) --s1 10.14.0.1 --script "$WORK/serving3.script"
write_factory https://hems.henb.test:7547/cwmp "[ConnectionRequest]" "Address=$NET.9" "[Timeouts]" "Fallback=6"
fresh_henbd
check "registered with the Serving HeMS, which sets the settings to their maximum" wait_final 30
kill "$HEMS_PID_serving3"
stop_henbd
start_henbd
check "registration fails" wait_for 20 grep -q "session retry 1 in" "$WORK/henbd.log"
grep -o "session retry 1 in .*" "$WORK/henbd.log" | sed 's/^/# /'
next=$(prop Management NextAttempt | awk '{print $2}')
check "procedure, retry 1: NextAttempt at most Fallback (6 s) ahead" test "$next" -le "$(($(date +%s%N) / 1000 + 6000000))"
check "within the 6 s of Fallback: back to the Initial HeMS" \
    wait_for 30 grep -q "was out of reach for .* (bound 6 s); back to the Initial HeMS" "$WORK/henbd.log"
check "the Initial HeMS gets 1 BOOT and 0 BOOTSTRAP" wait_for 20 grep -q "\[session 2\] from .*events: 1 BOOT, 0 BOOTSTRAP;" "$WORK/initial3.log"
finish
