#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# CWMP interoperability options: a HeMS that speaks cwmp-1-0, HTTP Digest and Basic
# authentication with the TR-069 default username, the S1 hand-off through a command.
. "$(dirname "$0")/../lib/common.sh"

make_pki
start_bus
start_dns hems.henb.test=$INITIAL_IP serving.henb.test=$SERVING_IP
USER="00005A-HeNB-SN%2D$HENB_TEST_NET"   # OUI-ProductClass-SerialNumber, '-' escaped inside fields
start_hems ns10 $INITIAL_IP:7001 --role initial $(tls_args hems-dns) --cwmp-ns 1.0 \
    --serving-hems-url https://serving.henb.test:7548/cwmp
start_hems digest $INITIAL_IP:7002 --role initial $(tls_args hems-dns) --auth digest \
    --username "$USER" --password s3cret --serving-hems-url https://serving.henb.test:7548/cwmp
start_hems serving $SERVING_IP:7548 --role serving $(tls_args hems-dns) --auth basic \
    --username "$USER" --password s3cret --s1 10.30.0.1,10.30.0.2 --s1-ipsec true --s1-port 36412

run_case() {
    local url=$1; shift
    stop_henbd
    rm -rf "$WORK/state"
    write_factory "$url" "$@"
    start_henbd
    wait_final 30
}

# cwmp-1-0 HeMS, Digest at the Initial HeMS, Basic at the Serving HeMS
run_case https://hems.henb.test:7001/cwmp "[CWMP]" "Password=s3cret"
check_eq "cwmp-1-0 HeMS: registered" "6" "$(prop '' State)"
check "cwmp-1-0 HeMS: the HeMS answered in cwmp-1-0" grep -q "InformResponse (urn:dslforum-org:cwmp-1-0)" "$WORK/ns10.log"
check "cwmp-1-0 HeMS: henbd answered SetParameterValues in cwmp-1-0" \
    grep -q 'xmlns:cwmp="urn:dslforum-org:cwmp-1-0"' "$WORK/trace/0004-sent-SetParameterValuesResponse.xml"
check "cwmp-1-0 HeMS: henbd's first Inform was cwmp-1-2" grep -q 'cwmp-1-2' "$WORK/trace/0001-sent-Inform.xml"
check "cwmp-1-0 HeMS: henbd echoed the HeMS's cwmp:ID" \
    grep -q ">hems-1-spv</cwmp:ID>" "$WORK/trace/0004-sent-SetParameterValuesResponse.xml"
check "Basic authentication at the Serving HeMS with OUI-ProductClass-SerialNumber" grep -q "Inform (" "$WORK/serving.log"

run_case https://hems.henb.test:7002/cwmp "[CWMP]" "Password=s3cret"
check_eq "Digest authentication: registered" "6" "$(prop '' State)"

run_case https://hems.henb.test:7002/cwmp "[CWMP]" "Password=wrong"
check_eq "wrong password: failed with reason http (7)" "-1 uint32 7" "$(prop '' State) $(prop '' StateFailedReason)"
check_contains "wrong password: Cwmp.AuthFailed" "org.henbd.HeNB1.Error.Cwmp.AuthFailed" "$(prop '' LastError)"

# SetParameterValues is all or nothing: one bad parameter and nothing is applied
printf '[Parameters]\nDevice.ManagementServer.PeriodicInformInterval=xsd:unsignedInt 600\nDevice.DeviceInfo.SerialNumber=stolen\nDevice.NoSuchObject.Value=1\n' >"$WORK/bad-values.conf"
start_hems badspv $INITIAL_IP:7003 --role initial $(tls_args hems-dns) \
    --serving-hems-url https://serving.henb.test:7548/cwmp --values "$WORK/bad-values.conf"
run_case https://hems.henb.test:7003/cwmp "[CWMP]" "Password=s3cret"
check "bad SPV: henbd answered fault 9003" grep -q "<- Fault 9003 Invalid arguments" "$WORK/badspv.log"
check "bad SPV: 9008 for the read-only SerialNumber" grep -q "Device.DeviceInfo.SerialNumber: 9008" "$WORK/badspv.log"
check "bad SPV: 9005 for the unknown name" grep -q "Device.NoSuchObject.Value: 9005" "$WORK/badspv.log"
check_eq "bad SPV: nothing applied, so no Serving HeMS (no-serving-hems)" "uint32 9" "$(prop '' StateFailedReason)"
check "bad SPV: the valid URL in the same request was not stored" test "$(grep -c "ManagementServer.URL" "$WORK/state/henbd.state")" = 0
printf '[Parameters]\nDevice.ManagementServer.PeriodicInformInterval=xsd:unsignedInt 600\n' >"$WORK/good-values.conf"
start_hems goodspv $INITIAL_IP:7004 --role initial $(tls_args hems-dns) \
    --serving-hems-url https://serving.henb.test:7548/cwmp --values "$WORK/good-values.conf"
run_case https://hems.henb.test:7004/cwmp "[CWMP]" "Password=s3cret"
check_eq "values file: registered" "6" "$(prop '' State)"
check "values file: the extra parameter was applied and persisted" grep -q "PeriodicInformInterval=600" "$WORK/state/henbd.state"

# S1 hand-off through a command
cat >"$WORK/s1-ok.sh" <<EOS
#!/bin/sh
env | grep '^HENB_S1_' | sort > "$WORK/s1.env"
EOS
printf '#!/bin/sh\necho "SCTP association refused by 10.30.0.1" >&2\nexit 3\n' >"$WORK/s1-fail.sh"
chmod +x "$WORK/s1-ok.sh" "$WORK/s1-fail.sh"
run_case https://hems.henb.test:7002/cwmp "[CWMP]" "Password=s3cret" "[S1]" "Command=$WORK/s1-ok.sh"
check_eq "S1 command: registered" "6" "$(prop '' State)"
# the HeMS asks for S1 over IPsec, but there is no tunnel: S1 goes without it, and henbd says so
check_eq "S1 command: got the S1 parameters, IPsec off without a tunnel" \
    "HENB_S1_ADDRESSES=10.30.0.1,10.30.0.2 HENB_S1_IPSEC=0 HENB_S1_MODE=One HENB_S1_PORT=36412" \
    "$(tr '\n' ' ' <"$WORK/s1.env" | sed 's/ $//')"
check "S1 command: the IPsec indicator refused for want of a tunnel, logged" \
    grep -q "S1IPsecUsed is true, but no tunnel to a Serving SeGW exists: S1 is handed off without IPsec" "$WORK/henbd.log"
run_case https://hems.henb.test:7002/cwmp "[CWMP]" "Password=s3cret" "[S1]" "Command=$WORK/s1-fail.sh"
check_eq "failing S1 command: reason s1-setup (11)" "uint32 11" "$(prop '' StateFailedReason)"
check_contains "failing S1 command: its status and message" "S1 command exited with status 3: SCTP association refused by 10.30.0.1" "$(prop '' LastError)"
finish
