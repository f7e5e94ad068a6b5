#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# TS 32.593 5.1.2.2 when something is wrong, through the IPsec backend named by
# HENB_IPSEC_BACKEND: a SeGW with a rogue-CA certificate, a SeGW identity configured as an IP
# address while the certificate carries only the FQDN, SecGWServer1 dead and SecGWServer2 up, the
# private DNS unreachable through the tunnel, the tunnel dropped in the middle of the HeMS
# session. Each ends in Failed with a reason that names the cause and leaves no tunnel behind,
# and `henbctl start` registers once the fault is gone. Last, Cancel and a shutdown while IKE
# is under way.
. "$(dirname "$0")/../lib/common.sh"
BACKEND=${HENB_IPSEC_BACKEND:?}
. "$(dirname "$0")/../lib/private.sh"

private_setup
start_private_hems initial --serving-hems-url https://serving.henb.test:7548/cwmp --serving-segw segw2.henb.test
start_private_hems serving --s1 mme.henb.test
# an Initial HeMS whose first SeGW is dead (its name resolves, nothing answers)
HEMS_NETNS=$TB_NS_PRIV1 start_hems deadfirst "$TB_HEMS1_IP:7549" --role initial $(tls_args hems-dns) \
    --serving-hems-url https://serving.henb.test:7548/cwmp --serving-segw segw-dead.henb.test,segw2.henb.test
# an Initial HeMS that sits on its answer to the first empty POST of its first session, so the
# tunnel can be cut mid-session (the test cuts it at once: a longer hold never slows it, and
# leaves room on a slow machine); later sessions, the retry once the tunnel is back, go straight on
printf 'session 1\ndelay %s\nrpc Configure\n\nsession *\nrpc Configure\n' "$(scaled 10)000" >"$WORK/slow.script"
HEMS_NETNS=$TB_NS_PRIV1 start_hems slow "$TB_HEMS1_IP:7550" --role initial $(tls_args hems-dns) --script "$WORK/slow.script" \
    --serving-hems-url https://serving.henb.test:7548/cwmp --serving-segw segw2.henb.test

# fresh_start PORT [INITIAL-SEGW]: a HeNB fresh from the factory, Initial HeMS on PORT
fresh_start() {
    stop_henbd
    rm -rf "$WORK/state"
    write_private_factory
    sed -i "s|^InitialHeMS=.*|InitialHeMS=https://hems.henb.test:$1/cwmp|" "$WORK/etc/factory.conf"
    sed -i "s|^InitialSeGW=.*|InitialSeGW=${2:-segw1.henb.test}|" "$WORK/etc/conf.d/50-test.conf"
    start_henbd
}
fresh_run() { fresh_start "$@"; wait_final 60; }
# Start skips the retry wait; if henbd's own retry already runs, Start says InProgress, and
# that run may still fail (the fault went while it ran): follow the retries to registered
retry() { henbctl_ start >/dev/null 2>&1; henbctl_ wait --timeout "$(scaled 60)" >>"$WORK/monitor.log" 2>&1; }
last_error() { json "s['last_error']['name'] + ' ' + s['last_error']['message']"; }
steps() { json "'|'.join(x['id']+' '+x['name']+' '+x['result'] for x in s['steps'])"; }
no_tunnel_left() { wait_for 10 no_henbd_tunnels; }

# 1. rogue CA on the Initial SeGW
tb_segw_start 1 rogue
fresh_run 7547
check_eq "rogue CA: failed for IPsec (6)" "uint32 6" "$(prop '' StateFailedReason)"
check_contains "rogue CA: failed at the initial tunnel" "5.1.2.2/1.3 tunnel-initial-segw" "$(last_error)"
if [ "$BACKEND" = security-vici ]; then
    check_contains "rogue CA: says the certificate is not from the operator CA" "Security.UnknownCa" "$(last_error)"
else
    # NetworkManager-strongswan 5.9 reports no cause to NetworkManager; henbd lists the candidates
    check_contains "rogue CA: says the IKE exchange failed and what may cause it" "not from the operator root CA" "$(last_error)"
fi
check_contains "rogue CA: names the SeGW" "InitialSeGW segw1.henb.test" "$(last_error)"
check "rogue CA: no tunnel left behind" no_tunnel_left
tb_segw_start 1 dns
check "rogue CA fixed: henbctl start registers" retry
check "rogue CA fixed: through the initial tunnel" grep -q "from 10.200.0.[0-9]*: Inform" "$WORK/initial.log"

# 2. Initial SeGW configured as an IP address, its certificate carries only the FQDN
fresh_run 7547 "$TB_SEGW1_IP"
check_eq "identity as IP, FQDN-only certificate: failed for IPsec (6)" "uint32 6" "$(prop '' StateFailedReason)"
check_contains "identity as IP: names the identity that did not match" "$TB_SEGW1_IP" "$(last_error)"
check_contains "identity as IP: failed at the initial tunnel" "5.1.2.2/1.3 tunnel-initial-segw" "$(last_error)"
check "identity as IP: no tunnel left behind" no_tunnel_left
tb_segw_start 1 ip
check "IP-SAN certificate on the SeGW: henbctl start registers" retry
check_contains "IP-SAN certificate: nothing to resolve for the Initial SeGW" \
    "5.1.2.2/1.1-1.2 resolve-initial-segw skipped|5.1.2.2/1.3 tunnel-initial-segw ok" "$(steps)"
tb_segw_start 1 dns

# 3. SecGWServer1 does not answer, SecGWServer2 does
fresh_run 7549
check "SecGWServer1 dead: registered through SecGWServer2" test "$(prop '' State)" = 6
check_contains "SecGWServer1 dead: its attempt is a failed step" \
    "5.1.2.2/6.3 tunnel-serving-segw [SecGWServer1 segw-dead.henb.test] failed" "$(steps)"
check_contains "SecGWServer1 dead: then SecGWServer2's tunnel" "5.1.2.2/6.3 tunnel-serving-segw ok" "$(steps)"
check_eq "SecGWServer1 dead: the tunnel in use is SecGWServer2's" "segw2.henb.test" "$(json "s['tunnel']['security_gateway']")"
check_contains "SecGWServer1 dead: the failed attempt says why" "segw-dead" \
    "$(json "[x['detail'] for x in s['steps'] if x['result']=='failed'][0]")"

# 4. the private DNS behind the Initial SeGW does not answer
tb_dns_private_block 1
fresh_run 7547
check_eq "private DNS unreachable: failed for DNS (3)" "uint32 3" "$(prop '' StateFailedReason)"
check_contains "private DNS unreachable: at 1.4-1.5" "5.1.2.2/1.4-1.5 resolve-initial-hems" "$(last_error)"
check_contains "private DNS unreachable: names the server the SeGW assigned" "$TB_PRIV1_DNS" "$(last_error)"
check "private DNS unreachable: the initial tunnel is closed" no_tunnel_left
tb_dns_private_unblock 1
check "private DNS back: henbctl start registers" retry

# 5. the Initial SeGW drops the tunnel while the HeMS session runs
fresh_start 7550
wait_for 30 grep -q ": Inform" "$WORK/slow.log"
# the SeGW forgets the HeNB and deletes its IKE SA: no re-establishment can succeed
# (NetworkManager-strongswan would otherwise bring the tunnel straight back)
mkdir -p "$WORK/no-conns" && : >"$WORK/no-conns/swanctl.conf"
SWANCTL_DIR=$WORK/no-conns tb_swanctl segw1 --load-conns >/dev/null 2>&1
tb_swanctl segw1 --terminate --ike henb >/dev/null 2>&1
wait_final 60
check_eq "tunnel dropped mid-session: failed for IPsec (6)" "uint32 6" "$(prop '' StateFailedReason)"
check_contains "tunnel dropped mid-session: Security.TunnelDown" "Security.TunnelDown" "$(last_error)"
# the HeMS holds its answer to the empty POST that asks for the SetParameterValues
check_contains "tunnel dropped mid-session: noticed in the Initial HeMS session" "5.1.2.2/3.1-3.2 set-serving-identities" "$(last_error)"
check "tunnel dropped mid-session: no tunnel left behind" no_tunnel_left
tb_segw_start 1 dns
check "tunnel back: henbctl start registers" retry
check "tunnel back: the Serving HeMS got the Inform" grep -q "from 10.201.0.[0-9]*: Inform" "$WORK/serving.log"

# 6. Cancel, then a shutdown, while IKE toward a silent Initial SeGW is under way: the half-made
# tunnel is taken down and henbd answers at once, and exits at once
tb_segw_block 1
# (an IKE timeout far beyond the bound of the shutdown below, on any machine)
printf '[Timeouts]\nIKE=%s\n' "$(scaled 30)" >"$WORK/etc/conf.d/70-long-ike.conf"
# in the IKE step, with the half-made tunnel known to the backend
in_ike() {
    wait_eval 15 '[[ "$(prop Procedure CurrentStep)" == *5.1.2.2/1.3* ]]' &&
        wait_eval 5 'henbd_tunnels | grep -q initial'
}
fresh_start 7547
in_ike
henbctl_ cancel >/dev/null 2>&1
check "Cancel during IKE: idle at once" wait_eval 5 '[ "$(prop "" State)" = 1 ]'
check "Cancel during IKE: no tunnel left behind" no_tunnel_left
henbctl_ start >/dev/null 2>&1
in_ike
began=$(date +%s%N)
kill "$HENBD_PID"
wait "$HENBD_PID"
rc=$? HENBD_PID=
# a bound on failure (henbd waiting for the IKE timeout), so it scales like every deadline
bound=$(scaled 5)
check_eq "shutdown during IKE: henbd exits with 0 within $bound s" "0 within $bound s" \
    "$rc $( [ $(( ($(date +%s%N) - began) / 1000000 )) -le $((bound * 1000)) ] && echo within || echo after) $bound s"
check "shutdown during IKE: no tunnel left behind" no_tunnel_left
tb_segw_unblock 1
rm "$WORK/etc/conf.d/70-long-ike.conf"
check "SeGW back: registered" fresh_run 7547
finish
