#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The hostile-HeMS matrix (hostile-matrix.tsv): each row's attack from the Initial or the
# Serving HeMS, on loopback over TLS. henbd must refuse it as the row says, keep what it stored
# intact and register. HM_ONLY=REGEX runs the rows whose "variant role attack" matches.
. "$(dirname "$0")/../lib/common.sh"

HM_TSV=$(dirname "$0")/hostile-matrix.tsv
MS=Device.ManagementServer.
DL_DIR=$WORK/dl/a/b/c/d/downloads   # deep enough that ../../../../ stays inside $WORK
ROW=0

make_pki
start_bus
start_dns hems.henb.test=$INITIAL_IP serving.henb.test=$SERVING_IP
mkdir -p "$WORK/files" "$DL_DIR"
head -c 100 /dev/urandom >"$WORK/files/vendor.cfg"

# the raw requests of the table, in the namespace henbd informs in
envelope() { # envelope BODY
    printf '<?xml version="1.0" encoding="UTF-8"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:cwmp="urn:dslforum-org:cwmp-1-2"><SOAP-ENV:Header><cwmp:ID SOAP-ENV:mustUnderstand="1">hems-raw</cwmp:ID></SOAP-ENV:Header><SOAP-ENV:Body>%s</SOAP-ENV:Body></SOAP-ENV:Envelope>\n' "$1"
}
envelope '<cwmp:SetParameterValues><ParameterList SOAP-ENC:arrayType="cwmp:ParameterValueStruct[1]"><ParameterValueStruct><Name>Device.ManagementServer.URL</Name><Value xsi:type="xsd:string">https://serving.henb.test:7548/cwmp&#13;&#10;X-Injected: 1</Value></ParameterValueStruct></ParameterList><ParameterKey>evil</ParameterKey></cwmp:SetParameterValues>' \
    >"$WORK/crlf-url.xml"
# 300 KiB of white space between elements: well-formed, only too big
envelope "<cwmp:GetParameterValues><ParameterNames SOAP-ENC:arrayType=\"xsd:string[1]\"><string>Device.DeviceInfo.SerialNumber</string>$(head -c 307200 /dev/zero | tr '\0' ' ')</ParameterNames></cwmp:GetParameterValues>" \
    >"$WORK/big.xml"
SUBSCRIBER5000=$(yes Subscriber | head -5000 | paste -sd,)
SUBSCRIBER9000=$(yes Subscriber | head -9000 | paste -sd,)

# hm_hems ROLE [SCRIPT]: the HeMS of ROLE on its usual address, with SCRIPT if given; the
# Serving HeMS can make Connection Requests with the credentials the retry row sets
hm_hems() {
    local role=$1 script=${2:-} name args=()
    eval "[ -n \"\${HM_PID_$role:-}\" ] && kill \$HM_PID_$role 2>/dev/null && wait \$HM_PID_$role 2>/dev/null"
    name=r${ROW}_$role
    [ -n "$script" ] && args=(--script "$script")
    if [ "$role" = initial ]; then
        start_hems "$name" "$INITIAL_IP:7547" --role initial $(tls_args hems-dns) \
            --serving-hems-url https://serving.henb.test:7548/cwmp --file-server "$WORK/files" "${args[@]}"
    else
        start_hems "$name" "$SERVING_IP:7548" --role serving $(tls_args hems-dns) --s1 "10.$HENB_TEST_NET.0.1" \
            --file-server "$WORK/files" --connection-request auto --cr-username acs --cr-password cr-secret \
            "${args[@]}"
    fi
    eval "HM_PID_$role=\$HEMS_PID_$name"
}

# the serving values of a state file, as the fault matrix compares them
hm_values() {
    grep -E '^Device\.(ManagementServer\.(URL|ParameterKey)|Services\.FAPService\.1\.FAPControl\.LTE\.Gateway\.(SecGWServer[123]|S1SigLinkServerList))=' \
        "$1" | sort
}

hm_factory() {
    rm -rf "$WORK/state"
    write_factory https://hems.henb.test:7547/cwmp "[ConnectionRequest]" "Address=$NET.9" \
        "[Device]" "DownloadDirectory=$DL_DIR" "[Timeouts]" "Session=20"
}

now_us() { echo $(($(date +%s%N) / 1000)); }

# An unattacked run: what a registered HeNB stores, and the state the registration rows start from
hm_hems initial
hm_hems serving
hm_factory
start_henbd
check "unattacked: registered" wait_final 30
stop_henbd
GOOD_VALUES=$(hm_values "$WORK/state/henbd.state")
check_eq "unattacked: the Serving HeMS and S1 far end are stored" 2 \
    "$(echo "$GOOD_VALUES" | grep -c -e '\.URL=https://serving' -e "S1SigLinkServerList=10\.")"
cp -p "$WORK/state/henbd.state" "$WORK/registered.state"

# hm_script FILE SCRIPT LATER: the attacker's script
hm_script() {
    local line n i
    {
        echo "session 1"
        while IFS= read -r line; do
            [ -z "$line" ] && continue
            line=${line//@SUBSCRIBER5000@/$SUBSCRIBER5000}
            line=${line//@SUBSCRIBER9000@/$SUBSCRIBER9000}
            if [[ $line =~ ^([0-9]+)\*\ (.*)$ ]]; then
                n=${BASH_REMATCH[1]}
                for i in $(seq "$n"); do echo "${BASH_REMATCH[2]//@I@/$i}"; done
            else
                echo "$line"
            fi
        done < <(echo "$2" | sed 's/ ; /\n/g')
        echo "rpc Configure"
        echo "release"
        echo "session *"
        if [ "$3" = - ]; then
            printf 'rpc Configure\nrelease\n'
        else
            echo "$3" | sed 's/ ; /\n/g'
        fi
    } >"$1"
}

# hm_check LABEL LOG CHECK...: one of the checks column's checks
hm_check() {
    local label=$1 log=$2 what=$3 n got t0 next
    shift 3
    case $what in
    files-outside)
        # what a traversal would have written lies anywhere under $WORK but the download folder
        got=$(find "$WORK" -name '*PWNED*' ! -path "$DL_DIR/*" | wc -l)
        check_eq "$label: files outside the download folder: 0" 0 "$got"
        ;;
    wait-log)
        check "$label: the HeMS log shows '$*'" wait_for 30 grep -qF -- "$*" "$log"
        ;;
    state-max-bytes)
        got=$(stat -c %s "$WORK/state/henbd.state")
        check "$label: state file $got bytes (at most $1)" test "$got" -le "$1"
        ;;
    sent-max-bytes)
        got=$(find "$WORK/trace" -name "*-sent-*$1*" -newer "$WORK/row.start" -printf '%s\n' | sort -n | tail -1)
        check "$label: largest $1 henbd sent: ${got:-none} bytes (at most $2)" test -n "$got" -a "${got:-0}" -le "$2"
        ;;
    inform-events-max)
        # "events: A, B, C; RetryCount": the largest number of events in one Inform
        got=$(grep -o 'events: [^;]*;' "$log" | awk -F', ' '{ print NF }' | sort -n | tail -1)
        check "$label: at most $1 events in an Inform (largest: ${got:-0})" test "${got:-0}" -le "$1"
        ;;
    informs-10s-max)
        if ! wait_eval 30 '[ "$(prop Management RetryCount)" != "uint32 0" ]'; then
            not_ok "$label: a session failed" "RetryCount $(prop Management RetryCount)"
            return
        fi
        n=$(grep -c "Inform (" "$log")
        sleep 10 # a measurement over a window, not a wait for a condition
        got=$(($(grep -c "Inform (" "$log") - n))
        check "$label: Informs in the 10 s after the first failure: $got (at most $1)" test "$got" -le "$1"
        ;;
    next-attempt-sane)
        next=$(prop Management NextAttempt)
        next=${next#int64 }
        t0=$(now_us)
        # the future, and not past the 49.7 days a 32-bit millisecond timer could hold
        check "$label: NextAttempt in the future, within 49 days ($(((next - t0) / 1000000)) s)" \
            test "$next" -gt "$t0" -a "$((next - t0))" -lt "$((49 * 86400 * 1000000))"
        ;;
    -) ;;
    *) echo "Bail out! unknown check '$what'"; exit 1 ;;
    esac
}

# hm_run_row: the row in the variables variant role attack script later expect checks
hm_run_row() {
    local label="$variant $role: $attack" log c
    ROW=$((ROW + 1))
    stop_henbd
    hm_factory
    if [ "$variant" = registration ]; then
        mkdir -p "$WORK/state"
        cp -p "$WORK/registered.state" "$WORK/state/henbd.state"
    fi
    # each row counts only what it wrote
    rm -rf "$DL_DIR" && mkdir -p "$DL_DIR"
    find "$WORK" -name '*PWNED*' -exec rm -rf {} +
    hm_script "$WORK/row$ROW.script" "$script" "$later"
    if [ "$role" = initial ]; then
        hm_hems initial "$WORK/row$ROW.script"
        hm_hems serving
    else
        hm_hems initial
        hm_hems serving "$WORK/row$ROW.script"
    fi
    log=$WORK/r${ROW}_$role.log
    touch "$WORK/row.start"
    start_henbd
    check "$label: the attack is refused ('$expect')" wait_for 30 grep -qF -- "$expect" "$log"
    check "$label: henbd registers" wait_final 60
    local cs words
    IFS=';' read -ra cs <<<"$checks"
    for c in "${cs[@]}"; do
        read -ra words <<<"$c" # split into words, never globbed
        hm_check "$label" "$log" "${words[@]}"
    done
    check "$label: henbd is alive" kill -0 "$HENBD_PID"
    check_eq "$label: the stored serving values are those of an unattacked run" "$GOOD_VALUES" \
        "$(hm_values "$WORK/state/henbd.state")"
}

while IFS=$'\t' read -r -u 3 variant role attack script later expect checks; do
    case $variant in '#'* | '') continue ;; esac
    [ -z "${HM_ONLY:-}" ] || [[ "$variant $role $attack" =~ $HM_ONLY ]] || continue
    hm_run_row
done 3<"$HM_TSV"
stop_henbd
finish
