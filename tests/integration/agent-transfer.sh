#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Download and TransferComplete: a firmware image fetched over HTTPS from an authenticated file
# server, installed by ApplyCommand, a reboot into it, TransferComplete after the reboot (held
# back while the HeMS holds requests), a failed transfer per fault code (9016 missing file,
# 9018 wrong size, 9012 refused credentials), 9003/9013 for what cannot be downloaded, and a
# TransferComplete the HeMS answers with 8005 sent again on the retry schedule. An installed
# image leaves the download folder.
. "$(dirname "$0")/../lib/common.sh"

MS=Device.ManagementServer.
FILES=https://serving.henb.test:7548/files
mkdir -p "$WORK/files"
head -c 4096 /dev/urandom >"$WORK/files/fw.bin"
head -c 100 /dev/urandom >"$WORK/files/vendor.cfg"
cat >"$WORK/apply.sh" <<EOF
#!/bin/sh
echo "\$1|\$2|\$(stat -c %s "\$1")" >>"$WORK/applied.log"
cp "\$1" "$WORK/applied.bin"
EOF
chmod +x "$WORK/apply.sh"

cat >"$WORK/serving.script" <<EOF
session 1
rpc Configure
rpc SetParameterValues key=retry ${MS}CWMPRetryMinimumWaitInterval=xsd:unsignedInt:1
rpc Download dl-ftp "1 Firmware Upgrade Image" ftp://serving.henb.test/fw.bin
rpc Download dl-type "2 Web Content" $FILES/fw.bin
rpc Download dl-fw "1 Firmware Upgrade Image" $FILES/fw.bin size=4096 user=fs pass=fs-pass delay=1 target=fw.bin
rpc Download dl-busy "3 Vendor Configuration File" $FILES/vendor.cfg user=fs pass=fs-pass
release

# after the reboot into the new firmware; the HeMS holds requests at first
session 2
expect-event "1 BOOT"
expect-event "7 TRANSFER COMPLETE"
expect-event "M Download" dl-fw
inform-response hold
rpc GetParameterValues Device.DeviceInfo.SoftwareVersion
rpc ScheduleInform 1 next
release

# one transfer at a time, its TransferComplete included: the next one now
session 3
expect-event "M ScheduleInform" next
rpc Download dl-missing "3 Vendor Configuration File" $FILES/missing.cfg user=fs pass=fs-pass
release

session 4
expect-event "7 TRANSFER COMPLETE"
expect-event "M Download" dl-missing
transfer-complete-response fault 8005
release

session 5
expect-event "7 TRANSFER COMPLETE"
expect-event "M Download" dl-missing
rpc Download dl-size "3 Vendor Configuration File" $FILES/vendor.cfg user=fs pass=fs-pass size=99
release

session 6
expect-event "M Download" dl-size
rpc Download dl-auth "3 Vendor Configuration File" $FILES/vendor.cfg user=fs pass=wrong
release

session 7
expect-event "M Download" dl-auth
release

session *
release
EOF

start_hems_pair --s1 10.15.0.1 \
    --script "$WORK/serving.script" --file-server "$WORK/files" --file-auth basic --file-username fs --file-password fs-pass
write_factory https://hems.henb.test:7547/cwmp "[ConnectionRequest]" "Address=$NET.9" \
    "[Device]" "ApplyCommand=$WORK/apply.sh" "DownloadDirectory=$WORK/downloads"
start_henbd
check "registered" wait_final 30
LOG=$WORK/serving.log

check "ftp:// is not supported: 9013" grep -q "<- Fault 9013" "$LOG"
check "an unsupported FileType: 9003" grep -q "<- Fault 9003" "$LOG"
check "Download accepted for later: Status 1, unknown times" \
    grep -q "<- DownloadResponse status 1 start 0001-01-01T00:00:00Z complete 0001-01-01T00:00:00Z" "$LOG"
check "one transfer at a time: 9004" grep -q "<- Fault 9004" "$LOG"
check "the file server saw the authenticated download" wait_for 20 grep -q "file GET /files/fw.bin from .* -> 200 bytes 4096" "$LOG"
check "ApplyCommand installed the image: path, FileType, size" \
    wait_for 10 grep -q "^$WORK/downloads/fw.bin|1 Firmware Upgrade Image|4096$" "$WORK/applied.log"
check "the image arrived intact" cmp -s "$WORK/files/fw.bin" "$WORK/applied.bin"
check "installed: the image is gone from the download folder" wait_for 10 test ! -e "$WORK/downloads/fw.bin"
check "a reboot into it: 1 BOOT, 7 TRANSFER COMPLETE, M Download" \
    wait_for 20 grep -q "\[session 2\] from .*events: .*1 BOOT" "$LOG"
check "TransferComplete: CommandKey, no fault, start and completion times" \
    wait_for 10 grep -Eq "<- TransferComplete key dl-fw fault 0 start 20[0-9-]+T[0-9:]+Z complete 20[0-9-]+T[0-9:]+Z" "$LOG"
check "HoldRequests: TransferComplete only after the HeMS's own requests" \
    test "$(sed -n '/\[session 2\] from/,$p' "$LOG" | grep -m2 "<- ScheduleInformResponse\|<- TransferComplete key dl-fw" | head -1 | grep -c ScheduleInformResponse)" = 1
check "missing file: TransferComplete with 9016" wait_for 20 grep -q "<- TransferComplete key dl-missing fault 9016" "$LOG"
check "answered 8005: the same TransferComplete again, on the retry schedule" \
    wait_for 20 bash -c "test \$(grep -c '<- TransferComplete key dl-missing fault 9016' '$LOG') = 2"
check "RetryCount 1 in the Inform of that retry" grep -q "\[session 5\] from .*RetryCount 1;" "$LOG"
check "wrong FileSize: 9018" wait_for 20 grep -q "<- TransferComplete key dl-size fault 9018" "$LOG"
check "the wrong-size file is not kept" test ! -e "$WORK/downloads/vendor.cfg"
check "credentials refused by the file server: 9012" wait_for 20 grep -q "<- TransferComplete key dl-auth fault 9012" "$LOG"
check "ApplyCommand ran only for the good image" test "$(wc -l <"$WORK/applied.log")" = 1
check "every transfer reported: the download folder is empty, no temporary file either" \
    wait_eval 10 "test -z \"\$(ls -A '$WORK/downloads')\""
check "every scripted expectation held" bash -c "! grep -q 'EXPECT FAILED' '$LOG'"
# the bus shows a session's end within MANAGEMENT_UPDATE_MS (merged updates)
check "nothing left pending" wait_eval 10 '[ "$(prop Management PendingEvents)" = "@as []" ]'
finish
