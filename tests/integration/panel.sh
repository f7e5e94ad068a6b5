#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# henb-panel as a person sees it: on an Xvfb display, against a real henbd on the test's bus
# running the demo flow over TLS with the reference HeMS. The panel is started before henbd
# (it waits for it), follows discovery, a failure with its reason and the countdown to the
# retry, the registration a clicked Start brings, a refused Cancel, a narrow window, and henbd
# restarting, the Connection Request transports, and in German (LANGUAGE=de) the same window
# with its desktop file and metainfo. Buttons are clicked with xdotool. What the widgets show is read through the
# panel's test hook (HENB_PANEL_TEST_DIR: the text of every row, label and button as the
# widgets hold it, and whether it is on screen); screenshots at discovering, at the failure,
# at registered and narrow are kept (named in the output).
. "$(dirname "$0")/../lib/common.sh"

: "${HENB_PANEL:?set by meson}"
if ! command -v Xvfb >/dev/null 2>&1; then
    # CI installs Xvfb (tests/tools/install-deps): there the test must run
    [ "${CI:-}" = true ] && bail_out "Xvfb is not installed, and CI=true needs this test to run"
    skip_all "no display server possible: Xvfb is not installed"
fi
ARTIFACTS=${HENB_ARTIFACT_DIR:-$WORK}
mkdir -p "$ARTIFACTS" "$WORK/panel" "$WORK/xdg" "$WORK/config/gtk-4.0"
chmod 0700 "$WORK/xdg"
# no animations: a widget is where it will stay once it is drawn (the leaflet's fold moves
# the pages for a quarter second), so a click lands on it
printf '[Settings]\ngtk-enable-animations=false\n' >"$WORK/config/gtk-4.0/settings.ini"
chmod -R a+rX "$WORK/config"

make_pki
start_bus
start_dns hems.henb.test=$INITIAL_IP serving.henb.test=$SERVING_IP mme.henb.test=10.11.0.2

# a display of the test's own (Xvfb picks a free number)
Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp 3>"$WORK/xvfb.display" >"$WORK/xvfb.log" 2>&1 &
PIDS+=($!)
wait_for 10 test -s "$WORK/xvfb.display" || bail_out "Xvfb did not start" "$(tail -5 "$WORK/xvfb.log")"
DISPLAY=:$(head -n1 "$WORK/xvfb.display")
export DISPLAY

# --- helpers -----------------------------------------------------------------------------
PANEL_DIR=$WORK/panel   # the panel's test hook writes here
# pj EXPR -> a Python expression on what the panel shows (its panel.json) bound to p
pj() {
    /usr/bin/python3 -c "import json,sys; p=json.load(open(sys.argv[1])); print($1)" "$PANEL_DIR/panel.json" 2>/dev/null
}
# row NAME -> the row's subtitle when it is on screen, else "(hidden)"
row() { pj "p['rows']['$1']['subtitle'] if p['rows']['$1']['shown'] else '(hidden)'"; }
shows_label() { pj "any('''$1''' in l for l in p['labels'])" | grep -q True; }
# panel_action NAME [PARAMETER]: activates the panel's application action over D-Bus, as its
# button does
panel_action() {
    gdbus call --session -d org.henbd.Panel -o /org/henbd/Panel -m org.gtk.Actions.Activate \
        "$1" "[${2:-}]" '{}' >>"$WORK/actions.log" 2>&1
}
# click BUTTON: a left click in the middle of the panel's button, as a person would (xdotool,
# where the panel says the button is on screen, once it has its place)
click_now() {
    local at
    at=$(pj "'%d %d' % (p['buttons']['$1']['x'], p['buttons']['$1']['y'])") || return 1
    [ -n "$at" ] && [ -n "$WID" ] || return 1
    # the pointer comes from elsewhere, so the window sees it enter and move over the button
    xdotool mousemove --window "$WID" 1 1 mousemove --window "$WID" ${at% *} ${at#* } click 1
}
click() { wait_eval 5 "click_now $1"; }
# shot NAME STATE: the panel renders its window to NAME.png, and writes what that frame shows
# to NAME.json: the screenshot must show STATE. Both are kept in $ARTIFACTS.
shot() {
    local shown
    rm -f "$PANEL_DIR/$1.png" "$PANEL_DIR/$1.json"
    if panel_action test-screenshot "<'$1'>" && wait_for 10 test -s "$PANEL_DIR/$1.png" &&
       [ "$(head -c 8 "$PANEL_DIR/$1.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then
        cp "$PANEL_DIR/$1.png" "$PANEL_DIR/$1.json" "$ARTIFACTS/"
        shown=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['rows']['state']['subtitle'])" "$PANEL_DIR/$1.json" 2>&1)
        check_eq "screenshot $1 shows $2: $ARTIFACTS/$1.png" "$2" "$shown"
    else
        not_ok "screenshot $1" "$(tail -3 "$WORK/actions.log")"
    fi
}

# --- henbd absent: the panel waits for it -------------------------------------------------
env HENB_PANEL_TEST_DIR="$WORK/panel" XDG_RUNTIME_DIR="$WORK/xdg" XDG_CONFIG_HOME="$WORK/config" GDK_BACKEND=x11 GSK_RENDERER=cairo \
    GTK_A11Y=none NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory LANGUAGE=C LC_ALL=C.UTF-8 \
    "$HENB_PANEL" --session >>"$WORK/panel.log" 2>&1 &
PANEL_PID=$!
PIDS+=($PANEL_PID)
check "before henbd: the panel says henbd is not running" wait_eval 15 'shows_label "henbd is not running"'
WID=$(xdotool search --onlyvisible --name '^HeNB$' 2>/dev/null | head -n1)
check "the panel's window is on the display" test -n "$WID"
check_eq "before henbd: the actions are off" "False False False" \
    "$(pj "' '.join(str(p['buttons'][b]['sensitive']) for b in ('start', 'rediscover', 'cancel'))")"

# --- discovering: the Initial HeMS holds its session a while, so a person can see it -------
# it also sets the retry's minimum wait to 60 s: the registration that follows the failure is
# the clicked Start's, not henbd's own retry
printf '[Parameters]\nDevice.ManagementServer.CWMPRetryMinimumWaitInterval=xsd:unsignedInt 60\n' >"$WORK/values.conf"
start_hems initial $INITIAL_IP:7547 --role initial $(tls_args hems-dns) \
    --serving-hems-url https://serving.henb.test:7548/cwmp --values "$WORK/values.conf" \
    --delay $((8000 * HENB_TIMEOUT_SCALE))
# a Serving HeMS that sets no S1 far end: the run fails after registration's session
start_hems serving $SERVING_IP:7548 --role serving $(tls_args hems-dns)
# the Connection Request server on this test's own address (127.0.0.1:7547 is shared by tests running at once)
write_factory https://hems.henb.test:7547/cwmp "[ConnectionRequest]" "Address=$NET.9"
gdbus monitor --session -d org.henbd.HeNB1 >"$WORK/signals.log" 2>&1 &
PIDS+=($!)
start_henbd

check "discovering: henbd appearing is noticed, the state shown" \
    wait_eval 20 '[ "$(row state)" = "Discovering the Serving HeMS" ]'
shot panel-discovering "Discovering the Serving HeMS"
check_contains "discovering: the current step with its spec id" "5.1.2.3/" "$(row current-step)"
check "discovering: progress between 0 and 100 %" \
    test "$(pj "0 <= int(p['progress'].split()[0]) < 100")" = True
check_eq "discovering: no failure shown" "(hidden)" "$(row failed-reason)"
check_eq "discovering: the actions are on" "True True True" \
    "$(pj "' '.join(str(p['buttons'][b]['sensitive']) for b in ('start', 'rediscover', 'cancel'))")"

# --- a failure: its reason, henbd's message, the countdown to the retry --------------------
check "failure: the state says Failed" wait_eval 30 '[ "$(row state)" = Failed ]'
check_eq "failure: the reason in words" "No HeMS set the S1 far-end address" "$(row failed-reason)"
check_contains "failure: henbd's message" "neither the Initial nor the Serving HeMS set the S1 far-end address" \
    "$(row last-error)"
# seconds_left -> the countdown the panel shows, in seconds
seconds_left() {
    row next-attempt | sed -nE 's/^Next attempt in ([0-9]+) min ([0-9]+) s$/\1 \2/p; s/^Next attempt in ([0-9]+) seconds?$/0 \1/p' |
        { read -r m s && echo $((10#$m * 60 + 10#$s)); }
}
countdown=$(row next-attempt)
first=$(seconds_left)
check "failure: a countdown to the next attempt, 60 to 120 s away ($countdown)" \
    test "${first:-0}" -ge 55 -a "${first:-0}" -le 120
check "failure: the countdown counts down" wait_eval 5 '[ "$(seconds_left)" -lt "'"${first:-0}"'" ]'
check_eq "failure: the Serving HeMS learnt in discovery is shown" "https://serving.henb.test:7548/cwmp" \
    "$(row serving-hems)"
check "failure: the step list has the discovery steps with ids and results" \
    test "$(pj "any(r['title'] == '5.1.2.3/2.1-2.2 inform-initial-hems' and r['subtitle'].startswith('done in ') for n, r in p['rows'].items() if n.startswith('step-'))")" = True
# Management values are followed through their notifications: the failed attempt is counted
retries=$(prop Management RetryCount | sed 's/^uint32 //')
check "failure: henbd counts a failed attempt ($retries)" test "${retries:-0}" -ge 1
check "failure: the panel shows henbd's count of failed attempts" wait_eval 5 '[ "$(row retry-count)" = "$retries" ]'
shot panel-failure Failed

# --- registered: the Serving HeMS now sets the S1 far end; Start skips the wait -------------
kill "$HEMS_PID_serving"; wait "$HEMS_PID_serving" 2>/dev/null
start_hems serving $SERVING_IP:7548 --role serving $(tls_args hems-dns) \
    --s1 10.11.0.1,mme.henb.test --s1-port 36413 --s1-mode All --s1-ipsec false
check "Start clicked" click start
check "registered: the state says Registered" wait_eval 30 '[ "$(row state)" = Registered ]'
check "registered: henbd ran because of the user's Start (StateChanged reason user-requested)" \
    grep -q "StateChanged (-1, [0-9], uint32 2)" "$WORK/signals.log"

check_eq "registered: progress 100 %" "100 %" "$(pj "p['progress']")"
check_eq "registered: the failure is gone" "(hidden)" "$(row failed-reason)"
check_eq "registered: Serving HeMS" "https://serving.henb.test:7548/cwmp" "$(row serving-hems)"
check_eq "registered: no Serving SeGW" "—" "$(row serving-segw)"
check_eq "registered: no tunnel" "None" "$(row tunnel)"
check_contains "registered: the S1 far end as the HeMS configured it" "10.11.0.1, mme.henb.test, port 36413" "$(row s1-far-end)"
check_eq "registered: every registration step in order, done" \
    "5.1.2.3/5.4-5.5 resolve-serving-hems|5.1.3/1 connect-serving-hems|5.1.3/1.1-1.2 inform-serving-hems|5.1.3/2.1-2.2 receive-s1-configuration|5.1.3/3 release-serving-session|5.1.3/4 start-s1-setup" \
    "$(pj "'|'.join(p['rows']['step-%d' % i]['title'] for i in range(1, 100) if 'step-%d' % i in p['rows'])")"
check "registered: each step shows its result and duration" \
    test "$(pj "all(r['subtitle'].startswith('done in ') for n, r in p['rows'].items() if n.startswith('step-'))")" = True
check_contains "registered: management sessions shown" "0, last:" "$(row sessions)"
check_eq "registered: no pending events" "—" "$(row pending-events)"
check "registered: the failed attempts are reset to 0" wait_eval 5 '[ "$(row retry-count)" = 0 ]'
check_eq "registered: the cell is off until the HeMS allows it" "Off (the cell does not transmit)" "$(row cell-admin-state)"
# the Connection Request transports, followed through their notifications (no timer reads them)
CR_URL=$(prop Management ConnectionRequestURL | tr -d "'")
check "registered: henbd has a Connection Request URL ($CR_URL)" test -n "$CR_URL"
check "registered: the http transport row shows active and its URL" \
    wait_eval 10 '[ "$(row cr-http)" = "active: $CR_URL" ]'
check_eq "registered: the http transport's title" "HTTP (TR-069)" "$(pj "p['rows']['cr-http']['title']")"
check_eq "registered: no STUN, so NAT is not checked" "Not checked (STUN is off)" "$(row nat)"
shot panel-registered Registered

# --- a refusal is shown as henbd words it (Cancel with nothing running) --------------------
check "Cancel clicked" click cancel
check "refusal: shown in the window" wait_eval 10 'shows_label "Cancel refused:"'
check "refusal: with henbd's reason" wait_eval 5 'pj "p[\"labels\"]" | grep -q "Cancel refused: .*\(running\|nothing\|state\)"'
check "refusal: henbd is still registered" test "$(prop '' State)" = 6

# --- narrow: the leaflet folds, the overview stays, the details are one button away --------
if [ -n "$WID" ]; then
    xdotool windowsize "$WID" 360 720
    check "narrow: the layout folds" wait_eval 10 '[ "$(pj "p[\"folded\"]")" = True ]'
    check_eq "narrow: the state stays on screen" "Registered" "$(row state)"
    check_eq "narrow: the steps are on the details page" "(hidden)" "$(row step-1)"
    check "narrow: the Details button is shown" wait_eval 5 '[ "$(pj "p[\"buttons\"][\"details\"][\"shown\"]")" = True ]'
    shot panel-narrow Registered
    check "narrow: Details clicked" click details
    check "narrow: the steps on screen, the overview not" \
        wait_eval 10 '[ "$(row step-1)" != "(hidden)" ] && [ "$(row state)" = "(hidden)" ]'
    check "narrow: Back clicked" click back
    check "narrow: the overview again" wait_eval 10 '[ "$(row state)" = Registered ]'
    xdotool windowsize "$WID" 900 720
    check "wide again: side by side, the steps on screen" wait_eval 10 '[ "$(pj "p[\"folded\"]")" = False ] && [ "$(row step-1)" != "(hidden)" ]'
else
    not_ok "narrow: xdotool found the panel's window"
fi

# --- henbd restarting: the panel follows the name owner ------------------------------------
stop_henbd
check "henbd stopped: the panel says so" wait_eval 10 'shows_label "henbd is not running"'
check_eq "henbd stopped: the actions are off" "False" "$(pj "p['buttons']['start']['sensitive']")"
start_henbd
check "henbd back: registered again, straight to registration" wait_eval 30 '[ "$(row state)" = Registered ]'

check "the panel is still running" kill -0 "$PANEL_PID"
check "the panel logged no warning or critical" bash -c "! grep -Eq 'WARNING|CRITICAL' '$WORK/panel.log'"
kill "$PANEL_PID"; wait "$PANEL_PID" 2>/dev/null

# --- in German: LANGUAGE=de with the build folder's catalogs (HENB_LOCALEDIR), as henbctl --
PANEL_DIR=$WORK/panel-de
mkdir -p "$PANEL_DIR"
env HENB_PANEL_TEST_DIR="$PANEL_DIR" HENB_LOCALEDIR="$HENB_LOCALEDIR" XDG_RUNTIME_DIR="$WORK/xdg" \
    XDG_CONFIG_HOME="$WORK/config" GDK_BACKEND=x11 GSK_RENDERER=cairo GTK_A11Y=none NO_AT_BRIDGE=1 \
    GSETTINGS_BACKEND=memory LANG=C.UTF-8 LC_ALL= LANGUAGE=de "$HENB_PANEL" --session >>"$WORK/panel-de.log" 2>&1 &
PANEL_PID=$!
PIDS+=($PANEL_PID)
check "German: the state says Registriert" wait_eval 15 '[ "$(row state)" = Registriert ]'
check_eq "German: the state row's title" "Zustand" "$(pj "p['rows']['state']['title']")"
check_eq "German: the buttons" "_Starten|_Neu erkunden|_Abbrechen" \
    "$(pj "'|'.join(p['buttons'][b]['label'] for b in ('start', 'rediscover', 'cancel'))")"
check "German: the group titles" test "$(pj "'Schritte' in p['labels'] and 'Verwaltung' in p['labels']")" = True
check "German: the steps say erledigt in" \
    test "$(pj "all(r['subtitle'].startswith('erledigt in ') for n, r in p['rows'].items() if n.startswith('step-'))")" = True
# henbd's restart gave the http transport a new URL
CR_URL=$(prop Management ConnectionRequestURL | tr -d "'")
check "German: the http transport row shows aktiv and its URL" \
    wait_eval 10 '[ "$(row cr-http)" = "aktiv: $CR_URL" ]'
check_eq "German: the cell" "Aus (die Zelle sendet nicht)" "$(row cell-admin-state)"
shot panel-registered-de Registriert
check "German: henbctl agrees (registriert)" \
    bash -c "LANG=C.UTF-8 LC_ALL= LANGUAGE=de '$HENBCTL' --session status | grep -qx 'Zustand: registered'"
check "the German panel logged no warning or critical" bash -c "! grep -Eq 'WARNING|CRITICAL' '$WORK/panel-de.log'"
kill "$PANEL_PID"; wait "$PANEL_PID" 2>/dev/null

# the desktop file and metainfo as built: merged with the German and French catalogs
check "desktop file: German name" grep -qx 'Name\[de\]=HeNB-Steuerung' "$HENB_PANEL_DESKTOP"
check "desktop file: French name" grep -qx "Name\[fr\]=Panneau de contrôle du HeNB" "$HENB_PANEL_DESKTOP"
check "desktop file: German and French comments" \
    bash -c "grep -q '^Comment\[de\]=' '$HENB_PANEL_DESKTOP' && grep -q '^Comment\[fr\]=' '$HENB_PANEL_DESKTOP'"
check "metainfo: German summary" grep -q '<summary xml:lang="de">Den Bootstrap eines Home eNodeB' "$HENB_PANEL_METAINFO"
check "metainfo: French summary" grep -q '<summary xml:lang="fr">Suivre et piloter le bootstrap' "$HENB_PANEL_METAINFO"
check "metainfo: the description in German and French" \
    bash -c "grep -q '<p xml:lang=\"de\">' '$HENB_PANEL_METAINFO' && grep -q '<p xml:lang=\"fr\">' '$HENB_PANEL_METAINFO'"

# --- polkit: an unprivileged user's panel, henbd as root on a system bus -------------------
# Debian's system bus configuration with the shipped bus policy (as integration-policy), no
# polkitd: henbd lets only root control it, and the panel of the user nobody shows the refusal.
if [ "$(id -u)" != 0 ] || [ ! -f /usr/share/dbus-1/system.conf ] || ! command -v setpriv >/dev/null ||
   ! NOBODY_UID=$(id -u nobody 2>/dev/null); then
    ok "# SKIP polkit refusal: needs root, Debian's system bus configuration, setpriv and the user nobody"
    finish
fi
NOBODY_GID=$(id -g nobody)
# a command, not a function: in the background it is the process itself, so $! is its pid
as_nobody=(setpriv --reuid="$NOBODY_UID" --regid="$NOBODY_GID" --clear-groups --)
stop_henbd
mkdir -m 0755 "$WORK/sysbus"
chmod 0711 "$WORK"   # nobody reaches its folders and the bus socket; the rest stays closed
sed -e '/<user>/d' -e '/<standard_system_servicedirs\/>/d' -e '/<servicehelper>/d' -e '/<includedir>/d' \
    -e "s|</busconfig>|  <include>$HENB_DATA_DIR/org.henbd.HeNB1.conf</include>\n</busconfig>|" \
    /usr/share/dbus-1/system.conf >"$WORK/system.conf"
dbus-daemon --config-file="$WORK/system.conf" --nofork --nopidfile --nosyslog \
    --address="unix:path=$WORK/sysbus/system_bus_socket" --print-address=3 \
    3>"$WORK/sysbus.address" >"$WORK/sysbus.log" 2>&1 &
PIDS+=($!)
wait_for 5 test -s "$WORK/sysbus.address" || bail_out "the system dbus-daemon did not start" "$(tail -5 "$WORK/sysbus.log")"
SYSBUS=$(head -n1 "$WORK/sysbus.address")
DBUS_SYSTEM_BUS_ADDRESS=$SYSBUS "$HENBD" --debug --config "$WORK/etc/factory.conf" --conf-dir "$WORK/etc/conf.d" \
    --state-dir "$WORK/state" --plugin-dir "$HENB_PLUGIN_DIR" >>"$WORK/henbd-system.log" 2>&1 &
HENBD_PID=$!
PIDS+=($HENBD_PID)

# nobody's own session bus (the panel is a unique application on it) and folders
for d in panel-nobody xdg-nobody home-nobody; do mkdir -m 0700 "$WORK/$d"; chown nobody: "$WORK/$d"; done
"${as_nobody[@]}" dbus-daemon --session --nofork --print-address=3 3>"$WORK/nobody-bus.address" >"$WORK/nobody-dbus.log" 2>&1 &
PIDS+=($!)
wait_for 5 test -s "$WORK/nobody-bus.address" || bail_out "nobody's dbus-daemon did not start" "$(tail -5 "$WORK/nobody-dbus.log")"
PANEL_DIR=$WORK/panel-nobody
"${as_nobody[@]}" env HOME="$WORK/home-nobody" HENB_PANEL_TEST_DIR="$PANEL_DIR" XDG_RUNTIME_DIR="$WORK/xdg-nobody" \
    XDG_CONFIG_HOME="$WORK/config" \
    DBUS_SESSION_BUS_ADDRESS="$(head -n1 "$WORK/nobody-bus.address")" DBUS_SYSTEM_BUS_ADDRESS="$SYSBUS" \
    GDK_BACKEND=x11 GSK_RENDERER=cairo GTK_A11Y=none NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory \
    LANGUAGE=C LC_ALL=C.UTF-8 "$HENB_PANEL" >>"$WORK/panel-nobody.log" 2>&1 &
PANEL_PID=$!
PIDS+=($PANEL_PID)
check "nobody's panel: henbd (root, system bus) registered" wait_eval 30 '[ "$(row state)" = Registered ]'
WID=$(xdotool search --onlyvisible --name '^HeNB$' 2>/dev/null | head -n1)
check "nobody's panel: Start clicked" click start
check "nobody's panel: the refusal says nobody may not control the HeNB, and henbd's reason" \
    wait_eval 10 'shows_label "Start refused: you are not allowed to control the HeNB (Start: only root may do this while polkit is not running (caller uid $NOBODY_UID))"'
check "henbd logged the refusal" grep -q "refused: .*only root may" "$WORK/henbd-system.log"
check_eq "nobody's panel: henbd still registered" "Registered" "$(row state)"
check "nobody's panel logged no warning or critical" bash -c "! grep -Eq 'WARNING|CRITICAL' '$WORK/panel-nobody.log'"
finish
