#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Plugins load when they are used (core/daemon/henb-plugin-manager.h): a public-variant henbd
# at `registered` maps none of the plugins and heavy libraries it does not use (libnm and
# charon's VICI backend, s1-sctp's usrsctp, cr-xmpp's libstrophe and OpenSSL), while a
# configuration that sets a plugin's keys still has them checked at start-up, and the
# private variant, or a configuration that selects a backend, still loads it.
. "$(dirname "$0")/../lib/common.sh"

UNUSED='libhenb-plugin-security-nm-ipsec|libnm\.so|libhenb-plugin-security-vici|libhenb-plugin-s1-sctp|libusrsctp|libhenb-xmpp-client|libstrophe|libssl\.so|libhenb-plugin-discovery-private|libhenb-plugin-radio-keyfile'
# mapped REGEX -> the file names henbd maps that match, sorted, one line
mapped() { grep -oE "/[^ ]*($1)[^ /]*$" "/proc/$HENBD_PID/maps" | xargs -rn1 basename | sort -u | paste -sd' '; }
installed() { [ -f "$HENB_PLUGIN_DIR/libhenb-plugin-$1.so" ]; }

start_hems_pair --s1 10.41.0.1
write_factory https://hems.henb.test:7547/cwmp
start_henbd
check "public variant: registered" wait_final 30
check_eq "public variant at registered: no unused plugin or heavy library mapped" "" "$(mapped "$UNUSED")"
for used in discovery-public security-gnutls transport-soup s1-handoff; do
    check_contains "... and the plugins it uses are: $used" "libhenb-plugin-$used.so" "$(mapped 'libhenb-plugin-')"
done
stop_henbd

# a plugin's settings are checked at start-up, used or not: a bad value stops henbd
if installed s1-sctp; then
    write_factory https://hems.henb.test:7547/cwmp "[S1]" "PagingDRX=100"
    out=$("$HENBD" --session --config "$WORK/etc/factory.conf" --conf-dir "$WORK/etc/conf.d" \
        --state-dir "$WORK/state-bad" --plugin-dir "$HENB_PLUGIN_DIR" 2>&1 </dev/null)
    rc=$?
    check "an s1-sctp setting with a bad value: henbd refuses to start (exit $rc)" test $rc -ne 0
    check_contains "... and says why" "[S1] PagingDRX 100 is not one of 32, 64, 128, 256" "$out"

    # the configuration selects s1-sctp: loaded at start, with its usrsctp
    write_factory https://hems.henb.test:7547/cwmp "[S1]" "Backend=s1-sctp" "Transport=usrsctp"
    start_henbd
    check_contains "[S1] Backend=s1-sctp: s1-sctp loaded at start" "libhenb-plugin-s1-sctp.so" "$(mapped 'libhenb-plugin-')"
    check_contains "... with libusrsctp" "libusrsctp" "$(mapped 'libusrsctp')"
    stop_henbd
else
    ok "# SKIP s1-sctp is not built"
fi

# the private variant (from scratch: discovery): its discovery plugin and the IPsec backend,
# which cleans up at power-up
rm -rf "$WORK/state"
write_factory https://hems.henb.test:7547/cwmp "[Factory]" "DiscoveryVariant=private-domain" \
    "InitialSeGW=segw.henb.test" "[IPsec]" "Backend=security-vici" "ViciSocket=$WORK/no-charon.vici"
start_henbd
check "private variant: discovery-private loaded" \
    wait_eval 10 '[[ "$(mapped libhenb-plugin-)" == *libhenb-plugin-discovery-private.so* ]]'
check_contains "... and its IPsec backend" "libhenb-plugin-security-vici.so" "$(mapped 'libhenb-plugin-')"
stop_henbd
if installed security-nm-ipsec; then
    rm -rf "$WORK/state"
    write_factory https://hems.henb.test:7547/cwmp "[Factory]" "DiscoveryVariant=private-domain" \
        "InitialSeGW=segw.henb.test" "[IPsec]" "Backend=security-nm-ipsec"
    start_henbd
    check "private variant with the NetworkManager backend: libnm loaded" \
        wait_eval 10 '[[ "$(mapped "libnm\.so|libhenb-plugin-security-nm-ipsec")" == *libhenb-plugin-security-nm-ipsec.so*libnm.so* ]]'
    check_eq "... and not the VICI backend" "" "$(mapped libhenb-plugin-security-vici)"
    stop_henbd
else
    ok "# SKIP security-nm-ipsec is not built"
fi
finish
