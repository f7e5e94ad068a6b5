#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# henb-fleet: 50 HeNBs in one process, each henbd's own core, discover and register over real
# TLS (public DNS by dnsmasq) with the reference Initial and Serving HeMS: every one registers,
# each has its own state file with the Serving values, and each HeMS saw 50 distinct serial
# numbers. Then the fleet again from the stored state: straight to registration with 1 BOOT.
. "$(dirname "$0")/../lib/common.sh"

# under the sanitizers (HENB_TIMEOUT_SCALE > 1) a HeNB costs seconds of CPU: a smaller fleet
N=${HENB_FLEET_TEST_COUNT:-$([ "$HENB_TIMEOUT_SCALE" = 1 ] && echo 50 || echo 10)}
make_pki
start_dns hems.henb.test=$INITIAL_IP serving.henb.test=$SERVING_IP
start_hems initial $INITIAL_IP:7547 --role initial $(tls_args hems-dns) \
    --serving-hems-url https://serving.henb.test:7548/cwmp
start_hems serving $SERVING_IP:7548 --role serving $(tls_args hems-dns) \
    --s1 10.11.0.1 --s1-port 36412 --s1-mode One --s1-ipsec false

FLEET=(timeout "$(scaled 120)" "$HENB_FLEET" --count "$N" --hems https://hems.henb.test:7547/cwmp
    --ca "$WORK/pki/ca.pem" --cert "$WORK/pki/device.pem" --key "$WORK/pki/device.key"
    --dns "$DNS_IP:$DNS_PORT" --state-dir "$WORK/fleet" --plugin-dir "$HENB_PLUGIN_DIR"
    --serial-prefix "SN$HENB_TEST_NET" --concurrency 25)
fleet() { "${FLEET[@]}" "$@"; }
distinct_serials() { grep -o "DeviceId 00005A-HeNB-SN$HENB_TEST_NET-[0-9]*" "$WORK/$1.log" | sort -u | wc -l; }

# one worker thread (the default; --threads > 1 is experimental, README)
fleet >"$WORK/fleet.out" 2>"$WORK/fleet.log"; rc=$?
tap_comment <"$WORK/fleet.out"
check_eq "henb-fleet exits 0 (every HeNB registered)" "0" "$rc"
check "it reports $N registered, in 1 threads" grep -q "^HeNBs: *$N started, $N registered, in 1 threads" "$WORK/fleet.out"
# a starved machine may time a step out: the HeNB retries it on TR-069's schedule and still
# registers (checked above), so failed attempts are reported, not failed
check "it reports failed attempts by reason, or none" grep -Eq "^failures: *(none|[0-9]+ failed attempts)" "$WORK/fleet.out"
check "it reports latency percentiles" grep -Eq "^start->registered p50 [0-9.]+ ms, p90 [0-9.]+ ms, p99 [0-9.]+ ms, max [0-9.]+ ms" "$WORK/fleet.out"
check "it reports CPU and RSS per HeNB" grep -Eq "^CPU: .* ms per HeNB" "$WORK/fleet.out"
check "it printed progress lines" grep -q "registrations/s" "$WORK/fleet.log"
check_eq "the Initial HeMS saw $N distinct serial numbers" "$N" "$(distinct_serials initial)"
check_eq "the Serving HeMS saw $N distinct serial numbers" "$N" "$(distinct_serials serving)"

# each HeNB's own state file, with its own Serving values
states=("$WORK"/fleet/SN$HENB_TEST_NET-*/henbd.state)
check_eq "$N state folders, one per serial number" "$N" "${#states[@]}"
check_eq "every state file holds the Serving HeMS" "$N" \
    "$(grep -l '^Device.ManagementServer.URL=https://serving.henb.test:7548/cwmp$' "${states[@]}" | wc -l)"
check_eq "every state file holds the S1 far end" "$N" "$(grep -l 'S1SigLinkServerList=10.11.0.1$' "${states[@]}" | wc -l)"
check_eq "no event left undelivered" "$N" "$(grep -l '^Codes=$' "${states[@]}" | wc -l)"

# from the stored state: registration only, with 1 BOOT, and no Initial HeMS
initial_informs=$(grep -c "Inform (" "$WORK/initial.log")
fleet --quiet --threads 1 >"$WORK/fleet2.out" 2>>"$WORK/fleet.log"; rc=$?
check_eq "second run: every HeNB registered again" "0" "$rc"
check_eq "second run: the Initial HeMS was not contacted" "$initial_informs" "$(grep -c "Inform (" "$WORK/initial.log")"
check_eq "second run: $N Informs with 1 BOOT at the Serving HeMS" "$N" \
    "$(grep "events: 1 BOOT; RetryCount 0" "$WORK/serving.log" | grep -o "SN$HENB_TEST_NET-[0-9]*" | sort -u | wc -l)"
# stopped (SIGTERM, as SIGINT) half-way: every worker ends its HeNBs, the figures so far are
# printed (exec: $! is timeout's, which passes the signal on)
rm -rf "$WORK/fleet"
# (1000 at 2/s: it cannot finish before the signal, however fast the machine)
(exec "${FLEET[@]}" --count 1000 --rate 2 --serial-prefix "INT$HENB_TEST_NET" \
    >"$WORK/fleet3.out" 2>"$WORK/fleet3.log") &
FLEET_PID=$!
PIDS+=($FLEET_PID)
check "interrupted run: a first HeNB registers" \
    wait_for 60 grep -q "registered [1-9]" "$WORK/fleet3.log"
kill -TERM "$FLEET_PID"
wait "$FLEET_PID"; rc=$?
check_eq "interrupted run: exit 1 (not every HeNB registered)" "1" "$rc"
check "interrupted run: reported as interrupted" grep -q "^HeNBs: .* (interrupted), in 1 threads" "$WORK/fleet3.out"
finish
