#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Crash consistency: henbd is killed with SIGKILL at random points, 200 times (half of them
# inside state writes), while it discovers, registers and runs sessions that write the state
# file several times each. After every kill the state is either the old or the new one (never
# a torn file henbd would set aside as corrupt), leftovers of interrupted writes are cleared at
# the next start, no Inform carries an event twice, and in the end the HeNB registers with
# what the HeMS configured.
. "$(dirname "$0")/../lib/common.sh"

KILLS=${HENB_KILLS:-200}
MS=Device.ManagementServer.
cat >"$WORK/serving.script" <<EOF
session *
rpc Configure
rpc SetParameterValues key=kill ${MS}PeriodicInformEnable=xsd:boolean:true ${MS}PeriodicInformInterval=xsd:unsignedInt:1 ${MS}CWMPRetryMinimumWaitInterval=xsd:unsignedInt:1
rpc SetParameterAttributes Device.DeviceInfo.ProvisioningCode=1
release
EOF

start_hems_pair --s1 10.17.0.1 --script "$WORK/serving.script"
write_factory https://hems.henb.test:7547/cwmp "[ConnectionRequest]" "Address=$NET.9"

STATE=$WORK/state/henbd.state

# at each step boundary: the k-th step of a fresh discovery has just finished when the kill
# comes; the restart must still end registered, with the Serving HeMS's values
steps_done() { tail -n +"$1" "$WORK/henbd.log" | grep -cE "step [0-9./-]+ [a-z0-9-]+: (ok|skipped)"; }
boundary_fail=0
for k in $(seq 1 13); do
    rm -rf "$WORK/state"
    from=$(($(cat "$WORK/henbd.log" 2>/dev/null | wc -l) + 1))
    start_henbd
    wait_eval 20 '[ "$(steps_done "$from")" -ge "$k" ]'
    kill -9 "$HENBD_PID"; wait "$HENBD_PID" 2>/dev/null; HENBD_PID=
    start_henbd
    if ! wait_final 30 || ! grep -q "^Device.ManagementServer.URL=https://serving.henb.test:7548/cwmp$" "$STATE"; then
        boundary_fail=$((boundary_fail + 1))
        echo "# killed after step $k: no registration after the restart"
    fi
    stop_henbd
done
check_eq "killed after each of the 13 steps of a fresh discovery: the restart registers every time" "0" "$boundary_fail"

# a state write under way: its temporary file beside the state file
writing() { compgen -G "$WORK/state/henbd.state.??????" >/dev/null; }

in_write=0 corrupt=0 leftovers_max=0
# henbd pauses half-way through each state write (40 ms; longer where henbd runs slower, as
# under sanitizers). Odd kills come at a random time, wherever henbd is (how many land inside
# a write depends on the machine's speed); even kills wait for a write to begin, on any machine:
# from seeing its temporary file to the kill only builtins run (no fork a busy machine delays),
# so the kill lands in the pause however loaded the machine is.
HENBD_ENV="HENB_STATE_WRITE_PAUSE_MS=${HENB_KILL_WRITE_PAUSE_MS:-40}"
mkfifo "$WORK/tick"
exec 9<>"$WORK/tick"   # read -t on it: a sleep without a fork
for i in $(seq 1 "$KILLS"); do
    start_henbd
    if [ $((i % 2)) = 0 ]; then
        # registration writes, and so does every periodic session (each second)
        end=$((${EPOCHREALTIME/./} + $(scaled 10) * 1000000))
        until writing || [ "${EPOCHREALTIME/./}" -ge "$end" ]; do read -r -t 0.005 -u 9; done
    else
        # anywhere from start-up through registration and periodic sessions
        sleep "0.$(printf '%03d' $((RANDOM % 500)))"
    fi
    kill -9 "$HENBD_PID"
    wait "$HENBD_PID" 2>/dev/null
    HENBD_PID=
    n=$(find "$WORK/state" -maxdepth 1 -name 'henbd.state.??????' 2>/dev/null | wc -l)
    [ "$n" -gt 0 ] && in_write=$((in_write + 1))
    [ "$n" -gt "$leftovers_max" ] && leftovers_max=$n
    ls "$WORK/state"/henbd.state.corrupt-* >/dev/null 2>&1 && corrupt=$((corrupt + 1))
done
echo "# $KILLS kills: $in_write inside a state write (a temporary file left), at most $leftovers_max at once"
check_eq "no kill ever left a state file henbd would call corrupt" "0" "$corrupt"
check "the leftovers of interrupted writes never pile up" test "$leftovers_max" -le 1
check "kills landed inside state writes too (over a quarter)" test "$in_write" -gt $((KILLS / 4))

HENBD_ENV=
start_henbd
check "after the last kill: registered" wait_final 30
check "the state file holds the Serving HeMS" grep -q "^Device.ManagementServer.URL=https://serving.henb.test:7548/cwmp$" "$STATE"
check "... and what its sessions set" grep -q "^Device.ManagementServer.PeriodicInformInterval=1$" "$STATE"
check "the leftovers of interrupted writes are gone" \
    test "$(find "$WORK/state" -maxdepth 1 -name 'henbd.state.??????' | wc -l)" = 0
inform_events() { grep -h 'Inform (urn' "$WORK/initial.log" "$WORK/serving.log" | sed 's/.*events: //; s/;.*//'; }
check "no Inform ever carried the same event twice" \
    awk -F', ' '{ delete seen; for (i = 1; i <= NF; i++) { if ($i in seen) bad = 1; seen[$i] = 1 } } END { exit bad }' \
    <(inform_events)
check "events delivered, none left" wait_eval 10 '[ "$(prop Management PendingEvents)" = "@as []" ]'
sessions=$(grep -c "\] from .*Inform (urn" "$WORK/serving.log")
echo "# the Serving HeMS saw $sessions Informs across the kills"
finish
