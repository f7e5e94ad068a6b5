#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# TS 32.593 5.1.2.2 over real IPsec, through the IPsec backend named by HENB_IPSEC_BACKEND
# (security-vici: henbd drives charon over VICI; security-nm-ipsec: NetworkManager and
# charon-nm): public DNS finds the Initial SeGW, IKEv2 with certificates, the Initial HeMS
# resolved with the DNS server that SeGW assigned and reached through the tunnel, the initial
# tunnel torn down, the Serving SeGW and Serving HeMS the same way, registration, S1. Then a
# restart registers through the serving tunnel, and henbd leaves no tunnel behind when it stops.
. "$(dirname "$0")/../lib/common.sh"
BACKEND=${HENB_IPSEC_BACKEND:?}
. "$(dirname "$0")/../lib/private.sh"

private_setup
start_private_hems initial --serving-hems-url https://serving.henb.test:7548/cwmp --serving-segw segw2.henb.test
start_private_hems serving --s1 mme.henb.test --s1-port 36412 --s1-ipsec true
write_private_factory
start_henbd
check "registered through IPsec ($BACKEND)" wait_final 60
check_eq "State registered" "6" "$(prop '' State)"
check_eq "discovery and registration steps in clause order" \
    "5.1.2.2/1.1-1.2 resolve-initial-segw ok|5.1.2.2/1.3 tunnel-initial-segw ok|5.1.2.2/1.4-1.5 resolve-initial-hems ok|5.1.2.2/2 connect-initial-hems ok|5.1.2.2/2.1-2.2 inform-initial-hems ok|5.1.2.2/3.1-3.2 set-serving-identities ok|5.1.2.2/4 release-initial-session ok|5.1.2.2/5 close-initial-tunnel ok|5.1.2.2/6.1-6.2 resolve-serving-segw ok|5.1.2.2/6.3 tunnel-serving-segw ok|5.1.2.2/6.4-6.5 resolve-serving-hems ok|5.1.3/1 connect-serving-hems ok|5.1.3/1.1-1.2 inform-serving-hems ok|5.1.3/2.1-2.2 receive-s1-configuration ok|5.1.3/3 release-serving-session ok|5.1.3/4 start-s1-setup ok" \
    "$(json "'|'.join(x['id']+' '+x['name']+' '+x['result'] for x in s['steps'])")"

# the tunnel on D-Bus
inner=$(json "s['tunnel']['inner_address']")
check_eq "Tunnel: the serving one is up" "true serving $BACKEND segw2.henb.test $TB_SEGW2_IP" \
    "$(json "str(s['tunnel']['active']).lower()+' '+s['tunnel']['purpose']+' '+s['tunnel']['backend']+' '+s['tunnel']['security_gateway']+' '+s['tunnel']['gateway_address']")"
check_contains "Tunnel: inner address from the Serving SeGW's pool" "10.201.0." "$inner"
check_eq "Tunnel: the DNS server the Serving SeGW assigned" "['$TB_PRIV2_DNS']" "$(prop Tunnel DnsServers)"
check "Tunnel: up since a real time" test "$(json "s['tunnel']['up_since_us'] > 1600000000000000")" = True

# the HeMS sessions ran through the tunnels
check "Initial HeMS saw the initial tunnel's inner address" grep -q "from 10.200.0.[0-9]*: Inform" "$WORK/initial.log"
check "Serving HeMS saw the serving tunnel's inner address ($inner)" grep -q "from $inner: Inform" "$WORK/serving.log"
check "Initial HeMS name resolved by the private DNS, through the tunnel" \
    grep -q "query\[A\] hems.henb.test from 10.200.0" "$WORK/tb/logs/dns-priv1.log"
check "Serving HeMS name resolved by the Serving SeGW's private DNS" \
    grep -q "query\[A\] serving.henb.test from 10.201.0" "$WORK/tb/logs/dns-priv2.log"
check "no private name ever reached the public DNS" test "$(grep -c "query\[.*\] \(hems\|serving\|mme\).henb.test" "$WORK/tb/logs/dns-public.log")" = 0
check "SeGW names resolved in public DNS" grep -q "query\[A\] segw1.henb.test" "$WORK/tb/logs/dns-public.log"
check "S1 far end resolved behind the serving tunnel (mme.henb.test = $TB_MME2_IP)" \
    grep -qx "HENB_S1_ADDRESSES=$TB_MME2_IP" "$WORK/s1.env"
check "the initial tunnel is gone after step 5" initial_tunnel_gone
check "only the serving tunnel is up" serving_tunnel_up
check "the Serving SeGW sees the HeNB" tb_swanctl segw2 --list-sas
if [ "$BACKEND" = security-nm-ipsec ]; then
    # the SeGW's DNS servers serve henbd's lookups only; NetworkManager must not hand them to the host
    check_eq "NetworkManager keeps the SeGW's DNS servers out of the host's DNS" "" \
        "$(tb_nmcli -g IP4.DNS connection show --active henbd-serving 2>&1)"
fi
check "state file holds the Serving SeGW" grep -q "SecGWServer1=segw2.henb.test" "$WORK/state/henbd.state"

# restart: registration through the serving tunnel, 1 BOOT
stop_henbd
check "henbd stopped: no tunnel left behind" no_henbd_tunnels
start_henbd
check "after restart: registered again" wait_final 60
check_eq "after restart: registration starts with the serving tunnel" \
    "5.1.2.2/6.1-6.2 resolve-serving-segw ok|5.1.2.2/6.3 tunnel-serving-segw ok|5.1.2.2/6.4-6.5 resolve-serving-hems ok" \
    "$(json "'|'.join(x['id']+' '+x['name']+' '+x['result'] for x in s['steps'][:3])")"
check "after restart: the Serving HeMS got 1 BOOT through the tunnel" grep -q "from 10.201.0.[0-9]*: Inform .*events: 1 BOOT;" "$WORK/serving.log"
finish
