#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The reference HeMS's --script mode against today's henbd (public-internet flow): a Serving
# HeMS whose first session checks the Inform and runs GetRPCMethods, GetParameterValues,
# GetParameterNames, SetParameterValues (applied and refused), two methods henbd does not know
# and a fresh Digest challenge in mid-session before it sends the S1 configuration; after it,
# Connection Requests to a second HeMS's file server. The restart's session comes from the
# "session *" block: HoldRequests and a slow answer. Then the script features henbd cannot
# drive yet (TransferComplete, faults and HTTP answers to the Inform, only-namespace,
# never-release, a reset, every other request a HeMS sends) against a CPE played by
# hems_fake_cpe.py.
. "$(dirname "$0")/../lib/common.sh"

FILES_IP=$NET.3
USER="00005A-HeNB-SN%2D$HENB_TEST_NET"   # OUI-ProductClass-SerialNumber, '-' escaped inside fields

make_pki
start_bus
start_dns hems.henb.test=$INITIAL_IP serving.henb.test=$SERVING_IP

mkdir -p "$WORK/files"
printf 'firmware image\n' >"$WORK/files/image.bin"
cat >"$WORK/x-foo.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-2">
  <soap-env:Header><cwmp:ID soap-env:mustUnderstand="1">raw-1</cwmp:ID></soap-env:Header>
  <soap-env:Body><cwmp:X_Foo><Bar>1</Bar></cwmp:X_Foo></soap-env:Body>
</soap-env:Envelope>
EOF
# hostile input: an internal entity that would expand (never is: the DTD alone refuses it),
# and a body that is no XML
cat >"$WORK/dtd.xml" <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE soap-env:Envelope [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-2">
  <soap-env:Header><cwmp:ID soap-env:mustUnderstand="1">raw-dtd</cwmp:ID></soap-env:Header>
  <soap-env:Body><cwmp:GetParameterValues><ParameterNames><string>&b;</string></ParameterNames></cwmp:GetParameterValues></soap-env:Body>
</soap-env:Envelope>
EOF
printf 'HTTP is not XML\n' >"$WORK/not-xml.txt"
cat >"$WORK/serving.script" <<'EOF'
# the first session at the Serving HeMS, right after the Initial HeMS's
session 1
expect-event "0 BOOTSTRAP"
expect-no-event 1 BOOT
expect-param Device.ManagementServer.ParameterKey=initial-hems-1
expect-param Device.DeviceInfo.HardwareVersion=hw1
expect-param Device.ManagementServer.ConnectionRequestURL
expect-param Device.DeviceInfo.HardwareVersion=hw9        # wrong on purpose
rpc GetRPCMethods
rpc GetParameterValues Device.ManagementServer.PeriodicInformInterval Device.DeviceInfo.SerialNumber
rpc GetParameterNames Device.ManagementServer. true
rpc GetParameterNames Device.DeviceInfo.Manufacturer false
rpc SetParameterValues key=script-1 Device.ManagementServer.PeriodicInformInterval=xsd:unsignedInt:600
rpc SetParameterValues key=script-bad Device.DeviceInfo.SerialNumber=stolen Device.NoSuchObject.Value=1
http 401-once                      # the POST carrying the fault gets a fresh challenge
rpc GetParameterValues Device.ManagementServer.PeriodicInformInterval
rpc Raw x-foo.xml                  # a method no CPE knows, with an argument
rpc X_00005A_Ping                  # a vendor method henbd does not have
rpc Raw dtd.xml                    # refused with a fault, the session goes on
rpc Raw not-xml.txt
rpc Configure                      # the S1 far end of --s1, so that henbd registers
release

# every later session
session *
inform-response hold
expect-event 1 BOOT
expect-no-event "0 BOOTSTRAP"
expect-param Device.ManagementServer.ParameterKey=serving-hems-1
delay 300
rpc GetParameterValues Device.ManagementServer.ParameterKey

# henbd comes back only once
session 5
rpc GetRPCMethods
EOF

start_hems initial $INITIAL_IP:7547 --role initial $(tls_args hems-dns) \
    --serving-hems-url https://serving.henb.test:7548/cwmp
start_hems files $FILES_IP:8080 --role serving --file-server "$WORK/files" --file-auth digest \
    --file-username cr-user --file-password cr-pass
start_hems serving $SERVING_IP:7548 --role serving $(tls_args hems-dns) --auth digest \
    --username "$USER" --password s3cret --s1 10.12.0.1 --s1-port 36412 --script "$WORK/serving.script" \
    --connection-request "http://$FILES_IP:8080/files/image.bin" --cr-username cr-user --cr-password cr-pass \
    --cr-after-session 1 --cr-count 2
write_factory https://hems.henb.test:7547/cwmp "[CWMP]" "Password=s3cret"
LOG=$WORK/serving.log

start_henbd
check "scripted Serving HeMS: registered" wait_final 30

# the Inform, checked by the script
check "expect-event" grep -q "\[session 1\] expect ok: event 0 BOOTSTRAP$" "$LOG"
check "expect-no-event" grep -q "\[session 1\] expect ok: no event 1 BOOT$" "$LOG"
check "expect-param NAME=VALUE" grep -q "\[session 1\] expect ok: param Device.ManagementServer.ParameterKey=initial-hems-1$" "$LOG"
check "expect-param NAME (present)" grep -q "\[session 1\] expect ok: param Device.ManagementServer.ConnectionRequestURL$" "$LOG"
check "a wrong expectation is logged with its line and the actual value" \
    grep -q "\[session 1\] EXPECT FAILED (line 8): param Device.DeviceInfo.HardwareVersion=hw9: the Inform has 'hw1'" "$LOG"
check_eq "exactly one failed expectation" 1 "$(grep -c "EXPECT FAILED" "$LOG")"
check "the Inform keeps its log line" \
    grep -q "\[session 1\] from [0-9.]*: Inform (urn:dslforum-org:cwmp-1-2) DeviceId 00005A-HeNB-SN-$HENB_TEST_NET events: 0 BOOTSTRAP; RetryCount 0;" "$LOG"

# the conversation, in order
# conversation N [LOG]: what the HeMS sent (->) and got (<-) in session N, one word each
conversation() { sed -n "s/^.* \[session $1\] \(<- [^ ]*\|-> [^ ]*\).*/\1/p" "${2:-$LOG}" | tr '\n' ' ' | sed 's/ $//'; }
check_eq "session 1 ran the script in order, the 401 in mid-session included" \
    "-> InformResponse <- empty -> GetRPCMethods <- GetRPCMethodsResponse -> GetParameterValues <- GetParameterValuesResponse -> GetParameterNames <- GetParameterNamesResponse -> GetParameterNames <- GetParameterNamesResponse -> SetParameterValues <- SetParameterValuesResponse -> SetParameterValues -> HTTP <- Fault -> GetParameterValues <- GetParameterValuesResponse -> Raw <- Fault -> X_00005A_Ping <- Fault -> Raw <- Fault -> Raw <- Fault -> SetParameterValues <- SetParameterValuesResponse -> 204" \
    "$(conversation 1)"

# what henbd answered
check_contains "GetRPCMethods: henbd lists its methods" "GetParameterNames" "$(grep "<- GetRPCMethodsResponse" "$LOG")"
check "GetParameterValues: the count" grep -q "\[session 1\] <- GetParameterValuesResponse 2 parameters$" "$LOG"
check "GetParameterValues: each value on its own line" \
    grep -q "\[session 1\]    Device.ManagementServer.PeriodicInformInterval = 86400$" "$LOG"
check "GetParameterValues: the serial number" grep -q "\[session 1\]    Device.DeviceInfo.SerialNumber = SN-$HENB_TEST_NET$" "$LOG"
check "GetParameterNames next level: writable parameters" grep -q "\[session 1\]    Device.ManagementServer.URL writable$" "$LOG"
check "GetParameterNames of one parameter: read-only" grep -q "\[session 1\]    Device.DeviceInfo.Manufacturer read-only$" "$LOG"
check "GetParameterNames of one parameter: a single entry" \
    grep -q "\[session 1\] <- GetParameterNamesResponse 1 parameters$" "$LOG"
check "SetParameterValues applied" grep -q "\[session 1\] <- SetParameterValuesResponse Status 0$" "$LOG"
check "SetParameterValues refused with 9003" grep -q "\[session 1\] <- Fault 9003 Invalid arguments" "$LOG"
check "... 9008 for the read-only SerialNumber" grep -q "\[session 1\]    Device.DeviceInfo.SerialNumber: 9008" "$LOG"
check "... 9005 for the unknown name" grep -q "\[session 1\]    Device.NoSuchObject.Value: 9005" "$LOG"
check "the fresh challenge in mid-session" grep -q "\[session 1\] -> HTTP 401 (authenticate again)$" "$LOG"
check "after the challenge the session went on: the value set before" \
    grep -q "\[session 1\]    Device.ManagementServer.PeriodicInformInterval = 600$" "$LOG"
# a method outside TR-069 stays 9000 once henbd has its full agent
check "rpc Raw with an unknown method: fault 9000" grep -q "\[session 1\] <- Fault 9000 Method not supported: X_Foo" "$LOG"
check "rpc X_ vendor method: fault 9000" grep -q "\[session 1\] <- Fault 9000 Method not supported: X_00005A_Ping" "$LOG"
check "a request with a DTD: fault 9003 naming the DTD" \
    grep -q "\[session 1\] <- Fault 9003 .*document type" "$LOG"
check "... never expanded: no entity text in henbd's answer" bash -c "! grep -q aaaaaaaaaa '$WORK'/trace/*-sent-Fault.xml"
check_eq "a body that is no XML: fault 9003 too (three in all, with the refused SetParameterValues)" 3 \
    "$(grep -c "\[session 1\] <- Fault 9003 " "$LOG")"
check_eq "the two refusals carry no cwmp:ID: none could be read" "2 without cwmp:ID" \
    "$(grep -l "document type\|not well-formed" "$WORK"/trace/*-sent-Fault.xml | xargs grep -L "cwmp:ID" | wc -l) without cwmp:ID"
check "rpc Configure: the options' SetParameterValues, its usual cwmp:ID" \
    grep -q ">hems-1-spv</cwmp:ID>" "$WORK"/trace/*-received-SetParameterValues.xml
check "every request had an answer with its cwmp:ID" test "$(grep -c "note:" "$LOG")" = 0
check "one connection for the whole session, the 401 retry included" test "$(grep -c "new connection" "$LOG")" = 0
check_eq "S1 far end from rpc Configure" "['10.12.0.1']" "$(prop Serving S1Addresses)"

# Connection Requests after session 1, to the other HeMS's file server (Digest)
check "two Connection Requests after session 1" wait_eval 10 '[ "$(grep -c "connection-request GET" "$LOG")" = 2 ]'
check_eq "both answered 200 after the Digest challenge" \
    "connection-request GET http://$FILES_IP:8080/files/image.bin -> 200|connection-request GET http://$FILES_IP:8080/files/image.bin -> 200" \
    "$(grep -o "connection-request GET.* -> [0-9]*" "$LOG" | paste -sd'|')"
check "they came after the session was released" \
    test "$(grep -n "connection-request GET" "$LOG" | head -1 | cut -d: -f1)" -gt "$(grep -n "\[session 1\] -> 204" "$LOG" | cut -d: -f1)"
check "file server: the challenge" grep -q "file GET /files/image.bin from .* -> 401 bytes" "$WORK/files.log"
check "file server: the file" grep -q "file GET /files/image.bin from .* -> 200 bytes 15$" "$WORK/files.log"

# the file server by itself
fetch() { # fetch PATH USER PASSWORD -> "STATUS BODY"
    /usr/bin/python3 - "http://$FILES_IP:8080$1" "$2" "$3" <<'EOF'
import os, sys, urllib.request, urllib.error
url, user, password = sys.argv[1:4]
auth = urllib.request.HTTPPasswordMgrWithDefaultRealm()
auth.add_password(None, url, user, password)
opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(auth))
try:
    with opener.open(url, timeout=5 * int(os.environ.get("HENB_TIMEOUT_SCALE", "1"))) as r:
        print(r.status, r.read().decode().strip())
except urllib.error.HTTPError as e:
    print(e.code)
EOF
}
check_eq "file server: Digest and the content" "200 firmware image" "$(fetch /files/image.bin cr-user cr-pass)"
check_eq "file server: wrong password" "401" "$(fetch /files/image.bin cr-user wrong)"
check_eq "file server: no such file" "404" "$(fetch /files/nothing.bin cr-user cr-pass)"
printf 'secret\n' >"$WORK/files/.hidden"
check_eq "file server: no hidden files" "404" "$(fetch /files/.hidden cr-user cr-pass)"
check "file server: nothing outside its folder" test "$(fetch /files/..%2Fserving.script cr-user cr-pass)" != "200"

# the restart: the "session *" block
stop_henbd
start_henbd
check "after restart: registered again" wait_final 30
check "session *: expectations on the second Inform" \
    test "$(grep -c "\[session 2\] expect ok: " "$LOG")" = 3
check "inform-response hold: HoldRequests in the InformResponse" \
    grep -q "\[session 2\] -> InformResponse (urn:dslforum-org:cwmp-1-2) HoldRequests$" "$LOG"
check "inform-response hold: HoldRequests on the requests too" \
    grep -q "<cwmp:HoldRequests[^>]*>true<" "$(ls "$WORK"/trace/*-received-GetParameterValues.xml | tail -1)"
check "delay: the answer was held" grep -q "\[session 2\] holding the answer for 300 ms$" "$LOG"
check "session *: its request" grep -q "\[session 2\]    Device.ManagementServer.ParameterKey = serving-hems-1$" "$LOG"
check_eq "session 2 conversation" \
    "-> InformResponse <- empty -> GetParameterValues <- GetParameterValuesResponse -> 204" "$(conversation 2)"

# --- the script features henbd cannot drive yet, with a CPE played by hems_fake_cpe.py ---------
SELF_IP=$NET.4
cat >"$WORK/selftest.script" <<EOF
session 1
inform-response fault 8005
session 2
inform-response empty204
session 3
inform-response http 401-once
rpc Reboot key-r
rpc FactoryReset
rpc ScheduleInform 5 key-s
rpc Download dl-1 "1 Firmware Upgrade Image" http://$FILES_IP:8080/files/image.bin size=15 user=cr-user pass=cr-pass target=image.bin
rpc SetParameterAttributes Device.ManagementServer.PeriodicInformInterval=2:Subscriber
rpc GetParameterAttributes Device.ManagementServer.PeriodicInformInterval
rpc AddObject Device.ManagementServer.InformParameter. key=k3
rpc DeleteObject Device.ManagementServer.InformParameter.3. key=k4
session 4
expect-event 7 TRANSFER COMPLETE
expect-event M Download dl-1
transfer-complete-response fault 8005
http 302 http://$SERVING_IP:7548/cwmp
session 5
transfer-complete-response http 401-once
http 500
session 6
only-namespace 1.0
session 7
only-namespace 1.0
rpc GetParameterValues Device.ManagementServer.URL
session 8
inform-response use-version 1.4
never-release
session 9
inform-response hold
never-release hang
session 10
rpc GetRPCMethods
session 11
http reset
session 12
connection-request 2
EOF
start_hems selftest $SELF_IP:7600 --script "$WORK/selftest.script" --connection-request auto \
    --cr-username cr-user --cr-password cr-pass
SELF=$WORK/selftest.log
mkdir -p "$WORK/fake-cpe"
/usr/bin/python3 "$(dirname "$0")/hems_fake_cpe.py" "$SELF_IP" 7600 "$WORK/fake-cpe" \
    "http://$FILES_IP:8080/files/image.bin" "$SELF" >"$WORK/fake-cpe.out" 2>&1
while IFS='|' read -r n what expected; do
    check_eq "fake CPE session $n: $what" "session $n: $expected" "$(grep "^session $n:" "$WORK/fake-cpe.out")"
done <<EOF
1|inform-response fault|Fault 8005
2|inform-response empty204|204
3|inform-response http 401-once, then every other request|401 stale InformResponse Reboot FactoryReset ScheduleInform Download SetParameterAttributes GetParameterAttributes AddObject DeleteObject 204
4|transfer-complete-response fault, http 302|InformResponse Fault 8005 302 http://$SERVING_IP:7548/cwmp
5|transfer-complete-response http 401-once, http 500|InformResponse 401 TransferCompleteResponse 500
6|only-namespace refuses the Inform|Fault 8006 urn:dslforum-org:cwmp-1-2
7|only-namespace refuses an answer|InformResponse urn:dslforum-org:cwmp-1-0 GetParameterValues urn:dslforum-org:cwmp-1-0 Fault 8006 urn:dslforum-org:cwmp-1-2 204
8|use-version, never-release|InformResponse UseCWMPVersion=1.4 urn:dslforum-org:cwmp-1-2 GetRPCMethods GetRPCMethods GetRPCMethods GetRPCMethods
9|hold, never-release hang|InformResponse HoldRequests=true no answer
10|an open session|InformResponse GetRPCMethods
11|http reset|InformResponse ConnectionResetError
12|released|InformResponse 204
EOF
check "self-test: the Inform retried after 401-once is logged once" test "$(grep -c "\[session 3\] from" "$SELF")" = 1
check_eq "self-test: every request a HeMS sends, and the answers logged" \
    "-> HTTP -> InformResponse <- empty -> Reboot <- RebootResponse -> FactoryReset <- FactoryResetResponse -> ScheduleInform <- ScheduleInformResponse -> Download <- DownloadResponse -> SetParameterAttributes <- SetParameterAttributesResponse -> GetParameterAttributes <- GetParameterAttributesResponse -> AddObject <- AddObjectResponse -> DeleteObject <- DeleteObjectResponse -> 204" \
    "$(conversation 3 "$SELF")"
for line in \
    "[session 1] -> Fault 8005 Retry request" \
    "[session 2] -> empty 204 to the Inform" \
    "[session 3] -> Download key dl-1 type 1 Firmware Upgrade Image url http://$FILES_IP:8080/files/image.bin size 15" \
    "[session 3] <- DownloadResponse status 1 start 0001-01-01T00:00:00Z complete 0001-01-01T00:00:00Z" \
    "[session 3]    Device.ManagementServer.PeriodicInformInterval notification 2 access-list Subscriber" \
    "[session 3] <- AddObjectResponse instance 3 status 0" \
    "[session 3] <- DeleteObjectResponse status 0" \
    "[session 4] expect ok: event M Download key dl-1" \
    "[session 4] <- TransferComplete key dl-1 fault 0 start 0001-01-01T00:00:00Z complete 0001-01-01T00:00:00Z" \
    "[session 5] <- TransferComplete key dl-2 fault 9010 (Download failed) start" \
    "[session 6] Inform in urn:dslforum-org:cwmp-1-2, but this HeMS speaks only urn:dslforum-org:cwmp-1-0" \
    "[session 7] <- empty POST, although request hems-7-1 is unanswered" \
    "[session 8] -> InformResponse (urn:dslforum-org:cwmp-1-2) UseCWMPVersion 1.4" \
    "[session 8] connection closed before the session was released" \
    "[session 9] holding the answer for ever (never-release hang)" \
    "[session 9] connection closed before the session was released" \
    "[session 10] never released: session 11 started" \
    "[session 11] -> connection reset"; do
    check "self-test log: $line" grep -qF "$line" "$SELF"
done
check "self-test: Connection Requests to the Inform's ConnectionRequestURL (auto) after session 12" \
    wait_eval 5 '[ "$(grep -c "connection-request GET http://$FILES_IP:8080/files/image.bin -> 200" "$SELF")" = 2 ]'
"$HENB_TOOLS_DIR/validate-envelopes" "$HENB_SPEC_DIR" "$WORK/fake-cpe" >"$WORK/validate-hems.log" 2>&1; rc=$?
if [ $rc = 77 ]; then ok "# SKIP HeMS envelopes vs BBF XSD: $(cat "$WORK/validate-hems.log")"; else
    check_eq "every envelope the HeMS sent validates against the BBF CWMP XSD" "0" "$rc"; fi

kill "$HEMS_PID_serving"
check "at exit, the script's sessions that never happened" wait_for 5 grep -q "script: session 5 never happened" "$LOG"

# every envelope henbd received and sent, but for the two made-up methods and the hostile input
traced=()
for f in "$WORK"/trace/*.xml; do case "$f" in *-received-X_* | *-received-Malformed*) ;; *) traced+=("$f");; esac; done
validate_trace "${traced[@]}" >"$WORK/validate.log" 2>&1; rc=$?
if [ $rc = 77 ]; then ok "# SKIP envelopes vs BBF XSD: $(cat "$WORK/validate.log")"; else
    check_eq "every traced envelope but the made-up methods and hostile input validates against the BBF CWMP XSD" "0" "$rc"; fi
finish
