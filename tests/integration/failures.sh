#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What ends a run early, and how it is reported: no Serving HeMS from the Initial HeMS, no S1
# far end from either HeMS, a name that does not exist, a refused connection, an insecure
# factory configuration, a damaged state file.
. "$(dirname "$0")/../lib/common.sh"

make_pki
start_bus
start_dns hems.henb.test=$INITIAL_IP serving.henb.test=$SERVING_IP
start_hems nourl   $INITIAL_IP:7001 --role initial $(tls_args hems-dns)
start_hems initial $INITIAL_IP:7002 --role initial $(tls_args hems-dns) --serving-hems-url https://serving.henb.test:7548/cwmp
start_hems nos1    $SERVING_IP:7548 --role serving $(tls_args hems-dns)

run_case() {
    stop_henbd 2>/dev/null
    rm -rf "$WORK/state"
    write_factory "$1"
    start_henbd
    wait_final 30
}
last_error() { json "s['last_error']['name'] + ' ' + s['last_error']['message']"; }

run_case https://hems.henb.test:7001/cwmp
check_eq "no Serving HeMS: reason no-serving-hems (9)" "uint32 9" "$(prop '' StateFailedReason)"
check_contains "no Serving HeMS: Procedure.NoServingHems" "org.henbd.HeNB1.Error.Procedure.NoServingHems" "$(last_error)"
check_contains "no Serving HeMS: names the parameter" "Device.ManagementServer.URL" "$(last_error)"
check "no Serving HeMS: the session itself completed" grep -q "204 (session released)" "$WORK/nourl.log"

run_case https://hems.henb.test:7002/cwmp
check_eq "no S1 far end: reason no-s1-address (10)" "uint32 10" "$(prop '' StateFailedReason)"
check_contains "no S1 far end: says neither HeMS set it" "neither the Initial nor the Serving HeMS set the S1 far-end address" "$(last_error)"
check_contains "no S1 far end: failed at 5.1.3/2.1-2.2" "5.1.3/3 release-serving-session" "$(last_error)"
check_eq "no S1 far end: Serving HeMS kept" "'https://serving.henb.test:7548/cwmp'" "$(prop Serving HemsUrl)"
check "monitor exits 1 on failure" test "$(henbctl_ monitor --timeout "$(scaled 5)" >/dev/null 2>&1; echo $?)" = 1

run_case https://missing.henb.test:7002/cwmp
check_eq "NXDOMAIN: reason dns (3)" "uint32 3" "$(prop '' StateFailedReason)"
check_contains "NXDOMAIN: Network.NameNotFound from the public DNS" "Network.NameNotFound 5.1.2.3/1.1-1.2 resolve-initial-hems: missing.henb.test does not exist (NXDOMAIN from $DNS_IP:$DNS_PORT)" "$(last_error)"

run_case https://$INITIAL_IP:7999/cwmp
check_eq "nothing listening: reason unreachable (4)" "uint32 4" "$(prop '' StateFailedReason)"
check_contains "nothing listening: Network.Refused" "Network.Refused" "$(last_error)"

# a public-internet Initial HeMS over plain HTTP is a factory configuration error
stop_henbd
write_factory http://hems.henb.test:7002/cwmp
"$HENBD" --session --config "$WORK/etc/factory.conf" --conf-dir "$WORK/etc/conf.d" --state-dir "$WORK/state" \
    --plugin-dir "$HENB_PLUGIN_DIR" >"$WORK/insecure.log" 2>&1
check_eq "plain-HTTP Initial HeMS on the public internet: henbd refuses to start" "1" "$?"
check "plain-HTTP Initial HeMS: the error says why" grep -q "must be https: the public-internet variant reaches the Initial HeMS over TLS" "$WORK/insecure.log"

# damaged state files: detected, kept aside, reported, and the HeNB starts from the factory
for damage in garbage truncated tampered unreadable; do
    rm -rf "$WORK/state"; mkdir -p "$WORK/state"
    write_factory https://hems.henb.test:7002/cwmp
    case $damage in
        garbage) head -c 300 /dev/urandom >"$WORK/state/henbd.state";;
        truncated) printf '[henbd]\nVersion=1\n[Parameters]\nDevice.ManagementServer.URL=https://serv' >"$WORK/state/henbd.state";;
        # a directory where the file should be: reading it fails
        unreadable) mkdir "$WORK/state/henbd.state";;
        tampered) printf '[henbd]\nVersion=1\n\n[Parameters]\nDevice.ManagementServer.URL=https://evil.example/\n\n[Integrity]\nSHA256=%064d\n' 0 >"$WORK/state/henbd.state";;
    esac
    start_henbd
    wait_final 30
    check "$damage state: kept aside for inspection" ls "$WORK"/state/henbd.state.corrupt-*
    check "$damage state: reported" grep -q "state file .*henbd.state is damaged" "$WORK/henbd.log"
    check "$damage state: discovery from the factory Initial HeMS with 0 BOOTSTRAP" \
        test "$(grep -c "events: 0 BOOTSTRAP, 1 BOOT" "$WORK/initial.log")" -ge 1
    check "$damage state: a fresh, valid state file afterwards" grep -q "^SHA256=" "$WORK/state/henbd.state"
    stop_henbd
    : >"$WORK/initial.log"
done
finish
