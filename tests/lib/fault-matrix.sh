# SPDX-License-Identifier: GPL-2.0-or-later
# Runs rows of the fault matrix (tests/integration/fault-matrix.tsv) against henbd, restarted for
# each row, and checks what a user would check: State and StateFailedReason, LastError and the
# step it names, the TR-069 retry schedule on D-Bus and in the log, the serving values in the
# state file, and registration once the fault is gone. Sourced after common.sh by the
# fault-matrix-*.sh scripts, which set their bed up and define:
#   fm_hems ROLE NAME PORT ARGS...  start_hems NAME for ROLE (initial|serving) on PORT of the
#                              role's address, with ARGS (certificate, script) and the role's own
#                              options; sets FM_HEMS_ADDR to its IP:PORT
#   fm_good ROLE FORM          the IP:PORT of the working HeMS of ROLE for a URL FORM (fqdn|ip)
#   fm_prepare VARIANT FORM    factory configuration and state for a row: FORM is how henbd has
#                              the HeMS the row is about
#   FM_INITIAL_VALUES          what the Initial HeMS sets (see fm_values), for serving "initial"
#   fm_inject_bed / fm_remove_bed WORDS...   injections of the bed's own (segw, private-dns)
# The fault proxies (tests/tools/fault-proxy) are named dns (front "dns") and hems (fronts
# "initial", "serving"). FM_ONLY=REGEX in the environment runs only the rows whose
# "variant step fault" matches.

FM_TSV=$(dirname "${BASH_SOURCE[0]}")/../integration/fault-matrix.tsv
# CWMPRetryMinimumWaitInterval and CWMPRetryIntervalMultiplier/1000: the data model's defaults,
# as no row's HeMS changes them
FM_M=5
FM_K=2
# StateFailedReason by value, as the README lists them
FM_REASONS=(none unknown configuration dns unreachable tls ipsec http hems-protocol no-serving-hems
    no-s1-address s1-setup timeout)
FM_PORT=18000

now_us() { echo $(($(date +%s%N) / 1000)); }

# fp_start PROXY SPEC...: a fault proxy, in network namespace $FP_NETNS if set
fp_start() {
    local name=$1 wrap=()
    shift
    [ -n "${FP_NETNS:-}" ] && wrap=(ip netns exec "$FP_NETNS")
    rm -f "$WORK/fp-$name.ready"
    "${wrap[@]}" "$HENB_TOOLS_DIR/fault-proxy" serve "$WORK/fp-$name.sock" "$WORK/fp-$name.ready" "$@" \
        >>"$WORK/fp-$name.log" 2>&1 &
    PIDS+=($!)
    eval "FP_PID_$name=$!"
    wait_for 5 test -f "$WORK/fp-$name.ready" || bail_out "fault proxy $name did not start" "$(tail -3 "$WORK/fp-$name.log")"
}

# fp PROXY FRONT MODE [ARG]: in force when it returns
fp() {
    "$HENB_TOOLS_DIR/fault-proxy" set "$WORK/fp-$1.sock" "${@:2}" >>"$WORK/fp-$1.log" 2>&1 ||
        bail_out "fault proxy $1 refused: ${*:2}" "$(tail -3 "$WORK/fp-$1.log")"
}

# fm_values FILE: the serving values the state file holds (absent ones are not listed)
fm_values() {
    grep -E '^Device\.(ManagementServer\.(URL|ParameterKey)|Services\.FAPService\.1\.FAPControl\.LTE\.Gateway\.(SecGWServer1|S1SigLinkServerList))=' \
        "$1" | sort
}

# fm_wait_state SECONDS STATE [SINCE]: polls until State is STATE; FM_SEEN_LO and FM_SEEN_HI
# (µs since the epoch) bound the moment it changed: the start of the last poll that saw another
# state (or SINCE, when it may have changed before the first poll), and the end of the poll that
# saw it
fm_wait_state() {
    local end=$(($(now_us) + $1 * 1000000)) t
    FM_SEEN_LO=${3:-$(now_us)}
    while t=$(now_us); [ "$t" -lt "$end" ]; do
        if [ "$(prop '' State)" = "$2" ]; then
            FM_SEEN_HI=$(now_us)
            return 0
        fi
        FM_SEEN_LO=$t
        sleep 0.05
    done
    return 1
}

# henbd's log since the row began
fm_log() { tail -n +"$((FM_LOGPOS + 1))" "$WORK/henbd.log"; }
# henbd's latest "HH:MM:SS.mmm: session retry N in W s" of the row, as "HH:MM:SS.mmm N W"
fm_last_retry() {
    fm_log | sed -n 's/.* \([0-9:.]*\): session retry \([0-9]*\) in \([0-9.]*\) s.*/\1 \2 \3/p' | tail -1
}
# fm_log_us HH:MM:SS.mmm -> µs since the epoch (henbd's log has today's local time)
fm_log_us() { echo $(($(date -d "$(date +%F) $1" +%s%N) / 1000)); }

# fm_row_hems ROLE ARGS...: this row's own HeMS for ROLE, behind the role's proxy
fm_row_hems() {
    local role=$1
    shift
    FM_PORT=$((FM_PORT + 1))
    fm_hems "$role" "row$FM_PORT" "$FM_PORT" "$@"
    FM_ROW_HEMS=$(eval echo "\$HEMS_PID_row$FM_PORT")
    fp hems "$role" forward "$FM_HEMS_ADDR"
}

# a bed with injections of its own defines these after sourcing this file
fm_inject_bed() { bail_out "no such injection here: $*"; }
fm_remove_bed() { fm_inject_bed "$@"; }

fm_inject() { # WORDS of the injection column
    local role
    case $1 in
    dns) fp dns dns "$2" ${3:+"$3"} ;;
    tcp) fp hems "$2" "$3" ;;
    cert) fm_row_hems "$2" $(tls_args "$3") ;;
    # credentials henbd does not have: every answer is a new challenge
    auth) fm_row_hems "$2" $(tls_args hems-dns) --auth digest --username hems-user --password hems-pw ;;
    hems)
        role=$2
        shift 2
        printf 'session *\n%s\n' "$*" | sed 's/ ; /\n/g' >"$WORK/row.script"
        fm_row_hems "$role" $(tls_args hems-dns) --script "$WORK/row.script"
        ;;
    *) fm_inject_bed "$@" ;;
    esac
}

fm_remove() { # FORM WORDS of the injection column: back to the working HeMS for FORM
    local form=$1
    shift
    case $1 in
    dns) fp dns dns pass ;;
    tcp | cert | auth | hems)
        fp hems "$2" forward "$(fm_good "$2" "$form")"
        if [ -n "${FM_ROW_HEMS:-}" ]; then
            kill "$FM_ROW_HEMS"
            FM_ROW_HEMS=
        fi
        ;;
    *) fm_remove_bed "$@" ;;
    esac
}

# fm_run_row: the row in the variables variant step fault injection reason error serving recovery
fm_run_row() {
    local label="$variant $step $fault" code=-1 form=fqdn next want got values i how t began
    local -
    set -f # the injection's words are taken as they are
    for i in "${!FM_REASONS[@]}"; do [ "${FM_REASONS[$i]}" = "$reason" ] && code=$i; done
    # the NetworkManager backend may report another error (the column says so)
    case $error in
    *"(nm-ipsec: "*)
        if [ "${BACKEND:-}" = security-nm-ipsec ]; then error=${error#*(nm-ipsec: }; error=${error%)}; else error=${error%% (*}; fi
        ;;
    esac
    set -- $injection
    [ "$1" = cert ] && form=$4

    stop_henbd
    fm_prepare "$variant" "$form"
    values=$(fm_values "$WORK/state/henbd.state" 2>/dev/null)
    fm_inject "$@"
    touch "$WORK/henbd.log"
    FM_LOGPOS=$(wc -l <"$WORK/henbd.log")
    t=$(now_us)
    start_henbd
    # a fault at the first step may fail the run before henbd answers on the bus
    if ! fm_wait_state $(scaled 60) -1 "$t"; then
        not_ok "$label: failed" "State $(prop '' State), last error: $(prop '' LastError)"
        fm_remove "$form" "$@"
        return
    fi

    # What henbd reports about the failure, read in one failure window: the fault stays in
    # place, so every retry fails the same way and the windows grow (retry n waits at least
    # m*k^(n-1) s); a slow test reads a later one, never a mix of two.
    local state_got error_got count_got snap_next values_got logged n w at why
    fm_snapshot() {
        [ "$(prop '' State)" = -1 ] || return 1
        state_got="-1 $(prop '' StateFailedReason)"
        error_got=$(json "s['last_error']['name'] + ' ' + s['last_error']['message'].split(' ')[0]")
        count_got=$(prop Management RetryCount)
        snap_next=$(prop Management NextAttempt)
        logged=$(fm_last_retry)
        # still the same window: failed, the same retry, the one henbd logged last
        [ "$(prop '' State)" = -1 ] && [ "$(prop Management RetryCount)" = "$count_got" ] &&
            [ "$count_got" = "uint32 $(cut -d' ' -f2 <<<"$logged")" ]
    }
    wait_eval 60 fm_snapshot ||
        not_ok "$label: a report of the failure from one failure window" "State $(prop '' State), RetryCount $(prop Management RetryCount)"
    next=${snap_next#int64 }
    values_got=$(fm_values "$WORK/state/henbd.state")
    # "start" rows: henbctl start must come before henbd's own retry; when that is too close
    # for this machine, the next failure (the fault is still there) leaves more room
    while [ "$recovery" = start ] && [ $(($(now_us) + $(scaled 3) * 1000000)) -ge "$next" ]; do
        n=$(prop Management RetryCount)
        wait_eval 60 '[ "$(prop Management RetryCount)" != "$n" ] && [ "$(prop "" State)" = -1 ]' || break
        next=$(prop Management NextAttempt)
        next=${next#int64 }
    done

    fm_remove "$form" "$@"
    if [ "$recovery" = start ]; then
        began=$(now_us)
        henbctl_ start >/dev/null 2>&1
        how="(user-requested)"
    else
        how="(retry)"
    fi

    check_eq "$label: State failed (-1), StateFailedReason $reason ($code)" "-1 uint32 $code" "$state_got"
    # LastError's message starts with the step that failed
    check_eq "$label: LastError $error from step $step" "org.henbd.HeNB1.Error.$error $step" "$error_got"
    # TR-069 3.2.1.1: retry n waits a random time in [m*k^(n-1), m*k^n] s from the failure;
    # NextAttempt is the time of henbd's log line "session retry n in W s" plus W
    read -r at n w <<<"$logged"
    at=$(fm_log_us "$at")
    echo "# $label: read at retry $n (the first: $(fm_log | grep -o 'session retry 1 in [0-9.]* s' | head -1))"
    check_eq "$label: RetryCount n, NextAttempt = henbd's retry n + its wait, wait in [m*k^(n-1), m*k^n] s" \
        "RetryCount $n, NextAttempt = retry $n + $w s, in range" \
        "RetryCount ${count_got#uint32 }, NextAttempt = retry $n + $(awk -v t="${snap_next#int64 }" -v at="$at" -v w="$w" \
            'BEGIN { d = (t - at) / 1e6; if (d - w < 0.5 && w - d < 0.5) print w; else printf "%.3f", d }') s, $(awk -v n="$n" -v w="$w" -v m=$FM_M -v k=$FM_K \
            'BEGIN { lo = m * k ^ (n - 1); hi = m * k ^ n; print (w >= lo && w <= hi) ? "in range" : "not in [" lo ", " hi "]" }')"

    case $serving in
    none)
        check_eq "$label: no Serving HeMS, SeGW or S1 values stored" "" "$(grep -v ParameterKey= <<<"$values_got")"
        ;;
    initial)
        check_eq "$label: what the Initial HeMS set is stored, all of it" "$FM_INITIAL_VALUES" \
            "$(grep -v ParameterKey= <<<"$values_got")"
        ;;
    unchanged)
        check_eq "$label: stored URL, SecGWServer1, S1SigLinkServerList, ParameterKey unchanged" \
            "$values" "$values_got"
        ;;
    esac

    # henbd's own retry comes at NextAttempt, henbctl start at once: the run that registers
    # begins after NextAttempt, or at a start given before it
    if fm_wait_state $(((next - $(now_us)) / 1000000 + $(scaled 30))) 6; then
        [ "$recovery" = start ] || began=$FM_SEEN_HI
        # the run that registered: the last one to leave the failed state
        why=$(fm_log | grep -o 'state failed -> [a-z-]* ([a-z-]*)' | tail -1 | grep -o '(.*)')
        got="registered, $( [ "$began" -ge "$next" ] && echo "after" || echo "before") NextAttempt, $why, $(prop Management RetryCount)"
    else
        got="State $(prop '' State): $(prop '' LastError)"
    fi
    if [ "$recovery" = start ]; then
        check_eq "$label: henbctl start registers at once" "registered, before NextAttempt, $how, uint32 0" "$got"
    else
        check_eq "$label: henbd's own retry registers at NextAttempt" "registered, after NextAttempt, $how, uint32 0" "$got"
    fi
}

# fm_run BED [VARIANT]: every row of the bed (and variant)
fm_run() {
    local variant step fault injection reason error serving recovery bed
    # on a descriptor of its own: nothing a row runs can read the table away
    while IFS=$'\t' read -r -u 3 variant step fault injection reason error serving recovery bed; do
        case $variant in '#'* | '') continue ;; esac
        [ "$bed" = "$1" ] || continue
        [ -z "${2:-}" ] || [ "$variant" = "$2" ] || continue
        [ -z "${FM_ONLY:-}" ] || [[ "$variant $step $fault" =~ $FM_ONLY ]] || continue
        # a second backend runs only the rows it behaves differently in
        [ "${BACKEND:-}" != security-nm-ipsec ] || [[ $error == *"(nm-ipsec: "* ]] || continue
        fm_run_row
    done 3<"$FM_TSV"
}

# --- the loopback bed -----------------------------------------------------------------------
# dnsmasq behind the fault proxy "dns", the Initial and Serving HeMS behind the fault proxy
# "hems" (henbd's URLs name the proxies), each HeMS twice: with a DNS-SAN and an IP-SAN
# certificate, for URLs of either form.
fm_loopback_setup() {
    make_pki
    start_bus
    start_dns hems.henb.test=$INITIAL_IP serving.henb.test=$SERVING_IP
    fp_start dns "dns:dns=$NET.54:$DNS_PORT,$DNS_IP:$DNS_PORT"
    fp_start hems "tcp:initial=$INITIAL_IP:7547" "tcp:serving=$SERVING_IP:7548"
    fm_hems initial initial_fqdn 17001 $(tls_args hems-dns)
    fm_hems initial initial_ip 17002 $(tls_args hems-ip)
    fm_hems serving serving_fqdn 17001 $(tls_args hems-dns)
    fm_hems serving serving_ip 17002 $(tls_args hems-ip)
    FM_INITIAL_VALUES="Device.ManagementServer.URL=https://serving.henb.test:7548/cwmp"
    # raw answers for "inform-response raw" and "rpc Raw": cut off inside the Body, and
    # mismatched tags
    printf '<?xml version="1.0"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-2">\n<SOAP-ENV:Header><cwmp:ID SOAP-ENV:mustUnderstand="1">henb-1</cwmp:ID></SOAP-ENV:Header>\n<SOAP-ENV:Body>\n<cwmp:InformRes' \
        >"$WORK/truncated.xml"
    printf '<?xml version="1.0"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-2">\n<SOAP-ENV:Body><cwmp:SetParameterValues></SOAP-ENV:Body></cwmp:SetParameterValues>\n</SOAP-ENV:Envelope>\n' \
        >"$WORK/malformed.xml"
}

fm_hems() {
    local role=$1 name=$2 port=$3
    shift 3
    if [ "$role" = initial ]; then
        FM_HEMS_ADDR=$INITIAL_IP:$port
        start_hems "$name" "$FM_HEMS_ADDR" --role initial --serving-hems-url https://serving.henb.test:7548/cwmp "$@"
    else
        FM_HEMS_ADDR=$SERVING_IP:$port
        start_hems "$name" "$FM_HEMS_ADDR" --role serving --s1 "10.$HENB_TEST_NET.0.1" "$@"
    fi
}

fm_good() {
    local ip=$INITIAL_IP
    [ "$1" = serving ] && ip=$SERVING_IP
    if [ "$2" = ip ]; then echo "$ip:17002"; else echo "$ip:17001"; fi
}

# fm_prepare VARIANT FORM: a discovery from the factory, or a registration with the Serving HeMS
# stored by fm_store FORM; the proxies lead to the working HeMS for the URLs henbd has
fm_prepare() {
    local initial_form=fqdn serving_form=fqdn
    if [ "$1" = registration ]; then serving_form=$2; else initial_form=$2; fi
    rm -rf "$WORK/state"
    if [ "$initial_form" = ip ]; then
        write_factory "https://$INITIAL_IP:7547/cwmp" "${FM_CONF[@]}"
    else
        write_factory https://hems.henb.test:7547/cwmp "${FM_CONF[@]}"
    fi
    if [ "$1" = registration ]; then
        mkdir -p "$WORK/state"
        cp -p "$WORK/stored-$serving_form.state" "$WORK/state/henbd.state"
    fi
    fp dns dns pass
    fp hems initial forward "$(fm_good initial "$initial_form")"
    fp hems serving forward "$(fm_good serving "$serving_form")"
}
# timeouts low where a fault waits for them; a password no HeMS of the "auth" rows knows
FM_CONF=("[Network]" "PublicDNS=$NET.54:$DNS_PORT" "[Timeouts]" "Resolve=2" "Connect=2" "Session=10"
    "[ConnectionRequest]" "Address=$NET.9" "[CWMP]" "Password=henb-pw")
