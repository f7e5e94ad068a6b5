#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# GenieACS as both HeMS, configured through its NBI as an operator would: the Initial GenieACS
# hands out the Serving HeMS on 0 BOOTSTRAP; the Serving GenieACS, with its stock presets,
# sets the S1 far end on 0 BOOTSTRAP and 1 BOOT. henbd registers; after a restart (1 BOOT)
# it registers again with the S1 far end the operator changed meanwhile.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/genieacs.sh"

start_genieacs_pair
genieacs_initial_hands_out_serving
genieacs_serving_sets_s1 10.12.0.1
genieacs_factory
start_henbd
t0=$SECONDS
check "registered (henbctl monitor exits 0)" wait_final 120
echo "# registration took $(( SECONDS - t0 )) s"
check_eq "State is registered (6)" "6" "$(prop '' State)"
check_eq "Serving HeMS URL from the Initial GenieACS" "'$GENIEACS_SERVING_URL'" "$(prop Serving HemsUrl)"
check_eq "S1 far end from the Serving GenieACS" "['10.12.0.1']" "$(prop Serving S1Addresses)"
check_eq "IPsec usage indicator from the Serving GenieACS" "false" "$(prop Serving S1IPsec)"

DEV=$(genieacs_device_id serving)
check "the Serving GenieACS knows the HeNB" test -n "$DEV"
check_eq "the Initial GenieACS holds the URL it set" "$GENIEACS_SERVING_URL" \
    "$(genieacs_value initial "$(genieacs_device_id initial)" Device.ManagementServer.URL)"
check_eq "the Serving GenieACS holds the S1 far end it set" "10.12.0.1" \
    "$(genieacs_value serving "$DEV" ${GENIEACS_GW}S1SigLinkServerList)"
# the stock inform preset sets the Connection Request credentials and periodic Informs
check_eq "the stock inform preset set PeriodicInformInterval" "300" \
    "$(genieacs_value serving "$DEV" Device.ManagementServer.PeriodicInformInterval)"
check_eq "the Initial GenieACS recorded no fault" "" "$(genieacs_faults initial)"
check_eq "the Serving GenieACS recorded no fault" "" "$(genieacs_faults serving)"

# the operator moves the HeNB to another MME; the preset on 1 BOOT hands it over at the next boot
genieacs_s1_provision 10.12.0.2
genieacs_config_settled
stop_henbd
start_henbd
t0=$SECONDS
check "registered again after a restart" wait_final 120
echo "# registration after the restart took $(( SECONDS - t0 )) s"
check_contains "the Inform after the restart carries 1 BOOT" "1 BOOT" "$(sent_informs | tail -1)"
check_eq "S1 far end set on 1 BOOT" "['10.12.0.2']" "$(prop Serving S1Addresses)"
sent_informs | sed 's/^/# sent Inform /'
finish
