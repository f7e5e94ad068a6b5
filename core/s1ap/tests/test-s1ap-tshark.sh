#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The S1 Setup messages henbd's codec encodes, as Debian's tshark decodes them: every IE with
# the value given, and nothing tshark finds malformed. Needs tshark and text2pcap (Debian's
# tshark package); outside CI their absence skips the test, with CI=true it fails it.
# Usage: test-s1ap-tshark.sh S1AP-VECTORS-PROGRAM
set -u

vectors=$1

if ! command -v tshark >/dev/null 2>&1 || ! command -v text2pcap >/dev/null 2>&1; then
    if [ "${CI:-}" = true ]; then
        echo "Bail out! tshark or text2pcap is not installed"
        exit 1
    fi
    echo "1..0 # SKIP tshark or text2pcap is not installed"
    exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# expect FRAME TEXT: the verbose decode of FRAME has a line containing TEXT
expect() {
    if grep -qF -- "$2" "$work/frame$1.txt"; then
        ok "frame $1: $2"
    else
        not_ok "frame $1: $2" "not in tshark's decode:" "$(sed -n '/S1 Application Protocol/,$p' "$work/frame$1.txt" | head -60)"
    fi
}

if ! "$vectors" >"$work/s1ap.txt" 2>"$work/vectors.err"; then
    echo "Bail out! $vectors failed: $(cat "$work/vectors.err")"
    exit 1
fi
# SCTP DATA chunks between the S1AP ports, payload protocol 18 (S1AP)
if ! text2pcap -q -S 36412,36412,18 "$work/s1ap.txt" "$work/s1ap.pcap" 2>"$work/text2pcap.err"; then
    echo "Bail out! text2pcap failed: $(cat "$work/text2pcap.err")"
    exit 1
fi
if ! tshark -r "$work/s1ap.pcap" -V -O s1ap >"$work/decoded.txt" 2>"$work/tshark.err"; then
    echo "Bail out! tshark failed: $(cat "$work/tshark.err")"
    exit 1
fi
# one file per frame: each starts with its "Frame N:" line
awk -v dir="$work" '/^Frame [0-9]+:/ { file = dir "/frame" $2; sub(/:$/, ".txt", file) } file { print > file }' \
    "$work/decoded.txt"
# S1AP_TSHARK_SHOW=1: the S1SetupRequest as tshark decodes it, as TAP comments
if [ "${S1AP_TSHARK_SHOW:-}" = 1 ]; then
    sed -n '/S1 Application Protocol/,$p' "$work/frame1.txt" | sed 's/^/# /'
fi

echo "1..51"

expect 1 "initiatingMessage"
expect 1 "procedureCode: id-S1Setup (17)"
expect 1 "S1SetupRequest"
expect 1 "protocolIEs: 4 items"
expect 1 "pLMNidentity: 99f907"
expect 1 "Mobile Country Code (MCC): Private network (999)"
expect 1 "Mobile Network Code (MNC): Unknown (70)"
expect 1 "eNB-ID: homeENB-ID (1)"
expect 1 "bit length 28, 4 LSB pad bits"
expect 1 "decimal value 27440068"
expect 1 "ENBname: HeNB-0001"
expect 1 "SupportedTAs: 2 items"
expect 1 "tAC: 1 (0x0001)"
expect 1 "tAC: 4660 (0x1234)"
expect 1 "broadcastPLMNs: 2 items"
expect 1 "PLMNidentity: 00f110"
expect 1 "PagingDRX: v128 (2)"

expect 2 "successfulOutcome"
expect 2 "S1SetupResponse"
expect 2 "MMEname: open5gs-mme0"
expect 2 "ServedGUMMEIs: 1 item"
expect 2 "PLMNidentity: 99f907"
expect 2 "MME-Group-ID: 2 (0x0002)"
expect 2 "MME-Code: 1 (0x01)"
expect 2 "RelativeMMECapacity: 255"

expect 3 "unsuccessfulOutcome"
expect 3 "S1SetupFailure"
expect 3 "misc: unknown-PLMN (5)"
expect 3 "TimeToWait: v10s (3)"

expect 4 "protocolIEs: 3 items"
expect 4 "pLMNidentity: 00f110"
expect 4 "eNB-ID: macroENB-ID (0)"
expect 4 "decimal value 703710"
expect 4 "tAC: 7 (0x0007)"
expect 4 "PagingDRX: v32 (0)"

expect 5 "radioNetwork: invalid-CSG-Id (38)"
expect 5 "TimeToWait: v60s (5)"

expect 6 "MMEname: ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRST"
expect 6 "ServedGUMMEIs: 2 items"
expect 6 "servedPLMNs: 3 items"
expect 6 "PLMNidentity: 130014"
expect 6 "PLMNidentity: 62f210"
expect 6 "servedGroupIDs: 3 items"
expect 6 "MME-Group-ID: 32769 (0x8001)"
expect 6 "MME-Group-ID: 65535 (0xffff)"
expect 6 "servedMMECs: 4 items"
expect 6 "MME-Code: 127 (0x7f)"
expect 6 "MME-Code: 255 (0xff)"
expect 6 "RelativeMMECapacity: 0"

# nothing tshark could not decode, and no trailing octets
if cat "$work"/frame?.txt | grep -qiE 'malformed|expert info|unknown PER|undecoded|\[Error'; then
    not_ok "tshark decodes everything" "$(cat "$work"/frame?.txt | grep -iE 'malformed|expert info|unknown PER|undecoded|\[Error' | head -5)"
else
    ok "tshark decodes everything"
fi
if [ "$(cat "$work"/frame?.txt | grep -c '^S1 Application Protocol')" = 6 ]; then
    ok "six S1AP messages"
else
    not_ok "six S1AP messages" "$(grep -c 'S1 Application Protocol' "$work"/frame?.txt)"
fi
exit $failed
