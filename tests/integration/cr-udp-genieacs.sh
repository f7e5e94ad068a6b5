#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# GenieACS 1.2.16 sends UDP Connection Requests (TR-069 Annex G) through its NBI to a HeNB
# behind a NAT: henbd in a network namespace behind a router namespace doing nftables
# masquerade; GenieACS (Initial and Serving), its DNS and coturn on the router's "internet"
# side (this test's own veth in the host namespace, 100.64.N.0/24). The Serving GenieACS turns
# STUN on and asks for active notification of UDPConnectionRequestAddress; henbd reports the
# NAT mapping; an NBI task with ?connection_request then reaches henbd only over UDP (its HTTP
# Connection Request URL is a private address) and is done in the session it starts. The time
# from the task's POST to henbd accepting the request and to the session's Inform is printed.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/genieacs.sh"

unavailable() { if [ "${CI:-}" = true ]; then echo "Bail out! $1"; exit 1; fi; skip_all "$1"; }
[ "$(id -u)" = 0 ] || unavailable "needs root (network namespaces)"
for tool in ip nft turnserver; do
    command -v "$tool" >/dev/null || unavailable "$tool is missing (tests/tools/install-deps)"
done

P=cg$HENB_TEST_NET
NS_HENB=$P-henb NS_RTR=$P-rtr HOST_IF=$P-inet
PUB=100.64.$HENB_TEST_NET
INITIAL_IP=$PUB.1 SERVING_IP=$PUB.3 DNS_IP=$PUB.1 STUN_IP=$PUB.1 STUN_PORT=3478 RTR_WAN=$PUB.2
MS=Device.ManagementServer.

tb_down() {
    local ns
    for ns in "$NS_HENB" "$NS_RTR"; do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
        ip netns del "$ns" 2>/dev/null
    done
    ip link del "$HOST_IF" 2>/dev/null
    return 0
}

net_up() {
    ip netns add "$NS_HENB" && ip netns add "$NS_RTR" &&
    ip link add lan0 netns "$NS_HENB" type veth peer name lan0 netns "$NS_RTR" &&
    ip link add "$HOST_IF" type veth peer name wan0 netns "$NS_RTR" &&
    ip addr add $INITIAL_IP/24 dev "$HOST_IF" && ip addr add $SERVING_IP/24 dev "$HOST_IF" &&
    ip link set "$HOST_IF" up &&
    ip -n "$NS_HENB" addr add 10.77.0.2/24 dev lan0 &&
    ip -n "$NS_RTR" addr add 10.77.0.1/24 dev lan0 &&
    ip -n "$NS_RTR" addr add $RTR_WAN/24 dev wan0 &&
    ip -n "$NS_HENB" link set lo up && ip -n "$NS_RTR" link set lo up &&
    ip -n "$NS_HENB" link set lan0 up && ip -n "$NS_RTR" link set lan0 up && ip -n "$NS_RTR" link set wan0 up &&
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

genieacs_require
net_up >"$WORK/net.log" 2>&1 || bail_out "no network namespaces" "$(tail -5 "$WORK/net.log")"
turnserver --stun-only --listening-ip=$STUN_IP --listening-port=$STUN_PORT --no-tls --no-dtls --no-cli \
    --no-auth --no-stdout-log --pidfile="$WORK/turnserver.pid" >"$WORK/turnserver.log" 2>&1 &
PIDS+=($!)
wait_eval 5 'ss -lun | grep -q "$STUN_IP:$STUN_PORT "' || bail_out "coturn did not start" "$(tail -5 "$WORK/turnserver.log")"

start_genieacs_pair
# GenieACS sends UDP Connection Requests from the STUN server's port: the NAT lets in nothing else
genieacs_mongo serving "await db.collection('config').insertOne({_id: 'cwmp.udpConnectionRequestPort', value: '$STUN_PORT'})" ||
    bail_out "GenieACS refused cwmp.udpConnectionRequestPort"
genieacs_initial_hands_out_serving
genieacs_serving_sets_s1
genieacs_provision serving stun "declare(\"${MS}STUNEnable\", {value: 1}, {value: true});
declare(\"${MS}STUNServerAddress\", {value: 1}, {value: \"$STUN_IP\"});
declare(\"${MS}STUNServerPort\", {value: 1}, {value: $STUN_PORT});
declare(\"${MS}STUNMaximumKeepAlivePeriod\", {value: 1}, {value: 5});
declare(\"${MS}UDPConnectionRequestAddress\", {value: 1, notification: 1}, {notification: 2});"
genieacs_preset serving stun stun
genieacs_config_settled
write_factory "https://hems.henb.test:${GENIEACS_CWMP_PORT_initial}/cwmp" "[ConnectionRequest]" "MinInterval=0"
HENBD_NETNS=$NS_HENB start_henbd
check "registered through the NAT" wait_final 120
DEV=$(genieacs_device_id serving)
check_contains "the HTTP Connection Request URL is a private address" "http://10.77.0.2:" \
    "$(genieacs_value serving "$DEV" ${MS}ConnectionRequestURL)"
check "henbd found its NAT mapping" wait_eval 30 '[ "$(prop ConnectionRequest NatDetected)" = true ]'
mapped=$(prop ConnectionRequest UdpConnectionRequestAddress | tr -d "'")
check_contains "... at the router's address" "$RTR_WAN:" "$mapped"
check "GenieACS learns UDPConnectionRequestAddress (4 VALUE CHANGE)" \
    wait_eval 60 '[ "$(genieacs_value serving "$DEV" ${MS}UDPConnectionRequestAddress)" = "$mapped" ]'
check "... and STUNEnable" test "$(genieacs_value serving "$DEV" ${MS}STUNEnable)" = true

accepted() { grep -c "UDP connection request from $STUN_IP:$STUN_PORT accepted" "$WORK/henbd.log"; }
before=$(accepted)
t0=$(date +%s%N)
genieacs_task serving "$DEV" "{\"name\": \"getParameterValues\", \"parameterNames\": [\"${MS}PeriodicInformInterval\"]}"
t1=$(date +%s%N)
echo "# NBI task answered '$GENIEACS_TASK_STATUS' after $(( (t1 - t0) / 1000000 )) ms"
check_eq "the NBI task with ?connection_request is done (200)" "200 OK" "$GENIEACS_TASK_STATUS"
check "henbd accepted GenieACS's UDP Connection Request" test "$(accepted)" -gt "$before"
# the times henbd logged the request accepted and wrote the session's Inform (its trace)
task_tod=$(date -d "@$(( t0 / 1000000000 )).$(printf '%09d' $(( t0 % 1000000000 )))" +%H:%M:%S.%N)
ms_since() { # ms_since HH:MM:SS.frac HH:MM:SS.frac -> milliseconds from the first to the second
    awk -v a="$1" -v b="$2" 'BEGIN {split(a,x,":"); split(b,y,":"); printf "%.0f", ((y[1]*3600+y[2]*60+y[3]) - (x[1]*3600+x[2]*60+x[3])) * 1000}'
}
cr_tod=$(grep "UDP connection request from $STUN_IP:$STUN_PORT accepted" "$WORK/henbd.log" | tail -1 |
    sed -n 's/.*Message: \([0-9:.]*\): UDP connection request.*/\1/p')
inform=$(grep -l "6 CONNECTION REQUEST" "$WORK"/trace/*-sent-Inform.xml 2>/dev/null | tail -1)
session_tod=$([ -n "$inform" ] && date -r "$inform" +%H:%M:%S.%N)
echo "# NBI task POST -> henbd accepts the UDP Connection Request: $(ms_since "$task_tod" "$cr_tod") ms"
[ -n "$session_tod" ] && echo "# NBI task POST -> session with 6 CONNECTION REQUEST: $(ms_since "$task_tod" "$session_tod") ms"
# the times are figures for the reader (they follow the machine's load); the order is the check
check "a session with 6 CONNECTION REQUEST was traced" test -n "$session_tod"
check "henbd accepted the request after the task was posted" test "$(ms_since "$task_tod" "$cr_tod")" -ge 0
check "... and the session began after that" test "$(ms_since "$cr_tod" "${session_tod:-00:00:00}")" -ge 0
check "no critical message from henbd" bash -c "! grep -q 'CRITICAL' '$WORK/henbd.log'"
finish
