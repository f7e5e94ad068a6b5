#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What a TLS session costs in files (issue 12): the operator root CA is henbd's only trust
# anchor, so the host's CA bundle is never read (glib-networking used to load it for every
# connection); the device certificate, key and root CA are read once and kept across
# sessions, and read again once they change on disk. Counted with strace on henbd's openat.
. "$(dirname "$0")/../lib/common.sh"
command -v strace >/dev/null || skip_all "strace is not installed (tests/tools/install-deps)"

start_hems_pair --s1 10.41.0.1
write_factory https://hems.henb.test:7547/cwmp
TRACE=$WORK/openat.log
# (-I1: strace running a program ignores SIGTERM by default, and the cleanup sends that)
HENBD_WRAPPER="strace -I1 -f -qq -e trace=openat -o $TRACE" start_henbd
# HENBD_PID is strace's; henbd itself is its child, stopped by the cleanup too
REAL_PID=$(pgrep -P "$HENBD_PID" | head -1)
[ -n "$REAL_PID" ] && PIDS+=("$REAL_PID")
check "registered over TLS (both HeMS)" wait_final 30

# the host's trust store, wherever GnuTLS looks for it (/etc/ssl/certs/ca-certificates.crt
# on Debian); the test's files live in $WORK
host_bundle_opens() { grep -v "$WORK" "$TRACE" | grep -cE '"/etc/ssl/|"/usr/share/ca-certificates/|"/etc/pki/'; }
device_opens() { grep -c "\"$WORK/pki/device.pem\"" "$TRACE"; }
check_eq "the host's CA bundle was not read for the two TLS sessions" 0 "$(host_bundle_opens)"
first=$(device_opens)
check "the device certificate was read" test "$first" -ge 1

# two more sessions with each HeMS: the credentials are kept
before=$(grep -c "Inform (" "$WORK/initial.log")
henbctl_ rediscover >/dev/null
check "rediscover: registered again" wait_final 30
check_eq "rediscover: a new session with the Initial HeMS" "$((before + 1))" "$(grep -c "Inform (" "$WORK/initial.log")"
check_eq "the device certificate was not read again for the same files" "$first" "$(device_opens)"
check_eq "still no read of the host's CA bundle" 0 "$(host_bundle_opens)"

# new files (a certificate of the rogue CA, which the HeMS refuses): the next session uses them
cp "$WORK/pki/device.pem" "$WORK/pki/device.pem.good"
cp "$WORK/pki/device.key" "$WORK/pki/device.key.good"
cp "$WORK/pki/hems-rogue.pem" "$WORK/pki/device.pem.new" && mv "$WORK/pki/device.pem.new" "$WORK/pki/device.pem"
cp "$WORK/pki/hems-rogue.key" "$WORK/pki/device.key.new" && mv "$WORK/pki/device.key.new" "$WORK/pki/device.key"
henbctl_ rediscover >/dev/null
check "replaced device certificate: the HeMS refuses it, registration fails" \
    wait_eval 30 '[ "$(prop "" State)" = -1 ]'
check "the Initial HeMS saw the new client certificate (refused)" grep -q "client certificate refused" "$WORK/initial.log"
check "the new files were read" test "$(device_opens)" -gt "$first"

# the right files back (the same paths, other inodes): registered again
mv "$WORK/pki/device.pem.good" "$WORK/pki/device.pem"
mv "$WORK/pki/device.key.good" "$WORK/pki/device.key"
henbctl_ rediscover >/dev/null
check "the device certificate restored: registered again" wait_final 30
check_eq "no read of the host's CA bundle in any session" 0 "$(host_bundle_opens)"
# henbd first, so that strace ends with it
kill "$REAL_PID"
wait "$HENBD_PID"
HENBD_PID=
finish
