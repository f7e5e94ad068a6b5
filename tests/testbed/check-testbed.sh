#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Self-test of tests/testbed/testbed.sh with real traffic (TAP). Run as root:
#   tests/testbed/check-testbed.sh [--nm]
# --nm: tb_up --nm (the HeNB's wan is addressed by NetworkManager only, in tb_nm_start).
# TB_PREFIX defaults to tbc<pid>; several instances may run at once with different TB_PREFIX.
# TB_VERBOSE=1 prints the testbed's step timings, HENB_KEEP=1 keeps the work folder.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)

[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root (network namespaces)"; exit 0; }
for b in ip charon-systemd swanctl certtool dnsmasq NetworkManager nmcli dbus-daemon getent timeout \
    /usr/bin/python3 /usr/lib/ipsec/charon-nm /usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so; do
    command -v "$b" >/dev/null 2>&1 || [ -e "$b" ] || { echo "1..0 # SKIP $b is missing"; exit 0; }
done

WORK=$(mktemp -d /tmp/tb-check-XXXXXX)
TB_PREFIX=${TB_PREFIX:-tbc$$}
export WORK TB_PREFIX
. "$HERE/testbed.sh"

N=0 PASS=0 FAIL=0
ok() { N=$((N + 1)); PASS=$((PASS + 1)); echo "ok $N - $1"; }
not_ok() {
    N=$((N + 1)); FAIL=$((FAIL + 1)); echo "not ok $N - $1"; shift
    # every line a TAP comment, also those of a multi-line argument
    local l; for l in "$@"; do printf '%s\n' "$l" | sed 's/^/#   /'; done
}
# check DESCRIPTION COMMAND...   passes when COMMAND succeeds
check() { local d=$1; shift; if "$@" >"$WORK/check.out" 2>&1; then ok "$d"; else not_ok "$d" "$(tail -5 "$WORK/check.out")"; fi; }
check_eq() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "actual:   $3"; fi; }
check_contains() { case "$3" in *"$2"*) ok "$1" ;; *) not_ok "$1" "expected to contain: $2" "actual: $3" ;; esac; }
check_match() { if [[ $3 =~ $2 ]]; then ok "$1"; else not_ok "$1" "expected to match: $2" "actual: $3"; fi; }
ms() { echo $((${EPOCHREALTIME//[!0-9]/} / 1000)); }
bail() { BAILED=1; echo "Bail out! ${*//$'\n'/ }"; exit 1; }

BAILED=0
cleanup() {
    tb_down
    tb_down   # must be idempotent
    if [ "$FAIL" -gt 0 ] || [ "$BAILED" = 1 ] || [ -n "${HENB_KEEP:-}" ]; then
        echo "# work folder kept: $WORK"
    else
        rm -rf "$WORK"
    fi
    [ "$BAILED" = 1 ] || echo "1..$N"
    echo "# $PASS passed, $FAIL failed"
}
trap cleanup EXIT

# the test's own PKI first (tests/tools/make-pki), so the testbed must reuse its CA and device cert
if [ -x "$HERE/../tools/make-pki" ]; then
    "$HERE/../tools/make-pki" "$WORK/pki" 10.100.0.20 10.101.0.20 >/dev/null || bail "make-pki failed"
fi

UP_ARGS=()
[ "${1:-}" = --nm ] && UP_ARGS=(--nm)
t0=$(ms)
tb_up "${UP_ARGS[@]}" || bail "tb_up ${UP_ARGS[*]} failed"
t_up=$(($(ms) - t0))
t_nm=0
if [ ${#UP_ARGS[@]} -gt 0 ]; then
    check "tb_up --nm: the HeNB's wan has no address yet" bash -c "! ip -n '$TB_NS_HENB' -4 addr show dev wan | grep -q inet"
    t0=$(ms)
    tb_nm_start || bail "tb_nm_start failed"
    t_nm=$(($(ms) - t0))
fi
tb_pki || bail "tb_pki failed"
if [ -f "$WORK/pki/ca.pem" ]; then
    check "PKI: the operator CA is the test's own (make-pki) CA" cmp "$WORK/pki/ca.pem" "$TB_CA"
    check "PKI: henb1 is the test's device certificate" cmp "$WORK/pki/device.pem" "$TB_HENB1_CERT"
fi
check "PKI: segw1-dns certificate chains to the operator CA" \
    certtool --verify --load-ca-certificate "$TB_CA" --infile "$TB_PKI/segw1-dns.pem"
check "PKI: segw1-rogue certificate does not chain to the operator CA" \
    bash -c "! certtool --verify --load-ca-certificate '$TB_CA' --infile '$TB_PKI/segw1-rogue.pem'"
check_contains "PKI: segw2-ip certificate has the IP SAN 192.0.2.2" "IPAddress: 192.0.2.2" \
    "$(certtool -i --infile "$TB_PKI/segw2-ip.pem" 2>/dev/null)"
check_contains "PKI: henb2 has the SAN 0011223344556678.henb.test" "DNSname: 0011223344556678.henb.test" \
    "$(certtool -i --infile "$TB_HENB2_CERT" 2>/dev/null)"

t0=$(ms)
tb_segw_start 1 dns || bail "tb_segw_start 1 dns failed"
tb_segw_start 2 dns || bail "tb_segw_start 2 dns failed"
tb_henb_charon_start || bail "tb_henb_charon_start failed"
t_charons=$(($(ms) - t0))

# --- DNS ---------------------------------------------------------------------------------------
check_eq "public DNS from the HeNB: segw1.henb.test" 192.0.2.1 "$(tb_exec_henb "$TB_DNSQ" 192.0.2.53 segw1.henb.test)"
check_eq "public DNS from the HeNB: segw2.henb.test" 192.0.2.2 "$(tb_exec_henb "$TB_DNSQ" 192.0.2.53 segw2.henb.test)"
check_eq "public DNS from the HeNB: segw-dead.henb.test" 192.0.2.9 "$(tb_exec_henb "$TB_DNSQ" 192.0.2.53 segw-dead.henb.test)"
check_eq "public DNS: hems.henb.test is NXDOMAIN" NXDOMAIN "$(tb_exec_henb "$TB_DNSQ" 192.0.2.53 hems.henb.test)"
check_contains "the HeNB's resolv.conf (getent) resolves segw1.henb.test" 192.0.2.1 \
    "$(tb_exec_henb getent ahostsv4 segw1.henb.test)"
tb_exec_henb "$TB_DNSQ" 10.100.0.53 hems.henb.test 1 >/dev/null; rc=$?
check "private DNS 10.100.0.53 not reachable without a tunnel (rc $rc)" test $rc -ge 2
tb_exec_henb "$TB_DNSQ" 10.101.0.53 serving.henb.test 1 >/dev/null; rc=$?
check "private DNS 10.101.0.53 not reachable without a tunnel (rc $rc)" test $rc -ge 2
check_eq "private DNS 1 answers inside its network" 10.100.0.20 \
    "$(ip netns exec "$(tb_hems_ns 1)" "$TB_DNSQ" 10.100.0.53 hems.henb.test)"

# --- listeners in the private networks ------------------------------------------------------------
for n in 1 2; do
    ip netns exec "$(tb_hems_ns $n)" "$TB_LISTEN" 10.10$((n - 1)).0.20 7547 "$WORK/listen$n.log" \
        >"$WORK/listen$n.out" 2>&1 </dev/null &
    disown
done
listening() { grep -q listening "$WORK/listen1.log" 2>/dev/null && grep -q listening "$WORK/listen2.log" 2>/dev/null; }
_tb_wait 3000 listening || bail "listeners did not start"
# tcp_hello IP -> the first line a listener sends (from inside the HeNB namespace)
tcp_hello() { tb_exec_henb timeout 5 bash -c "exec 3<>/dev/tcp/$1/7547 && read -r l <&3 && echo \"\$l\""; }

# --- latency on the access link (tb_delay_on / tb_delay_off) ---------------------------------------
# connect_ms IP PORT -> milliseconds of a TCP handshake from the HeNB (SYN to SYN-ACK)
connect_ms() {
    tb_exec_henb timeout 5 bash -c "t0=\$EPOCHREALTIME; exec 3<>/dev/tcp/$1/$2 || exit 1; t1=\$EPOCHREALTIME
        echo \$(( (\${t1/./} - \${t0/./}) / 1000 ))"
}
if [ ! -x "${TB_DELAY:-}" ]; then
    ok "# SKIP latency: TB_DELAY does not name the tb-delay program (meson sets it)"
else
    check "tb_public_servers: public.henb.test on 192.0.2.20" tb_public_servers public.henb.test=192.0.2.20
    check_eq "public DNS answers the public server's name" 192.0.2.20 \
        "$(tb_exec_henb "$TB_DNSQ" 192.0.2.53 public.henb.test)"
    tb_exec inet "$TB_LISTEN" 192.0.2.20 7547 "$WORK/listen-public.log" >"$WORK/listen-public.out" 2>&1 </dev/null &
    disown
    _tb_wait 3000 grep -q listening "$WORK/listen-public.log" || bail "the public listener did not start"
    rules=$(ip -n "$TB_NS_INET" rule show)
    # the delay can only lengthen a round trip: a lower bound that holds on a busy machine
    check "tb_delay_on 200" tb_delay_on 200
    t=$(connect_ms 192.0.2.20 7547)
    check "one-way 200 ms: a TCP handshake with a server in $TB_NS_INET takes >= 400 ms (${t:-none} ms)" \
        test "${t:-0}" -ge 400
    t=$(connect_ms 10.100.0.20 7547 2>/dev/null)
    check "one-way 200 ms: the private networks stay unreachable without a tunnel" test -z "$t"
    check "tb_delay_on 50 changes the delay" tb_delay_on 50
    t=$(connect_ms 192.0.2.20 7547)
    check "one-way 50 ms: a TCP handshake takes 100 to 400 ms (${t:-none} ms)" \
        test "${t:-0}" -ge 100 -a "${t:-0}" -lt 400
    check "tb_delay_off" tb_delay_off
    t=$(connect_ms 192.0.2.20 7547)
    check "no delay: a TCP handshake takes < 100 ms (${t:-none} ms)" test -n "$t" -a "${t:-100}" -lt 100
    check_eq "tb_delay_off restores $TB_NS_INET's policy rules" "$rules" "$(ip -n "$TB_NS_INET" rule show)"
    check "tb-delay dropped no packet" bash -c "grep -q ' 0 dropped' '$TB_DIR/logs/delay.out' &&
        ! grep -q ' [1-9][0-9]* dropped' '$TB_DIR/logs/delay.out'"
fi

# --- the HeNB charon with a test-local swanctl.conf -------------------------------------------------
SW=$WORK/henb-swanctl
mkdir -p "$SW"/{x509,x509ca,private}
cp "$TB_CA" "$SW/x509ca/ca.pem"
cp "$TB_HENB1_CERT" "$SW/x509/henb1.pem"
cp "$TB_HENB1_KEY" "$SW/private/henb1.key"
conn() { # conn NAME REMOTE-ADDRS REMOTE-ID REMOTE-TS
    cat <<EOF
  $1 {
    version = 2
    remote_addrs = $2
    vips = 0.0.0.0
    send_cert = always
    local { auth = pubkey
            certs = henb1.pem
            id = $TB_HENB1_ID }
    remote { auth = pubkey
             id = $3
             cacerts = ca.pem }
    children { $1 { remote_ts = $4
                    start_action = none } }
  }
EOF
}
{
    echo "connections {"
    conn s1 segw1.henb.test segw1.henb.test 10.100.0.0/24
    conn s1ip segw1.henb.test 192.0.2.1 10.100.0.0/24
    conn s2 segw2.henb.test segw2.henb.test 10.101.0.0/24
    conn dead segw-dead.henb.test segw-dead.henb.test 10.100.0.0/24
    echo "}"
} >"$SW/swanctl.conf"
sw() { SWANCTL_DIR=$SW tb_swanctl henb "$@"; }
check "swanctl --load-all of the test's connections into the HeNB charon" sw --load-all --noprompt
initiate() { # initiate NAME TIMEOUT -> rc of swanctl, output in $WORK/init-NAME.log
    sw --initiate --child "$1" --timeout "$2" >"$WORK/init-$1.log" 2>&1
}
sa_state() { sw --list-sas --ike "$1" 2>/dev/null; }

for n in 1 2; do
    t0=$(ms)
    initiate s$n 10; rc=$?
    t_init=$(($(ms) - t0))
    check_eq "SeGW $n: initiate succeeds (${t_init} ms)" 0 $rc
    sa=$(sa_state s$n)
    check_contains "SeGW $n: CHILD_SA INSTALLED, ESP in UDP" "INSTALLED, TUNNEL-in-UDP" "$sa"
    vip=$(echo "$sa" | sed -n 's/.*local .*\[\(10\.[0-9.]*\)\].*/\1/p' | head -1)
    check_match "SeGW $n: virtual IP from pool 10.20$((n - 1)).0.0/24 ($vip)" "^10\.20$((n - 1))\.0\.[0-9]+$" "$vip"
    check_contains "SeGW $n: virtual IP on the HeNB's ipsec0" "inet $vip/32" "$(ip -n "$TB_NS_HENB" addr show dev ipsec0 2>&1)"
    check "SeGW $n: resolve plugin wrote INTERNAL_IP4_DNS 10.10$((n - 1)).0.53" \
        grep -q "^nameserver 10.10$((n - 1)).0.53" "$TB_HENB_RESOLV"
    if [ $n = 1 ]; then
        check_eq "SeGW 1: private DNS through the tunnel: hems.henb.test" 10.100.0.20 \
            "$(tb_exec_henb "$TB_DNSQ" 10.100.0.53 hems.henb.test)"
        check_eq "SeGW 1: private DNS through the tunnel: mme.henb.test" 10.100.0.30 \
            "$(tb_exec_henb "$TB_DNSQ" 10.100.0.53 mme.henb.test)"
    else
        check_eq "SeGW 2: private DNS through the tunnel: serving.henb.test" 10.101.0.20 \
            "$(tb_exec_henb "$TB_DNSQ" 10.101.0.53 serving.henb.test)"
        check_eq "SeGW 2: private DNS through the tunnel: hems.henb.test is NXDOMAIN" NXDOMAIN \
            "$(tb_exec_henb "$TB_DNSQ" 10.101.0.53 hems.henb.test)"
    fi
    check_eq "SeGW $n: TCP through the tunnel, the listener sees the virtual IP" "hello $vip" \
        "$(tcp_hello 10.10$((n - 1)).0.20)"
    check "SeGW $n: listener logged the virtual IP as source" grep -q "^peer $vip " "$WORK/listen$n.log"
    check "SeGW $n: private DNS logged the query from the virtual IP" grep -q "from $vip" "$TB_DIR/logs/dns-priv$n.log"
    if [ $n = 1 ]; then
        # private DNS unreachable while the tunnel is up
        tb_dns_private_block 1 drop
        t0=$(ms); tb_exec_henb "$TB_DNSQ" 10.100.0.53 hems.henb.test 1 >/dev/null; rc=$?; t=$(($(ms) - t0))
        check_eq "private DNS 1 blocked (drop): query times out (${t} ms)" 2 $rc
        check_eq "private DNS 1 blocked (drop): HeMS still reachable" "hello $vip" "$(tcp_hello 10.100.0.20)"
        tb_dns_private_unblock 1
        check_eq "private DNS 1 unblocked: answers again" 10.100.0.20 "$(tb_exec_henb "$TB_DNSQ" 10.100.0.53 hems.henb.test)"
        tb_dns_private_block 1 stop
        tb_exec_henb "$TB_DNSQ" 10.100.0.53 hems.henb.test 1 >"$WORK/dnsq.out"; rc=$?
        check_eq "private DNS 1 blocked (stop): port unreachable ($(cat "$WORK/dnsq.out"))" 3 $rc
        tb_dns_private_unblock 1
        check_eq "private DNS 1 restarted: answers again" 10.100.0.20 "$(tb_exec_henb "$TB_DNSQ" 10.100.0.53 hems.henb.test)"
    fi
    sw --terminate --ike s$n --timeout 5 >/dev/null 2>&1
    check "SeGW $n: terminated, resolve plugin removed the DNS server" \
        bash -c "! grep -q 10.10$((n - 1)).0.53 '$TB_HENB_RESOLV' 2>/dev/null"
done

# --- identities -------------------------------------------------------------------------------------
initiate s1ip 10; rc=$?
check "remote.id 192.0.2.1 vs the DNS-only SeGW certificate: refused (rc $rc)" test $rc != 0
check "remote.id 192.0.2.1 vs the DNS-only SeGW certificate: AUTHENTICATION_FAILED" \
    grep -qE 'AUTHENTICATION_FAILED|no trusted' "$WORK/init-s1ip.log"

tb_segw_start 1 ip || bail "tb_segw_start 1 ip failed"
initiate s1ip 10; rc=$?
check_eq "SeGW 1 restarted with the IP-SAN certificate: remote.id 192.0.2.1 accepted" 0 $rc
check_contains "SeGW 1 IP variant: IKE_SA with peer identity 192.0.2.1" "remote '192.0.2.1' @ 192.0.2.1" "$(sa_state s1ip)"
sw --terminate --ike s1ip --timeout 5 >/dev/null 2>&1
initiate s1 10; rc=$?
check "SeGW 1 IP variant: remote.id segw1.henb.test refused (rc $rc)" test $rc != 0

tb_segw_start 1 rogue || bail "tb_segw_start 1 rogue failed"
initiate s1 10; rc=$?
check "SeGW 1 with a rogue-CA certificate: refused (rc $rc)" test $rc != 0
# a fresh charon logs "no trusted ECDSA public key found"; one that cached the genuine certificate
# of segw1.henb.test from an earlier IKE_SA tries that one and logs "signature validation failed"
check "SeGW 1 with a rogue-CA certificate: authentication of the SeGW failed" \
    grep -qE 'no trusted .*public key found|signature validation failed' "$WORK/init-s1.log"
no_sa() { ! sa_state "$1" | grep -q ESTABLISHED; }
check "SeGW 1 with a rogue-CA certificate: no IKE_SA left" no_sa s1

# --- unreachable SeGWs ------------------------------------------------------------------------------
tb_segw_start 1 dns || bail "tb_segw_start 1 dns failed"
tb_segw_block 1
seen=$(grep -c 'received packet' "$TB_SEGW1_LOG")
t0=$(ms); initiate s1 2; rc=$?; t=$(($(ms) - t0))
check "SeGW 1 blocked: initiate times out (rc $rc, ${t} ms)" test $rc != 0 -a $t -ge 1900
check "SeGW 1 blocked: swanctl reports the timeout" grep -q 'not established after' "$WORK/init-s1.log"
check_eq "SeGW 1 blocked: no IKE packet reached the SeGW" "$seen" "$(grep -c 'received packet' "$TB_SEGW1_LOG")"
sw --terminate --ike s1 --force --timeout 2 >/dev/null 2>&1
tb_segw_unblock 1
initiate s1 10; rc=$?
check_eq "SeGW 1 unblocked: initiate succeeds" 0 $rc
sw --terminate --ike s1 --timeout 5 >/dev/null 2>&1
t0=$(ms); initiate dead 2; rc=$?; t=$(($(ms) - t0))
check "segw-dead.henb.test: initiate times out (rc $rc, ${t} ms)" test $rc != 0 -a $t -ge 1900
sw --terminate --ike dead --force --timeout 2 >/dev/null 2>&1

# --- NetworkManager + charon-nm -------------------------------------------------------------------
tb_henb_charon_stop
check "HeNB charon stopped" bash -c "! test -S '$TB_HENB_VICI'"
if [ ${#UP_ARGS[@]} -eq 0 ]; then
    t0=$(ms)
    tb_nm_start || bail "tb_nm_start failed"
    t_nm=$(($(ms) - t0))
fi
check_eq "NM: wan profile active" "$TB_NM_WAN_CON:wan" \
    "$(tb_nmcli -t -f NAME,DEVICE connection show --active | grep "^$TB_NM_WAN_CON:")"
check_contains "NM: wan has 198.51.100.10" "198.51.100.10/24" "$(ip -n "$TB_NS_HENB" addr show dev wan)"
check "NM: the HeNB still reaches the public DNS" tb_exec_henb "$TB_DNSQ" 192.0.2.53 segw1.henb.test
tb_nmcli connection add type vpn con-name tb-vpn vpn-type strongswan \
    vpn.data "address=segw1.henb.test, method=key, usercert=$TB_HENB2_CERT, userkey=$TB_HENB2_KEY, certificate=$TB_CA, remote-identity=segw1.henb.test, local-identity=$TB_HENB2_ID, virtual=yes, encap=no, ipcomp=no, proposal=no" \
    ipv4.never-default yes ipv6.method disabled >"$WORK/nm-add.log" 2>&1
check_eq "NM: VPN profile added" 0 $?
t0=$(ms)
tb_nmcli --wait 30 connection up tb-vpn >"$WORK/nm-up.log" 2>&1; rc=$?
t_vpn=$(($(ms) - t0))
check_eq "NM: VPN (charon-nm) activated (${t_vpn} ms)" 0 $rc
nm_vip() { tb_nmcli -g IP4.ADDRESS connection show tb-vpn 2>/dev/null | head -1 | grep .; }
_tb_wait 2000 nm_vip   # libnm may publish the DNS before the address
nmvip=$(nm_vip)
check_match "NM: VPN virtual IP from pool 10.200.0.0/24 ($nmvip)" '^10\.200\.0\.[0-9]+/32$' "$nmvip"
check_contains "NM: VPN DNS is the private DNS 10.100.0.53" 10.100.0.53 "$(tb_nmcli -g IP4.DNS connection show tb-vpn)"
nmvip=${nmvip%/32}
check_eq "NM: TCP through the charon-nm tunnel, the listener sees the virtual IP" "hello $nmvip" "$(tcp_hello 10.100.0.20)"
check_contains "NM: the SeGW saw the second device identity" "$TB_HENB2_ID" "$(cat "$TB_SEGW1_LOG")"
tb_nmcli connection down tb-vpn >/dev/null 2>&1
vpn_down() { ! tb_nmcli -t -f NAME connection show --active | grep -qx tb-vpn; }
check "NM: VPN deactivated" vpn_down
cnm=$(_tb_charon_nm_pids)
tb_nm_stop
check "NM: tb_nm_stop ends NetworkManager, charon-nm and dbus-daemon" \
    bash -c "! ps -o pid= -p '$cnm $(cat "$TB_DIR"/run/nm*.pid 2>/dev/null | cut -d' ' -f1 | tr '\n' ' ')' >/dev/null 2>&1 && ! test -S '$TB_DIR/run/nm-dbus.sock'"

# --- teardown ------------------------------------------------------------------------------------
recorded=$(cat "$TB_DIR"/run/*.pid 2>/dev/null | cut -d' ' -f1 | tr '\n' ' ')
inns=$(for n in $_TB_NAMES; do ip netns pids "$TB_PREFIX-$n" 2>/dev/null; done | tr '\n' ' ')
t0=$(ms)
tb_down
t_down=$(($(ms) - t0))
check "tb_down: no namespaces left" bash -c "! ip netns list | grep -q '^$TB_PREFIX-'"
check "tb_down: no /etc/netns/$TB_PREFIX-* left" bash -c "! ls -d /etc/netns/$TB_PREFIX-* 2>/dev/null | grep -q ."
check "tb_down: no process of the testbed left (${recorded}${inns})" \
    bash -c "for p in $recorded $inns $cnm; do [ -e /proc/\$p ] && { ps -o pid,ppid,stat,cmd -p \$p; exit 1; }; done; exit 0"
check "tb_down: safe to call again" tb_down

echo "# timings: tb_up ${t_up} ms, 2 SeGW + HeNB charon ${t_charons} ms, NM up ${t_nm} ms, NM VPN ${t_vpn} ms, tb_down ${t_down} ms"
[ "$FAIL" -eq 0 ]   # the EXIT trap prints the plan and "# N passed, N failed"
