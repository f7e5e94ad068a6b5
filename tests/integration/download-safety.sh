#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A hostile HeMS and Download (issue 9). 1. The Serving HeMS: a CommandKey that is a path
# traversal writes nothing outside the download folder, a TargetFileName that is not one plain
# name is refused (9003), a FileSize beyond [Device] DownloadMaxSize too (9004), a body that
# grows beyond it is cut off (TransferComplete 9017, with and without Content-Length), and the
# file leaves the folder once its TransferComplete is delivered. 2. Discovery: the Initial HeMS
# may only read and set values (9001 for the rest, nothing changes, discovery goes on).
. "$(dirname "$0")/../lib/common.sh"

MS=Device.ManagementServer.
FILES=https://serving.henb.test:7548/files
PWNED="x/../../../../PWNED"
# four folders deep: the traversal of the CommandKey, as henbd used to build the path, lands in
# $WORK/a, where the test can count it
DL=$WORK/a/b/c/downloads
BOUND=65536
mkdir -p "$WORK/files" "$WORK/a/b/c"
head -c 4096 /dev/urandom >"$WORK/files/fw.bin"
head -c $((BOUND * 3)) /dev/urandom >"$WORK/files/big.bin"

# --- 1. the Serving HeMS ------------------------------------------------------------------
cat >"$WORK/serving.script" <<EOF
session 1
rpc Configure
rpc SetParameterValues key=retry ${MS}CWMPRetryMinimumWaitInterval=xsd:unsignedInt:1
rpc Download "$PWNED" "1 Firmware Upgrade Image" $FILES/fw.bin
rpc Download dl-dotdot "3 Vendor Configuration File" $FILES/fw.bin target=../evil
rpc Download dl-slash "3 Vendor Configuration File" $FILES/fw.bin target=a/b
rpc Download dl-huge "1 Firmware Upgrade Image" $FILES/fw.bin size=$((BOUND + 1))
release

# after the reboot into the image
session 2
expect-event "1 BOOT"
expect-event "7 TRANSFER COMPLETE"
expect-event "M Download" "$PWNED"
rpc Download dl-big "3 Vendor Configuration File" $FILES/big.bin
release

session 3
expect-event "M Download" dl-big
rpc Download dl-stream "3 Vendor Configuration File" $FILES/big.bin?chunked=1
release

session 4
expect-event "M Download" dl-stream
release

session *
release
EOF

start_hems_pair --s1 10.17.0.1 --script "$WORK/serving.script" --file-server "$WORK/files"
write_factory https://hems.henb.test:7547/cwmp "[ConnectionRequest]" "Address=$NET.9" \
    "[Device]" "DownloadDirectory=$DL" "DownloadMaxSize=64K"
start_henbd
check "registered" wait_final 30
LOG=$WORK/serving.log

check "a CommandKey that is a path: accepted, it names no file" \
    grep -q "\[session 1\] <- DownloadResponse status 1" "$LOG"
check "TargetFileName ../evil: 9003 saying what is wrong" \
    grep -q "<- Fault 9003 Invalid arguments: TargetFileName '../evil' contains a path separator ('/')" "$LOG"
check "TargetFileName a/b: 9003 saying what is wrong" \
    grep -q "<- Fault 9003 Invalid arguments: TargetFileName 'a/b' contains a path separator ('/')" "$LOG"
check "FileSize beyond DownloadMaxSize: 9004 saying so" \
    grep -q "<- Fault 9004 Resources exceeded: FileSize $((BOUND + 1)) bytes, but a download may take $BOUND bytes here" "$LOG"
check "the transfer completes normally (TransferComplete after the reboot into the image)" \
    wait_for 30 grep -Eq "<- TransferComplete key x/\.\./\.\./\.\./\.\./PWNED fault 0 start 20" "$LOG"
check "the file had henbd's own name in the download folder" \
    grep -q "Download '$PWNED': 4096 bytes in $DL/download$" "$WORK/henbd.log"
check_eq "files outside the download folder: 0 (the CommandKey $PWNED wrote none)" 0 \
    "$(find "$WORK/a" -path "$DL" -prune -o ! -type d -print | wc -l)"
check_eq "no file named after the CommandKey anywhere" "" \
    "$(find "$WORK" -name 'PWNED*'; find / -xdev -maxdepth 1 -name 'PWNED*' 2>/dev/null)"
check "no TransferComplete for the refused Downloads" bash -c "! grep -Eq '<- TransferComplete key dl-(dotdot|slash|huge)' '$LOG'"
check "TransferComplete delivered: the file is gone from the download folder" \
    wait_eval 10 "test -z \"\$(ls -A '$DL')\""

# FileSize unknown: no more than the bound is taken
check "a Content-Length beyond DownloadMaxSize: TransferComplete 9017" \
    wait_for 30 grep -q "<- TransferComplete key dl-big fault 9017 (.* announces $((BOUND * 3)) bytes, more than $BOUND (the most a download may take here))" "$LOG"
check "a chunked body growing beyond DownloadMaxSize is cut off: TransferComplete 9017" \
    wait_for 30 grep -q "<- TransferComplete key dl-stream fault 9017 (.* is larger than $BOUND bytes (the most a download may take here))" "$LOG"
check "nothing of them is left in the download folder" wait_eval 10 "test -z \"\$(ls -A '$DL')\""
check "the download folder is henbd's alone (0700)" test "$(stat -c %a "$DL")" = 700
check "every scripted expectation held" bash -c "! grep -q 'EXPECT FAILED' '$LOG'"

# --- 2. discovery from the factory: an Initial HeMS that tries everything before it hands
# out a second Serving HeMS ----------------------------------------------------------------
stop_henbd
cat >"$WORK/initial-hostile.script" <<EOF
session 1
rpc GetRPCMethods
rpc Download dl-discovery "1 Firmware Upgrade Image" $FILES/fw.bin
rpc Reboot discovery-reboot
rpc ScheduleInform 1 discovery-scheduled
rpc AddObject ${MS}InformParameter.
rpc SetParameterAttributes ${MS}PeriodicInformInterval=2
rpc FactoryReset
rpc X_00005A_Vendor
rpc GetParameterValues ${MS}URL
rpc Configure
release
EOF
cat >"$WORK/serving2.script" <<EOF
session 1
expect-no-event "M Download"
expect-no-event "M Reboot"
expect-no-event "M ScheduleInform"
expect-no-event "7 TRANSFER COMPLETE"
rpc Configure
rpc GetParameterValues ${MS}InformParameterNumberOfEntries
rpc GetParameterAttributes ${MS}PeriodicInformInterval
release

session *
release
EOF
start_hems initial-hostile $INITIAL_IP:7546 --role initial $(tls_args hems-dns) \
    --serving-hems-url https://serving.henb.test:7549/cwmp --script "$WORK/initial-hostile.script"
start_hems serving2 $SERVING_IP:7549 --role serving $(tls_args hems-dns) --s1 10.17.0.1 \
    --script "$WORK/serving2.script"
write_factory https://hems.henb.test:7546/cwmp "[ConnectionRequest]" "Address=$NET.9" \
    "[Device]" "DownloadDirectory=$DL" "DownloadMaxSize=64K"
rm -rf "${WORK:?}/state"
start_henbd
check "discovery: registered after the refusals" wait_final 30
INITIAL=$WORK/initial-hostile.log
LOG2=$WORK/serving2.log

check "discovery: GetRPCMethods lists only the methods the Initial HeMS may use" \
    grep -q "\[session 1\] <- GetRPCMethodsResponse GetRPCMethods, SetParameterValues, GetParameterValues, GetParameterNames, GetParameterAttributes$" "$INITIAL"
for m in Download Reboot ScheduleInform AddObject SetParameterAttributes FactoryReset X_00005A_Vendor; do
    check "discovery: $m is refused with 9001, saying why" \
        grep -q "\[session 1\] <- Fault 9001 Request denied: $m is not allowed during discovery" "$INITIAL"
done
check "discovery: the refusals are logged" \
    grep -q "answering Download with fault 9001: Request denied: Download is not allowed during discovery" "$WORK/henbd.log"
check "discovery: reading values still works" \
    grep -q "\[session 1\] <- GetParameterValuesResponse 1 parameters" "$INITIAL"
check "discovery: the refused requests queued no event (M Download, M Reboot, M ScheduleInform)" \
    bash -c "grep -q '\[session 1\] expect ok: no event M Reboot' '$LOG2' && ! grep -q 'EXPECT FAILED' '$LOG2'"
check "discovery: the refused AddObject added no InformParameter" \
    grep -q "\[session 1\]    ${MS}InformParameterNumberOfEntries = 0$" "$LOG2"
check "discovery: the refused SetParameterAttributes changed no attribute" \
    grep -q "\[session 1\]    ${MS}PeriodicInformInterval notification 0 " "$LOG2"
check "discovery: no Download, Reboot, ScheduleInform or FactoryReset was taken on" \
    bash -c "! grep -Eq '<- (Download|Reboot|ScheduleInform|FactoryReset|AddObject|SetParameterAttributes)Response' '$INITIAL'"
finish
