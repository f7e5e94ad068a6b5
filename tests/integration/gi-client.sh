#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# libhenb-glib through GObject introspection (Henb-1.0), as a Python control panel would use it:
# every D-Bus property of introspection/*.xml must be a HenbClient property that reads what the
# bus says and notifies its changes.
. "$(dirname "$0")/../lib/common.sh"

PYTHON=(/usr/bin/python3)
# a sanitizer build (tests/sanitize/run-sanitized): the runtime first; Python's own leaks are not ours
[ -n "${HENB_SANITIZER_PRELOAD:-}" ] &&
    PYTHON=(env LD_PRELOAD="$HENB_SANITIZER_PRELOAD" ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" /usr/bin/python3)
"${PYTHON[@]}" -c 'import gi; gi.require_version("Henb", "1.0"); from gi.repository import Henb' 2>/dev/null ||
    skip_all "python3-gi or the Henb typelib is not available"

make_pki
start_bus
start_dns hems.henb.test=$INITIAL_IP serving.henb.test=$SERVING_IP
start_hems initial $INITIAL_IP:7547 --role initial $(tls_args hems-dns) \
    --serving-hems-url https://serving.henb.test:7548/cwmp
start_hems serving $SERVING_IP:7548 --role serving $(tls_args hems-dns) --s1 10.40.0.1 --s1-ipsec false
# an ephemeral Connection Request port: 7547 on loopback may be taken by a parallel test
write_factory https://hems.henb.test:7547/cwmp "[Daemon]" "AutoStart=false" "[ConnectionRequest]" "Port=0"
start_henbd
# the script stops henbd at its end, to see the client follow it away
HENBD_PID=$HENBD_PID "${PYTHON[@]}" "$(dirname "$0")/gi_client.py"
