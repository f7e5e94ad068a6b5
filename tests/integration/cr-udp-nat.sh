#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# UDP Connection Requests through a NAT (TR-069 Annex G, TR-111 part 2), with real parts in
# network namespaces: henbd behind a home router doing nftables masquerade, coturn as the STUN
# server and the reference HeMS on the public side. The HeMS turns STUN on; henbd learns its
# mapping from coturn (NATDetected, UDPConnectionRequestAddress = the router's public
# address:port) and tells the HeMS (4 VALUE CHANGE); a UDP Connection Request built as GenieACS
# 1.2.16 builds it (lib/connection-request.ts: sent 3 times from the STUN server's address and
# port, the only source the NAT lets in) leads to a session; a forged and a replayed one do not;
# the router gets a new public address and the HeMS learns the new mapping.
. "$(dirname "$0")/../lib/common.sh"

unavailable() { if [ "${CI:-}" = true ]; then echo "Bail out! $1"; exit 1; fi; skip_all "$1"; }
[ "$(id -u)" = 0 ] || unavailable "needs root (network namespaces)"
for tool in ip nft conntrack turnserver python3; do
    command -v "$tool" >/dev/null || unavailable "$tool is missing (tests/tools/install-deps)"
done

P=cu$HENB_TEST_NET
NS_HENB=$P-henb NS_RTR=$P-rtr NS_PUB=$P-pub
RTR_WAN=203.0.113.1 RTR_WAN2=203.0.113.2
STUN_IP=203.0.113.10 STUN_PORT=3478
INITIAL_IP=203.0.113.10 SERVING_IP=203.0.113.11   # the IP SANs of hems-ip (make_pki)
MS=Device.ManagementServer.

# called by common.sh's cleanup, after the processes it started are gone
tb_down() {
    local ns
    for ns in "$NS_HENB" "$NS_RTR" "$NS_PUB"; do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
        ip netns del "$ns" 2>/dev/null
    done
    return 0
}

# henb lan0 10.77.0.2 -- lan0 10.77.0.1 [rtr, masquerade on wan0] wan0 203.0.113.1 -- wan0 [pub] .10 .11
net_up() {
    ip netns add "$NS_HENB" && ip netns add "$NS_RTR" && ip netns add "$NS_PUB" &&
    ip link add lan0 netns "$NS_HENB" type veth peer name lan0 netns "$NS_RTR" &&
    ip link add wan0 netns "$NS_RTR" type veth peer name wan0 netns "$NS_PUB" &&
    ip -n "$NS_HENB" addr add 10.77.0.2/24 dev lan0 &&
    ip -n "$NS_RTR" addr add 10.77.0.1/24 dev lan0 &&
    ip -n "$NS_RTR" addr add $RTR_WAN/24 dev wan0 &&
    ip -n "$NS_PUB" addr add $STUN_IP/24 dev wan0 &&
    ip -n "$NS_PUB" addr add $SERVING_IP/24 dev wan0 &&
    for ns in "$NS_HENB" "$NS_RTR" "$NS_PUB"; do
        ip -n "$ns" link set lo up || return 1
    done &&
    ip -n "$NS_HENB" link set lan0 up && ip -n "$NS_RTR" link set lan0 up &&
    ip -n "$NS_RTR" link set wan0 up && ip -n "$NS_PUB" link set wan0 up &&
    ip -n "$NS_HENB" route add default via 10.77.0.1 &&
    ip netns exec "$NS_RTR" sysctl -qw net.ipv4.ip_forward=1 &&
    ip netns exec "$NS_RTR" nft -f - <<EOF
table ip home_router {
    chain postrouting {
        type nat hook postrouting priority srcnat;
        oifname "wan0" masquerade
    }
}
EOF
}
net_up >"$WORK/net.log" 2>&1 || bail_out "no network namespaces" "$(tail -5 "$WORK/net.log")"

# coturn as a plain STUN server; it opens its port with SO_REUSEADDR, so the ACS can send from it
ip netns exec "$NS_PUB" turnserver --stun-only --listening-ip=$STUN_IP --listening-port=$STUN_PORT \
    --no-tls --no-dtls --no-cli --no-auth --no-stdout-log --pidfile="$WORK/turnserver.pid" \
    >"$WORK/turnserver.log" 2>&1 &
PIDS+=($!)
wait_eval 5 'ip netns exec "$NS_PUB" ss -lun | grep -q "$STUN_IP:$STUN_PORT "' ||
    bail_out "coturn did not start" "$(tail -5 "$WORK/turnserver.log")"

cat >"$WORK/serving.script" <<EOF
session 1
rpc Configure
rpc SetParameterAttributes ${MS}UDPConnectionRequestAddress=2
rpc SetParameterValues key=stun-1 ${MS}ConnectionRequestUsername=acs ${MS}ConnectionRequestPassword=cr-secret ${MS}STUNEnable=xsd:boolean:true ${MS}STUNServerAddress=$STUN_IP ${MS}STUNServerPort=xsd:unsignedInt:$STUN_PORT ${MS}STUNMaximumKeepAlivePeriod=xsd:int:2 ${MS}STUNMinimumKeepAlivePeriod=xsd:unsignedInt:1
release

session *
release
EOF
make_pki
start_bus
HEMS_NETNS=$NS_PUB start_hems initial "$INITIAL_IP:7547" --role initial $(tls_args hems-ip) \
    --serving-hems-url "https://$SERVING_IP:7548/cwmp"
HEMS_NETNS=$NS_PUB start_hems serving "$SERVING_IP:7548" --role serving $(tls_args hems-ip) --s1 10.13.0.1 \
    --script "$WORK/serving.script"
write_factory "https://$INITIAL_IP:7547/cwmp" "[ConnectionRequest]" "MinInterval=5"
HENBD_NETNS=$NS_HENB start_henbd
LOG=$WORK/serving.log
check "registered through the NAT" wait_final 30
check "the HeMS sees the router's address" grep -q "\[session 1\] from $RTR_WAN: Inform" "$LOG"

# STUN: the mapping, NATDetected, and the HeMS told (active notification set in session 1)
check "the udp transport is active" wait_eval 15 'prop ConnectionRequest Transports | grep -q "(.udp., true, .active."'
check_eq "NATDetected on the bus" "true" "$(prop ConnectionRequest NatDetected)"
mapped=$(prop ConnectionRequest UdpConnectionRequestAddress | tr -d "'")
check_contains "UDPConnectionRequestAddress is the router's public address" "$RTR_WAN:" "$mapped"
check_eq "the STUN server in use" "'$STUN_IP:$STUN_PORT'" "$(prop ConnectionRequest StunServer)"
check "the HeMS learns it: 4 VALUE CHANGE with the mapping" \
    wait_for 15 grep -q "\]  *${MS}UDPConnectionRequestAddress = $mapped" "$LOG"
check "... in a session for 4 VALUE CHANGE" grep -q "from $RTR_WAN: Inform .*events: [^;]*4 VALUE CHANGE" "$LOG"
check_contains "henbctl status shows the NAT mapping" "NAT: detected; STUN server $STUN_IP:$STUN_PORT; UDP connection requests at $mapped" \
    "$(henbctl_ status)"

# udp_cr MODE HOST:PORT: a UDP Connection Request as GenieACS 1.2.16 sends it, from the STUN
# server's address and port; MODE good, forged (signed with another password) or replay (the
# last good one again). Prints the wall-clock time it was sent.
udp_cr() {
    ip netns exec "$NS_PUB" python3 - "$1" "$2" "$WORK/last-udp-cr" <<'EOF'
import hashlib, hmac, os, random, socket, sys, time
mode, target, saved = sys.argv[1], sys.argv[2], sys.argv[3]
host, port = target.rsplit(":", 1)
if mode == "replay":
    msg = open(saved, "rb").read()
else:
    ts, rid, cn = str(int(time.time())), str(random.randrange(4294967295)), os.urandom(8).hex()
    key = b"cr-secret" if mode == "good" else b"guessed"
    sig = hmac.new(key, (ts + rid + "acs" + cn).encode(), hashlib.sha1).hexdigest()
    uri = f"http://{host}:{port}?ts={ts}&id={rid}&un=acs&cn={cn}&sig={sig}"
    msg = f"GET {uri} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()
    if mode == "good":
        open(saved, "wb").write(msg)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("203.0.113.10", 3478))
print(f"{time.time():.3f}")
for _ in range(3):
    s.sendto(msg, (host, int(port)))
EOF
}
# session_time N -> when the HeMS got the Inform of session N (its log's local time of day, s)
session_time() {
    grep -m1 "\[session $1\] from .*Inform" "$LOG" | awk '{split($1,t,":"); printf "%.3f", t[1]*3600+t[2]*60+t[3]}'
}
sessions() { grep -c "\] from .*: Inform" "$LOG"; }
accepted() { grep -c "UDP connection request from .* accepted" "$WORK/henbd.log"; }

before=$(sessions)
sent=$(udp_cr good "$mapped")
check "a UDP Connection Request leads to a session with 6 CONNECTION REQUEST" \
    wait_for 10 grep -q "\[session $((before + 1))\] from $RTR_WAN: Inform .*events: [^;]*6 CONNECTION REQUEST" "$LOG"
sent_tod=$(date -d "@$sent" +%H:%M:%S.%N | awk '{split($1,t,":"); printf "%.3f", t[1]*3600+t[2]*60+t[3]}')
delay=$(awk -v a="$sent_tod" -v b="$(session_time $((before + 1)))" 'BEGIN {printf "%.0f", (b - a) * 1000}')
echo "# UDP Connection Request sent -> Inform at the HeMS: $delay ms"
check "... after the request was sent" test "$delay" -ge 0
check_eq "... one request accepted for the three copies" "1" "$(accepted)"

udp_cr forged "$mapped" >/dev/null
check "a forged UDP Connection Request is refused" wait_for 10 grep -q "UDP Connection Request from .* refused: wrong signature" "$WORK/henbd.log"
check_eq "... and accepted nothing" "1" "$(accepted)"

# the router restarts with a new public address: its connection tracking starts empty, the next
# keep-alive gets a new mapping, henbd sends BINDING-CHANGE and tells the HeMS
# (the old address goes first: deleting a primary address takes its secondaries along)
ip -n "$NS_RTR" addr del $RTR_WAN/24 dev wan0 && ip -n "$NS_RTR" addr add $RTR_WAN2/24 dev wan0 &&
    ip netns exec "$NS_RTR" conntrack -F >/dev/null 2>&1 || not_ok "the router restarts with a new address"
check "the new mapping on the bus" wait_eval 20 '[[ "$(prop ConnectionRequest UdpConnectionRequestAddress)" == *"$RTR_WAN2:"* ]]'
mapped2=$(prop ConnectionRequest UdpConnectionRequestAddress | tr -d "'")
check "henbd saw the mapping change" grep -q "NAT mapping changed: $mapped -> $mapped2" "$WORK/henbd.log"
check "the HeMS learns the new UDPConnectionRequestAddress (4 VALUE CHANGE)" \
    wait_eval 15 '[ "$mapped2" != "$mapped" ] && grep -q "\]  *${MS}UDPConnectionRequestAddress = $mapped2\$" "$LOG"'
check "... from the router's new address" grep -q "from $RTR_WAN2: Inform .*events: [^;]*4 VALUE CHANGE" "$LOG"

before=$(sessions)
# within 5 s of the original a copy is the same request (GenieACS sends three) and dropped
# silently; a replay is the same message once that window is over
wait_eval 20 "[ \$(date +%s) -gt \$(( \${sent%.*} + 6 )) ]"
udp_cr replay "$mapped2" >/dev/null
check "a replayed UDP Connection Request is refused" wait_for 10 grep -q "UDP Connection Request from .* refused: replayed" "$WORK/henbd.log"
check_eq "... and accepted nothing" "1" "$(accepted)"
check_eq "... no session for the forged or the replayed one" "$before" "$(sessions)"

# and a fresh one through the new mapping still works
sent=$(udp_cr good "$mapped2")
check "a UDP Connection Request to the new mapping leads to a session" \
    wait_for 10 grep -q "\[session $((before + 1))\] from $RTR_WAN2: Inform .*events: [^;]*6 CONNECTION REQUEST" "$LOG"
check "no critical message from henbd" bash -c "! grep -q 'CRITICAL' '$WORK/henbd.log'"
finish
