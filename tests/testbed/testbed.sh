# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# henbd's IPsec testbed (sourced by tests): real strongSwan (charon-systemd, swanctl, userspace ESP
# through kernel-libipsec), NetworkManager + charon-nm and dnsmasq in network namespaces, for the
# TS 32.593 5.1.2.2 private-domain discovery (HeNB -> Initial SeGW -> Initial HeMS in a private
# network, then Serving SeGW -> Serving HeMS).
#
# Needs root. The caller sets WORK (its work folder) and TB_PREFIX (a short name, unique per test,
# e.g. hb21; several testbeds with different prefixes run in parallel), works with `set -u` (the
# functions return non-zero with a message on stderr; they are not written for `set -e`), and
# calls tb_down from its own cleanup trap. Nothing is written outside $WORK/tb except
# /etc/netns/$TB_PREFIX-*/resolv.conf, which tb_down removes. Start functions keep their daemons as
# children of the calling shell (disowned, so a bare `wait` does not block on them): call them
# directly, never inside $(...) or a pipeline.
#
# Topology (interface names are per namespace; $P = $TB_PREFIX):
#
#   $P-henb   wan 198.51.100.10/24 (gw .1) ---- henb 198.51.100.1/24  $P-inet (router)
#                                                br0 192.0.2.254/24, public DNS 192.0.2.53
#   $P-segw1  wan 192.0.2.1/24 ---------------- segw1 (port of br0)
#   $P-segw2  wan 192.0.2.2/24 ---------------- segw2 (port of br0)
#             (segw-dead.henb.test = 192.0.2.9: blackholed in $P-inet, packets vanish silently)
#   $P-segw1  priv 10.100.0.1/24 -------------- eth0 $P-priv1 10.100.0.53 (private DNS),
#                                                    10.100.0.20 (Initial HeMS), 10.100.0.30 (MME)
#   $P-segw2  priv 10.101.0.1/24 -------------- eth0 $P-priv2 10.101.0.53 (private DNS),
#                                                    10.101.0.20 (Serving HeMS), 10.101.0.30 (MME)
#   virtual IPs: segw1 hands out 10.200.0.0/24, segw2 10.201.0.0/24; $P-privN routes its pool
#   back through 10.10x.0.1 (no default route: the private networks cannot reach the public one).
#
# DNS: public 192.0.2.53: segw1.henb.test=192.0.2.1 segw2.henb.test=192.0.2.2
#      segw-dead.henb.test=192.0.2.9, any other *.henb.test NXDOMAIN.
#      private 10.100.0.53: hems.henb.test=10.100.0.20 mme.henb.test=10.100.0.30
#      private 10.101.0.53: serving.henb.test=10.101.0.20 mme.henb.test=10.101.0.30
#      (anything else under henb.test NXDOMAIN). resolv.conf of $P-henb, $P-inet, $P-segwN:
#      192.0.2.53; of $P-privN: its private DNS (options timeout:1 attempts:2).
#
# Functions
#   tb_up [--nm]            namespaces, links, routes, resolv.conf files, the three dnsmasq.
#                           --nm: leave the HeNB's wan unaddressed (tb_nm_start configures it
#                           through NetworkManager; tb_nm_start also works without it).
#   tb_pki                  makes the PKI (below) unless done; tb_segw_start calls it.
#   tb_segw_start N VARIANT [CONN-LINE...]
#                           (re)starts charon-systemd in $P-segwN and loads its connection
#                           "henb": any HeNB certificate of the operator CA, local id by VARIANT
#                           (dns: segwN.henb.test, ip: 192.0.2.N, rogue: segwN.henb.test with a
#                           rogue-CA certificate), send_cert always, mobike no, pool 10.20x.0.0/24
#                           with dns 10.10x.0.53, child local_ts 10.10x.0.0/24. Extra lines go
#                           into the connection section (e.g. 'dpd_delay = 2s').
#   tb_segw_stop N          stops that charon only.
#   tb_segw_block N / tb_segw_unblock N
#                           SeGW N becomes silently unreachable (blackhole route to 192.0.2.N and
#                           a blackhole rule for packets from it, in $P-inet; no ICMP, no link
#                           change seen by either charon) / reachable again.
#   tb_dns_private_block N [drop|stop] / tb_dns_private_unblock N
#                           drop (default): queries to 10.10x.0.53 vanish (blackhole route on the
#                           SeGW, so they time out); stop: its dnsmasq is stopped (queries are
#                           answered by ICMP port unreachable). unblock undoes either.
#   tb_henb_charon_start [STRONGSWAN-CONF-LINE...] / tb_henb_charon_stop
#                           charon-systemd in $P-henb for henbd's VICI backend, no connections.
#                           Extra lines go into its charon-systemd section (e.g.
#                           'retransmit_tries = 2').
#   tb_nm_start / tb_nm_stop
#                           private system bus + NetworkManager in $P-henb (private /run,
#                           read-only /sys, keyfiles under $WORK/tb/nm) with the wan profile
#                           "tb-wan" (198.51.100.10/24 gw 198.51.100.1) activated; charon-nm gets
#                           kernel-libipsec (routing table 230, so it does not share table 220
#                           with the HeNB charon). $WORK must not lie below /run.
#                           NetworkManager runs below tests/testbed/tb-reaper, which reaps the
#                           charon-nm NetworkManager starts detached.
#   tb_nmcli ARGS...        nmcli on the testbed's bus.
#   tb_exec_henb CMD...     runs CMD in $P-henb (with its resolv.conf).
#   tb_exec NS CMD...       runs CMD in $P-NS (NS: henb inet segw1 segw2 priv1 priv2).
#   tb_ns NAME              echoes $P-NAME;  tb_hems_ns N echoes $P-privN (where the HeMS runs).
#   tb_public_servers NAME=IP...
#                           public servers (e.g. a HeMS of the public variant) in $P-inet: each
#                           IP (192.0.2.x, not one above) goes on its br0, and the public DNS is
#                           restarted answering NAME with IP besides its own names. Servers bind
#                           those addresses inside $P-inet (tb_exec inet ...).
#   tb_delay_on MS / tb_delay_off
#                           every packet on the HeNB's access link ($P-henb <-> $P-inet) is held
#                           back MS milliseconds (a fraction allowed) in each direction, so every
#                           round trip of the HeNB to anything beyond it (public DNS, SeGWs,
#                           public servers, and through the tunnels the private networks) takes
#                           2*MS longer. tb_delay_on again changes MS; tb_delay_off removes it.
#                           Needs TB_DELAY (below). How: tb-delay in $P-inet owns the TUN "dly"
#                           and writes every packet it reads back into it MS later; policy rules
#                           (table 150) route into "dly" what comes in on "henb" and what goes
#                           to 198.51.100.0/24 from br0 or from $P-inet itself, and the packet
#                           written back comes in on "dly", which no rule sends round again. For
#                           that: the local table's rule moves behind them (pref 0 -> 200), so
#                           $P-inet's own addresses (DNS, public servers) are delayed too;
#                           rp_filter is off and dly accepts local source addresses; TCP/UDP
#                           early demux is off (it would attach $P-inet's own socket to an
#                           incoming packet before routing, and forwarding drops such a packet:
#                           connections to public servers would hang in SYN-RECV); and
#                           198.51.100.1 keeps a rule into the local table first (ARP for it is
#                           answered after a route lookup of that address, which must not end
#                           in "dly": the HeNB would lose its gateway), so only packets *to* the
#                           gateway address itself skip the delay one way.
#   tb_swanctl INSTANCE SWANCTL-COMMAND [ARGS...]
#                           swanctl against a charon of the testbed (henb, segw1, segw2), e.g.
#                           tb_swanctl henb --list-sas. SWANCTL_DIR is that instance's folder
#                           unless set by the caller.
#   tb_down                 kills the processes the testbed recorded and every process inside its
#                           namespaces, deletes the namespaces and /etc/netns/$P-*; idempotent.
#
# PKI ($TB_PKI = $WORK/tb/pki, ECDSA P-256 by certtool; every NAME has NAME.pem and NAME.key):
#   ca                  operator CA; a copy of $WORK/pki/ca.* when that exists (tests/tools/
#                       make-pki), so HeMS TLS and IPsec share one operator CA. Run make-pki first.
#   rogue-ca            rogue CA (a copy of $WORK/pki/rogue-ca.* when that exists)
#   segwN-dns           SeGW N, SAN DNS segwN.henb.test, serverAuth            (N = 1, 2)
#   segwN-ip            SeGW N, SAN IP 192.0.2.N, serverAuth
#   segwN-rogue         SeGW N, SAN DNS segwN.henb.test, issued by rogue-ca
#   henb1               HeNB device, SAN DNS 0011223344556677.henb.test, clientAuth
#                       (a copy of $WORK/pki/device.* when that exists)
#   henb2               second device (NetworkManager client), SAN DNS 0011223344556678.henb.test
#
# Variables (exported by every tb_* function; the daemon-related ones are meaningful once that
# daemon is started):
#   TB_DIR=$WORK/tb  TB_PKI  TB_CA  TB_HENB1_CERT TB_HENB1_KEY TB_HENB1_ID
#   TB_HENB2_CERT TB_HENB2_KEY TB_HENB2_ID
#   TB_NS_HENB TB_NS_INET TB_NS_SEGW1 TB_NS_SEGW2 TB_NS_PRIV1 TB_NS_PRIV2
#   TB_HENB_WAN_IF=wan TB_HENB_IP=198.51.100.10 TB_PUBLIC_DNS=192.0.2.53
#   TB_SEGW1_IP TB_SEGW2_IP TB_SEGW_DEAD_IP  TB_SEGW1_FQDN TB_SEGW2_FQDN TB_SEGW_DEAD_FQDN
#   TB_PRIV1_DNS TB_PRIV2_DNS TB_HEMS1_IP TB_HEMS2_IP TB_MME1_IP TB_MME2_IP
#   TB_PRIV1_NET TB_PRIV2_NET TB_POOL1 TB_POOL2
#   TB_HENB_NETNS_RESOLV=/etc/netns/$P-henb/resolv.conf (glibc re-reads it: rewrite it in place,
#     same inode, to switch the resolver of running processes)
#   HeNB charon: TB_HENB_VICI (socket path $WORK/tb/run/henb.vici) TB_HENB_VICI_URI (unix://...)
#     TB_HENB_RESOLV ($WORK/tb/run/henb-resolv.conf, where the resolve plugin writes
#     "nameserver 10.10x.0.53" while a tunnel is up) TB_HENB_SWANCTL_DIR (x509ca/ca.pem,
#     x509/henb1.pem, private/henb1.key, empty swanctl.conf) TB_HENB_CHARON_LOG
#   SeGWs: TB_SEGW1_VICI_URI TB_SEGW2_VICI_URI TB_SEGW1_LOG TB_SEGW2_LOG
#   NetworkManager: TB_NM_BUS (unix:path=$WORK/tb/run/nm-dbus.sock, for DBUS_SYSTEM_BUS_ADDRESS)
#     TB_NM_LOG TB_CHARON_NM_LOG TB_NM_WAN_CON=tb-wan
#   TB_DELAY: the tb-delay program (tests/testbed/tb-delay.c, built by meson as tests/tb-delay;
#     meson sets TB_DELAY for the tests), needed by tb_delay_on only
#   helpers beside this file: TB_DNSQ (tb-dnsq SERVER NAME [TIMEOUT]: one A query, prints the
#     addresses; exit 0 answer, 1 NXDOMAIN, 2 timeout, 3 ICMP error, 4 other) and TB_LISTEN
#     (tb-listen IP PORT LOGFILE: TCP listener logging "peer IP PORT", answering "hello IP").
#
# Example
#   WORK=$(mktemp -d); TB_PREFIX=hb21; . tests/testbed/testbed.sh; trap tb_down EXIT
#   tests/tools/make-pki "$WORK/pki" 10.100.0.20 10.101.0.20    # first: one operator CA
#   tb_up && tb_segw_start 1 dns && tb_segw_start 2 ip && tb_henb_charon_start
#   ip netns exec "$(tb_hems_ns 1)" henb-ref-hems --listen 10.100.0.20:7547 ... &
#   tb_exec_henb henbd ...        # VICI backend: $TB_HENB_VICI, DNS from $TB_HENB_RESOLV
#   NetworkManager backend: tb_up --nm; tb_nm_start; henbd with DBUS_SYSTEM_BUS_ADDRESS=$TB_NM_BUS;
#   a strongswan VPN with vpn.data "address=segw1.henb.test, method=key, usercert=$TB_HENB2_CERT,
#   userkey=$TB_HENB2_KEY, certificate=$TB_CA, remote-identity=segw1.henb.test,
#   local-identity=$TB_HENB2_ID, virtual=yes, encap=no, ipcomp=no, proposal=no" comes up in ~70 ms.
#
# Notes
#   * A HeNB charon that already received the genuine certificate of segwN.henb.test caches it:
#     against the rogue variant it then logs "signature validation failed" (a fresh one: "no
#     trusted ECDSA public key found"); both end in AUTHENTICATION_FAILED.
#   * The HeNB charon (table 220, ports 500/4500) and charon-nm (table 230, random ports) can
#     hold tunnels at the same time in $P-henb (ipsec0 and ipsec1).
#   * The SeGWs run with mobike = no, so they do not advertise their private address.
#   * strongSwan 5.9's resolve plugin ignores plugins.resolve.file whenever /sbin/resolvconf
#     exists and calls it instead (changing the host's DNS); tb_henb_charon_start then hides
#     /sbin/resolvconf in the HeNB charon's own mount namespace.
#
# Logs: $WORK/tb/logs: segwN-charon.log, henb-charon.log, segwN-load.log (swanctl), dns-public.log,
# dns-privN.log (dnsmasq with log-queries; NAME.log.old holds the part before a restart), nm.log,
# charon-nm.log, nmcli.log, and NAME.out (stdout/stderr) of each daemon (delay.out: tb-delay's
# packet counts when it stopped).
# TB_VERBOSE=1 prints the milliseconds of each step to stderr ("# tb: ...").

_tb_vars() { # returns 1 (no exit of a `set -u` caller) when TB_PREFIX or WORK is missing
    [ -n "${TB_PREFIX:-}" ] || { echo "testbed: TB_PREFIX is not set" >&2; return 1; }
    [ -n "${WORK:-}" ] || { echo "testbed: WORK is not set" >&2; return 1; }
    local P=$TB_PREFIX
    export TB_DIR=$WORK/tb
    export TB_PKI=$TB_DIR/pki TB_CA=$TB_DIR/pki/ca.pem
    export TB_HENB1_CERT=$TB_PKI/henb1.pem TB_HENB1_KEY=$TB_PKI/henb1.key TB_HENB1_ID=0011223344556677.henb.test
    export TB_HENB2_CERT=$TB_PKI/henb2.pem TB_HENB2_KEY=$TB_PKI/henb2.key TB_HENB2_ID=0011223344556678.henb.test
    export TB_NS_HENB=$P-henb TB_NS_INET=$P-inet TB_NS_SEGW1=$P-segw1 TB_NS_SEGW2=$P-segw2
    export TB_NS_PRIV1=$P-priv1 TB_NS_PRIV2=$P-priv2
    export TB_HENB_WAN_IF=wan TB_HENB_IP=198.51.100.10 TB_PUBLIC_DNS=192.0.2.53
    export TB_SEGW1_IP=192.0.2.1 TB_SEGW2_IP=192.0.2.2 TB_SEGW_DEAD_IP=192.0.2.9
    export TB_SEGW1_FQDN=segw1.henb.test TB_SEGW2_FQDN=segw2.henb.test TB_SEGW_DEAD_FQDN=segw-dead.henb.test
    export TB_PRIV1_DNS=10.100.0.53 TB_PRIV2_DNS=10.101.0.53
    export TB_HEMS1_IP=10.100.0.20 TB_HEMS2_IP=10.101.0.20 TB_MME1_IP=10.100.0.30 TB_MME2_IP=10.101.0.30
    export TB_PRIV1_NET=10.100.0.0/24 TB_PRIV2_NET=10.101.0.0/24 TB_POOL1=10.200.0.0/24 TB_POOL2=10.201.0.0/24
    export TB_HENB_NETNS_RESOLV=/etc/netns/$P-henb/resolv.conf
    export TB_HENB_VICI=$TB_DIR/run/henb.vici
    export TB_HENB_VICI_URI=unix://$TB_HENB_VICI TB_HENB_RESOLV=$TB_DIR/run/henb-resolv.conf
    export TB_HENB_SWANCTL_DIR=$TB_DIR/henb/swanctl TB_HENB_CHARON_LOG=$TB_DIR/logs/henb-charon.log
    export TB_NM_BUS=unix:path=$TB_DIR/run/nm-dbus.sock TB_NM_LOG=$TB_DIR/logs/nm.log
    export TB_CHARON_NM_LOG=$TB_DIR/logs/charon-nm.log TB_NM_WAN_CON=tb-wan
    export TB_SEGW1_VICI_URI=unix://$TB_DIR/run/segw1.vici TB_SEGW2_VICI_URI=unix://$TB_DIR/run/segw2.vici
    export TB_SEGW1_LOG=$TB_DIR/logs/segw1-charon.log TB_SEGW2_LOG=$TB_DIR/logs/segw2-charon.log
    export TB_DNSQ=$_TB_SRC/tb-dnsq TB_LISTEN=$_TB_SRC/tb-listen
}
_TB_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
_TB_NAMES="henb inet segw1 segw2 priv1 priv2"

_tb_err() { echo "testbed: $*" >&2; return 1; }
_tb_n() { # _tb_n FUNCTION ARG -> ARG is 1 or 2
    case ${2:-} in 1 | 2) return 0 ;; esac
    _tb_err "$1: the first argument must be 1 or 2, not '${2:-}'"
}
_tb_t0() { _TB_T0=${EPOCHREALTIME//[!0-9]/}; _TB_TL=$_TB_T0; }
_tb_step() { # _tb_step TEXT -> with TB_VERBOSE=1: ms since the last step / since _tb_t0
    [ "${TB_VERBOSE:-0}" = 1 ] || return 0
    local n=${EPOCHREALTIME//[!0-9]/}
    printf '# tb: %-40s %5d ms (total %5d ms)\n' "$1" $(((n - _TB_TL) / 1000)) $(((n - _TB_T0) / 1000)) >&2
    _TB_TL=$n
}
_tb_wait() { # _tb_wait MILLISECONDS COMMAND... -> polls every 10 ms until COMMAND succeeds
    # (a bound on failure: stretched by HENB_TIMEOUT_SCALE under sanitizers and valgrind)
    local end=$((${EPOCHREALTIME//[!0-9]/} + $1 * ${HENB_TIMEOUT_SCALE:-1} * 1000)); shift
    until "$@" >/dev/null 2>&1; do
        [ "${EPOCHREALTIME//[!0-9]/}" -ge "$end" ] && return 1
        sleep 0.01
    done
}

# --- processes ---------------------------------------------------------------------------------
# pid files hold "PID STARTTIME" (field 22 of /proc/PID/stat), so a recycled PID is never killed.
_tb_starttime() { local s; read -r s <"/proc/$1/stat" 2>/dev/null || return 1; s=${s##*) }; set -- $s; echo "${20}"; }
_tb_alive() { # _tb_alive PID -> exists and is not a zombie
    local s; read -r s <"/proc/$1/stat" 2>/dev/null || return 1; s=${s##*) }; [ "${s%% *}" != Z ]
}
_tb_all_dead() { local p; for p; do _tb_alive "$p" && return 1; done; return 0; }
_tb_pidfile_pid() { # _tb_pidfile_pid NAME -> the recorded PID if that process is still the same one
    local f=$TB_DIR/run/$1.pid pid st
    [ -f "$f" ] || return 1
    read -r pid st <"$f" || return 1
    [ -n "$pid" ] && [ -n "$st" ] && [ "$(_tb_starttime "$pid")" = "$st" ] && _tb_alive "$pid" && echo "$pid"
}
_tb_spawn() { # _tb_spawn NAME NETNS|- COMMAND... -> background child of this shell, stdio to logs/NAME.out
    local name=$1 ns=$2 pid st; shift 2
    if [ "$ns" = - ]; then
        "$@" >>"$TB_DIR/logs/$name.out" 2>&1 </dev/null &
    else
        ip netns exec "$ns" "$@" >>"$TB_DIR/logs/$name.out" 2>&1 </dev/null &
    fi
    pid=$!
    disown "$pid" 2>/dev/null
    st=$(_tb_starttime "$pid") || st=
    echo "$pid $st" >"$TB_DIR/run/$name.pid"
}
_tb_settled() { # every PID is gone, or a zombie of PID 1 (nothing more can be done about those)
    local p s
    for p; do
        read -r s <"/proc/$p/stat" 2>/dev/null || continue
        s=${s##*) }
        set -- $s
        [ "$1" = Z ] && [ "$2" = 1 ] && continue
        return 1
    done
}
_tb_kill_pids() { # _tb_kill_pids TIMEOUT_MS PID... -> SIGTERM, SIGKILL after the timeout
    # Children before their parents, and each batch is waited for until its parent reaped it:
    # a child that outlives its parent is reparented to PID 1, and not every PID 1 reaps.
    local t=$1 p s todo=() leaves rest
    shift
    declare -A ppid=()
    for p; do
        read -r s <"/proc/$p/stat" 2>/dev/null || continue
        s=${s##*) }
        s=${s#* }
        ppid[$p]=${s%% *}
        todo+=("$p")
    done
    while [ ${#todo[@]} -gt 0 ]; do
        leaves=() rest=()
        declare -A parents=()
        for p in "${todo[@]}"; do parents[${ppid[$p]}]=1; done
        for p in "${todo[@]}"; do
            if [ -n "${parents[$p]:-}" ]; then rest+=("$p"); else leaves+=("$p"); fi
        done
        unset parents
        [ ${#leaves[@]} -gt 0 ] || { leaves=("${rest[@]}"); rest=(); }
        kill "${leaves[@]}" 2>/dev/null
        if ! _tb_wait "$t" _tb_all_dead "${leaves[@]}"; then
            kill -9 "${leaves[@]}" 2>/dev/null
            _tb_wait 2000 _tb_all_dead "${leaves[@]}"
        fi
        _tb_wait 1000 _tb_settled "${leaves[@]}"
        todo=("${rest[@]}")
    done
    return 0
}
_tb_stop() { # _tb_stop NAME [TIMEOUT_MS] -> stops the recorded process NAME
    local pid
    pid=$(_tb_pidfile_pid "$1") && _tb_kill_pids "${2:-3000}" "$pid"
    rm -f "$TB_DIR/run/$1.pid"
}
_tb_ns_exists() { [ -e "/run/netns/$1" ]; }

# --- namespaces ----------------------------------------------------------------------------------
_tb_resolv() { # _tb_resolv NETNS NAMESERVER
    # retried: the tb_down of a parallel testbed may just be removing an empty /etc/netns
    for _ in 1 2 3; do mkdir -p "/etc/netns/$1" 2>/dev/null && break; done
    printf 'nameserver %s\noptions timeout:1 attempts:2\n' "$2" >"/etc/netns/$1/resolv.conf"
}

_tb_dnsmasq() { # _tb_dnsmasq NAME NETNS LISTEN-IP NAME=IP...
    local name=$1 ns=$2 ip=$3 r; shift 3
    {
        printf 'no-resolv\nno-hosts\nbind-interfaces\nlisten-address=%s\nport=53\n' "$ip"
        printf 'local=/henb.test/\nlog-queries\nlog-facility=%s\n' "$TB_DIR/logs/$name.log"
        for r; do printf 'host-record=%s,%s\n' "${r%%=*}" "${r#*=}"; done
    } >"$TB_DIR/dns/$name.conf"
    # a restart keeps the earlier queries in NAME.log.old; NAME.log starts empty (readiness check)
    [ -s "$TB_DIR/logs/$name.log" ] && cat "$TB_DIR/logs/$name.log" >>"$TB_DIR/logs/$name.log.old"
    : >"$TB_DIR/logs/$name.log"
    # -k: stays a child of this shell; --pid-file= : no pid file (the default one is global)
    _tb_spawn "$name" "$ns" dnsmasq -k --conf-file="$TB_DIR/dns/$name.conf" --pid-file= --user=root
}
_TB_PUBLIC_RECORDS="segw1.henb.test=192.0.2.1 segw2.henb.test=192.0.2.2 segw-dead.henb.test=192.0.2.9"
_tb_dnsmasq_ready() { local n; for n; do grep -q 'started, version' "$TB_DIR/logs/$n.log" || return 1; done; }
_tb_start_private_dns() { # _tb_start_private_dns N
    case $1 in
    1) _tb_dnsmasq dns-priv1 "$TB_NS_PRIV1" 10.100.0.53 hems.henb.test=10.100.0.20 mme.henb.test=10.100.0.30 ;;
    2) _tb_dnsmasq dns-priv2 "$TB_NS_PRIV2" 10.101.0.53 serving.henb.test=10.101.0.20 mme.henb.test=10.101.0.30 ;;
    esac
}

tb_up() {
    local nm=0 n P
    [ "${1:-}" = --nm ] && nm=1
    _tb_vars || return 1
    P=$TB_PREFIX
    _tb_t0
    for n in $_TB_NAMES; do
        if _tb_ns_exists "$P-$n"; then
            echo "testbed: removing a stale testbed with prefix $P" >&2
            tb_down
            break
        fi
    done
    mkdir -p "$TB_DIR"/{run,logs,dns} || return 1
    # resolv.conf first: 'ip netns exec' bind-mounts it only if it exists when a process starts
    _tb_resolv "$P-henb" 192.0.2.53 && _tb_resolv "$P-inet" 192.0.2.53 &&
        _tb_resolv "$P-segw1" 192.0.2.53 && _tb_resolv "$P-segw2" 192.0.2.53 &&
        _tb_resolv "$P-priv1" 10.100.0.53 && _tb_resolv "$P-priv2" 10.101.0.53 || return 1
    for n in $_TB_NAMES; do ip netns add "$P-$n" || { _tb_err "ip netns add $P-$n failed"; return 1; }; done
    _tb_step "namespaces"
    # veths are created directly inside the namespaces: nothing appears in the host namespace
    ip link add wan netns "$P-henb" type veth peer name henb netns "$P-inet" &&
        ip link add wan netns "$P-segw1" type veth peer name segw1 netns "$P-inet" &&
        ip link add wan netns "$P-segw2" type veth peer name segw2 netns "$P-inet" &&
        ip link add priv netns "$P-segw1" type veth peer name eth0 netns "$P-priv1" &&
        ip link add priv netns "$P-segw2" type veth peer name eth0 netns "$P-priv2" ||
        { _tb_err "creating the veths failed"; return 1; }
    ip -n "$P-inet" -b - <<EOF || { _tb_err "configuring $P-inet failed"; return 1; }
link set lo up
link add br0 type bridge
link set br0 up
addr add 192.0.2.254/24 dev br0
addr add 192.0.2.53/24 dev br0
link set segw1 master br0 up
link set segw2 master br0 up
addr add 198.51.100.1/24 dev henb
link set henb up
route add blackhole 192.0.2.9/32
EOF
    if [ $nm = 1 ]; then
        ip -n "$P-henb" -b - <<EOF || { _tb_err "configuring $P-henb failed"; return 1; }
link set lo up
link set wan up
EOF
    else
        ip -n "$P-henb" -b - <<EOF || { _tb_err "configuring $P-henb failed"; return 1; }
link set lo up
addr add 198.51.100.10/24 dev wan
link set wan up
route add default via 198.51.100.1
EOF
    fi
    for n in 1 2; do
        ip -n "$P-segw$n" -b - <<EOF || { _tb_err "configuring $P-segw$n failed"; return 1; }
link set lo up
addr add 192.0.2.$n/24 dev wan
link set wan up
route add default via 192.0.2.254
addr add 10.10$((n - 1)).0.1/24 dev priv
link set priv up
EOF
        ip -n "$P-priv$n" -b - <<EOF || { _tb_err "configuring $P-priv$n failed"; return 1; }
link set lo up
addr add 10.10$((n - 1)).0.53/24 dev eth0
addr add 10.10$((n - 1)).0.20/24 dev eth0
addr add 10.10$((n - 1)).0.30/24 dev eth0
link set eth0 up
route add 10.20$((n - 1)).0.0/24 via 10.10$((n - 1)).0.1
EOF
    done
    for n in inet segw1 segw2; do
        ip netns exec "$P-$n" sysctl -qw net.ipv4.ip_forward=1 || { _tb_err "ip_forward in $P-$n failed"; return 1; }
    done
    _tb_step "links, addresses, routes"
    _tb_dnsmasq dns-public "$P-inet" 192.0.2.53 $_TB_PUBLIC_RECORDS
    _tb_start_private_dns 1
    _tb_start_private_dns 2
    _tb_wait 5000 _tb_dnsmasq_ready dns-public dns-priv1 dns-priv2 ||
        { _tb_err "dnsmasq did not start (see $TB_DIR/logs/dns-*)"; return 1; }
    _tb_step "dnsmasq x3 listening"
}

tb_ns() { echo "${TB_PREFIX:-}-${1:-}"; }
tb_hems_ns() { echo "${TB_PREFIX:-}-priv${1:-}"; }
tb_exec() { local ns=${1:-}; shift; ip netns exec "${TB_PREFIX:-}-$ns" "$@"; }
tb_exec_henb() { ip netns exec "${TB_PREFIX:-}-henb" "$@"; }

# --- PKI -------------------------------------------------------------------------------------------
_tb_certtool_key() { certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile "$1.key" 2>/dev/null; }
_tb_certtool_ca() { # NAME CN
    _tb_certtool_key "$1" || return 1
    printf 'cn = "%s"\norganization = "henbd testbed"\nca\ncert_signing_key\ncrl_signing_key\nexpiration_days = 60\n' \
        "$2" >"$1.tmpl"
    certtool --generate-self-signed --load-privkey "$1.key" --template "$1.tmpl" --outfile "$1.pem" 2>/dev/null
}
_tb_certtool_leaf() { # NAME ISSUER TEMPLATE-LINE...
    local n=$1 issuer=$2; shift 2
    _tb_certtool_key "$n" || return 1
    printf '%s\n' "$@" 'expiration_days = 30' 'signing_key' 'organization = "henbd testbed"' >"$n.tmpl"
    certtool --generate-certificate --load-privkey "$n.key" --load-ca-certificate "$issuer.pem" \
        --load-ca-privkey "$issuer.key" --template "$n.tmpl" --outfile "$n.pem" 2>/dev/null
}

tb_pki() {
    _tb_vars || return 1
    local shared=$WORK/pki
    if [ -f "$TB_PKI/.complete" ]; then
        # made before the test's own PKI appeared? then again, from that one
        [ -f "$shared/ca.pem" ] && ! cmp -s "$shared/ca.pem" "$TB_PKI/ca.pem" || return 0
        rm -rf "$TB_PKI"
    fi
    _tb_t0
    mkdir -p "$TB_PKI" || return 1
    (
        umask 077
        cd "$TB_PKI" || exit 1
        if [ -f "$shared/ca.pem" ] && [ -f "$shared/ca.key" ]; then
            cp "$shared/ca.pem" "$shared/ca.key" . || exit 1
        else
            _tb_certtool_ca ca "Operator Test Root CA" || exit 1
        fi
        if [ -f "$shared/rogue-ca.pem" ] && [ -f "$shared/rogue-ca.key" ]; then
            cp "$shared/rogue-ca.pem" "$shared/rogue-ca.key" . || exit 1
        else
            _tb_certtool_ca rogue-ca "Rogue CA" || exit 1
        fi
        for n in 1 2; do
            _tb_certtool_leaf "segw$n-dns" ca "cn = \"segw$n.henb.test\"" "dns_name = \"segw$n.henb.test\"" tls_www_server &&
                _tb_certtool_leaf "segw$n-ip" ca "cn = \"192.0.2.$n\"" "ip_address = \"192.0.2.$n\"" tls_www_server &&
                _tb_certtool_leaf "segw$n-rogue" rogue-ca "cn = \"segw$n.henb.test\"" "dns_name = \"segw$n.henb.test\"" \
                    tls_www_server || exit 1
        done
        if [ -f "$shared/device.pem" ] && [ -f "$shared/device.key" ]; then
            cp "$shared/device.pem" henb1.pem && cp "$shared/device.key" henb1.key || exit 1
        else
            _tb_certtool_leaf henb1 ca 'cn = "0011223344556677.henb.test"' 'dns_name = "0011223344556677.henb.test"' \
                tls_www_client || exit 1
        fi
        _tb_certtool_leaf henb2 ca 'cn = "0011223344556678.henb.test"' 'dns_name = "0011223344556678.henb.test"' \
            tls_www_client || exit 1
        rm -f ./*.tmpl
        touch .complete
    ) || { _tb_err "making the PKI in $TB_PKI failed"; return 1; }
    _tb_step "PKI"
}

# --- strongSwan ------------------------------------------------------------------------------------
_TB_CHARON_LOAD="random nonce drbg hmac kdf sha1 sha2 aes gcm pem pkcs1 pkcs8 x509 pubkey constraints revocation gmp openssl kernel-libipsec kernel-netlink socket-default vici"

_tb_charon_conf() { # _tb_charon_conf FILE LOGNAME VICI-SOCKET EXTRA-PLUGINS PLUGIN-SECTION EXTRA-LINE...
    local file=$1 log=$2 sock=$3 plugins=$4 psect=$5 l; shift 5
    {
        echo "# generated by tests/testbed/testbed.sh"
        echo "charon-systemd {"
        echo "  load_modular = no"
        echo "  # kernel-libipsec (userspace ESP over a TUN) must come before kernel-netlink"
        echo "  load = $_TB_CHARON_LOAD $plugins"
        for l; do echo "  $l"; done
        echo "  filelog {"
        echo "    tb { path = $TB_DIR/logs/$log.log"
        echo "         time_format = %H:%M:%S"
        echo "         default = 1"
        echo "         ike = 2"
        echo "         cfg = 2"
        echo "         flush_line = yes }"
        echo "  }"
        echo "  journal { default = -1 }"
        echo "  syslog { daemon { default = -1 } }"
        echo "  plugins {"
        echo "    vici { socket = unix://$sock }"
        echo "    kernel-libipsec { allow_peer_ts = no }"
        [ -n "$psect" ] && echo "    $psect"
        echo "  }"
        echo "}"
    } >"$file"
}

_tb_charon_start() { # _tb_charon_start NAME NETNS CONFDIR SOCKET
    local name=$1 ns=$2 dir=$3 sock=$4
    [ ${#sock} -lt 100 ] || { _tb_err "socket path too long: $sock"; return 1; }
    rm -f "$sock"
    if [ "$name" = henb ] && [ -e /sbin/resolvconf ]; then
        # strongSwan 5.9's resolve plugin ignores plugins.resolve.file as soon as /sbin/resolvconf
        # exists, and would change the host's DNS through it. Hide it in charon's mount namespace
        # (private, from 'ip netns exec'): a tmpfs over the sbin folder with links to everything
        # else in it.
        _tb_spawn "$name-charon" "$ns" /bin/sh -c '
            d=$(readlink -f /sbin) && mkdir -p "$1/sbin" && mount --bind "$d" "$1/sbin" &&
                mount -t tmpfs tb-sbin "$d" || exit 1
            for f in "$1"/sbin/*; do [ "${f##*/}" = resolvconf ] || ln -s "$f" "$d/"; done
            [ ! -e /sbin/resolvconf ] || exit 1
            exec env STRONGSWAN_CONF="$2" /usr/sbin/charon-systemd' tb-charon "$dir" "$dir/strongswan.conf"
    else
        _tb_spawn "$name-charon" "$ns" env STRONGSWAN_CONF="$dir/strongswan.conf" /usr/sbin/charon-systemd
    fi
    _tb_wait 5000 test -S "$sock" ||
        { _tb_err "$name charon did not open $sock (see $TB_DIR/logs/$name-charon.*)"; return 1; }
}

# all credential folders swanctl --load-creds reads (it warns about missing ones)
_tb_swanctl_dirs() { mkdir -p "$1"/{x509,x509ca,x509ocsp,x509aa,x509ac,x509crl,pubkey,private,rsa,ecdsa,bliss,pkcs8,pkcs12}; }
# swanctl itself with only the plugins it needs (its default list names plugins not installed)
_tb_swanctl() {
    [ -f "$TB_DIR/swanctl-strongswan.conf" ] ||
        echo 'swanctl { load = random nonce pem pkcs1 pkcs8 x509 pubkey gmp openssl }' >"$TB_DIR/swanctl-strongswan.conf"
    STRONGSWAN_CONF=$TB_DIR/swanctl-strongswan.conf swanctl "$@"
}

tb_segw_start() { # tb_segw_start N dns|ip|rogue [CONNECTION-LINE...]
    local n=${1:-} variant=${2:-dns} id cert dir sock l
    _tb_vars && _tb_n tb_segw_start "$n" || return 1
    shift 2 2>/dev/null || shift $#
    case $variant in
    dns) id=segw$n.henb.test ;;
    ip) id=192.0.2.$n ;;
    rogue) id=segw$n.henb.test ;;
    *) _tb_err "tb_segw_start: variant dns, ip or rogue, not '$variant'"; return 1 ;;
    esac
    tb_pki || return 1
    _tb_t0
    tb_segw_stop "$n"
    cert=segw$n-$variant
    dir=$TB_DIR/segw$n
    sock=$TB_DIR/run/segw$n.vici
    rm -rf "$dir/swanctl"
    _tb_swanctl_dirs "$dir/swanctl"
    cp "$TB_PKI/ca.pem" "$dir/swanctl/x509ca/" &&
        cp "$TB_PKI/$cert.pem" "$dir/swanctl/x509/" &&
        cp "$TB_PKI/$cert.key" "$dir/swanctl/private/" || return 1
    _tb_charon_conf "$dir/strongswan.conf" "segw$n-charon" "$sock" "" "" "port = 500" "port_nat_t = 4500"
    {
        echo "# generated by tests/testbed/testbed.sh: SeGW $n, certificate variant $variant"
        echo "connections {"
        echo "  henb {"
        echo "    version = 2"
        echo "    local_addrs = 192.0.2.$n"
        echo "    pools = pool"
        echo "    send_cert = always"
        echo "    mobike = no"
        for l; do echo "    $l"; done
        echo "    local { auth = pubkey"
        echo "            certs = $cert.pem"
        echo "            id = $id }"
        echo "    remote { auth = pubkey"
        echo "             cacerts = ca.pem"
        echo "             id = %any }"
        echo "    children {"
        echo "      henb { local_ts = 10.10$((n - 1)).0.0/24"
        echo "             remote_ts = dynamic"
        echo "             esp_proposals = aes128gcm16-modp2048,aes128-sha256-modp2048,default }"
        echo "    }"
        echo "  }"
        echo "}"
        echo "pools {"
        echo "  pool { addrs = 10.20$((n - 1)).0.0/24"
        echo "         dns = 10.10$((n - 1)).0.53 }"
        echo "}"
    } >"$dir/swanctl/swanctl.conf"
    mkdir -p "$dir"
    _tb_charon_start "segw$n" "$TB_PREFIX-segw$n" "$dir" "$sock" || return 1
    SWANCTL_DIR=$dir/swanctl _tb_swanctl --load-all --noprompt --uri "unix://$sock" >>"$TB_DIR/logs/segw$n-load.log" 2>&1 ||
        { _tb_err "loading SeGW $n's configuration failed (see $TB_DIR/logs/segw$n-load.log)"; return 1; }
    echo "$variant" >"$TB_DIR/run/segw$n.variant"
    _tb_step "SeGW $n ($variant) started and loaded"
}

tb_segw_stop() { # tb_segw_stop N
    _tb_vars && _tb_n tb_segw_stop "${1:-}" || return 1
    _tb_stop "segw$1-charon"
    rm -f "$TB_DIR/run/segw$1.vici" "$TB_DIR/run/segw$1.variant"
}

tb_segw_block() { # tb_segw_block N
    _tb_vars && _tb_n tb_segw_block "${1:-}" || return 1
    ip -n "$TB_PREFIX-inet" route replace blackhole "192.0.2.$1/32" &&
        { ip -n "$TB_PREFIX-inet" rule del pref "10$1" 2>/dev/null
          ip -n "$TB_PREFIX-inet" rule add pref "10$1" from "192.0.2.$1/32" blackhole; }
}
tb_segw_unblock() { # tb_segw_unblock N
    _tb_vars && _tb_n tb_segw_unblock "${1:-}" || return 1
    ip -n "$TB_PREFIX-inet" route del blackhole "192.0.2.$1/32" 2>/dev/null
    ip -n "$TB_PREFIX-inet" rule del pref "10$1" 2>/dev/null
    return 0
}

tb_dns_private_block() { # tb_dns_private_block N [drop|stop]
    _tb_vars && _tb_n tb_dns_private_block "${1:-}" || return 1
    case ${2:-drop} in
    drop) ip -n "$TB_PREFIX-segw$1" route replace blackhole "10.10$(($1 - 1)).0.53/32" ;;
    stop) _tb_stop "dns-priv$1" ;;
    *) _tb_err "tb_dns_private_block: drop or stop, not '${2:-}'" ;;
    esac
}
tb_dns_private_unblock() { # tb_dns_private_unblock N
    _tb_vars && _tb_n tb_dns_private_unblock "${1:-}" || return 1
    ip -n "$TB_PREFIX-segw$1" route del blackhole "10.10$(($1 - 1)).0.53/32" 2>/dev/null
    if ! _tb_pidfile_pid "dns-priv$1" >/dev/null; then
        _tb_start_private_dns "$1"
        _tb_wait 5000 _tb_dnsmasq_ready "dns-priv$1" || { _tb_err "private DNS $1 did not restart"; return 1; }
    fi
    return 0
}

tb_public_servers() { # tb_public_servers NAME=IP...
    local r ip
    _tb_vars || return 1
    for r; do
        ip=${r#*=}
        case $ip in
        192.0.2.1 | 192.0.2.2 | 192.0.2.9 | 192.0.2.53 | 192.0.2.254) _tb_err "tb_public_servers: $ip is taken"; return 1 ;;
        192.0.2.[0-9]*) ;;
        *) _tb_err "tb_public_servers: NAME=192.0.2.x, not '$r'"; return 1 ;;
        esac
        ip -n "$TB_PREFIX-inet" addr replace "$ip/24" dev br0 || { _tb_err "adding $ip to br0 failed"; return 1; }
    done
    _tb_stop dns-public
    _tb_dnsmasq dns-public "$TB_PREFIX-inet" 192.0.2.53 $_TB_PUBLIC_RECORDS "$@"
    _tb_wait 5000 _tb_dnsmasq_ready dns-public || { _tb_err "the public DNS did not restart"; return 1; }
}

# --- latency on the HeNB's access link -------------------------------------------------------------
_TB_DELAY_TABLE=150
_TB_DELAY_SYSCTLS="net.ipv4.conf.all.rp_filter net.ipv4.conf.default.rp_filter net.ipv4.tcp_early_demux net.ipv4.udp_early_demux"
_tb_delay_link() { ip -n "$TB_PREFIX-inet" link show dly >/dev/null 2>&1; }

tb_delay_on() { # tb_delay_on MS
    local ms=${1:-} X k
    _tb_vars || return 1
    [[ $ms =~ ^[0-9]+(\.[0-9]+)?$ ]] || { _tb_err "tb_delay_on: milliseconds, not '$ms'"; return 1; }
    [ -x "${TB_DELAY:-}" ] || { _tb_err "tb_delay_on: TB_DELAY must name the tb-delay program (meson builds tests/tb-delay)"; return 1; }
    tb_delay_off
    X=(ip netns exec "$TB_PREFIX-inet")
    # the values before, for tb_delay_off
    for k in $_TB_DELAY_SYSCTLS; do echo "$k=$("${X[@]}" sysctl -n "$k")"; done >"$TB_DIR/run/delay.sysctl" || return 1
    _tb_spawn delay "$TB_PREFIX-inet" "$TB_DELAY" dly "$ms"
    _tb_wait 5000 _tb_delay_link || { _tb_err "tb-delay did not make its TUN (see $TB_DIR/logs/delay.out)"; return 1; }
    "${X[@]}" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
        net.ipv4.conf.dly.rp_filter=0 net.ipv4.conf.dly.accept_local=1 \
        net.ipv4.tcp_early_demux=0 net.ipv4.udp_early_demux=0 || { _tb_err "tb_delay_on: sysctl failed"; return 1; }
    ip -n "$TB_PREFIX-inet" -b - <<EOF || { _tb_err "tb_delay_on: the routes and rules failed"; tb_delay_off; return 1; }
link set dly up
route add default dev dly table $_TB_DELAY_TABLE
rule add pref 99 to 198.51.100.1 lookup local
rule add pref 100 iif henb lookup $_TB_DELAY_TABLE
rule add pref 101 iif br0 to 198.51.100.0/24 lookup $_TB_DELAY_TABLE
rule add pref 102 iif lo to 198.51.100.0/24 lookup $_TB_DELAY_TABLE
rule add pref 200 lookup local
rule del pref 0 lookup local
EOF
    echo "$ms" >"$TB_DIR/run/delay.ms"
}

tb_delay_off() {
    local p line
    _tb_vars || return 1
    _tb_ns_exists "$TB_PREFIX-inet" || return 0
    # the local table first again, before the rule behind ours goes
    ip -n "$TB_PREFIX-inet" rule show pref 0 | grep -q . || ip -n "$TB_PREFIX-inet" rule add pref 0 lookup local
    for p in 99 100 101 102 200; do
        while ip -n "$TB_PREFIX-inet" rule del pref "$p" 2>/dev/null; do :; done
    done
    ip -n "$TB_PREFIX-inet" route flush table "$_TB_DELAY_TABLE" 2>/dev/null
    _tb_stop delay
    if [ -f "$TB_DIR/run/delay.sysctl" ]; then
        while read -r line; do ip netns exec "$TB_PREFIX-inet" sysctl -qw "$line"; done <"$TB_DIR/run/delay.sysctl"
        rm -f "$TB_DIR/run/delay.sysctl"
    fi
    rm -f "$TB_DIR/run/delay.ms"
    return 0
}

tb_henb_charon_start() { # tb_henb_charon_start [STRONGSWAN-CONF-LINE...]
    _tb_vars && tb_pki || return 1
    _tb_t0
    tb_henb_charon_stop
    local dir=$TB_DIR/henb
    mkdir -p "$dir"
    rm -rf "$dir/swanctl"
    _tb_swanctl_dirs "$dir/swanctl"
    cp "$TB_PKI/ca.pem" "$dir/swanctl/x509ca/" && cp "$TB_PKI/henb1.pem" "$dir/swanctl/x509/" &&
        cp "$TB_PKI/henb1.key" "$dir/swanctl/private/" || return 1
    : >"$dir/swanctl/swanctl.conf"
    rm -f "$TB_HENB_RESOLV"
    # resolve: INTERNAL_IP4_DNS goes to a plain file, never to the bind-mounted /etc/resolv.conf
    _tb_charon_conf "$dir/strongswan.conf" henb-charon "$TB_HENB_VICI" "updown resolve" \
        "resolve { file = $TB_HENB_RESOLV }" "$@"
    _tb_charon_start henb "$TB_PREFIX-henb" "$dir" "$TB_HENB_VICI" || return 1
    _tb_step "HeNB charon started"
}
tb_henb_charon_stop() {
    _tb_vars || return 1
    _tb_stop henb-charon
    rm -f "$TB_HENB_VICI"
}

tb_swanctl() { # tb_swanctl henb|segw1|segw2 SWANCTL-COMMAND [ARGS...]
    local inst=${1:-}
    _tb_vars || return 1
    case $inst in henb | segw1 | segw2) shift ;; *) _tb_err "tb_swanctl: henb, segw1 or segw2, not '$inst'"; return 1 ;; esac
    SWANCTL_DIR=${SWANCTL_DIR:-$TB_DIR/$inst/swanctl} _tb_swanctl "$@" --uri "unix://$TB_DIR/run/$inst.vici"
}

# --- NetworkManager ----------------------------------------------------------------------------------
tb_nmcli() { DBUS_SYSTEM_BUS_ADDRESS=${TB_NM_BUS:-} nmcli "$@"; }

_tb_nm_running() { [ "$(tb_nmcli -t -f RUNNING general 2>/dev/null)" = running ]; }
_tb_nm_wan_ready() { # the wan device is managed (disconnected, or connected externally)
    local s
    s=$(tb_nmcli -t -f DEVICE,STATE device 2>/dev/null | grep '^wan:') || return 1
    case $s in wan:disconnected | wan:connected*) return 0 ;; esac
    return 1
}

tb_nm_start() {
    _tb_vars || return 1
    local dir=$TB_DIR/nm sock=$TB_DIR/run/nm-dbus.sock
    case $WORK in /run/* | /var/run/*) _tb_err "tb_nm_start: WORK must not lie below /run (NetworkManager gets a private /run)"; return 1 ;; esac
    tb_pki || return 1
    _tb_t0
    tb_nm_stop
    mkdir -p "$dir"/{varlib,system-connections,conf.d,empty} || return 1
    rm -rf "${dir:?}"/varlib/* "${dir:?}"/system-connections/*
    cat >"$dir/dbus-system.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<!-- generated by tests/testbed/testbed.sh: private, permissive "system" bus for NetworkManager -->
<busconfig>
  <type>system</type>
  <listen>unix:path=$sock</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow receive_sender="*"/>
    <allow eavesdrop="true"/>
  </policy>
</busconfig>
EOF
    cat >"$dir/NetworkManager.conf" <<EOF
# generated by tests/testbed/testbed.sh
[main]
plugins=keyfile
dns=none
rc-manager=unmanaged
hostname-mode=none
auth-polkit=false
no-auto-default=*
systemd-resolved=false

[keyfile]
path=$dir/system-connections

[logging]
level=INFO
domains=DEFAULT,VPN:DEBUG,VPN_PLUGIN:DEBUG,DEVICE:DEBUG,PLATFORM:INFO

[connectivity]
enabled=false
EOF
    # charon-nm inherits STRONGSWAN_CONF from NetworkManager. Its own routing table (230), so it
    # does not remove the rule of the HeNB charon (220) when it stops.
    cat >"$dir/strongswan.conf" <<EOF
# generated by tests/testbed/testbed.sh (charon-nm, started by NetworkManager)
charon-nm {
  load_modular = no
  load = random nonce drbg hmac kdf sha1 sha2 aes gcm pem pkcs1 pkcs8 x509 pubkey constraints revocation gmp openssl kernel-libipsec kernel-netlink socket-default
  routing_table = 230
  routing_table_prio = 230
  filelog {
    tb { path = $TB_CHARON_NM_LOG
         time_format = %H:%M:%S
         default = 1
         ike = 2
         cfg = 2
         knl = 2
         flush_line = yes }
  }
  journal { default = -1 }
  syslog { daemon { default = -1 } }
  plugins { kernel-libipsec { allow_peer_ts = no } }
}
EOF
    rm -f "$sock"
    _tb_spawn nm-dbus - dbus-daemon --nofork --config-file="$dir/dbus-system.conf"
    _tb_wait 5000 test -S "$sock" || { _tb_err "dbus-daemon did not start (see $TB_DIR/logs/nm-dbus.out)"; return 1; }
    _tb_step "NM: dbus-daemon"
    # 'ip netns exec' gives NetworkManager its own mount namespace: private /run, its own
    # /var/lib/NetworkManager, /sys read-only (no udev: NM then manages the devices itself)
    # tb-reaper: NetworkManager starts charon-nm detached; below tb-reaper it is still reaped
    _tb_spawn nm "$TB_PREFIX-henb" /usr/bin/python3 "$_TB_SRC/tb-reaper" /bin/bash -c '
        mount -t tmpfs tb-nm-run /run && mkdir -p /run/NetworkManager &&
        mount --bind "$1/varlib" /var/lib/NetworkManager && mount -o remount,ro /sys || exit 1
        exec env DBUS_SYSTEM_BUS_ADDRESS="$2" STRONGSWAN_CONF="$1/strongswan.conf" NetworkManager --debug \
            --config="$1/NetworkManager.conf" --config-dir="$1/conf.d" --system-config-dir="$1/empty" \
            --intern-config="$1/varlib/NetworkManager-intern.conf" --state-file="$1/varlib/NetworkManager.state" \
            >>"$3" 2>&1' tb-nm "$dir" "$TB_NM_BUS" "$TB_NM_LOG"
    _tb_wait 10000 _tb_nm_running || { _tb_err "NetworkManager did not start (see $TB_NM_LOG)"; return 1; }
    _tb_step "NM: NetworkManager on the bus"
    _tb_wait 10000 _tb_nm_wan_ready || { _tb_err "NetworkManager does not manage wan (see $TB_NM_LOG)"; return 1; }
    tb_nmcli connection add type ethernet ifname wan con-name "$TB_NM_WAN_CON" connection.autoconnect no \
        ipv4.method manual ipv4.addresses 198.51.100.10/24 ipv4.gateway 198.51.100.1 ipv6.method disabled \
        >>"$TB_DIR/logs/nmcli.log" 2>&1 || { _tb_err "adding the wan profile failed"; return 1; }
    tb_nmcli --wait 20 connection up "$TB_NM_WAN_CON" >>"$TB_DIR/logs/nmcli.log" 2>&1 ||
        { _tb_err "activating the wan profile failed (see $TB_NM_LOG)"; return 1; }
    _tb_step "NM: wan profile up"
}

_tb_charon_nm_pids() { # charon-nm processes in the HeNB namespace
    local p
    _tb_ns_exists "$TB_PREFIX-henb" || return 0
    for p in $(ip netns pids "$TB_PREFIX-henb" 2>/dev/null); do
        [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = /usr/lib/ipsec/charon-nm ] && echo "$p"
    done
}
tb_nm_stop() {
    _tb_vars || return 1
    # charon-nm first, while tb-reaper (its parent) lives to reap it
    _tb_kill_pids 3000 $(_tb_charon_nm_pids)
    _tb_stop nm
    _tb_stop nm-dbus
    rm -f "$TB_DIR/run/nm-dbus.sock"
}

# --- teardown --------------------------------------------------------------------------------------
tb_down() {
    [ -n "${TB_PREFIX:-}" ] || return 0
    local P=$TB_PREFIX n f name pids
    _tb_t0
    if [ -n "${WORK:-}" ]; then
        _tb_vars || return 0
        tb_nm_stop
        pids=()
        for f in "$TB_DIR"/run/*.pid; do
            [ -f "$f" ] || continue
            name=${f##*/}
            name=${name%.pid}
            pids+=($(_tb_pidfile_pid "$name"))
        done
        _tb_kill_pids 3000 "${pids[@]}"
        rm -f "$TB_DIR"/run/*.pid "$TB_DIR"/run/*.vici "$TB_DIR"/run/*.sock "$TB_DIR"/run/*.variant
    fi
    for _ in 1 2 3; do
        pids=()
        for n in $_TB_NAMES; do
            _tb_ns_exists "$P-$n" && pids+=($(ip netns pids "$P-$n" 2>/dev/null))
        done
        [ ${#pids[@]} -eq 0 ] && break
        _tb_kill_pids 3000 "${pids[@]}"
    done
    for n in $_TB_NAMES; do
        _tb_ns_exists "$P-$n" && ip netns del "$P-$n" 2>/dev/null
        rm -rf "/etc/netns/$P-$n"
    done
    rmdir /etc/netns 2>/dev/null
    _tb_step "down"
    return 0
}
