#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The TR-069 session retry policy: with CWMPRetryMinimumWaitInterval m and
# CWMPRetryIntervalMultiplier k, retry n waits a random time in [m*k^(n-1), m*k^n]; RetryCount
# in the Inform counts the failures; the schedule is on D-Bus. Then the fallback: a Serving
# HeMS out of reach longer than [Timeouts] Fallback sends the HeNB back to the Initial HeMS.
. "$(dirname "$0")/../lib/common.sh"

MS=Device.ManagementServer.
cat >"$WORK/serving.script" <<EOF
session 1
rpc Configure
rpc SetParameterValues key=retry-1 ${MS}CWMPRetryMinimumWaitInterval=xsd:unsignedInt:1 ${MS}CWMPRetryIntervalMultiplier=xsd:unsignedInt:2000 ${MS}PeriodicInformEnable=xsd:boolean:true ${MS}PeriodicInformInterval=xsd:unsignedInt:3
release

session *
release
EOF

start_hems_pair --s1 10.14.0.1 --script "$WORK/serving.script"
write_factory https://hems.henb.test:7547/cwmp "[ConnectionRequest]" "Address=$NET.9" "[Timeouts]" "Fallback=6"
gdbus monitor --session -d org.henbd.HeNB1 >"$WORK/signals.log" 2>&1 &
PIDS+=($!)
start_henbd
check "registered" wait_final 30
check "a periodic session" wait_for 10 grep -q "events: 2 PERIODIC;" "$WORK/serving.log"

# the Serving HeMS goes away: periodic sessions fail and are retried on the schedule
kill "$HEMS_PID_serving"
check "three retries in a row" wait_for 30 grep -q "session retry 3 in" "$WORK/henbd.log"
# RetryCount and NextAttempt against henbd's log line of the same retry, "HH:MM:SS.mmm: session
# retry N in W s": NextAttempt is that time plus W, however late the test reads it (on a slow
# machine henbd may be at a later retry by then: all three are read again)
last_retry() { sed -n 's/.* \([0-9:.]*\): session retry \([0-9]*\) in \([0-9.]*\) s.*/\1 \2 \3/p' "$WORK/henbd.log" | tail -1; }
retry_read() {
    logged=$(last_retry) && count=$(prop Management RetryCount) && next=$(prop Management NextAttempt) &&
        [ "$(last_retry)" = "$logged" ] && [ "$count" = "uint32 $(echo "$logged" | cut -d' ' -f2)" ]
}
check "Management: RetryCount is the retry henbd logged last" wait_eval 10 retry_read
read -r at n w <<<"$logged"
check "... retry 3 or later" test "$n" -ge 3
at=$(( $(date -d "$(date +%F) $at" +%s%N) / 1000 ))
check "Management: NextAttempt is when henbd planned retry $n ($w s after ${logged%% *})" \
    awk -v t="${next#int64 }" -v at="$at" -v w="$w" 'BEGIN { d = (t - at) / 1e6 - w; exit !(d > -0.5 && d < 0.5) }'
waits=$(grep -o "session retry [0-9]* in [0-9.]* s" "$WORK/henbd.log" | awk '{print $3":"$5}' | head -3 | tr '\n' ' ')
echo "# retry waits (n:seconds), m=1 s, k=2: $waits"
check "each wait lies in [m*k^(n-1), m*k^n]" awk -v w="$waits" 'BEGIN {
    n = split(w, a, " ");
    for (i = 1; i <= n; i++) { split(a[i], p, ":"); lo = 2^(p[1]-1); hi = 2^p[1];
        if (p[2] < lo || p[2] > hi) exit 1 } }'
check_contains "Management: why the last session failed" "refused" "$(prop Management LastSessionResult)"

# back: the next attempt succeeds and says how many failed before it
start_hems serving2 $SERVING_IP:7548 --role serving $(tls_args hems-dns)
check "the retry reaches the HeMS again, RetryCount in its Inform" \
    wait_for 30 grep -q "events: 2 PERIODIC; RetryCount [3-9];" "$WORK/serving2.log"
check "RetryCount back to 0 after a good session" wait_eval 10 '[ "$(prop Management RetryCount)" = "uint32 0" ]'

# fallback: the Serving HeMS stays away; registration keeps failing for longer than 6 s
kill "$HEMS_PID_serving2"
stop_henbd
start_henbd
check "registration fails and is retried" wait_for 10 grep -q "bootstrap failed.*serving.henb.test" "$WORK/henbd.log"
check "StateChanged with reason retry (5)" wait_for 10 grep -q "StateChanged (-1, 3, uint32 5)" "$WORK/signals.log"
check "after 6 s: back to the Initial HeMS (StateChanged reason fallback, 6)" \
    wait_for 30 grep -q "StateChanged (-1, 2, uint32 6)" "$WORK/signals.log"
# (a periodic Inform the Serving HeMS never completed is still owed: it may come along)
check "the Initial HeMS gets 1 BOOT and 0 BOOTSTRAP" \
    wait_for 10 grep -qE "\[session 2\] from .*events: (2 PERIODIC, )?1 BOOT, 0 BOOTSTRAP;" "$WORK/initial.log"
# (the discovery that follows fails again at the Serving HeMS: LastError moves on, the signal stays)
check "LastError said why" grep -q "'LastError': <('org.henbd.HeNB1.Error.Procedure.Fallback', 'the Serving HeMS was out of reach for" "$WORK/signals.log"
finish
