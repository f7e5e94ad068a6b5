#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# TS 32.593 5.1.2.3 with a Serving SeGW, through the IPsec backend named by HENB_IPSEC_BACKEND:
# the Initial HeMS on the public internet (TLS, IP-SAN certificate) names a Serving SeGW and a
# Serving HeMS behind it; henbd resolves the SeGW in public DNS, tunnels to it (5.3), resolves
# the Serving HeMS with the DNS server the SeGW assigned and registers through the tunnel.
. "$(dirname "$0")/../lib/common.sh"
BACKEND=${HENB_IPSEC_BACKEND:?}
. "$(dirname "$0")/../lib/private.sh"

INITIAL_IP=192.0.2.20       # a public address on the testbed's internet (IP SAN of hems-ip)
private_setup
tb_exec inet ip addr add "$INITIAL_IP/24" dev br0 || { echo "Bail out! no public HeMS address"; exit 1; }
HEMS_NETNS=$TB_NS_INET start_hems initial "$INITIAL_IP:7547" --role initial $(tls_args hems-ip) \
    --serving-hems-url https://serving.henb.test:7548/cwmp --serving-segw segw2.henb.test
start_private_hems serving --s1 mme.henb.test
write_factory "https://$INITIAL_IP:7547/cwmp" \
    "[Network]" "PublicDNS=$TB_PUBLIC_DNS" \
    "[IPsec]" "Backend=$BACKEND" "ViciSocket=$TB_HENB_VICI" "ResolveFile=$TB_HENB_RESOLV" \
    "[S1]" "Command=$WORK/s1.sh"
start_henbd
check "registered through the Serving SeGW ($BACKEND)" wait_final 60
check_eq "5.1.2.3 steps with the serving tunnel, then 5.1.3" \
    "5.1.2.3/1.1-1.2 resolve-initial-hems skipped|5.1.2.3/1.3 tls-initial-hems ok|5.1.2.3/2.1-2.2 inform-initial-hems ok|5.1.2.3/3.1-3.2 set-serving-identities ok|5.1.2.3/4 release-initial-session ok|5.1.2.3/5.1-5.2 resolve-serving-segw ok|5.1.2.3/5.3 tunnel-serving-segw ok|5.1.2.3/5.4-5.5 resolve-serving-hems ok|5.1.3/1 connect-serving-hems ok|5.1.3/1.1-1.2 inform-serving-hems ok|5.1.3/2.1-2.2 receive-s1-configuration ok|5.1.3/3 release-serving-session ok|5.1.3/4 start-s1-setup ok" \
    "$(json "'|'.join(x['id']+' '+x['name']+' '+x['result'] for x in s['steps'])")"
check "the Initial HeMS saw the HeNB's public address" grep -q "from $TB_HENB_IP: Inform" "$WORK/initial.log"
inner=$(json "s['tunnel']['inner_address']")
check_contains "the tunnel's inner address comes from the Serving SeGW's pool" "10.201.0." "$inner"
check "the Serving HeMS saw the tunnel's inner address ($inner)" grep -q "from $inner: Inform" "$WORK/serving.log"
check "the Serving HeMS name was resolved by the SeGW's private DNS" \
    grep -q "query\[A\] serving.henb.test from 10.201.0" "$WORK/tb/logs/dns-priv2.log"
check "no tunnel to the Initial SeGW, none needed" test "$(grep -c "198.51.100.10 is initiating" "$TB_SEGW1_LOG")" = 0
check "only the serving tunnel is up" serving_tunnel_up
check "S1 far end resolved behind the tunnel" grep -qx "HENB_S1_ADDRESSES=$TB_MME2_IP" "$WORK/s1.env"

stop_henbd
check "henbd stopped: no tunnel left behind" no_henbd_tunnels
start_henbd
check "after restart: registered through the tunnel again" wait_final 60
check_eq "after restart: registration starts with the serving tunnel" \
    "5.1.2.3/5.1-5.2 resolve-serving-segw ok|5.1.2.3/5.3 tunnel-serving-segw ok|5.1.2.3/5.4-5.5 resolve-serving-hems ok" \
    "$(json "'|'.join(x['id']+' '+x['name']+' '+x['result'] for x in s['steps'][:3])")"
finish
