#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The fault matrix (fault-matrix.tsv) on the IPsec testbed, through the backend named by
# HENB_IPSEC_BACKEND: TS 32.593 5.1.2.2 discovery and 5.1.3 registration with a stored Serving
# SeGW and HeMS, with faults in public DNS (for the SeGW names), in IKE and in the DNS servers
# the SeGWs assign, and HeMS faults behind the initial tunnel. With security-nm-ipsec only the
# rows it reports differently run.
. "$(dirname "$0")/../lib/common.sh"
BACKEND=${HENB_IPSEC_BACKEND:?}
. "$(dirname "$0")/../lib/private.sh"
. "$(dirname "$0")/../lib/fault-matrix.sh"

private_setup
# the public DNS behind the fault proxy "dns", on an address of its own on the testbed's internet
FM_PUBLIC_DNS=192.0.2.54
tb_exec inet ip addr add "$FM_PUBLIC_DNS/24" dev br0 || { echo "Bail out! no address for the DNS proxy"; exit 1; }
FP_NETNS=$TB_NS_INET fp_start dns "dns:dns=$FM_PUBLIC_DNS:53,$TB_PUBLIC_DNS:53"
# the Initial HeMS behind the fault proxy "hems", both in the private network behind SeGW 1
FP_NETNS=$TB_NS_PRIV1 fp_start hems "tcp:initial=$TB_HEMS1_IP:7547"
start_private_hems serving --s1 mme.henb.test
FM_INITIAL_VALUES="Device.ManagementServer.URL=https://serving.henb.test:7548/cwmp
Device.Services.FAPService.1.FAPControl.LTE.Gateway.SecGWServer1=segw2.henb.test"

fm_hems() { # (initial only: the Serving HeMS has no row of its own here)
    local name=$2 port=$3
    shift 3
    FM_HEMS_ADDR=$TB_HEMS1_IP:$port
    HEMS_NETNS=$TB_NS_PRIV1 start_hems "$name" "$FM_HEMS_ADDR" --role initial \
        --serving-hems-url https://serving.henb.test:7548/cwmp --serving-segw segw2.henb.test "$@"
}
fm_hems initial initial_fqdn 17547 $(tls_args hems-dns)
fm_good() { echo "$TB_HEMS1_IP:17547"; }

fm_prepare() {
    rm -rf "$WORK/state"
    write_private_factory
    printf '[Network]\nPublicDNS=%s\n' "$FM_PUBLIC_DNS" >"$WORK/etc/conf.d/60-dns-proxy.conf"
    if [ "$1" = registration ]; then
        mkdir -p "$WORK/state"
        cp -p "$WORK/stored.state" "$WORK/state/henbd.state"
    fi
    fp dns dns pass
    fp hems initial forward "$(fm_good)"
}

fm_inject_bed() {
    case "$1 $3" in
    # the SeGW wants a certificate policy the device certificate lacks: AUTHENTICATION_FAILED
    "segw refuses-henb") tb_segw_start "$2" dns 'remote { cert_policy = 1.3.6.1.4.1.99999.1 }' ;;
    "segw silent") tb_segw_block "$2" ;;
    "private-dns drop") tb_dns_private_block "$2" ;;
    # the SeGW's DNS server answers NXDOMAIN for everything: the proxy in place of its dnsmasq
    "private-dns nxdomain")
        tb_dns_private_block "$2" stop
        FP_NETNS=$(tb_hems_ns "$2") fp_start "private$2" "dns:dns=10.10$(($2 - 1)).0.53:53,127.0.0.1:9"
        fp "private$2" dns nxdomain
        ;;
    *) echo "Bail out! no such injection: $*"; exit 1 ;;
    esac || { echo "Bail out! $* did not take"; exit 1; }
}

fm_remove_bed() {
    local pid
    case "$1 $3" in
    "segw refuses-henb") tb_segw_start "$2" dns ;;
    "segw silent") tb_segw_unblock "$2" ;;
    "private-dns drop") tb_dns_private_unblock "$2" ;;
    "private-dns nxdomain")
        pid=$(eval echo "\$FP_PID_private$2")
        kill "$pid" && wait "$pid"
        tb_dns_private_unblock "$2"
        ;;
    esac || { echo "Bail out! could not undo $*"; exit 1; }
}

# what the registration rows start from: a HeNB registered through the private domain
fm_prepare private fqdn
start_henbd
check "stored Serving SeGW and HeMS: registered" wait_final 60
stop_henbd
cp -p "$WORK/state/henbd.state" "$WORK/stored.state"
check_eq "stored Serving SeGW and HeMS: URL, SecGWServer1, S1 far end and ParameterKey in the state file" 4 \
    "$(fm_values "$WORK/stored.state" | grep -c '=.')"

fm_run testbed
finish
