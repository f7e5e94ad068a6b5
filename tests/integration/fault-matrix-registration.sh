#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The fault matrix (fault-matrix.tsv), TS 32.593 5.1.3 registration with a stored Serving HeMS
# on loopback: each row's fault on the way to the Serving HeMS, which must leave what the HeNB
# stored as it was, then the fault goes and henbd registers.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/fault-matrix.sh"

fm_loopback_setup
# fm_store FORM INITIAL-HEMS: the state of a HeNB registered with a Serving HeMS whose URL has
# that form, as a discovery through INITIAL-HEMS left it
fm_store() {
    stop_henbd
    fm_prepare public fqdn
    fp hems initial forward "$2"
    fp hems serving forward "$(fm_good serving "$1")"
    start_henbd
    check "stored Serving HeMS by $1: registered" wait_final 30
    stop_henbd
    # what the rows compare with: not nothing
    check_eq "stored Serving HeMS by $1: its URL and S1 far end are in the state file" 2 \
        "$(fm_values "$WORK/state/henbd.state" | grep -c -e '\.URL=https' -e 'S1SigLinkServerList=10\.')"
    cp -p "$WORK/state/henbd.state" "$WORK/stored-$1.state"
}
fm_store fqdn "$(fm_good initial fqdn)"
start_hems initial_to_ip "$INITIAL_IP:17003" --role initial $(tls_args hems-dns) \
    --serving-hems-url "https://$SERVING_IP:7548/cwmp"
fm_store ip "$INITIAL_IP:17003"

fm_run loopback registration
finish
