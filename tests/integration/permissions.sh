#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# henbd refuses to start while its device key is readable or writable by group or others, or
# its state folder or state file is writable by them (or, as root, belongs to another user),
# naming the file, its mode and why; once the mode is fixed it starts.
. "$(dirname "$0")/../lib/common.sh"

make_pki
start_bus
# nothing needs to be reached: henbd waits for Start
write_factory https://hems.henb.test:7547/cwmp "[Daemon]" "AutoStart=false"
KEY=$WORK/pki/device.key
STATE=$WORK/state
mkdir -m 0700 "$STATE"

# refused CASE MESSAGE: henbd exits 1 at once and prints MESSAGE
refused() {
    timeout "$(scaled 10)" "$HENBD" --session --config "$WORK/etc/factory.conf" --conf-dir "$WORK/etc/conf.d" \
        --state-dir "$STATE" --plugin-dir "$HENB_PLUGIN_DIR" >"$WORK/refused.log" 2>&1
    check_eq "$1: henbd refuses to start" "1" "$?"
    check_eq "$1: the error names the file, its mode and why" "henbd: $2" "$(cat "$WORK/refused.log")"
}
# starts CASE: henbd comes up on the bus and stops cleanly
starts() {
    start_henbd
    check_eq "$1: henbd starts" "1" "$(prop '' State)"
    stop_henbd
}

check_eq "make-pki leaves the device key 0600" "600" "$(stat -c %a "$KEY")"
starts "key 0600, state folder 0700"

chmod 0644 "$KEY"
refused "device key 0644" \
    "refusing to start: $KEY is readable by group and others (mode 0644); the device key must be 0600 or 0400"
chmod 0620 "$KEY"
refused "device key 0620" \
    "refusing to start: $KEY is writable by group (mode 0620); the device key must be 0600 or 0400"
chmod 0400 "$KEY"
starts "device key fixed to 0400"
chmod 0600 "$KEY"

chmod 0775 "$STATE"
refused "state folder 0775" \
    "refusing to start: $STATE is writable by group (mode 0775); the state directory must be writable by its owner only (0700)"
chmod 0700 "$STATE"
starts "state folder fixed to 0700"

check_eq "henbd wrote its state file 0600" "600" "$(stat -c %a "$STATE/henbd.state")"
chmod 0646 "$STATE/henbd.state"
refused "state file 0646" \
    "refusing to start: $STATE/henbd.state is writable by others (mode 0646); the state file must be writable by its owner only (0600)"
chmod 0600 "$STATE/henbd.state"
starts "state file fixed to 0600"

if [ "$(id -u)" = 0 ]; then
    chown nobody "$STATE"
    refused "state folder of another user" \
        "refusing to start: $STATE belongs to uid $(id -u nobody), neither root nor henbd's user (uid 0)"
    chown root "$STATE"
    chown nobody "$KEY"
    refused "device key of another user" \
        "refusing to start: $KEY belongs to uid $(id -u nobody), neither root nor henbd's user (uid 0)"
    chown root "$KEY"
    starts "owners fixed to root"
else
    ok "# SKIP files of another user: needs root to give them away"
fi
finish
