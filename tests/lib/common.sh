# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers of henbd's integration tests (sourced). Every test gets its own work folder,
# its own dbus-daemon, its own loopback subnet 127.<HENB_TEST_NET>.0.0/24 (so tests can run in
# parallel), real dnsmasq as DNS, real TLS with a PKI made by certtool, the reference HeMS and
# henbd itself. Output is TAP; everything started is stopped by the EXIT trap.
#
# Environment (set by meson): HENBD HENBCTL HENB_REF_HEMS HENB_PLUGIN_DIR HENB_TOOLS_DIR
# HENB_SPEC_DIR (may not exist) HENB_TEST_NET (1..254) HENB_KEEP (keep the work folder).
#
# Deadlines: tests wait for conditions, and every bound on such a wait (wait_for, wait_eval,
# henbd coming up, henbctl monitor, the HeMS, dnsmasq, the testbed) is multiplied by
# HENB_TIMEOUT_SCALE, a whole number (default 1) that tests/sanitize/run-sanitized (3) and
# tests/valgrind/run-valgrind (10) set. A deadline only bounds a failure: a larger one never
# makes a passing test slower.

set -u

HENB_TIMEOUT_SCALE=${HENB_TIMEOUT_SCALE:-1}
case $HENB_TIMEOUT_SCALE in
'' | *[!0-9]* | 0) echo "Bail out! HENB_TIMEOUT_SCALE must be a whole number from 1: '$HENB_TIMEOUT_SCALE'"; exit 1 ;;
esac
export HENB_TIMEOUT_SCALE
# scaled SECONDS -> the deadline SECONDS (whole) stretched by HENB_TIMEOUT_SCALE
scaled() { echo $(($1 * HENB_TIMEOUT_SCALE)); }

: "${HENB_TEST_NET:?set by meson}"
# HENB_TEST_NET_OFFSET moves every test to other subnets, so that two build trees on one
# machine can run their suites at the same time
# (wrapping within 1..254: the stages' own subnets, 240 and 241, moved too)
HENB_TEST_NET=$(( (HENB_TEST_NET + ${HENB_TEST_NET_OFFSET:-0} - 1) % 254 + 1 ))
NET=127.$HENB_TEST_NET.0
DNS_IP=$NET.53
DNS_PORT=5353
INITIAL_IP=$NET.1
SERVING_IP=$NET.2
WORK=$(mktemp -d "/tmp/henb-test-$(basename "$0" .sh)-XXXXXX")
PIDS=()
HENBD_PID=
TAP_N=0
TAP_FAILED=0

cleanup() {
    local p
    [ -n "${HENBD_PID:-}" ] && stop_henbd
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.02; done
        kill -9 "$p" 2>/dev/null
    done
    declare -F tb_down >/dev/null && tb_down
    if [ "$TAP_FAILED" -gt 0 ] || [ -n "${HENB_KEEP:-}" ]; then
        echo "# work folder kept: $WORK"
        for f in "$WORK"/*.log; do [ -f "$f" ] && { echo "# ---- $f"; tail -40 "$f" | tap_comment; }; done
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

# --- TAP ----------------------------------------------------------------------------------
# Everything on stdout is TAP: anything else (a log's lines, a daemon's output) is a comment or
# goes to a file. tests/tools/summarize-tests fails a test that printed other lines.
# tap_comment [TEXT...]: TEXT (or stdin), every line as a TAP comment: no control characters,
# at most 400 characters (meson reads lines of up to 64 KiB: the rest would come out bare)
tap_comment() {
    if [ $# -gt 0 ]; then printf '%s\n' "$@"; else cat; fi |
        LC_ALL=C tr -d '\000-\010\013-\037\177' | LC_ALL=C cut -c1-400 | sed 's/^/#   /'
}
# bail_out MESSAGE [DETAIL]: ends the test; DETAIL (e.g. a log's end) follows as comments
# (the work folder is kept, as for a failed test)
bail_out() {
    TAP_FAILED=$((TAP_FAILED + 1))
    echo "Bail out! ${1//$'\n'/ }"
    [ -z "${2:-}" ] || tap_comment "$2"
    exit 1
}
ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - ${1//$'\n'/ }"; }
not_ok() {
    TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1)); echo "not ok $TAP_N - ${1//$'\n'/ }"
    shift; [ $# = 0 ] || tap_comment "$@"
}
# check DESCRIPTION COMMAND...   (passes when the command succeeds)
check() { local d=$1; shift; if "$@" >"$WORK/check.out" 2>&1; then ok "$d"; else not_ok "$d" "$(tail -5 "$WORK/check.out")"; fi; }
# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "actual:   $3"; fi; }
# check_contains DESCRIPTION NEEDLE HAYSTACK
check_contains() { case "$3" in *"$2"*) ok "$1";; *) not_ok "$1" "expected to contain: $2" "actual: $3";; esac; }
# finish: every envelope henbd sent during the test must validate against the BBF XSDs, and
# every Inform among them carry an event
finish() {
    local sent=("$WORK"/trace/*-sent-*.xml) rc
    if [ -e "${sent[0]}" ]; then
        validate_trace "${sent[@]}" >"$WORK/validate.log" 2>&1
        rc=$?
        if [ $rc = 77 ]; then
            ok "# SKIP ${#sent[@]} envelopes vs BBF XSD: $(head -1 "$WORK/validate.log")"
        else
            check_eq "all ${#sent[@]} envelopes henbd sent validate against the BBF CWMP XSD" 0 $rc
            [ $rc = 0 ] || sed 's/^/#   /' "$WORK/validate.log" | head -20
        fi
    fi
    # TR-069: an Inform states its cause, at least one EventStruct, whatever the test did
    local informs=("$WORK"/trace/*-sent-Inform.xml) bare=() f
    if [ -e "${informs[0]}" ]; then
        for f in "${informs[@]}"; do grep -q '<EventStruct>' "$f" || bare+=("$(basename "$f")"); done
        check_eq "each of the ${#informs[@]} Informs henbd sent carries an event" "" "${bare[*]}"
    fi
    # a CRITICAL is a programming error, whatever the test looked at
    if [ -f "$WORK/henbd.log" ]; then
        check "henbd logged no CRITICAL" bash -c "! grep -q 'CRITICAL' '$WORK/henbd.log'"
    fi
    echo "1..$TAP_N"
    [ "$TAP_FAILED" -eq 0 ]
    exit $?
}
skip_all() { echo "1..0 # SKIP $1"; exit 0; }

# --- processes ----------------------------------------------------------------------------
# wait_eval SECONDS 'EXPRESSION': like wait_for, but EXPRESSION (with $(...) and the shell
# functions of the test) is evaluated afresh each time
wait_eval() {
    local end=$(( $(date +%s%N) / 1000000 + $1 * HENB_TIMEOUT_SCALE * 1000 ))
    while ! eval "$2" >/dev/null 2>&1; do
        [ $(( $(date +%s%N) / 1000000 )) -ge $end ] && return 1
        sleep 0.05
    done
}
# wait_for SECONDS COMMAND...: until COMMAND succeeds; returns 1 when it has not after SECONDS
# (scaled)
wait_for() {
    local end=$(( $(date +%s%N) / 1000000 + $1 * HENB_TIMEOUT_SCALE * 1000 )); shift
    while ! "$@" >/dev/null 2>&1; do
        [ $(( $(date +%s%N) / 1000000 )) -ge $end ] && return 1
        sleep 0.05
    done
}

start_bus() {
    dbus-daemon --session --nofork --print-address=3 3>"$WORK/bus.address" >"$WORK/dbus.log" 2>&1 &
    PIDS+=($!)
    wait_for 5 test -s "$WORK/bus.address" || bail_out "dbus-daemon did not start" "$(tail -5 "$WORK/dbus.log")"
    DBUS_SESSION_BUS_ADDRESS=$(head -n1 "$WORK/bus.address")
    export DBUS_SESSION_BUS_ADDRESS
}

make_pki() { "$HENB_TOOLS_DIR/make-pki" "$WORK/pki" "$INITIAL_IP" "$SERVING_IP" >/dev/null; }

# start_dns NAME=IP...   real dnsmasq as the public DNS of the test
start_dns() {
    local args=() r
    for r in "$@"; do args+=("--host-record=${r%%=*},${r#*=}"); done
    dnsmasq --keep-in-foreground --port=$DNS_PORT --listen-address=$DNS_IP --bind-interfaces \
        --no-resolv --no-hosts --local=/henb.test/ --user="$(id -un)" --pid-file= \
        --log-queries --log-facility="$WORK/dns.log" "${args[@]}" 2>>"$WORK/dns.log" &
    PIDS+=($!)
    wait_for 5 grep -q "started" "$WORK/dns.log" || bail_out "dnsmasq did not start" "$(tail -5 "$WORK/dns.log")"
}

# start_hems NAME IP:PORT ARGS...   (NAME.log is the HeMS's session log)
# With HEMS_NETNS set, the HeMS runs in that network namespace.
start_hems() {
    local name=$1 listen=$2 wrap=(); shift 2
    [ -n "${HEMS_NETNS:-}" ] && wrap=(ip netns exec "$HEMS_NETNS")
    rm -f "$WORK/$name.ready"
    "${wrap[@]}" "$HENB_REF_HEMS" --listen "$listen" --log "$WORK/$name.log" --ready-file "$WORK/$name.ready" "$@" \
        >>"$WORK/$name.stderr" 2>&1 &
    PIDS+=($!)
    eval "HEMS_PID_$name=$!"
    wait_for 5 test -f "$WORK/$name.ready" || bail_out "HeMS $name did not start" "$(tail -5 "$WORK/$name.stderr")"
}

tls_args() { # tls_args CERTNAME -> the HeMS's TLS options (client certificate required)
    echo --tls-cert "$WORK/pki/$1.pem" --tls-key "$WORK/pki/$1.key" --client-ca "$WORK/pki/ca.pem"
}

# start_hems_pair SERVING-ARGS...: the usual loopback bed: PKI, bus, DNS for both HeMS names,
# an Initial HeMS that hands out the Serving HeMS, and the Serving HeMS with SERVING-ARGS
start_hems_pair() {
    make_pki
    start_bus
    start_dns hems.henb.test=$INITIAL_IP serving.henb.test=$SERVING_IP
    start_hems initial $INITIAL_IP:7547 --role initial $(tls_args hems-dns) \
        --serving-hems-url https://serving.henb.test:7548/cwmp
    start_hems serving $SERVING_IP:7548 --role serving $(tls_args hems-dns) "$@"
}

# write_factory INITIAL_URL [extra lines for conf.d/50-test.conf...]
write_factory() {
    local url=$1; shift
    mkdir -p "$WORK/etc/conf.d"
    cat >"$WORK/etc/factory.conf" <<EOF
[Factory]
DiscoveryVariant=public-internet
InitialHeMS=$url
RootCA=$WORK/pki/ca.pem
DeviceCertificate=$WORK/pki/device.pem
DeviceKey=$WORK/pki/device.key

[DeviceInfo]
Manufacturer=henbd test
ManufacturerOUI=00005A
ProductClass=HeNB
SerialNumber=SN-$HENB_TEST_NET
HardwareVersion=hw1

[Network]
PublicDNS=$DNS_IP:$DNS_PORT

[Timeouts]
Resolve=5
Connect=5
EOF
    printf '%s\n' "$@" >"$WORK/etc/conf.d/50-test.conf"
}

# With HENBD_NETNS set, henbd runs in that network namespace (the bus is a unix socket, which
# namespaces share); HENBD_ENV adds environment variables (e.g. DBUS_SYSTEM_BUS_ADDRESS=...).
# HENBD_WRAPPER runs henbd under a tool ("valgrind --leak-check=full ..."), HENBD_QUIET=1
# without --debug and the envelope trace (tests/bench/soak: thousands of sessions).
start_henbd() {
    local wrap=() verbose=(--debug --trace-dir "$WORK/trace") startup=10
    [ -n "${HENBD_NETNS:-}" ] && wrap=(ip netns exec "$HENBD_NETNS")
    [ -n "${HENBD_QUIET:-}" ] && verbose=()
    # valgrind takes seconds to start a program (run-valgrind scales the deadline instead)
    [ -n "${HENBD_WRAPPER:-}" ] && [ "$HENB_TIMEOUT_SCALE" = 1 ] && startup=60
    env ${HENBD_ENV:-} "${wrap[@]}" ${HENBD_WRAPPER:-} "$HENBD" --session "${verbose[@]}" \
        --config "$WORK/etc/factory.conf" --conf-dir "$WORK/etc/conf.d" \
        --state-dir "$WORK/state" --plugin-dir "$HENB_PLUGIN_DIR" "$@" \
        >>"$WORK/henbd.log" 2>&1 &
    HENBD_PID=$!
    PIDS+=($HENBD_PID)
    # on the bus, or gone: no point waiting for a henbd that exited
    wait_eval $startup 'henbctl_ status || ! kill -0 "$HENBD_PID"'
    henbctl_ status >/dev/null 2>&1 ||
        bail_out "henbd did not come up in $(scaled $startup) s ($(kill -0 "$HENBD_PID" 2>/dev/null &&
            echo "running" || echo "exited")): its log ends with" "$(tail -5 "$WORK/henbd.log")"
}

stop_henbd() {
    [ -n "$HENBD_PID" ] || return 0
    kill "$HENBD_PID" 2>/dev/null
    wait "$HENBD_PID" 2>/dev/null
    HENBD_PID=
    return 0
}

henbctl_() { "$HENBCTL" --session "$@"; }

# wait_final [SECONDS] -> runs henbctl monitor (SECONDS scaled); its exit status says
# registered (0) or not
wait_final() { henbctl_ monitor --timeout "$(scaled "${1:-30}")" >>"$WORK/monitor.log" 2>&1; }

# prop INTERFACE-SUFFIX PROPERTY -> the property in GVariant text form, straight off the bus
prop() {
    local iface=org.henbd.HeNB1${1:+.$1} v
    v=$(gdbus call --session -d org.henbd.HeNB1 -o /org/henbd/HeNB1 \
        -m org.freedesktop.DBus.Properties.Get "$iface" "$2") || return 1
    v=${v#"(<"}; echo "${v%">,)"}"
}

# json EXPR -> evaluates a Python expression on `henbctl status --json` bound to s
json() {
    henbctl_ status --json | /usr/bin/python3 -c "import json,sys; s=json.load(sys.stdin); print($1)"
}

validate_trace() { # validate_trace DIR|FILE... -> every envelope against the BBF XSDs (exit 77 without them)
    "$HENB_TOOLS_DIR/validate-envelopes" "$HENB_SPEC_DIR" "$@"
}
