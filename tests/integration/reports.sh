#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Saying what happened: the session steps report what the HeMS did (parameters set, faults
# returned), LastError keeps the last failure while a retry runs, monitor says when the retry
# comes, and henbctl wait follows henbd from before it appears, through a failure and its
# retry, to registered (or gives up at its deadline).
. "$(dirname "$0")/../lib/common.sh"

make_pki
start_bus
start_dns hems.henb.test=$INITIAL_IP serving.henb.test=$SERVING_IP
GW=Device.Services.FAPService.1.FAPControl.LTE.Gateway.

# --- a discovery whose only SetParameterValues gets a fault ---------------------------------
cat >"$WORK/refused.script" <<EOF
session *
rpc SetParameterValues key=k1 Device.ManagementServer.URL=https://serving.henb.test:7548/cwmp ${GW}SecGWServer1=999.999.999.999
release
EOF
start_hems refused $INITIAL_IP:7001 --role initial $(tls_args hems-dns) --script "$WORK/refused.script"
write_factory https://hems.henb.test:7001/cwmp
start_henbd
wait_final 30
check_eq "refused SPV: no Serving HeMS (no-serving-hems)" "-1 uint32 9" "$(prop '' State) $(prop '' StateFailedReason)"
check_eq "set-serving-identities says nothing was set and which fault henbd returned" \
    "5.1.2.3/3.1-3.2 set-serving-identities ok: 1 request: SetParameterValues; parameters set: none; faults returned: 9003 to SetParameterValues (9007 for ${GW}SecGWServer1)" \
    "$(json "[x['id'] + ' ' + x['name'] + ' ' + x['result'] + ': ' + x['detail'] for x in s['steps'] if x['name'] == 'set-serving-identities'][0]")"
stop_henbd
rm -rf "$WORK/state"

# --- henbctl wait before henbd exists -------------------------------------------------------
henbctl_ wait --timeout 1 >"$WORK/wait-none.out" 2>&1
check_eq "wait: henbd never appeared: exit 4" "4" "$?"
check "wait: says henbd is not on the bus" grep -q "^timed out after 1 s: henbd is not on the bus$" "$WORK/wait-none.out"

start_hems serving $SERVING_IP:7548 --role serving $(tls_args hems-dns) --s1 10.60.0.1
henbctl_ wait --timeout 120 >"$WORK/wait.out" 2>&1 &
WAIT_PID=$!
check "wait: waits for henbd to appear" wait_for 5 grep -q "^waiting for henbd to appear on the session bus$" "$WORK/wait.out"
gdbus monitor --session -d org.henbd.HeNB1 >"$WORK/signals.log" 2>&1 &
PIDS+=($!)
# nothing listens at the Initial HeMS yet: the first attempt is refused
write_factory https://hems.henb.test:7547/cwmp
start_henbd
check "first attempt refused" wait_eval 20 '[ "$(prop "" State)" = -1 ]'
check_contains "LastError: Network.Refused" "Network.Refused" "$(prop '' LastError)"
henbctl_ monitor --timeout 10 >"$WORK/monitor.out" 2>&1
check_eq "monitor on a failed henbd: exit 1" "1" "$?"
check "monitor says when the retry is scheduled" grep -Eq "^retry 1 scheduled at [0-9:.]+ \(in [0-9]+\.[0-9] s\)$" "$WORK/monitor.out"
henbctl_ wait --timeout 1 >"$WORK/wait-failed.out" 2>&1
check_eq "wait: not registered by the deadline: exit 3 (timed out)" "3" "$?"
check "wait: says so" grep -q "^timed out after 1 s in state " "$WORK/wait-failed.out"

# the retry reaches a HeMS that accepts TCP and never answers: it hangs in the TLS step
/usr/bin/python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 7547)); s.listen(8); open(sys.argv[2], "w").close()
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
' "$INITIAL_IP" "$WORK/blackhole.ready" &
BLACKHOLE=$!
PIDS+=($BLACKHOLE)
wait_for 5 test -f "$WORK/blackhole.ready"
check "the retry runs (TLS step toward the silent HeMS)" wait_eval 20 \
    'henbctl_ status | grep -q "^current step: 5.1.2.3/1.3 tls-initial-hems$"'
check_contains "while the retry runs, LastError still shows the previous failure" "Network.Refused" "$(prop '' LastError)"
# the silent HeMS goes away, the real one takes its place: that retry fails, the next registers
kill $BLACKHOLE
start_hems initial $INITIAL_IP:7547 --role initial $(tls_args hems-dns) \
    --serving-hems-url https://serving.henb.test:7548/cwmp
check "the hanging retry fails: LastError moves on to its failure" wait_eval 20 \
    '[ "$(prop "" State)" = -1 ] && ! prop "" LastError | grep -q Network.Refused'
wait $WAIT_PID
check_eq "wait: registered after the retries: exit 0" "0" "$?"
check "wait: saw henbd appear" grep -q "^henbd is on the bus, state: " "$WORK/wait.out"
check "wait: followed the failures" grep -q "^failed: unreachable$" "$WORK/wait.out"
check "wait: said when each retry comes" test "$(grep -Ec "^retry [12] scheduled at" "$WORK/wait.out")" -ge 2
check "wait: ended registered" grep -q "^registered with https://serving.henb.test:7548/cwmp$" "$WORK/wait.out"
check "registered" wait_eval 60 '[ "$(prop "" State)" = 6 ]'
check_eq "registered: LastError cleared" "('', '')" "$(prop '' LastError)"
check_eq "LastError was emptied once, by the registration, never by a retry starting" "1" \
    "$(grep -c "'LastError': <('', '')>" "$WORK/signals.log")"
check "the registration's receive-s1-configuration says what the HeMS set" \
    test "$(json "[x['detail'] for x in s['steps'] if x['name'] == 'receive-s1-configuration'][0]")" = \
    "1 request: SetParameterValues; parameters set: ${GW}S1SigLinkServerList; faults returned: none"
finish
