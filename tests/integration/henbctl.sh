#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# henbctl against henbd on a private dbus-daemon: status (text and JSON), monitor and its exit
# status, start, rediscover and cancel, and their errors; help, --version, --fields/--terse,
# --json on every command, wait --state, exit codes, logging LEVEL (debug lines come and go in
# henbd's log) and G_MESSAGES_DEBUG.
. "$(dirname "$0")/../lib/common.sh"

make_pki
start_bus
start_dns hems.henb.test=$INITIAL_IP serving.henb.test=$SERVING_IP
start_hems initial $INITIAL_IP:7547 --role initial $(tls_args hems-dns) \
    --serving-hems-url https://serving.henb.test:7548/cwmp --s1 10.20.0.1
start_hems serving $SERVING_IP:7548 --role serving $(tls_args hems-dns) --s1-port 36414

henbctl_ status >"$WORK/status.out" 2>&1
check_eq "henbctl without henbd: exit 4" "4" "$?"
check "henbctl without henbd: says so" grep -q "henbd is not running on the session bus" "$WORK/status.out"
henbctl_ start >"$WORK/start-absent.out" 2>&1
check_eq "start without henbd (ServiceUnknown): exit 4 like the others" "4" "$?"
check "start without henbd: names ServiceUnknown" grep -q "org.freedesktop.DBus.Error.ServiceUnknown" "$WORK/start-absent.out"
out=$(henbctl_ status --json 2>/dev/null)
check_eq "status --json without henbd: a JSON answer with exit code 4" "False 4" \
    "$(echo "$out" | /usr/bin/python3 -c "import json,sys; s=json.load(sys.stdin); print(s['ok'], s['exit_code'])")"
check_eq "--version" "henbctl 0.3.0" "$(henbctl_ --version)"
out=$(henbctl_ help wait)
check_eq "help wait: exit 0" "0" "$?"
check_contains "help wait: explains --state" "--state STATE" "$out"
check_contains "help wait: documents the exit codes" "5 not authorised" "$out"
check_eq "wait --help is help wait" "$out" "$(henbctl_ wait --help)"
check_contains "--help lists every command" "logging LEVEL" "$(henbctl_ --help)"
henbctl_ help bogus >/dev/null 2>&1
check_eq "help of an unknown command: exit 2" "2" "$?"
henbctl_ help start cancel >/dev/null 2>&1
check_eq "help with two commands: exit 2" "2" "$?"
henbctl_ start now >/dev/null 2>&1
check_eq "start with an argument: exit 2" "2" "$?"
henbctl_ logging loud >/dev/null 2>&1
check_eq "logging with an unknown level: exit 2" "2" "$?"
henbctl_ wait --state nowhere >/dev/null 2>&1
check_eq "wait --state with an unknown state: exit 2" "2" "$?"
henbctl_ start --state registered >"$WORK/misplaced.out" 2>&1
check_eq "an option of another command (start --state): exit 2" "2" "$?"
check "an option of another command: says which" grep -q "^henbctl: --state is not an option of start" "$WORK/misplaced.out"
henbctl_ cell --terse >/dev/null 2>&1
check_eq "cell --terse: exit 2" "2" "$?"

# a HeMS that accepts TCP and never answers: the TLS step hangs until cancelled
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 7600)); s.listen(8); open(sys.argv[2], "w").close()
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
' "$INITIAL_IP" "$WORK/blackhole.ready" >"$WORK/blackhole.log" 2>&1 &
PIDS+=($!)
wait_for 5 test -f "$WORK/blackhole.ready"

write_factory https://hems.henb.test:7600/cwmp "[Daemon]" "AutoStart=false"
start_henbd
check_eq "AutoStart=false: henbd waits for Start" "1" "$(prop '' State)"
check "status shows the state line" grep -q "^state: idle$" <(henbctl_ status)
check "start: accepted" henbctl_ start
check "the run hangs in the TLS step" wait_for 5 grep -q "^current step: 5.1.2.3/1.3 tls-initial-hems$" <(henbctl_ status)
henbctl_ start >"$WORK/start2.out" 2>&1
check_eq "start while running: exit 1" "1" "$?"
check "start while running: Core.InProgress" grep -q "org.henbd.HeNB1.Error.Core.InProgress" "$WORK/start2.out"
# the monitor follows the run from its bus connection on (it would report the idle henbd the
# same way if it came after the cancel, but then without following it live)
bus_peers() { gdbus call --session -d org.freedesktop.DBus -o /org/freedesktop/DBus -m org.freedesktop.DBus.ListNames | grep -o "':1\.[0-9]*'" | wc -l; }
peers=$(bus_peers)
henbctl_ monitor --timeout "$(scaled 10)" >"$WORK/cancel-monitor.out" 2>&1 &
MON=$!
wait_eval 5 '[ "$(bus_peers)" -gt "$peers" ]'
check "cancel: accepted" henbctl_ cancel
wait $MON
check_eq "monitor exits 1 when the run is cancelled" "1" "$?"
check "monitor says it stopped" grep -q "stopped: henbd is idle" "$WORK/cancel-monitor.out"
check_eq "after cancel: idle" "1" "$(prop '' State)"
check_contains "after cancel: LastError Core.Cancelled" "org.henbd.HeNB1.Error.Core.Cancelled" "$(prop '' LastError)"
henbctl_ cancel >"$WORK/cancel2.out" 2>&1
check_eq "cancel when idle: exit 1" "1" "$?"
check "cancel when idle: Core.WrongState" grep -q "Core.WrongState" "$WORK/cancel2.out"
out=$(henbctl_ cancel --json 2>/dev/null)
check_eq "cancel --json when idle: the error as JSON" "False 1 org.henbd.HeNB1.Error.Core.WrongState" \
    "$(echo "$out" | /usr/bin/python3 -c "import json,sys; s=json.load(sys.stdin); print(s['ok'], s['exit_code'], s['error']['name'])")"

# a working Initial HeMS: start and follow to registered
stop_henbd
write_factory https://hems.henb.test:7547/cwmp "[Daemon]" "AutoStart=false"
start_henbd
henbctl_ start >>"$WORK/start.out" 2>&1
henbctl_ monitor --timeout "$(scaled 30)" >"$WORK/monitor.out" 2>&1
check_eq "monitor exits 0 on registered" "0" "$?"
check "monitor printed every step live" test "$(grep -c '^  \[' "$WORK/monitor.out")" -ge 13
check "monitor printed the state changes" grep -q "^state: s1-setup$" "$WORK/monitor.out"
check "monitor ended with the Serving HeMS" grep -q "^registered with https://serving.henb.test:7548/cwmp$" "$WORK/monitor.out"
check "monitor on a registered henbd returns at once" henbctl_ monitor --timeout "$(scaled 2)"

henbctl_ status >"$WORK/status.out"
check "status: state line" grep -qx "state: registered" "$WORK/status.out"
check "status: serving HeMS" grep -qx "serving HeMS: https://serving.henb.test:7548/cwmp" "$WORK/status.out"
check "status: no SeGW" grep -qx "serving SeGW: -" "$WORK/status.out"
check "status: S1 from the Initial HeMS, port from the Serving HeMS" grep -qx "S1 addresses: 10.20.0.1" "$WORK/status.out"
check "status: S1 port" grep -qx "S1 port: 36414" "$WORK/status.out"
check "status: step list" grep -q "5.1.3/4 *start-s1-setup *ok" "$WORK/status.out"
check_eq "status --json: state" "registered" "$(json "s['state']")"
check_eq "status --json: serving" "https://serving.henb.test:7548/cwmp  36414" \
    "$(json "s['serving']['hems_url'] + ' ' + ','.join(s['serving']['security_gateways']) + ' ' + str(s['serving']['s1_port'])")"
check_eq "status --json: the state file is saved" "{'name': '', 'message': ''}" "$(json "s['state_file_write_error']")"
check "status: no state file line while it is saved" bash -c "! grep -q '^state file' '$WORK/status.out'"
check_eq "status --json: 13 steps, 100%" "13 100" "$(json "str(len(s['steps'])) + ' ' + str(s['percentage'])")"
check "start when registered: nothing to do, exit 0" henbctl_ start

# scripts: fields, terse values, JSON everywhere
check_eq "status --fields --terse: values only, ':' escaped" "registered:https\://serving.henb.test\:7548/cwmp:36414" \
    "$(henbctl_ status --fields state,hems-url,s1-port --terse)"
check_eq "status -f: name: value lines" "state: registered" "$(henbctl_ status -f state)"
check_eq "status -f --json: a flat object" '{"state": "registered", "steps": "13"}' "$(henbctl_ status -f state,steps --json)"
check "status --terse alone: every field" test "$(henbctl_ status --terse | grep -o '^yes:0.3.0:registered:6:')" = "yes:0.3.0:registered:6:"
henbctl_ status -f state,bogus >"$WORK/fields.out" 2>&1
check_eq "status -f with an unknown field: exit 2" "2" "$?"
check "status -f with an unknown field: lists the fields" grep -q "fields: running,version,state" "$WORK/fields.out"
check_contains "status -f help: the fields" "running,version,state,state-value," "$(henbctl_ status -f help)"
check_eq "start --json: ok" '{"ok": true, "exit_code": 0}' "$(henbctl_ start --json)"
check_eq "wait --state registered: at once" "reached state registered" "$(henbctl_ wait --state registered --timeout 5 | tail -1 | sed 's/^registered with.*/reached state registered/')"
henbctl_ wait --state discovering --timeout 1 >"$WORK/wait-state.out" 2>&1
check_eq "wait --state discovering on a registered henbd: timed out, exit 3" "3" "$?"
henbctl_ monitor --json >"$WORK/monitor.json"
check_eq "monitor --json: JSON lines, state then the steps then registered" "state step registered" \
    "$(/usr/bin/python3 -c "
import json, sys
events = [json.loads(l)['event'] for l in open(sys.argv[1])]
print(events[0], events[1], events[-1])" "$WORK/monitor.json")"
check_eq "monitor --json: every step" "13" "$(grep -c '"event": "step"' "$WORK/monitor.json")"
check_eq "cell --json: valid JSON" "True" "$(henbctl_ cell --json | /usr/bin/python3 -c "import json,sys; print('status' in json.load(sys.stdin))")"

# the log level at run time: henbd --debug logs debug lines; "logging message" stops them,
# "logging debug" brings them back (each rediscover logs some)
check_eq "logging message: accepted" '{"ok": true, "exit_code": 0}' "$(henbctl_ logging message --json)"
check "henbd logs the new level" grep -q "log level: message" "$WORK/henbd.log"
mark=$(wc -l <"$WORK/henbd.log")
check "logging message: rediscover" henbctl_ rediscover
check "logging message: registered again" wait_final 30
check_eq "logging message: no debug line since" "0" "$(tail -n +$((mark + 1)) "$WORK/henbd.log" | grep -c -- '-DEBUG: ')"
check "logging message: messages still logged" bash -c "tail -n +$((mark + 1)) '$WORK/henbd.log' | grep -q -- '-Message: '"
check "logging debug: accepted" henbctl_ logging debug
mark=$(wc -l <"$WORK/henbd.log")
check "logging debug: rediscover" henbctl_ rediscover
check "logging debug: registered again" wait_final 30
check "logging debug: debug lines again" bash -c "tail -n +$((mark + 1)) '$WORK/henbd.log' | grep -q -- '-DEBUG: '"
check "logging error: accepted" henbctl_ logging error
mark=$(wc -l <"$WORK/henbd.log")
check "logging error: rediscover" henbctl_ rediscover
check "logging error: registered again" wait_final 30
check_eq "logging error: neither debug lines nor messages" "0" \
    "$(tail -n +$((mark + 1)) "$WORK/henbd.log" | grep -c -e '-DEBUG: ' -e '-Message: ')"
check_contains "SetLogging with an unknown level: InvalidArgs" "org.freedesktop.DBus.Error.InvalidArgs" \
    "$(gdbus call --session -d org.henbd.HeNB1 -o /org/henbd/HeNB1 -m org.henbd.HeNB1.SetLogging loud 2>&1)"
check_eq "start when registered: still registered" "6" "$(prop '' State)"

# rediscover: forget the serving values, discovery again through the Initial HeMS
before=$(grep -c "Inform (" "$WORK/initial.log")
check "rediscover: accepted" henbctl_ rediscover
check "rediscover: registered again" wait_final 30
check_eq "rediscover: the Initial HeMS got a new session" "$((before + 1))" "$(grep -c "Inform (" "$WORK/initial.log")"
check "rediscover: that Inform carries 0 BOOTSTRAP (ACS URL changed)" test "$(grep "Inform (" "$WORK/initial.log" | tail -1 | grep -c "events: 0 BOOTSTRAP;")" = 1
check_eq "rediscover: 13 steps again" "uint32 13" "$(prop Procedure StepCount)"
henbctl_ bogus >/dev/null 2>&1
check_eq "unknown command: exit 2" "2" "$?"

# cancel while a failed run waits for its retry: no retry, and NextAttempt says so
stop_henbd
rm -rf "$WORK/state"
write_factory https://hems.henb.test:7601/cwmp
start_henbd
check "nothing listens at the Initial HeMS: failed, retry planned" \
    wait_eval 30 '[ "$(prop "" State)" = -1 ] && [ "$(prop Management NextAttempt)" != "int64 0" ]'
check "cancel during the retry wait: accepted" henbctl_ cancel
check_eq "after cancel: NextAttempt 0 (no retry planned)" "int64 0" "$(prop Management NextAttempt)"

# G_MESSAGES_DEBUG without --debug: the domains it names log their debug lines
stop_henbd
: >"$WORK/henbd.log"
HENBD_QUIET=1 HENBD_ENV="G_MESSAGES_DEBUG=henbd" start_henbd
check "G_MESSAGES_DEBUG=henbd: debug lines without --debug" wait_for 10 grep -q -- '-DEBUG: ' "$WORK/henbd.log"
stop_henbd
: >"$WORK/henbd.log"
HENBD_QUIET=1 start_henbd
check "neither: henbd logs messages" wait_for 10 grep -q -- '-Message: ' "$WORK/henbd.log"
check_eq "neither: no debug line" "0" "$(grep -c -- '-DEBUG: ' "$WORK/henbd.log")"
# public discovery without a SeGW uses no NetworkManager backend, and there is no
# NetworkManager on the test's bus: henbd has nothing to say about it
check "henbd came up and logged its start" grep -q "org.henbd.HeNB1 on the session bus" "$WORK/henbd.log"
check_eq "no NetworkManager backend in use: no word about NetworkManager" "0" "$(grep -c NetworkManager "$WORK/henbd.log")"
finish
