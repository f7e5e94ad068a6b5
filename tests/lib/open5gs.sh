# SPDX-License-Identifier: GPL-2.0-or-later
# Open5GS's MME as the real S1 peer (sourced after common.sh). Built once per machine by
# tests/tools/open5gs-build (cached outside the tree, keyed by the tarball's checksum); run from
# the configuration templates of ../shared/peers/open5gs (copied into the cache folder) with
# its log in the work folder; stopped by the EXIT trap.
# The MME listens for SCTP over UDP on port 9899 (fixed in its source) and only on an address
# usrsctp sees on an interface (127.0.0.1): one MME per network namespace. A test that runs one
# calls open5gs_enter_netns first thing, before common.sh: it runs again in a network namespace
# of its own (with lo up), and everything it starts (bus, DNS, HeMS, henbd, MME) lives there.
# Outside CI a missing build tool or a failed build skips the test; with CI=true it fails it.

# open5gs_enter_netns "$@": once, from the top of the test script
open5gs_enter_netns() {
    [ -n "${HENB_OPEN5GS_NETNS:-}" ] && { ip link set lo up; return 0; }
    if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null 2>&1; then
        [ "${CI:-}" = true ] && { echo "Bail out! an MME test needs root and unshare (a network namespace)"; exit 1; }
        echo "1..0 # SKIP an MME test needs root and unshare (a network namespace of its own)"
        exit 0
    fi
    HENB_OPEN5GS_NETNS=1 exec unshare --net "$0" "$@"
}

open5gs_unavailable() {
    if [ "${CI:-}" = true ]; then
        echo "Bail out! $1"
        exit 1
    fi
    skip_all "$1"
}

# open5gs_require: builds the MME once per machine (cached and locked) and sets OPEN5GS_HOME
open5gs_require() {
    local rc=0 start=$SECONDS
    OPEN5GS_HOME=$("$HENB_TOOLS_DIR/open5gs-build" 2>"$WORK/open5gs-build.out") || rc=$?
    case $rc in
    0) echo "# Open5GS: $OPEN5GS_HOME ($(( SECONDS - start )) s)" ;;
    77) open5gs_unavailable "Open5GS: $(tail -1 "$WORK/open5gs-build.out")" ;;
    *) sed 's/^/# /' "$WORK/open5gs-build.out"
       open5gs_unavailable "Open5GS did not build (tests/tools/open5gs-build)" ;;
    esac
}

MME_PID=
MME_STARTS=0

# start_mme [TAC]: the MME (PLMN 999/70, group 2, code 1, name open5gs-mme0) serving TAC
# (default 1, the templates'), ready once its S1AP server is up; log in mme-N.log (N counts
# the starts). MME_NETNS runs it in that network namespace, S1AP on MME_ADDRESS (default
# 127.0.0.1; an address on one of the namespace's interfaces).
start_mme() {
    local tac=${1:-1} run wrap=()
    [ -n "${MME_NETNS:-}" ] && wrap=(ip netns exec "$MME_NETNS")
    MME_STARTS=$((MME_STARTS + 1))
    run=$WORK/mme-run-$MME_STARTS
    mkdir -p "$run"
    sed -e "s|@RUN@|$run|g" -e "s|@SRC@|$OPEN5GS_HOME/open5gs|g" -e "s|@BUILD@|$OPEN5GS_HOME/open5gs/build|g" \
        -e "s|^\(      tac:\) 1$|\1 $tac|" \
        -e "0,/- address: 127.0.0.1/s//- address: ${MME_ADDRESS:-127.0.0.1}/" \
        "$OPEN5GS_HOME/mme.yaml.in" >"$run/mme.yaml"
    sed -e "s|@RUN@|$run|g" -e "s|@SRC@|$OPEN5GS_HOME/open5gs|g" -e "s|@BUILD@|$OPEN5GS_HOME/open5gs/build|g" \
        "$OPEN5GS_HOME/mme-fd.conf.in" >"$run/mme-fd.conf"
    grep -q "tac: $tac$" "$run/mme.yaml" || bail_out "start_mme: could not set TAC $tac in the MME's configuration"
    "${wrap[@]}" "$OPEN5GS_HOME/open5gs/build/src/mme/open5gs-mmed" -c "$run/mme.yaml" >"$WORK/mme-$MME_STARTS.out" 2>&1 &
    MME_PID=$!
    PIDS+=($MME_PID)
    MME_LOG=$run/mme.log
    # ready: its UDP encapsulation port is bound
    wait_eval 20 '${MME_NETNS:+ip netns exec $MME_NETNS} ss -Hlun "sport = :9899" | grep -q 9899 || ! kill -0 $MME_PID' &&
        kill -0 $MME_PID 2>/dev/null ||
        bail_out "the MME did not start" "$(tail -5 "$WORK/mme-$MME_STARTS.out" "$MME_LOG" 2>/dev/null)"
}

# stop_mme: SIGTERM; an MME with associations left loops in usrsctp_finish ("try to finish
# SCTP" every second), so after 3 s it gets SIGKILL, as a crashed one would
stop_mme() {
    [ -n "$MME_PID" ] || return 0
    kill "$MME_PID" 2>/dev/null
    wait_eval 3 '! kill -0 '"$MME_PID" || kill -9 "$MME_PID" 2>/dev/null
    wait "$MME_PID" 2>/dev/null
    MME_PID=
}
