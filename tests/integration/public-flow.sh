#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# TS 32.593 5.1.2.3 then 5.1.3 over real TLS on loopback: henbd resolves the Initial HeMS in
# (real dnsmasq) public DNS, gets the Serving HeMS and SeGW from it, registers with the
# Serving HeMS, receives the S1 far end and hands it off. Then a restart goes straight to
# registration with "1 BOOT".
. "$(dirname "$0")/../lib/common.sh"

make_pki
start_bus
# the S1 far end may be a name: it is resolved before the hand-off
start_dns hems.henb.test=$INITIAL_IP serving.henb.test=$SERVING_IP mme.henb.test=10.11.0.2
start_hems initial $INITIAL_IP:7547 --role initial $(tls_args hems-dns) \
    --serving-hems-url https://serving.henb.test:7548/cwmp
start_hems serving $SERVING_IP:7548 --role serving $(tls_args hems-dns) \
    --s1 10.11.0.1,mme.henb.test --s1-port 36413 --s1-mode All --s1-ipsec false
write_factory https://hems.henb.test:7547/cwmp

gdbus monitor --session -d org.henbd.HeNB1 >"$WORK/signals.log" 2>&1 &
PIDS+=($!)
start_henbd
check "monitor reports registered" wait_final 30

check_eq "State is registered (6)" "6" "$(prop '' State)"
check_eq "StateFailedReason is none" "uint32 0" "$(prop '' StateFailedReason)"
check_eq "DiscoveryVariant" "'public-internet'" "$(prop '' DiscoveryVariant)"
check_eq "Serving HeMS URL on D-Bus" "'https://serving.henb.test:7548/cwmp'" "$(prop Serving HemsUrl)"
check_eq "no Serving SeGW: none on D-Bus" "@as []" "$(prop Serving SecurityGateways)"
check_eq "no Serving SeGW: no tunnel" "false" "$(prop Tunnel Active)"
check_eq "S1 addresses on D-Bus" "['10.11.0.1', 'mme.henb.test']" "$(prop Serving S1Addresses)"
check_eq "S1 port" "uint32 36413" "$(prop Serving S1Port)"
check_eq "S1 connection mode" "'All'" "$(prop Serving S1ConnectionMode)"
check_eq "IPsec usage indicator" "false" "$(prop Serving S1IPsec)"
check_eq "Percentage 100" "uint32 100" "$(prop Procedure Percentage)"
check_eq "13 steps planned" "uint32 13" "$(prop Procedure StepCount)"
check_eq "every step done in clause order; the serving tunnel skipped without a Serving SeGW" \
    "5.1.2.3/1.1-1.2 resolve-initial-hems ok|5.1.2.3/1.3 tls-initial-hems ok|5.1.2.3/2.1-2.2 inform-initial-hems ok|5.1.2.3/3.1-3.2 set-serving-identities ok|5.1.2.3/4 release-initial-session ok|5.1.2.3/5.1-5.2 resolve-serving-segw skipped|5.1.2.3/5.3 tunnel-serving-segw skipped|5.1.2.3/5.4-5.5 resolve-serving-hems ok|5.1.3/1 connect-serving-hems ok|5.1.3/1.1-1.2 inform-serving-hems ok|5.1.3/2.1-2.2 receive-s1-configuration ok|5.1.3/3 release-serving-session ok|5.1.3/4 start-s1-setup ok" \
    "$(json "'|'.join(x['id']+' '+x['name']+' '+x['result'] for x in s['steps'])")"
check "every step has a start time and a duration" \
    test "$(json "all(x['start_us'] > 1600000000000000 and x['duration_us'] > 0 for x in s['steps'])")" = True
check "the skipped steps say why" grep -q "tunnel-serving-segw: skipped.*no Serving SeGW configured" "$WORK/henbd.log"

# what the HeMS saw
check "Initial HeMS: Inform with 0 BOOTSTRAP and 1 BOOT" grep -q "Inform (urn:dslforum-org:cwmp-1-2) DeviceId 00005A-HeNB-SN-$HENB_TEST_NET events: 0 BOOTSTRAP, 1 BOOT;" "$WORK/initial.log"
check "Initial HeMS: SetParameterValues answered with Status 1" grep -q "SetParameterValuesResponse Status 1" "$WORK/initial.log"
check "Serving HeMS: first Inform after the URL change carries 0 BOOTSTRAP only" grep -q "events: 0 BOOTSTRAP; RetryCount 0" "$WORK/serving.log"
check "Serving HeMS sees the Initial HeMS's ParameterKey" grep -q "ParameterKey = initial-hems-1" "$WORK/serving.log"
check "both sessions released with 204" test "$(grep -c '204 (session released)' "$WORK/initial.log" "$WORK/serving.log" | awk -F: '{s+=$2} END {print s}')" = 2
check "one connection per session (keep-alive)" test "$(cat "$WORK/initial.log" "$WORK/serving.log" | grep -c "new connection")" = 0
check "TLS to the HeMS with the device certificate (mutual TLS)" grep -q "tls-initial-hems: ok.*TLS 1\.[23]" "$WORK/henbd.log"
check "public DNS was asked for the HeMS names" grep -q "query\[A\] serving.henb.test" "$WORK/dns.log"
check "S1 hand-off on the bus (S1SetupRequested)" grep -q "S1SetupRequested (\['10.11.0.1', '10.11.0.2'\], uint32 36413, 'All', false)" "$WORK/signals.log"
check "StateChanged emitted for every stage" grep -q "StateChanged (5, 6, uint32 3)" "$WORK/signals.log"

# persisted
STATE=$WORK/state/henbd.state
check "state file holds the Serving HeMS" grep -q "^Device.ManagementServer.URL=https://serving.henb.test:7548/cwmp$" "$STATE"
check "state file holds the S1 far end" grep -q "S1SigLinkServerList=10.11.0.1,mme.henb.test" "$STATE"
check "state file holds the ParameterKey of the last SPV" grep -q "ParameterKey=serving-hems-1" "$STATE"
check "state file is private (0600)" test "$(stat -c %a "$STATE")" = 600
check "no event left undelivered" grep -q "^Codes=$" "$STATE"

# every envelope henbd received validates too (finish checks the ones it sent)
validate_trace "$WORK/trace" >"$WORK/validate.log" 2>&1; rc=$?
if [ $rc = 77 ]; then ok "# SKIP envelopes vs BBF XSD: $(cat "$WORK/validate.log")"; else
    check_eq "every traced envelope, both directions, validates against the BBF CWMP XSD" "0" "$rc"; fi
check "trace holds 8 numbered envelopes" test "$(ls "$WORK/trace" | wc -l)" = 8
check "trace names the messages" test -f "$WORK/trace/0001-sent-Inform.xml" -a -f "$WORK/trace/0004-sent-SetParameterValuesResponse.xml"

# restart: straight to registration with 1 BOOT
stop_henbd
initial_sessions=$(grep -c "Inform (" "$WORK/initial.log")
start_henbd
check "after restart: registered again" wait_final 30
check_eq "after restart: only the 6 registration steps" "uint32 6" "$(prop Procedure StepCount)"
check_eq "after restart: the Initial HeMS was not contacted" "$initial_sessions" "$(grep -c "Inform (" "$WORK/initial.log")"
check "after restart: the Serving HeMS got 1 BOOT without BOOTSTRAP" grep -q "events: 1 BOOT; RetryCount 0" "$WORK/serving.log"
check_eq "after restart: serving values unchanged" "'https://serving.henb.test:7548/cwmp'" "$(prop Serving HemsUrl)"
finish
