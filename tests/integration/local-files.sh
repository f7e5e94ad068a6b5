#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# henbd and the files it reads and writes on its own device:
# - RootCA=/dev/zero (grew henbd to 5 GB) and a FIFO as RootCA (hung it before it took its bus
#   name, deaf to SIGTERM): refused at once with a clear error, in bounded memory; a FIFO put
#   in the RootCA's place later fails the TLS step, and SIGTERM still ends henbd;
# - a FIFO as state file: moved aside like a damaged one, henbd starts and answers SIGTERM;
# - (root) a read-only and a full state file system: henbd starts anyway, registers from the
#   stored state, shows StateFileWriteError on D-Bus and in henbctl, logs it once, refuses a
#   SetParameterValues it cannot make durable with 9002 and loses nothing; once the file
#   system is writable again its own retry writes the state and the property clears.
. "$(dirname "$0")/../lib/common.sh"

MS=Device.ManagementServer.
# session 1: registration from the factory; 2 and 3: with the state file system read-only,
# then full: the SetParameterValues cannot be made durable
cat >"$WORK/serving.script" <<EOF
session 1
rpc Configure
rpc SetParameterValues key=pk-1 ${MS}PeriodicInformInterval=xsd:unsignedInt:3600
session 2
rpc SetParameterValues key=pk-ro ${MS}PeriodicInformInterval=xsd:unsignedInt:777
session 3
rpc SetParameterValues key=pk-full ${MS}PeriodicInformInterval=xsd:unsignedInt:888
EOF
start_hems_pair --s1 10.47.0.1 --script "$WORK/serving.script"
write_factory https://hems.henb.test:7547/cwmp
STATE=$WORK/state
henbd_fg() {
    "$HENBD" --session --config "$WORK/etc/factory.conf" --conf-dir "$WORK/etc/conf.d" --state-dir "$STATE" \
        --plugin-dir "$HENB_PLUGIN_DIR" "$@"
}
gone() { ! kill -0 "$1" 2>/dev/null; }
write_error_clear() { [ "$(prop '' StateFileWriteError)" = "('', '')" ]; }

# --- RootCA that is no regular file: refused at once, memory bounded ----------------------
mkfifo "$WORK/ca.fifo"
for ca in /dev/zero "$WORK/ca.fifo"; do
    write_factory https://hems.henb.test:7547/cwmp "[Factory]" "RootCA=$ca"
    start=$(date +%s%N)
    /usr/bin/time -f "maxrss %M" -o "$WORK/rss" timeout 20 "$HENBD" --session \
        --config "$WORK/etc/factory.conf" --conf-dir "$WORK/etc/conf.d" --state-dir "$STATE" \
        --plugin-dir "$HENB_PLUGIN_DIR" >"$WORK/refused.log" 2>&1
    rc=$? ms=$(( ($(date +%s%N) - start) / 1000000 ))
    check_eq "RootCA=$ca: henbd refuses to start (exit 1, not the timeout)" "1" "$rc"
    case $ca in
        /dev/zero) what="a character device";;
        *) what="a FIFO (named pipe)";;
    esac
    check_eq "RootCA=$ca: the error names the key, the file and what it is" \
        "henbd: refusing to start: [Factory] RootCA $ca is $what, not a regular file" "$(cat "$WORK/refused.log")"
    kb=$(sed -n 's/^maxrss //p' "$WORK/rss")
    echo "# RootCA=$ca: refused in $ms ms, peak RSS $kb KiB"
    check "RootCA=$ca: peak memory below 256 MiB (was 5 GB)" test "${kb:-999999999}" -lt 262144
done

# a FIFO takes the RootCA's place after start-up: the TLS step fails, henbd stays responsive
cp "$WORK/pki/ca.pem" "$WORK/ca-later.pem"
write_factory https://hems.henb.test:7547/cwmp "[Factory]" "RootCA=$WORK/ca-later.pem" "[Daemon]" "AutoStart=false"
rm -rf "$STATE"
start_henbd
rm "$WORK/ca-later.pem"; mkfifo "$WORK/ca-later.pem"
henbctl_ start
check "FIFO as RootCA at the TLS step: the run fails instead of hanging" wait_eval 20 '[ "$(prop "" State)" = "-1" ]'
check_contains "FIFO as RootCA at the TLS step: Security.Credentials" "Security.Credentials" "$(prop '' LastError)"
check_contains "FIFO as RootCA at the TLS step: the error names the FIFO" \
    "operator root CA $WORK/ca-later.pem is a FIFO (named pipe), not a regular file" "$(prop '' LastError)"
kill "$HENBD_PID"
check "FIFO as RootCA at the TLS step: SIGTERM ends henbd" wait_for 10 gone "$HENBD_PID"
wait "$HENBD_PID" 2>/dev/null; HENBD_PID=

# --- a FIFO as state file: set aside like a damaged one --------------------------------------
write_factory https://hems.henb.test:7547/cwmp "[Daemon]" "AutoStart=false"
rm -rf "$STATE"; mkdir -m 0700 "$STATE"; mkfifo -m 0600 "$STATE/henbd.state"
start_henbd
check "FIFO as state file: henbd takes its bus name" test "$(prop '' State)" = "1"
check_contains "FIFO as state file: reported as damaged, saying what it is" \
    "is a FIFO (named pipe), not a regular file); kept as $STATE/henbd.state.corrupt-" "$(prop '' LastError)"
check "FIFO as state file: kept aside" bash -c "test -p $STATE/henbd.state.corrupt-*"
check "FIFO as state file: a fresh state file in its place" test -f "$STATE/henbd.state"
kill "$HENBD_PID"
check "FIFO as state file: SIGTERM ends henbd" wait_for 10 gone "$HENBD_PID"
wait "$HENBD_PID" 2>/dev/null; HENBD_PID=

# --- a state file system that refuses writes ----------------------------------------------
if [ "$(id -u)" != 0 ]; then
    ok "# SKIP read-only and full state file systems: mounting needs root"
    finish
fi

# registered once, from the factory: the stored state to run from
write_factory https://hems.henb.test:7547/cwmp
rm -rf "$STATE"
start_henbd
check "first registration" wait_final 30
stop_henbd
check "the stored state names the Serving HeMS" grep -q "^${MS}URL=https://serving.henb.test:7548/cwmp$" "$STATE/henbd.state"
check "the stored state holds ParameterKey pk-1" grep -q "^${MS}ParameterKey=pk-1$" "$STATE/henbd.state"

# henbd runs in a mount namespace of its own where the state folder is MODE: the mounts go
# with henbd, whatever happens to the test
cat >"$WORK/in-namespace" <<'EOF'
#!/bin/bash
# in-namespace MODE DIR HENBD ARGS...: HENBD with DIR read-only (ro) or on a full tmpfs (full)
mode=$1 dir=$2; shift 2
mount --make-rprivate / || exit 1
case $mode in
    ro) mount --bind "$dir" "$dir" && mount -o remount,bind,ro "$dir" || exit 1;;
    full) cp -a "$dir/." "$dir.copy" || exit 1
          mount -t tmpfs -o size=256k,mode=0700 henbd-state "$dir" || exit 1
          cp -a "$dir.copy/." "$dir/" && rm -rf "$dir.copy" || exit 1
          dd if=/dev/zero of="$dir/filler" bs=4k 2>/dev/null;;
esac
exec "$@"
EOF
chmod +x "$WORK/in-namespace"

# state_fs_case MODE SESSION ERRNO-TEXT KEY VALUE
state_fs_case() {
    local mode=$1 session=$2 why=$3 key=$4 value=$5 from before
    cp "$STATE/henbd.state" "$WORK/state.before"
    from=$(($(wc -l <"$WORK/henbd.log") + 1))
    HENBD_WRAPPER="unshare -m $WORK/in-namespace $mode $STATE" start_henbd
    check "$mode: henbd starts" test "$(prop '' Version)" != ""
    check "$mode: registers from the stored state" wait_final 30
    check "$mode: with the stored Serving HeMS, 1 BOOT and no discovery" \
        grep -q "\[session $session\] from .*Inform .* events: 1 BOOT;" "$WORK/serving.log"
    check_contains "$mode: StateFileWriteError on D-Bus" \
        "('org.henbd.HeNB1.Error.Core.StateNotSaved', 'cannot write state $STATE/henbd.state: $why')" \
        "$(prop '' StateFileWriteError)"
    check "$mode: henbctl status shows it" \
        grep -qx "state file not saved: org.henbd.HeNB1.Error.Core.StateNotSaved: cannot write state $STATE/henbd.state: $why" \
        <(henbctl_ status)
    check_eq "$mode: henbctl status --json shows it" "org.henbd.HeNB1.Error.Core.StateNotSaved $why" \
        "$(json "s['state_file_write_error']['name'] + ' ' + s['state_file_write_error']['message'].split(': ')[-1]")"
    check "$mode: the SetParameterValues that cannot be made durable is refused with 9002" \
        grep -q "\[session $session\] <- Fault 9002" "$WORK/serving.log"
    check_eq "$mode: the failure is logged once, not at every write" "1" \
        "$(tail -n +"$from" "$WORK/henbd.log" | grep -c "cannot write state .*; running from memory, retrying")"
    check "$mode: nothing changed in the stored state meanwhile" cmp "$STATE/henbd.state" "$WORK/state.before"
    # writable again: henbd's own retry (first after 5 s, then 10, 20...) writes the state
    case $mode in
        ro) nsenter -t "$HENBD_PID" -m mount -o remount,bind,rw "$STATE";;
        full) nsenter -t "$HENBD_PID" -m rm "$STATE/filler";;
    esac
    check "$mode: writable again, the retry clears StateFileWriteError" \
        wait_for 60 write_error_clear
    check "$mode: henbd logged the state saved again" grep -q "state saved to $STATE/henbd.state again after" "$WORK/henbd.log"
    check_eq "$mode: henbctl status --json: no error" "" "$(json "s['state_file_write_error']['name']")"
    # what henbd wrote (on the tmpfs, it is seen through henbd's own mount namespace)
    cp "/proc/$HENBD_PID/root$STATE/henbd.state" "$WORK/state.after"
    check "$mode: the written state keeps the Serving HeMS" grep -q "^${MS}URL=https://serving.henb.test:7548/cwmp$" "$WORK/state.after"
    # (a later session of the HeMS's, e.g. for a value change, may have set its own key)
    check "$mode: the refused change is not in it" bash -c "! grep -q '^${MS}ParameterKey=pk-$mode$' '$WORK/state.after' &&
        ! grep -q '^${MS}PeriodicInformInterval=\(777\|888\)$' '$WORK/state.after'"
    check "$mode: nor its value" bash -c "! grep -q '^${MS}PeriodicInformInterval=$value$' '$WORK/state.after'"
    check "$mode: still registered" test "$(prop '' State)" = "6"
    stop_henbd
    check "$mode: no mount left behind" bash -c "! grep -q ' $STATE ' /proc/self/mounts"
    cp "$WORK/state.after" "$STATE/henbd.state"
}
state_fs_case ro 2 "Read-only file system" pk-ro 777
state_fs_case full 3 "No space left on device" pk-full 888

# and henbd registers normally afterwards
start_henbd
check "afterwards: registers with the stored state" wait_final 30
check_eq "afterwards: no StateFileWriteError" "('', '')" "$(prop '' StateFileWriteError)"
finish
