#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Durable writes per CWMP session (issue 12): a session that changes nothing (Connection
# Request, Inform, GetParameterValues, 204) writes no state; one with a SetParameterValues
# writes it once (temporary file, fsync, rename, fsync of the folder). Counted with strace
# attached to henbd: renames onto henbd.state.
. "$(dirname "$0")/../lib/common.sh"
command -v strace >/dev/null || skip_all "strace is not installed (tests/tools/install-deps)"
command -v curl >/dev/null || skip_all "curl is not installed (tests/tools/install-deps)"

MS=Device.ManagementServer.
cat >"$WORK/serving.script" <<EOF
session 1
rpc Configure
rpc SetParameterValues key=writes-1 ${MS}ConnectionRequestUsername=acs ${MS}ConnectionRequestPassword=cr-secret
release

session 4
rpc SetParameterValues key=writes-4 ${MS}PeriodicInformInterval=7200
release

session *
rpc GetParameterValues ${MS}ParameterKey
release
EOF
start_hems_pair --s1 10.41.0.1 --script "$WORK/serving.script"
write_factory https://hems.henb.test:7547/cwmp "[ConnectionRequest]" "Address=$NET.9" "MinInterval=0"
# (no envelope trace: its files are fsynced too)
HENBD_QUIET=1 start_henbd
check "registered" wait_final 30
CR_URL=$(sed -n "s/.*${MS}ConnectionRequestURL = \(http[^ ]*\).*/\1/p" "$WORK/serving.log" | tail -1)
check "the Serving HeMS learnt the Connection Request URL" test -n "$CR_URL"

released() { grep -q "\[session $1\] -> 204 (session released)" "$WORK/serving.log"; }
# session N: a Connection Request (as the HeMS makes it), then the session to its release
session() {
    curl -s -o /dev/null --max-time 10 --digest -u acs:cr-secret "$CR_URL" &&
        wait_for 30 released "$1"
}
TRACE=$WORK/strace.log
trace_start() {
    : >"$TRACE"
    strace -f -qq -e trace=rename,renameat,renameat2,fsync -o "$TRACE" -p "$HENBD_PID" 2>>"$WORK/strace.err" &
    STRACE_PID=$!
    PIDS+=("$STRACE_PID")
    # attached once every thread of henbd shows a tracer
    wait_eval 10 '! grep -q "^TracerPid:[[:space:]]*0$" /proc/$HENBD_PID/task/*/status'
}
trace_stop() { kill "$STRACE_PID"; wait "$STRACE_PID" 2>/dev/null; }
renames() { grep -c 'rename.*henbd\.state' "$TRACE"; }
fsyncs() { grep -c 'fsync(' "$TRACE"; }

# two sessions that change nothing (the second one also makes sure the first one ended)
check "strace attached" trace_start
check "session 2 (GetParameterValues) released" session 2
check "session 3 (GetParameterValues) released" session 3
trace_stop
check_eq "a session that changed nothing: no state written" "0 0" "$(renames) $(fsyncs)"

# a session with a SetParameterValues, then one without
check "strace attached again" trace_start
check "session 4 (SetParameterValues) released" session 4
check "session 5 (GetParameterValues) released" session 5
trace_stop
check_eq "a session that changed something: the state written once (file and folder synced)" "1 2" \
    "$(renames) $(fsyncs)"
check "the change is in the state file" grep -q "^${MS}PeriodicInformInterval=7200$" "$WORK/state/henbd.state"
check "its ParameterKey too" grep -q "ParameterKey=writes-4" "$WORK/state/henbd.state"
finish
