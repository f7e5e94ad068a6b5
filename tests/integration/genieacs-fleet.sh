#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# henb-fleet against GenieACS as both HeMS (configured through its NBI as in
# genieacs-bootstrap): 20 HeNBs in one process discover and register; GenieACS knows 20
# distinct devices on each side, set the S1 far end on each, and recorded no fault.
# Skipped without GenieACS (tests/tools/genieacs-build), except under CI=true.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/genieacs.sh"

N=${HENB_FLEET_TEST_COUNT:-20}
GENIEACS_NO_BUS=1 start_genieacs_pair
genieacs_initial_hands_out_serving
genieacs_serving_sets_s1 10.12.0.1
genieacs_config_settled

t0=$SECONDS
timeout "$(scaled 300)" "$HENB_FLEET" --count "$N" --hems "https://hems.henb.test:${GENIEACS_CWMP_PORT_initial}/cwmp" \
    --ca "$WORK/pki/ca.pem" --cert "$WORK/pki/device.pem" --key "$WORK/pki/device.key" \
    --dns "$DNS_IP:$DNS_PORT" --state-dir "$WORK/fleet" --plugin-dir "$HENB_PLUGIN_DIR" \
    --serial-prefix "G$HENB_TEST_NET" --concurrency 10 >"$WORK/fleet.out" 2>"$WORK/fleet.log"; rc=$?
tap_comment <"$WORK/fleet.out"
echo "# $N HeNBs took $(( SECONDS - t0 )) s"
check_eq "henb-fleet exits 0 (every HeNB registered)" "0" "$rc"
check "it reports $N registered" grep -q "^HeNBs: *$N started, $N registered" "$WORK/fleet.out"
check_eq "the Initial GenieACS knows $N devices" "$N" "$(genieacs_device_count initial)"
check_eq "the Serving GenieACS knows $N devices" "$N" "$(genieacs_device_count serving)"
states=("$WORK"/fleet/G$HENB_TEST_NET-*/henbd.state)
check_eq "every state file holds the Serving HeMS from the Initial GenieACS" "$N" \
    "$(grep -l "^Device.ManagementServer.URL=$GENIEACS_SERVING_URL$" "${states[@]}" | wc -l)"
check_eq "every state file holds the S1 far end from the Serving GenieACS" "$N" \
    "$(grep -l 'S1SigLinkServerList=10.12.0.1$' "${states[@]}" | wc -l)"
check_eq "the Initial GenieACS recorded no fault" "" "$(genieacs_faults initial)"
check_eq "the Serving GenieACS recorded no fault" "" "$(genieacs_faults serving)"
finish
