#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The systemd unit's sandbox: `systemd-analyze security --offline=true` (no systemd as PID 1
# needed; Debian 12's systemd 252) rates data/henbd.service 4.0 or better, and the settings the
# rating rests on are there: no capabilities, a system call filter, /run/henbd, the state and
# logs directories. A control copy without the sandbox must fail the same threshold. The
# system call filter is checked against henbd itself: every system call a public-internet
# bootstrap to registered makes (strace) must be one the unit's SystemCallFilter allows.
. "$(dirname "$0")/../lib/common.sh"

command -v systemd-analyze >/dev/null || skip_all "systemd-analyze is not installed (package systemd)"
UNIT=$HENB_DATA_DIR/henbd.service

score() { # score UNIT -> the overall exposure, e.g. 1.8
    systemd-analyze security --offline=true "$1" 2>/dev/null |
        sed -n 's/^→ Overall exposure level for .*: \([0-9.]*\) .*/\1/p'
}

systemd-analyze security --offline=true --threshold=40 "$UNIT" >"$WORK/security.out" 2>&1
check_eq "systemd-analyze security: henbd.service at 4.0 or better (threshold 40)" "0" "$?"
exposure=$(score "$UNIT")
tap_comment "systemd-analyze security henbd.service: exposure $exposure"
check "the exposure level is a number" test -n "$exposure"
check "the exposure level is at most 4.0" awk -v s="$exposure" 'BEGIN { exit !(s <= 4.0) }'

unit_has() { grep -qx "$1" "$UNIT"; }
check "no capabilities (CapabilityBoundingSet= empty)" unit_has "CapabilityBoundingSet="
check "a system call filter" unit_has "SystemCallFilter=@system-service"
check "/run/henbd made by the unit (RuntimeDirectory=henbd)" unit_has "RuntimeDirectory=henbd"
check "the state directory made by the unit, 0700" bash -c "grep -qx StateDirectory=henbd '$UNIT' && grep -qx StateDirectoryMode=0700 '$UNIT'"
check "a logs directory for TraceDir outside the state (LogsDirectory=henbd)" unit_has "LogsDirectory=henbd"
check "ProtectClock" unit_has "ProtectClock=yes"
check "RestrictNamespaces" unit_has "RestrictNamespaces=yes"
check "systemd knows every setting (no 'Unknown key')" bash -c "! grep -qi 'unknown' '$WORK/security.out'"

# the control: the same unit without its sandbox is rated worse than the threshold
sed -n '/^\[Unit\]/,/^\[Service\]/p; /^Type=/p; /^BusName=/p; /^ExecStart=/p' "$UNIT" >"$WORK/henbd.service"
systemd-analyze security --offline=true --threshold=40 "$WORK/henbd.service" >/dev/null 2>&1
check_eq "control: an unsandboxed henbd.service fails the threshold (exit 1)" "1" "$?"
tap_comment "unsandboxed: exposure $(score "$WORK/henbd.service")"

# --- the system calls henbd makes, against the filter -----------------------------------------
if ! command -v strace >/dev/null; then
    ok "# SKIP system calls: strace is not installed"
    finish
fi
start_hems_pair --s1 10.20.0.1
write_factory https://hems.henb.test:7547/cwmp
HENBD_QUIET=1 HENBD_WRAPPER="strace -f -qq -o $WORK/strace.log" start_henbd
check "under strace: registered" wait_final 30
check "rediscover" henbctl_ rediscover
check "registered again" wait_final 30
# strace does not pass SIGTERM on: henbd is its child, stopped the way systemd stops it
TRACED=$(pgrep -P "$HENBD_PID" -x henbd)
check "henbd runs under strace" test -n "$TRACED"
kill -TERM "$TRACED"
wait "$HENBD_PID"
HENBD_PID=
systemd-analyze syscall-filter >"$WORK/groups.txt" 2>/dev/null
/usr/bin/python3 - "$UNIT" "$WORK/groups.txt" "$WORK/strace.log" >"$WORK/syscalls.out" <<'PY'
import re, sys
unit, groups_file, trace = sys.argv[1:]
groups, cur = {}, None
for line in open(groups_file):
    t = line.strip()
    if not t or t.startswith('#'):
        continue
    if line.startswith('@'):
        cur = groups[t] = []
    elif cur is not None:
        cur.append(t)
def expand(names):
    out = set()
    for n in names:
        out |= expand(groups[n]) if n.startswith('@') else {n}
    return out
allowed, denied = set(), set()
for line in open(unit):
    if line.startswith('SystemCallFilter='):
        v = line.split('=', 1)[1].split()
        if v[0].startswith('~'):
            denied |= expand([v[0][1:]] + v[1:])
        else:
            allowed |= expand(v)
used = set()
for line in open(trace):
    m = re.match(r'^\d+ +([a-z_0-9]+)\(', line)
    if m:
        used.add(m.group(1))
print(len(used), ' '.join(sorted(used - (allowed - denied))))
PY
read -r n_used outside <"$WORK/syscalls.out"
tap_comment "henbd made $n_used different system calls"
check "strace saw henbd's system calls" test "${n_used:-0}" -gt 20
check_eq "every system call henbd made is one the unit's SystemCallFilter allows" "" "${outside:-}"
finish
