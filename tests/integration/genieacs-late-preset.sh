#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The HeNB powers up before the operator has entered it in the Initial GenieACS: the first
# discovery ends without a Serving HeMS. The operator then adds the preset (0 BOOTSTRAP ->
# ManagementServer.URL); henbd's own retry, without a restart, must carry 0 BOOTSTRAP so that
# GenieACS acts on it, and henbd registers. Its RetryCount is 0: the session before it was
# completed, whatever the procedure concluded (issue 10, 2b).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/genieacs.sh"

start_genieacs_pair
genieacs_serving_sets_s1
genieacs_factory
start_henbd
t0=$SECONDS
check "the first discovery fails: the Initial GenieACS knows nothing of the HeNB" \
    bash -c "! '$HENBCTL' --session monitor --timeout 60 >>'$WORK/monitor.log' 2>&1"
check_eq "failed for want of a Serving HeMS" "uint32 9" "$(prop '' StateFailedReason)"
check_eq "one Inform so far" 1 "$(sent_informs | wc -l)"
check_contains "the first Inform carries 0 BOOTSTRAP" "0 BOOTSTRAP" "$(sent_informs | head -1)"
check "a retry is scheduled" test "$(prop Management NextAttempt)" != "int64 0"
echo "# first attempt failed after $(( SECONDS - t0 )) s; NextAttempt $(prop Management NextAttempt)"

# the operator enters the HeNB now
genieacs_initial_hands_out_serving
t1=$SECONDS
check "henbd retries on its own (a second Inform)" wait_eval 60 '[ "$(sent_informs | wc -l)" -ge 2 ]'
retry=$(sent_informs | sed -n 2p)
echo "# retry Inform sent after $(( SECONDS - t1 )) s: $retry"
check_contains "the retry Inform to the Initial HeMS carries 0 BOOTSTRAP" "0 BOOTSTRAP" "$retry"
# the first session was completed (InformResponse, released): this is a first attempt again
check_eq "its RetryCount is 0: the session before it was completed" "0" \
    "$(grep -o '<RetryCount>[^<]*' "$(ls "$WORK"/trace/*-sent-Inform.xml | sed -n 2p)" | cut -d'>' -f2)"
check "registered on a later retry, without a restart" wait_eval 120 '[ "$(prop "" State)" = 6 ]'
echo "# registered $(( SECONDS - t1 )) s after the preset was added"
check_eq "Serving HeMS URL from the Initial GenieACS" "'$GENIEACS_SERVING_URL'" "$(prop Serving HemsUrl)"
check_eq "S1 far end from the Serving GenieACS" "['$GENIEACS_S1']" "$(prop Serving S1Addresses)"
check "henbd is the process started at power-up" kill -0 "$HENBD_PID"
sent_informs | sed 's/^/# sent Inform /'
genieacs_informs initial | sed 's/^/# Initial GenieACS received Inform: /'
finish
