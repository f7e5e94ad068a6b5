#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Sessions henbd opens by itself once registered: periodic Informs (PeriodicInformEnable,
# Interval, Time) and Connection Requests (Digest-authenticated HTTP GET on the Connection
# Request URL, rate-limited, wrong credentials refused).
. "$(dirname "$0")/../lib/common.sh"

MS=Device.ManagementServer.
cat >"$WORK/serving.script" <<EOF
session 1
rpc Configure
rpc SetParameterValues key=cr-1 ${MS}ConnectionRequestUsername=acs ${MS}ConnectionRequestPassword=cr-secret
connection-request
release

session 2
expect-event "6 CONNECTION REQUEST"
expect-param ${MS}ConnectionRequestURL
rpc SetParameterValues key=periodic-1 ${MS}PeriodicInformEnable=xsd:boolean:true ${MS}PeriodicInformInterval=xsd:unsignedInt:2
release

session *
release
EOF

start_hems_pair --s1 10.13.0.1 \
    --script "$WORK/serving.script" --connection-request auto --cr-username acs --cr-password cr-secret
write_factory https://hems.henb.test:7547/cwmp "[ConnectionRequest]" "Address=$NET.9" "MinInterval=2"
start_henbd
check "registered" wait_final 30
LOG=$WORK/serving.log

# Connection Request
CR_URL=$(prop Management ConnectionRequestURL | tr -d "'")
check_contains "the Connection Request URL is on the management address, with a random path" \
    "http://$NET.9:7547/" "$CR_URL"
check "the registration Inform already carried the Connection Request URL" \
    grep -q "\[session 1\]    ${MS}ConnectionRequestURL = http://$NET.9:7547/" "$LOG"
check "Connection Request with the configured credentials: 200" wait_for 10 grep -q "connection-request GET .* -> 200" "$LOG"
check "... and a session with 6 CONNECTION REQUEST" wait_for 10 grep -q "\[session 2\] from .*events: 6 CONNECTION REQUEST;" "$LOG"
check_eq "wrong password: 401" "401" "$(curl -s -o /dev/null -w '%{http_code}' --digest -u acs:wrong "$CR_URL")"
check_eq "no credentials: 401 with a Digest challenge" "401" "$(curl -s -o /dev/null -w '%{http_code}' "$CR_URL")"
check_eq "wrong path: 404" "404" "$(curl -s -o /dev/null -w '%{http_code}' --digest -u acs:cr-secret "http://$NET.9:7547/nothing")"
sleep 2.2
first=$(curl -s -o /dev/null -w '%{http_code}' --digest -u acs:cr-secret "$CR_URL")
second=$(curl -s -o /dev/null -w '%{http_code}' --digest -u acs:cr-secret "$CR_URL")
check_eq "two requests within MinInterval: 200 then 503" "200 503" "$first $second"
check "the accepted one opened a session, the refused ones did not" \
    wait_for 10 bash -c "test \$(grep -c 'events: [^;]*6 CONNECTION REQUEST' '$LOG') = 2"
sleep 1
check_eq "... and no more than that" "2" "$(grep -c 'events: [^;]*6 CONNECTION REQUEST' "$LOG")"
check "no critical message from henbd" bash -c "! grep -q 'CRITICAL' '$WORK/henbd.log'"

# periodic Inform every 2 s (set in session 2)
check "periodic Informs follow" wait_for 15 bash -c "test \$(grep -c 'events: 2 PERIODIC;' '$LOG') -ge 3"
times=$(grep "events: 2 PERIODIC;" "$LOG" | head -3 | awk '{split($1,t,":"); print t[1]*3600+t[2]*60+t[3]}')
gaps=$(echo "$times" | awk 'NR>1 {printf "%.1f ", $1-prev} {prev=$1}')
echo "# periodic gaps: $gaps s (interval 2 s)"
check "periodic Informs come every 2 s (1.5..3 s apart)" \
    awk -v g="$gaps" 'BEGIN {n=split(g,a," "); for (i=1;i<=n;i++) if (a[i]<1.5 || a[i]>3) exit 1}'
check_eq "Management: no retry pending" "int64 0" "$(prop Management NextAttempt)"
check_contains "henbctl status: the Connection Request URL" "connection requests: $CR_URL" "$(henbctl_ status)"
check_contains "henbctl status: the sessions after registration" "sessions after registration: " "$(henbctl_ status)"
check "henbctl status --json: management, sessions counted, last one ok" \
    test "$(json "s['management']['session_count'] >= 3 and s['management']['last_session_result'] == 'ok'")" = True
check "every scripted expectation held" bash -c "! grep -q 'EXPECT FAILED' '$LOG'"
finish
