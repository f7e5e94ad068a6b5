#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A hostile Serving HeMS against henbd's bounds (issue 9, items 5, 6, 7 and 10):
# - 300 ScheduleInform RPCs: the ones past the bound get fault 9004, and no Inform carries more
#   than the 64 EventStructs the cwmp XSD allows;
# - a request over the 256 KiB envelope limit: fault 9004, and the session goes on;
# - SetParameterAttributes with 9000 times "Subscriber" in AccessList on Device.: the state
#   file and the GetParameterAttributesResponse stay small (sizes printed);
# - a HeMS answering every Inform with a Digest challenge carrying stale=true: the run ends as
#   Cwmp.AuthFailed (reason http) after as many tries as any run of 401s.
# Every envelope henbd sent validates against the BBF XSDs (finish).
. "$(dirname "$0")/../lib/common.sh"

MS=Device.ManagementServer.
SOAP='xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:cwmp="urn:dslforum-org:cwmp-1-2"'

# a GetParameterValues padded to 300 KiB with a comment
{
    printf '<soap:Envelope %s><soap:Header><cwmp:ID soap:mustUnderstand="1">hems-big</cwmp:ID></soap:Header><soap:Body>' "$SOAP"
    printf '<!-- %s -->' "$(head -c $((300 * 1024)) /dev/zero | tr '\0' 'p')"
    printf '<cwmp:GetParameterValues><ParameterNames soapenc:arrayType="xsd:string[1]"><string>%sParameterKey</string></ParameterNames></cwmp:GetParameterValues></soap:Body></soap:Envelope>' "$MS"
} >"$WORK/big.xml"
# SetParameterAttributes on Device. with an AccessList of 9000 "Subscriber", compact: under 256 KiB
{
    printf '<soap:Envelope %s><soap:Header><cwmp:ID soap:mustUnderstand="1">hems-spa</cwmp:ID></soap:Header><soap:Body>' "$SOAP"
    printf '<cwmp:SetParameterAttributes><ParameterList soapenc:arrayType="cwmp:SetParameterAttributesStruct[1]"><SetParameterAttributesStruct>'
    printf '<Name>Device.</Name><NotificationChange>false</NotificationChange><Notification>0</Notification><AccessListChange>true</AccessListChange>'
    printf '<AccessList soapenc:arrayType="xsd:string[9000]">'
    for _ in $(seq 9000); do printf '<string>Subscriber</string>'; done
    printf '</AccessList></SetParameterAttributesStruct></ParameterList></cwmp:SetParameterAttributes></soap:Body></soap:Envelope>'
} >"$WORK/spa-9000.xml"
echo "# requests: big.xml $(stat -c %s "$WORK/big.xml") bytes, spa-9000.xml $(stat -c %s "$WORK/spa-9000.xml") bytes"

{
    echo "session 1"
    echo "rpc Configure"
    for i in $(seq 300); do echo "rpc ScheduleInform 2 si-$i"; done
    echo "rpc Raw spa-9000.xml"
    echo "rpc GetParameterAttributes Device."
    echo "rpc Raw big.xml"
    echo "rpc GetParameterValues ${MS}ParameterKey"
    echo "release"
    echo
    echo "session 2"
    echo 'expect-event "3 SCHEDULED"'
    echo 'expect-event "M ScheduleInform" si-1'
    echo "rpc ScheduleInform 600 after-delivery"
    echo "release"
    echo
    echo "session *"
    echo "release"
} >"$WORK/serving.script"
# the HeMS of the last part: every Inform gets 401 with a fresh stale=true challenge
cat >"$WORK/stale.script" <<EOF
session *
inform-response http 401-always
EOF

make_pki
start_bus
start_dns hems.henb.test=$INITIAL_IP serving.henb.test=$SERVING_IP
start_hems initial $INITIAL_IP:7547 --role initial $(tls_args hems-dns) \
    --serving-hems-url https://serving.henb.test:7548/cwmp
start_hems serving $SERVING_IP:7548 --role serving $(tls_args hems-dns) --s1 10.20.0.1 --script "$WORK/serving.script"
start_hems initial_stale $INITIAL_IP:7546 --role initial $(tls_args hems-dns) \
    --serving-hems-url https://serving.henb.test:7549/cwmp
start_hems stale $SERVING_IP:7549 --role serving $(tls_args hems-dns) --s1 10.20.0.1 --script "$WORK/stale.script" \
    --auth digest --username "00005A-HeNB-SN%2D$HENB_TEST_NET" --password hems-pw

write_factory https://hems.henb.test:7547/cwmp "[Timeouts]" "Session=120"
start_henbd
check "registered through 300 ScheduleInforms, a 300 KiB request and a 9000-entry AccessList" wait_final 90
LOG=$WORK/serving.log

# 300 ScheduleInforms
accepted=$(grep -c "\[session 1\] <- ScheduleInformResponse" "$LOG")
refused=$(grep -c "\[session 1\] <- Fault 9004 Resources exceeded: .* no ScheduleInform is taken" "$LOG")
echo "# 300 ScheduleInform: $accepted accepted, $refused refused with 9004"
check_eq "300 ScheduleInforms: 47 accepted, the other 253 refused with 9004" "47 253" "$accepted $refused"
# each ScheduleInform is due 2 s after henbd took it; on a busy machine the 47 are taken over
# more time than it takes the first to fall due, so they may come in more than one session
keys_delivered() { grep -o '\[session [0-9]*\]    event M ScheduleInform key si-[0-9]*' "$LOG" | sed 's/.* key //'; }
check "the scheduled Informs came, the first in session 2" \
    wait_for 20 grep -q "\[session 2\] from .*events: 3 SCHEDULED" "$LOG"
check "... all 47 command keys delivered" wait_eval 30 '[ "$(keys_delivered | sort -u | wc -l)" = 47 ]'
check_eq "... each once" 47 "$(keys_delivered | wc -l)"
check "once they were delivered, ScheduleInform is accepted again" \
    wait_for 10 grep -q "\[session 2\] <- ScheduleInformResponse" "$LOG"
most=0
for f in "$WORK"/trace/*-sent-Inform.xml; do
    n=$(grep -c "<EventStruct>" "$f")
    [ "$n" -gt "$most" ] && most=$n
done
echo "# Informs sent: $(ls "$WORK"/trace/*-sent-Inform.xml | wc -l), most EventStructs in one: $most"
check "no Inform carried more than 64 EventStructs" test "$most" -le 64

# a request over 256 KiB
check_eq "a 300 KiB request: fault 9004" "[session 1] <- Fault 9004" \
    "$(grep -A1 -- '-> Raw .*big.xml' "$LOG" | tail -1 | grep -o '\[session 1\] <- Fault 9004')"
check "... and the next request in the session is answered" \
    bash -c "grep -A3 -- '-> Raw .*big.xml' '$LOG' | grep -q '\[session 1\] <- GetParameterValuesResponse 1 parameters'"
check "... henbd says why" grep -q "refusing an unreadable request with fault 9004: envelope of 30[0-9]* bytes exceeds the limit of 262144" "$WORK/henbd.log"

# 9000 x Subscriber
check "SetParameterAttributes with 9000 x Subscriber: accepted" \
    bash -c "grep -A1 -- '-> Raw .*spa-9000.xml' '$LOG' | grep -q '<- SetParameterAttributesResponse'"
state_size=$(stat -c %s "$WORK/state/henbd.state")
gpa=$(ls "$WORK"/trace/*-sent-GetParameterAttributesResponse.xml | tail -1)
gpa_size=$(stat -c %s "$gpa")
echo "# after 9000 x Subscriber on Device.: state file $state_size bytes, GetParameterAttributesResponse $gpa_size bytes"
# bounded per parameter of the model (one access list entry each), whatever the 9000 repeats
n_params=$(sed -n 's/.*\[session 1\] <- GetParameterAttributesResponse \([0-9]*\) parameters.*/\1/p' "$LOG" | tail -1)
echo "# $n_params parameters under Device."
check "the state file stays small (under 8 KiB + 96 bytes per parameter)" \
    test "$state_size" -lt $(( 8192 + 96 * ${n_params:-0} ))
check "the GetParameterAttributesResponse stays small (under 4 KiB + 384 bytes per parameter)" \
    test "$gpa_size" -lt $(( 4096 + 384 * ${n_params:-0} ))
check "each parameter has one access list entry" \
    bash -c "! grep -q 'access-list Subscriber,' '$LOG' && grep -q '\[session 1\]    ${MS}URL notification 0 access-list Subscriber$' '$LOG'"
check_eq "henbd is registered" "6" "$(prop '' State)"
check "every scripted expectation held" bash -c "! grep -q 'EXPECT FAILED' '$LOG'"

# every Inform answered with 401 and a fresh stale=true challenge
stop_henbd
rm -rf "$WORK/state"
write_factory https://hems.henb.test:7546/cwmp "[CWMP]" "Password=hems-pw"
start_henbd
wait_final 60
check_eq "401 stale=true to every try: reason http (7)" "uint32 7" "$(prop '' StateFailedReason)"
check_contains "... LastError Cwmp.AuthFailed" "org.henbd.HeNB1.Error.Cwmp.AuthFailed" \
    "$(json "s['last_error']['name'] + ' ' + s['last_error']['message']")"
challenges=$(grep -c "\[session 1\] -> HTTP 401 (authenticate again)" "$WORK/stale.log")
echo "# stale challenges answered by henbd with credentials, for the first Inform: $challenges"
check "... after the same bounded number of tries as any 401 run (2 answered stale challenges)" \
    test "$challenges" -eq 2
finish
