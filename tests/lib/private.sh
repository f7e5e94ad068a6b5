# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers of the private-domain (TS 32.593 5.1.2.2) tests: the IPsec testbed of tests/testbed
# (real strongSwan SeGWs, dnsmasq, NetworkManager, in network namespaces $TB_PREFIX-*), the
# reference HeMS behind the SeGWs, henbd in the HeNB's namespace with the IPsec backend named by
# $BACKEND (security-vici or security-nm-ipsec). Sourced after common.sh.

[ "$(id -u)" = 0 ] || skip_all "needs root for network namespaces"
for bin in charon-systemd swanctl ip; do
    command -v "$bin" >/dev/null 2>&1 || [ -x "/usr/sbin/$bin" ] || skip_all "$bin is not installed"
done
if [ "$BACKEND" = security-nm-ipsec ]; then
    command -v NetworkManager >/dev/null 2>&1 || skip_all "NetworkManager is not installed"
    [ -x /usr/lib/ipsec/charon-nm ] || skip_all "charon-nm (strongswan-nm) is not installed"
    [ -e "$HENB_PLUGIN_DIR/libhenb-plugin-security-nm-ipsec.so" ] || skip_all "henbd was built without libnm"
fi

TB_PREFIX=hb$HENB_TEST_NET
. "$(dirname "${BASH_SOURCE[0]}")/../testbed/testbed.sh"

private_setup() {
    make_pki
    if [ "$BACKEND" = security-nm-ipsec ]; then tb_up --nm; else tb_up; fi ||
        { echo "Bail out! testbed did not come up"; exit 1; }
    tb_segw_start 1 dns && tb_segw_start 2 dns || { echo "Bail out! SeGWs did not start"; exit 1; }
    if [ "$BACKEND" = security-nm-ipsec ]; then
        tb_nm_start || { echo "Bail out! NetworkManager did not start"; exit 1; }
        HENBD_ENV="DBUS_SYSTEM_BUS_ADDRESS=$TB_NM_BUS"
    else
        tb_henb_charon_start || { echo "Bail out! the HeNB's charon did not start"; exit 1; }
    fi
    start_bus
    HENBD_NETNS=$TB_NS_HENB
    printf '#!/bin/sh\nenv | grep "^HENB_S1_" | sort > "%s/s1.env"\n' "$WORK" >"$WORK/s1.sh"
    chmod +x "$WORK/s1.sh"
}

# start_private_hems initial|serving ARGS...: the HeMS in its private network, over TLS
start_private_hems() {
    local role=$1; shift
    if [ "$role" = initial ]; then
        HEMS_NETNS=$TB_NS_PRIV1 start_hems initial "$TB_HEMS1_IP:7547" --role initial $(tls_args hems-dns) "$@"
    else
        HEMS_NETNS=$TB_NS_PRIV2 start_hems serving "$TB_HEMS2_IP:7548" --role serving $(tls_args hems-dns) "$@"
    fi
}

# write_private_factory [conf.d lines...]: private-domain factory configuration for $BACKEND
write_private_factory() {
    write_factory https://hems.henb.test:7547/cwmp \
        "[Factory]" "DiscoveryVariant=private-domain" "InitialSeGW=segw1.henb.test" \
        "[Network]" "PublicDNS=$TB_PUBLIC_DNS" \
        "[IPsec]" "Backend=$BACKEND" "ViciSocket=$TB_HENB_VICI" "ResolveFile=$TB_HENB_RESOLV" "DpdDelay=2" \
        "[S1]" "Command=$WORK/s1.sh" "$@"
    # IKE attempts are quick on the testbed; keep the ones meant to fail short
    printf '[Timeouts]\nIKE=5\n' >"$WORK/etc/conf.d/40-ike.conf"
}

henbd_tunnels() { # the names of the tunnels henbd holds in the backend
    if [ "$BACKEND" = security-nm-ipsec ]; then
        tb_nmcli -t -f NAME connection show 2>/dev/null | grep '^henbd-'
    else
        { tb_swanctl henb --list-sas 2>/dev/null; tb_swanctl henb --list-conns 2>/dev/null; } |
            grep -o '^henbd-[a-z]*' | sort -u
    fi
}
initial_tunnel_gone() { ! henbd_tunnels | grep -q initial; }
serving_tunnel_up() {
    if [ "$BACKEND" = security-nm-ipsec ]; then
        tb_nmcli -t -f NAME connection show --active | grep -qx henbd-serving
    else
        tb_swanctl henb --list-sas | grep -q "^henbd-serving.*ESTABLISHED"
    fi
}
no_henbd_tunnels() { [ -z "$(henbd_tunnels)" ]; }
