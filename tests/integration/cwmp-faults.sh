#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Faults as SOAP 1.1 sends them (HTTP 500) and the version negotiation they drive, and the
# tolerant-input policy (issue 10, 2a and 3). A Serving HeMS that speaks only cwmp-1-0 and
# refuses other versions with 8006 in HTTP 500: henbd falls back 1.2 -> 1.1 -> 1.0 in the same
# attempt and starts in 1.0 after a restart. 8005 in HTTP 500: LastError names the fault, a
# retry on the schedule. A GenieACS-like "Client.ResourceNotFound {...cwmp-1-2}Inform not
# found": fallback. Then a HeMS that leaves out ParameterKey, sends xsd:int for an
# unsignedInt, FALSE for a boolean and an InformResponse without cwmp:ID: accepted and counted
# (Management.ToleratedInputs), refused under [CWMP] Strict=true; wrong values stay 9007.
. "$(dirname "$0")/../lib/common.sh"

MS=Device.ManagementServer.
GW=Device.Services.FAPService.1.FAPControl.LTE.Gateway.
cat >"$WORK/v10.script" <<EOF
session *
only-namespace 1.0
fault-status 500
rpc Configure
release
EOF
cat >"$WORK/retry.script" <<EOF
session 1
fault-status 500
inform-response fault 8005

session *
rpc Configure
release
EOF
cat >"$WORK/notfound.script" <<EOF
session *
only-namespace 1.1 not-found
fault-status 500
rpc Configure
release
EOF
cat >"$WORK/lax.script" <<EOF
session 1
rpc Configure
rpc SetParameterValues key=before ${MS}PeriodicInformInterval=xsd:unsignedInt:3600
rpc SetParameterValues no-key ${MS}PeriodicInformInterval=xsd:unsignedInt:3601
rpc GetParameterValues ${MS}ParameterKey
rpc SetParameterValues key=typed ${GW}S1SigLinkPort=xsd:int:36413
rpc SetParameterValues key=bool ${GW}X_00005A_S1IPsecUsed=xsd:boolean:FALSE
rpc AddObject ${MS}InformParameter. no-key
rpc SetParameterValues key=wrong ${GW}S1SigLinkPort=xsd:unsignedInt:99999999999
rpc GetParameterValues ${MS}ParameterKey ${MS}PeriodicInformInterval ${GW}S1SigLinkPort ${GW}X_00005A_S1IPsecUsed
rpc ScheduleInform 1 again
release

session 2
inform-response no-id
release
EOF

make_pki
start_bus
start_dns hems.henb.test=$INITIAL_IP serving.henb.test=$SERVING_IP
# one Initial HeMS per case, each handing out its Serving HeMS
for pair in v10:7541:7551 retry:7542:7552 notfound:7543:7553 lax:7544:7554 strict:7545:7555; do
    IFS=: read -r name iport sport <<<"$pair"
    start_hems "initial-$name" $INITIAL_IP:$iport --role initial $(tls_args hems-dns) \
        --serving-hems-url https://serving.henb.test:$sport/cwmp
    script=$name; [ "$name" = strict ] && script=lax
    start_hems "$name" $SERVING_IP:$sport --role serving $(tls_args hems-dns) --s1 10.17.0.1 \
        --script "$WORK/$script.script"
done

run_case() { # run_case NAME [conf.d lines...]
    local name=$1 iport; shift
    stop_henbd
    rm -rf "$WORK/state" "$WORK/trace"
    case $name in v10) iport=7541;; retry) iport=7542;; notfound) iport=7543;; lax) iport=7544;; strict) iport=7545;; esac
    write_factory https://hems.henb.test:$iport/cwmp "$@"
    start_henbd
}
state_is() { [ "$(prop '' State)" = "$1" ]; }

# --- 1. 8006 in HTTP 500 from a cwmp-1-0-only HeMS ------------------------------------------
run_case v10
V10=$WORK/v10.log
check "cwmp-1-0-only HeMS faulting with HTTP 500: registered" wait_final 40
check "the Inform in cwmp-1-2 got 8006 in HTTP 500" \
    bash -c "grep -A1 '\[session 1\] -> Fault 8006' '$V10' | grep -q 'with HTTP 500'"
check_eq "henbd informed again at once, one version older each time" \
    "urn:dslforum-org:cwmp-1-2 urn:dslforum-org:cwmp-1-1 urn:dslforum-org:cwmp-1-0" \
    "$(grep "\[session [123]\] from" "$V10" | grep -o "urn:dslforum-org:cwmp-1-[0-9]" | tr '\n' ' ' | sed 's/ $//')"
check "... within one attempt (no retry)" bash -c "! grep -q 'session retry\|bootstrap retry\|RetryCount 1' '$V10' '$WORK/henbd.log'"
check "... and said so" grep -q "informing again in urn:dslforum-org:cwmp-1-1" "$WORK/henbd.log"
check_eq "both Faults received in HTTP 500 are in the trace" "2" \
    "$(ls "$WORK"/trace/*-received-Fault.xml 2>/dev/null | wc -l)"
check "the trace holds the 8006" grep -q "<FaultCode>8006</FaultCode>" $(ls "$WORK"/trace/*-received-Fault.xml | head -1)
check "the version is kept in the state file for this HeMS" \
    grep -q "1.0 https://serving.henb.test:7551/cwmp" "$WORK/state/henbd.state"
stop_henbd
start_henbd
check "after a restart: registered again" wait_final 30
check_eq "after a restart the first Inform is in cwmp-1-0, no fault" \
    "urn:dslforum-org:cwmp-1-0" \
    "$(grep "\[session 4\] from" "$V10" | grep -o "urn:dslforum-org:cwmp-1-[0-9]")"
check "... and session 4 got an InformResponse" grep -q "\[session 4\] -> InformResponse" "$V10"

# --- 2. 8005 in HTTP 500: a retry on the schedule -------------------------------------------
run_case retry
check "8005 in HTTP 500: the attempt failed" wait_eval 20 'state_is -1'
LAST=$(prop '' LastError)
check_contains "LastError is Cwmp.Fault" "org.henbd.HeNB1.Error.Cwmp.Fault" "$LAST"
check_contains "LastError shows the fault code and string" "fault 8005 (Retry request)" "$LAST"
check_contains "LastError shows the HTTP status" "HTTP 500" "$LAST"
check_eq "RetryCount 1" "uint32 1" "$(prop Management RetryCount)"
check "a retry on the schedule" grep -q "retry 1 in" "$WORK/henbd.log"
check "the retry registered" wait_eval 30 'state_is 6'
check "... as the HeMS's session 2, RetryCount 1" grep -q "\[session 2\] from .*RetryCount 1;" "$WORK/retry.log"

# --- 3. a GenieACS-like "not found" SOAP fault ----------------------------------------------
run_case notfound
check "ResourceNotFound for the cwmp-1-2 Inform: registered" wait_final 40
check "the HeMS said {urn:dslforum-org:cwmp-1-2}Inform not found" \
    grep -q "\[session 1\] -> SOAP Fault Client.ResourceNotFound {urn:dslforum-org:cwmp-1-2}Inform not found" \
    "$WORK/notfound.log"
check "henbd informed again at once in cwmp-1-1" \
    grep -q "\[session 2\] from .*Inform (urn:dslforum-org:cwmp-1-1)" "$WORK/notfound.log"
check "henbd logged the SOAP fault code and string" \
    grep -q "SOAP fault soap:Client.ResourceNotFound (Endpoint {urn:dslforum-org:cwmp-1-2}Inform not found), HTTP 500" \
    "$WORK/henbd.log"

# --- 4. tolerant input ----------------------------------------------------------------------
run_case lax
LAX=$WORK/lax.log
check "lax HeMS: registered" wait_final 30
check "lax HeMS: the session with the InformResponse without cwmp:ID went well" \
    wait_eval 20 '[ "$(prop Management LastSessionResult)" = "'\''ok'\''" ]'
check "SetParameterValues without ParameterKey: applied, ParameterKey ''" \
    bash -c "grep -A3 'without ParameterKey' '$LAX' | grep -q 'SetParameterValuesResponse Status 0' &&
             grep -A1 '\[session 1\] <- GetParameterValuesResponse 1 parameters' '$LAX' | grep -q 'ParameterKey = *$'"
# the GetParameterValuesResponse lines, not the "set" lines of the requests
check "xsd:int 36412-style value for an unsignedInt: applied" grep -q "\]    ${GW}S1SigLinkPort = 36413$" "$LAX"
check "FALSE for a boolean: applied as false" grep -q "\]    ${GW}X_00005A_S1IPsecUsed = false$" "$LAX"
check "AddObject without ParameterKey: applied" grep -q "\[session 1\] <- AddObjectResponse instance 1 status 0" "$LAX"
check "a wrong value is still 9007" grep -q "S1SigLinkPort: 9007" "$LAX"
check_eq "five tolerances counted on D-Bus" "uint32 5" "$(prop Management ToleratedInputs)"
check "henbctl status shows them" bash -c "'$HENBCTL' --session status | grep -q 'tolerated inputs: 5'"
check_eq "each kind logged once in its session" "4" "$(grep -c "tolerating " "$WORK/henbd.log")"

# --- 5. the same HeMS under [CWMP] Strict=true ------------------------------------------------
run_case strict "[CWMP]" "Strict=true"
STRICT=$WORK/strict.log
check "strict: registered" wait_final 30
check "strict: no ParameterKey is 9003" grep -q "ParameterKey is missing" "$STRICT"
check "strict: xsd:int for an unsignedInt is 9006" grep -q "S1SigLinkPort: 9006" "$STRICT"
check "strict: FALSE is 9007" grep -q "S1IPsecUsed: 9007" "$STRICT"
check "strict: ParameterKey and values unchanged by the refused requests" \
    bash -c "grep -q 'ParameterKey = before$' '$STRICT' && grep -q 'PeriodicInformInterval = 3600$' '$STRICT' &&
             grep -q 'S1IPsecUsed = true$' '$STRICT'"
check "strict: an InformResponse without cwmp:ID fails the session" \
    wait_eval 20 'prop Management LastSessionResult | grep -q "no cwmp:ID"'
check_eq "strict: nothing tolerated" "uint32 0" "$(prop Management ToleratedInputs)"
finish
