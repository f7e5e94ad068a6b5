#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Who may do what, on a real dbus-daemon run with Debian's system bus configuration and the
# shipped bus policy (data/org.henbd.HeNB1.conf): henbd owns org.henbd.HeNB1 as root; an
# unprivileged user (nobody) reads every property and introspects, but neither owns the name
# nor calls Start, Rediscover, Cancel or SetLogging, unless polkit grants it org.henbd.HeNB1.control
# (data/org.henbd.HeNB1.policy.in). polkitd runs on the test's bus in a mount namespace, so it
# reads the test's actions and rules instead of the system's. Without polkitd only root may.
. "$(dirname "$0")/../lib/common.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root: henbd owns its name on a system bus as root"
[ -f /usr/share/dbus-1/system.conf ] || skip_all "no system bus configuration (dbus-system-bus-common)"
command -v setpriv >/dev/null || skip_all "setpriv is not installed"
NOBODY_UID=$(id -u nobody) && NOBODY_GID=$(id -g nobody) || skip_all "there is no user nobody"
POLKITD=/usr/lib/polkit-1/polkitd
POLKIT_CONF=/usr/share/dbus-1/system.d/org.freedesktop.PolicyKit1.conf

# --- a system bus of the test's own --------------------------------------------------------
# Debian's system.conf with as few changes as running it here needs: no switch to messagebus
# (the test owns the socket folder), no activation of the machine's services (polkitd must be
# absent when the test says so), and only the bus policies under test instead of every one
# installed. --address, --nopidfile and --nosyslog cover the socket, pid file and logging.
mkdir -m 0755 "$WORK/bus"
chmod 0711 "$WORK"   # nobody reaches the socket; the rest of $WORK stays closed to it
sed -e '/<user>/d' -e '/<standard_system_servicedirs\/>/d' -e '/<servicehelper>/d' -e '/<includedir>/d' \
    -e "s|</busconfig>|  <include>$HENB_DATA_DIR/org.henbd.HeNB1.conf</include>\n  <include ignore_missing=\"yes\">$POLKIT_CONF</include>\n</busconfig>|" \
    /usr/share/dbus-1/system.conf >"$WORK/system.conf"
dbus-daemon --config-file="$WORK/system.conf" --nofork --nopidfile --nosyslog \
    --address="unix:path=$WORK/bus/system_bus_socket" --print-address=3 \
    3>"$WORK/sysbus.address" >"$WORK/dbus.log" 2>&1 &
PIDS+=($!)
wait_for 5 test -s "$WORK/sysbus.address" || { echo "Bail out! the system dbus-daemon did not start"; exit 1; }
DBUS_SYSTEM_BUS_ADDRESS=$(head -n1 "$WORK/sysbus.address")
export DBUS_SYSTEM_BUS_ADDRESS

as_nobody() { setpriv --reuid="$NOBODY_UID" --regid="$NOBODY_GID" --clear-groups -- "$@"; }
# henb [as_nobody] METHOD ARGS... -> gdbus's output, errors included
henb() {
    local wrap=()
    [ "$1" = as_nobody ] && { wrap=(as_nobody); shift; }
    "${wrap[@]}" gdbus call --system -d org.henbd.HeNB1 -o /org/henbd/HeNB1 -m "$@" 2>&1
}
sys_prop() { henb org.freedesktop.DBus.Properties.Get "org.henbd.HeNB1${1:+.$1}" "$2"; }
name_owned() {
    [ "$(gdbus call --system -d org.freedesktop.DBus -o /org/freedesktop/DBus \
        -m org.freedesktop.DBus.NameHasOwner "$1" 2>/dev/null)" = "(true,)" ]
}

# --- henbd as root on it -------------------------------------------------------------------
make_pki
# nothing listens there: a Start fails fast and leaves a retry for Cancel to call off
write_factory "https://$INITIAL_IP:7999/cwmp" "[Daemon]" "AutoStart=false"
"$HENBD" --debug --config "$WORK/etc/factory.conf" --conf-dir "$WORK/etc/conf.d" --state-dir "$WORK/state" \
    --plugin-dir "$HENB_PLUGIN_DIR" >>"$WORK/henbd.log" 2>&1 &
HENBD_PID=$!
PIDS+=($HENBD_PID)
check "henbd (root) owns org.henbd.HeNB1 on the system bus" wait_for 5 name_owned org.henbd.HeNB1

# --- what an unprivileged user may ----------------------------------------------------------
for iface in "" .Procedure .Serving .Tunnel .Management; do
    out=$(as_nobody gdbus call --system -d org.henbd.HeNB1 -o /org/henbd/HeNB1 \
        -m org.freedesktop.DBus.Properties.GetAll "org.henbd.HeNB1$iface" 2>&1)
    check "nobody reads every property of org.henbd.HeNB1$iface (GetAll)" \
        test "$(echo "$out" | grep -c "^({'")" = 1
done
check_contains "nobody reads a single property (Get)" "<1>" "$(henb as_nobody org.freedesktop.DBus.Properties.Get org.henbd.HeNB1 State)"
out=$(as_nobody gdbus introspect --system -d org.henbd.HeNB1 -o /org/henbd/HeNB1 2>&1)
check_contains "nobody introspects: org.henbd.HeNB1" "interface org.henbd.HeNB1 {" "$out"
check_contains "nobody introspects: org.henbd.HeNB1.Management" "interface org.henbd.HeNB1.Management {" "$out"
check_contains "nobody cannot set a property (bus policy)" "org.freedesktop.DBus.Error.AccessDenied" \
    "$(henb as_nobody org.freedesktop.DBus.Properties.Set org.henbd.HeNB1 State '<7>')"
check_contains "nobody cannot call a method the policy does not list (bus policy)" \
    "org.freedesktop.DBus.Error.AccessDenied" "$(henb as_nobody org.henbd.HeNB1.Reboot)"
out=$(as_nobody gdbus call --system -d org.freedesktop.DBus -o /org/freedesktop/DBus \
    -m org.freedesktop.DBus.RequestName org.henbd.HeNB1 4 2>&1)
check_contains "nobody cannot own org.henbd.HeNB1 (bus policy)" "org.freedesktop.DBus.Error.AccessDenied" "$out"
check_contains "nobody cannot own org.henbd.HeNB1: says why" "not allowed to own the service \"org.henbd.HeNB1\"" "$out"

# without polkitd on the bus only root may; henbd answers, the bus lets the call through
for m in Start Rediscover Cancel; do
    check_eq "no polkitd: nobody's $m is refused by henbd" \
        "Error: GDBus.Error:org.henbd.HeNB1.Error.Core.Unauthorized: $m: only root may do this while polkit is not running (caller uid $NOBODY_UID)" \
        "$(henb as_nobody org.henbd.HeNB1.$m)"
done
check_eq "no polkitd: nobody's SetLogging is refused by henbd" \
    "Error: GDBus.Error:org.henbd.HeNB1.Error.Core.Unauthorized: SetLogging: only root may do this while polkit is not running (caller uid $NOBODY_UID)" \
    "$(henb as_nobody org.henbd.HeNB1.SetLogging message)"
as_nobody "$HENBCTL" logging message >"$WORK/logging-nobody.out" 2>&1
check_eq "no polkitd: nobody's henbctl logging exits 5 (not authorised)" "5" "$?"
check_eq "nobody's refused calls changed nothing: idle" "(<1>,)" "$(sys_prop '' State)"
check "henbd logs each refusal" test "$(grep -c "refused: .*only root may" "$WORK/henbd.log")" = 5
check "nobody's SetLogging changed nothing: henbd never logged a new level" bash -c "! grep -q 'log level:' '$WORK/henbd.log'"
check_eq "no polkitd: root may SetLogging" "()" "$(henb org.henbd.HeNB1.SetLogging debug)"
check "no polkitd: henbctl logging (root)" "$HENBCTL" logging debug
check_eq "no polkitd: root may Start" "()" "$(henb org.henbd.HeNB1.Start)"
check_eq "no polkitd: root may Cancel" "()" "$(henb org.henbd.HeNB1.Cancel)"
check_eq "no polkitd: root may Rediscover" "()" "$(henb org.henbd.HeNB1.Rediscover)"
check_eq "no polkitd: root may Cancel again" "()" "$(henb org.henbd.HeNB1.Cancel)"
check "henbctl (root) on the system bus: start and cancel" bash -c '"$HENBCTL" start && "$HENBCTL" cancel'

# --- polkit --------------------------------------------------------------------------------
POLKITD_PID=
start_polkitd() { # polkitd with the shipped action and the rules in $WORK/polkit/rules
    unshare --mount --propagation private sh -c '
        mount --bind "$1/actions" /usr/share/polkit-1/actions &&
        mount --bind "$1/rules" /etc/polkit-1/rules.d &&
        mount --bind "$1/rules" /usr/share/polkit-1/rules.d &&
        exec "$2" --no-debug' polkitd "$WORK/polkit" "$POLKITD" >>"$WORK/polkitd.log" 2>&1 &
    POLKITD_PID=$!
    PIDS+=($POLKITD_PID)
    wait_for 10 name_owned org.freedesktop.PolicyKit1
}
stop_polkitd() {
    kill "$POLKITD_PID" 2>/dev/null
    wait "$POLKITD_PID" 2>/dev/null
    wait_eval 5 '! name_owned org.freedesktop.PolicyKit1'
    POLKITD_PID=
}
# rule RESULT: polkit answers RESULT for org.henbd.HeNB1.control asked for nobody
rule() {
    rm -f "$WORK/polkit/rules/"*
    [ -n "$1" ] && cat >"$WORK/polkit/rules/50-henbd-test.rules" <<EOF
polkit.addRule(function(action, subject) {
    if (action.id == "org.henbd.HeNB1.control" && subject.user == "nobody")
        return polkit.Result.$1;
});
EOF
    chmod -R a+rX "$WORK/polkit"
}

if [ ! -x "$POLKITD" ]; then
    ok "# SKIP polkit: polkitd is not installed"
elif ! unshare --mount --propagation private true 2>/dev/null; then
    ok "# SKIP polkit: no mount namespace here ($(unshare --mount true 2>&1))"
else
    mkdir -p "$WORK/polkit/actions" "$WORK/polkit/rules"
    cp "$HENB_DATA_DIR/org.henbd.HeNB1.policy" "$WORK/polkit/actions/"
    rule ""
    check "polkitd runs on the test's bus" start_polkitd
    out=$(pkaction --action-id org.henbd.HeNB1.control --verbose 2>&1)
    check_contains "polkitd knows the shipped action" "org.henbd.HeNB1.control:" "$out"
    check_contains "the action: nobody from anywhere" "implicit any:      no" "$out"
    check_contains "the action: nobody from an inactive session" "implicit inactive: no" "$out"
    check_contains "the action: an administrator's password in an active session" "implicit active:   auth_admin_keep" "$out"

    for m in Start Rediscover Cancel; do
        check_eq "polkit, no rule: nobody's $m is refused" \
            "Error: GDBus.Error:org.henbd.HeNB1.Error.Core.Unauthorized: $m: polkit does not authorise uid $NOBODY_UID for org.henbd.HeNB1.control" \
            "$(henb as_nobody org.henbd.HeNB1.$m)"
    done
    check_eq "polkit, no rule: nobody's SetLogging is refused" \
        "Error: GDBus.Error:org.henbd.HeNB1.Error.Core.Unauthorized: SetLogging: polkit does not authorise uid $NOBODY_UID for org.henbd.HeNB1.control" \
        "$(henb as_nobody org.henbd.HeNB1.SetLogging debug)"
    check_eq "polkit: root may Start" "()" "$(henb org.henbd.HeNB1.Start)"
    check_eq "polkit: root may Cancel" "()" "$(henb org.henbd.HeNB1.Cancel)"

    stop_polkitd
    rule AUTH_ADMIN_KEEP
    check "polkitd with a rule asking nobody to authenticate" start_polkitd
    check_eq "polkit, authentication required: nobody's Start is refused, saying so" \
        "Error: GDBus.Error:org.henbd.HeNB1.Error.Core.Unauthorized: Start: uid $NOBODY_UID needs to authenticate for org.henbd.HeNB1.control (allow interactive authorization on the call)" \
        "$(henb as_nobody org.henbd.HeNB1.Start)"

    stop_polkitd
    rule YES
    check "polkitd with a rule granting nobody org.henbd.HeNB1.control" start_polkitd
    check_eq "polkit grants: nobody may Start" "()" "$(henb as_nobody org.henbd.HeNB1.Start)"
    check "polkit grants: the run started" wait_eval 5 '[ "$(sys_prop "" State)" != "(<1>,)" ]'
    check_eq "polkit grants: nobody may Cancel" "()" "$(henb as_nobody org.henbd.HeNB1.Cancel)"
    check_eq "polkit grants: nobody may Rediscover" "()" "$(henb as_nobody org.henbd.HeNB1.Rediscover)"
    check_eq "polkit grants: nobody may Cancel again" "()" "$(henb as_nobody org.henbd.HeNB1.Cancel)"
    check "polkit grants: nobody's henbctl logging" as_nobody "$HENBCTL" logging message
    check_eq "polkit grants: still no name for nobody" "org.freedesktop.DBus.Error.AccessDenied" \
        "$(as_nobody gdbus call --system -d org.freedesktop.DBus -o /org/freedesktop/DBus \
            -m org.freedesktop.DBus.RequestName org.henbd.HeNB1 4 2>&1 | grep -o 'org.freedesktop.DBus.Error.AccessDenied')"

    stop_polkitd
    check_contains "polkitd gone again: nobody's Start is refused" \
        "Start: only root may do this while polkit is not running" "$(henb as_nobody org.henbd.HeNB1.Start)"
fi
finish
