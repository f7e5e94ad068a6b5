#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Values a hostile HeMS sets (public-internet variant): a plain-HTTP Serving HeMS URL, a URL
# with CR/LF, SecGWServer1=999.999.999.999 are refused at SetParameterValues with 9007 inside
# 9003 and never stored, and henbd registers afterwards; a state file that already holds an
# http:// Serving HeMS URL (as an older henbd wrote it) does not lock the HeNB: the failure
# is retried from the Initial HeMS; henbctl shows a hostile fault string escaped on one line.
. "$(dirname "$0")/../lib/common.sh"

GW=Device.Services.FAPService.1.FAPControl.LTE.Gateway

make_pki
start_bus
start_dns hems.henb.test=$INITIAL_IP serving.henb.test=$SERVING_IP

# a URL with CR/LF cannot be a script word: a raw SetParameterValues carries it
cat >"$WORK/spv-crlf.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:cwmp="urn:dslforum-org:cwmp-1-2">
  <soap-env:Header><cwmp:ID soap-env:mustUnderstand="1">raw-crlf</cwmp:ID></soap-env:Header>
  <soap-env:Body><cwmp:SetParameterValues><ParameterList><ParameterValueStruct>
    <Name>Device.ManagementServer.URL</Name>
    <Value xsi:type="xsd:string">https://serving.henb.test:7548/cwmp&#13;&#10;Injected: 1</Value>
  </ParameterValueStruct></ParameterList><ParameterKey>evil-2</ParameterKey></cwmp:SetParameterValues></soap-env:Body>
</soap-env:Envelope>
EOF
# the Initial HeMS: its first session tries the hostile values and releases without a Serving
# HeMS; every later session configures the real one
cat >"$WORK/initial.script" <<EOF
session 1
rpc SetParameterValues key=evil-1 Device.ManagementServer.URL=http://serving.henb.test:7548/cwmp
rpc Raw spv-crlf.xml
rpc SetParameterValues key=evil-3 $GW.SecGWServer1=999.999.999.999
release

session *
rpc Configure
EOF
# the Serving HeMS tries a dotted quad that is none, then sends the S1 configuration
cat >"$WORK/serving.script" <<EOF
session *
rpc SetParameterValues key=evil-4 $GW.SecGWServer1=999.999.999.999 Device.ManagementServer.PeriodicInformInterval=xsd:unsignedInt:4242
rpc Configure
EOF
start_hems initial $INITIAL_IP:7547 --role initial $(tls_args hems-dns) --script "$WORK/initial.script" \
    --serving-hems-url https://serving.henb.test:7548/cwmp
start_hems serving $SERVING_IP:7548 --role serving $(tls_args hems-dns) --script "$WORK/serving.script" \
    --s1 10.20.0.1

# --- SetParameterValues of hostile values --------------------------------------------------
write_factory https://hems.henb.test:7547/cwmp
start_henbd
wait_final 30
ILOG=$WORK/initial.log
check "http:// Serving HeMS URL: Fault 9003" grep -q "\[session 1\] <- Fault 9003" "$ILOG"
check "http:// Serving HeMS URL: 9007 for the URL, saying TLS is required" \
    grep -q "^.*\[session 1\]    Device.ManagementServer.URL: 9007 .*'http://serving.henb.test:7548/cwmp' is not https: on the public internet a HeMS is reached over TLS only" "$ILOG"
check "URL with CR/LF: 9007, the value escaped" \
    grep -q "\[session 1\]    Device.ManagementServer.URL: 9007 .*cwmp\\\\r\\\\nInjected: 1' holds a control character" "$ILOG"
check "no forged line in the HeMS's log" bash -c "! grep -q '^Injected' '$ILOG'"
check "SecGWServer1=999.999.999.999: 9007" \
    grep -q "\[session 1\]    $GW.SecGWServer1: 9007 .*'999.999.999.999' is not a dotted-quad IPv4 address" "$ILOG"
check_eq "three refusals, no SetParameterValuesResponse in session 1" "3 0" \
    "$(grep -c '\[session 1\] <- Fault 9003' "$ILOG") $(grep -c '\[session 1\] <- SetParameterValuesResponse' "$ILOG")"
check_eq "after the refusals: no Serving HeMS, reason no-serving-hems" "uint32 9" "$(prop '' StateFailedReason)"
check "the state file holds none of it" bash -c "! grep -Eq 'http://|Injected|999\\.999|evil' '$WORK/state/henbd.state'"
check "the state file holds no Serving HeMS" bash -c "! grep -q '^Device.ManagementServer.URL=' '$WORK/state/henbd.state'"
check "henbd retries: Management.NextAttempt set" test "$(prop Management NextAttempt | sed 's/int64 //')" -gt 0
henbctl_ start
check "then it registers with the Serving HeMS the Initial HeMS sets next" wait_final 30
SLOG=$WORK/serving.log
check "the Serving HeMS's 999.999.999.999: 9007 for SecGWServer1 only" \
    grep -q "\[session 1\]    $GW.SecGWServer1: 9007 " "$SLOG"
check "nothing of that request applied" bash -c "! grep -q 4242 '$WORK/state/henbd.state'"
check "the registered state file holds the https URL and no hostile value" \
    bash -c "grep -q '^Device.ManagementServer.URL=https://serving.henb.test:7548/cwmp$' '$WORK/state/henbd.state' &&
             ! grep -Eq 'http://|Injected|999\\.999|evil' '$WORK/state/henbd.state'"
stop_henbd

# --- a stored http:// Serving HeMS URL (an older henbd accepted it) ------------------------
# henbd refuses it, reports it and asks the Initial HeMS again on its retry schedule
/usr/bin/python3 - "$WORK/state/henbd.state" <<'EOF'
import hashlib, sys
path = sys.argv[1]
seal = "\n[Integrity]\nSHA256="
data = open(path).read()
data = data[:data.rindex(seal)]
data = data.replace("URL=https://serving.henb.test", "URL=http://serving.henb.test")
data = data.replace("[Parameters]\n", "[Parameters]\nDevice.ManagementServer.CWMPRetryMinimumWaitInterval=1\n", 1)
open(path, "w").write(data + seal + hashlib.sha256(data.encode()).hexdigest() + "\n")
EOF
check "the doctored state file holds http://" grep -q "^Device.ManagementServer.URL=http://" "$WORK/state/henbd.state"
LOG_MARK=$(( $(wc -l <"$WORK/henbd.log") + 1 ))
ILOG_MARK=$(( $(wc -l <"$ILOG") + 1 ))
# the failure lasts until the retry (about a second): the bus is watched from before the start
# (a monitor attached after it may see only the retry)
gdbus monitor --session -d org.henbd.HeNB1 >"$WORK/insecure-signals.log" 2>&1 &
PIDS+=($!)
wait_for 10 grep -q "does not have an owner" "$WORK/insecure-signals.log"
start_henbd
check "stored http:// URL: the run fails as no-serving-hems, not configuration" \
    wait_for 30 bash -c "tail -n +$LOG_MARK '$WORK/henbd.log' | grep -q 'state connecting -> failed (no-serving-hems)'"
check "stored http:// URL: LastError Procedure.InsecureUrl names the parameter" \
    wait_for 10 grep -q "'LastError': <('org.henbd.HeNB1.Error.Procedure.InsecureUrl', .*Device.ManagementServer.URL.*is not https" \
    "$WORK/insecure-signals.log"
check "stored http:// URL: henbd retries from the Initial HeMS and registers" \
    wait_eval 30 '[ "$(prop "" State)" = 6 ]'
check "the retry was a discovery: 0 BOOTSTRAP to the Initial HeMS" \
    bash -c "tail -n +$ILOG_MARK '$ILOG' | grep -q 'Inform (.*events: .*0 BOOTSTRAP'"
check "the retry log says so" bash -c "tail -n +$LOG_MARK '$WORK/henbd.log' | grep -q 'session retry 1 in'"
check "registered with the https Serving HeMS" \
    grep -qx "serving HeMS: https://serving.henb.test:7548/cwmp" <(henbctl_ status)
stop_henbd

# --- henbctl shows a hostile string escaped, on one line --------------------------------------
cat >"$WORK/fault-crlf.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-2">
  <soap-env:Header><cwmp:ID soap-env:mustUnderstand="1">raw-fault</cwmp:ID></soap-env:Header>
  <soap-env:Body><soap-env:Fault><faultcode>Server</faultcode><faultstring>CWMP fault</faultstring>
    <detail><cwmp:Fault><FaultCode>8002</FaultCode><FaultString>busy&#13;&#10;state: registered&#10;serving HeMS: https://evil.example/&#9;&#155;[2J</FaultString></cwmp:Fault></detail>
  </soap-env:Fault></soap-env:Body>
</soap-env:Envelope>
EOF
printf 'session *\ninform-response raw fault-crlf.xml\n' >"$WORK/hostile.script"
start_hems hostile $INITIAL_IP:7549 --role initial $(tls_args hems-dns) --script "$WORK/hostile.script"
rm -rf "$WORK/state"
write_factory https://hems.henb.test:7549/cwmp
start_henbd
wait_final 30
henbctl_ status >"$WORK/hostile-status.out"
check "status: the fault string is in the last error line" \
    grep -q '^last error: org.henbd.HeNB1.Error.Cwmp.Fault: .*busy\\r\\nstate: registered\\nserving HeMS: https://evil.example/\\t\\xc2\\x9b\[2J' \
    "$WORK/hostile-status.out"
check_eq "status: one state line, one serving HeMS line: nothing forged" "1 1" \
    "$(grep -c '^state:' "$WORK/hostile-status.out") $(grep -c '^serving HeMS:' "$WORK/hostile-status.out")"
check "status: no raw control character at all" \
    bash -c "! LC_ALL=C grep -qP '[\\x00-\\x09\\x0b-\\x1f\\x7f]|\\xc2[\\x80-\\x9f]' '$WORK/hostile-status.out'"
check_eq "status --json: valid JSON with the string as sent" "True" \
    "$(json "'busy\r\nstate: registered\nserving HeMS: https://evil.example/\t\u009b[2J' in s['last_error']['message']")"
# failed, or a retry under way that fails alike: either way monitor ends with the error
henbctl_ monitor --timeout 30 >"$WORK/hostile-monitor.out" 2>&1
check "monitor: the string escaped in the step and the error lines" \
    test "$(grep -c '^ .*busy\\r\\nstate: registered\\nserving HeMS: https://evil.example/\\t' "$WORK/hostile-monitor.out")" -ge 2
check_eq "monitor: no forged line" "0 0" \
    "$(grep -c '^state: registered' "$WORK/hostile-monitor.out") $(grep -c '^serving HeMS:' "$WORK/hostile-monitor.out")"
finish
