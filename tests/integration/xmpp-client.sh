#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The XMPP client of the cr-xmpp plugin (henb-xmpp-client.c through xmpp-probe) against a real
# prosody, without henbd: TLS with the operator root CA, SASL, bind; Connection Request IQs
# answered as asked (result, <not-authorized/>, <service-unavailable/>), one with an over-long
# username refused before it is looked at, a ping answered, another IQ refused; and why a
# session ends or never begins: the server stopped, a wrong XMPP password, a certificate of
# another CA, one of a CA the system trusts for the exact domain (no SASL sent), no server, a server stalling in the TLS handshake (the set-up deadline).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/xmpp.sh"

[ -x "${HENB_XMPP_PROBE:-}" ] || skip_all "no xmpp-probe (the cr-xmpp plugin needs libstrophe-dev)"
command -v prosody >/dev/null || skip_all "no prosody (tests/tools/install-deps)"

make_pki
start_prosody
xmpp_user henb henb-xmpp-secret
xmpp_user acs acs-xmpp-secret
xmpp_user mallory mallory-secret

# client PASSWORD CA OUT: the probe as the HeNB (allowed sender acs, credentials cru/crp)
client() {
    "$HENB_XMPP_PROBE" client "henb@$XMPP_DOMAIN" cell "$1" "$XMPP_IP" "${4:-$XMPP_PORT}" "$WORK/pki/$2.pem" 1 \
        cru crp "acs@$XMPP_DOMAIN" >"$WORK/$3" 2>>"$WORK/probe.log" &
    PIDS+=($!)
}
send() { timeout 20 "$HENB_XMPP_PROBE" send "$1@$XMPP_DOMAIN" "$2" "$XMPP_IP" "$XMPP_PORT" "henb@$XMPP_DOMAIN/cell" "$3" "$4"; }

client henb-xmpp-secret ca session.out
check "online as henb@$XMPP_DOMAIN/cell with TLS (certificate from the operator root CA, IP SAN)" \
    wait_for 10 grep -qx "online henb@$XMPP_DOMAIN/cell tls=1" "$WORK/session.out"
check_eq "the right credentials from the allowed JID: an empty result" "result" "$(send acs acs-xmpp-secret cru crp)"
check_eq "a wrong password: <not-authorized/>" "error not-authorized" "$(send acs acs-xmpp-secret cru nope)"
check_eq "a JID not allowed: <service-unavailable/>" "error service-unavailable" \
    "$(send mallory mallory-secret cru crp)"
check_eq "a username of 300 characters: <not-authorized/>" "error not-authorized" \
    "$(send acs acs-xmpp-secret "$(printf 'u%.0s' $(seq 300))" crp)"
check_eq "a XEP-0199 ping: its result" "result" "$(send acs acs-xmpp-secret --ping x)"
check_eq "an IQ it has no answer for (XEP-0092 version): <service-unavailable/>" "error service-unavailable" \
    "$(send acs acs-xmpp-secret --version x)"
check_eq "the client saw three of them (the over-long one refused before)" \
    "request acs@$XMPP_DOMAIN -> accept|request acs@$XMPP_DOMAIN -> not-authorized|request mallory@$XMPP_DOMAIN -> service-unavailable" \
    "$(grep '^request' "$WORK/session.out" | sed 's|/[^ ]* | |' | paste -sd'|')"

stop_prosody
check "the server stopped: offline, unreachable (it said system-shutdown)" \
    wait_for 10 grep -q "^offline unreachable the server ended the session (system-shutdown" "$WORK/session.out"
start_prosody

client wrong-password ca auth.out
check "a wrong XMPP password: offline, authentication" \
    wait_for 10 grep -q "^offline authentication" "$WORK/auth.out"

xmpp_make_cert xmpp-rogue rogue-ca
stop_prosody
start_prosody xmpp-rogue
client henb-xmpp-secret ca rogue.out
check "a certificate of another CA: offline, tls, and it says why" \
    wait_for 10 grep -q "^offline tls certificate refused: the certificate is not issued by the operator root CA" "$WORK/rogue.out"
stop_prosody

# a certificate for the exact domain (a DNS SAN) from a CA the system trusts, as a public CA
# is: here the other CA, made OpenSSL's default trust (/etc/ssl/certs, see `openssl version
# -d`) in a mount namespace. Only the operator root CA counts, and the XMPP password must not
# leave before the check: prosody sees no SASL.
xmpp_make_cert xmpp-fqdn rogue-ca "$XMPP_FQDN"
start_prosody
xmpp_user henb henb-xmpp-secret "$XMPP_FQDN"
mkdir -p "$WORK/system-certs"
cp "$WORK/pki/rogue-ca.pem" "$WORK/system-certs/ca-certificates.crt"
cp "$WORK/pki/rogue-ca.pem" "$WORK/system-certs/rogue-ca.pem"
openssl rehash "$WORK/system-certs" 2>/dev/null
system_trusts_rogue() {
    unshare --mount --propagation private sh -c 'mount --bind "$0" /etc/ssl/certs && exec "$@"' \
        "$WORK/system-certs" "$@"
}
check "with that system trust OpenSSL accepts prosody's certificate for $XMPP_FQDN" \
    system_trusts_rogue sh -c "openssl s_client -connect $XMPP_IP:$XMPP_PORT -starttls xmpp \
        -xmpphost $XMPP_FQDN -servername $XMPP_FQDN -verify_hostname $XMPP_FQDN -verify_return_error \
        </dev/null >>'$WORK/s_client.log' 2>&1"
: >"$WORK/prosody.log"
system_trusts_rogue "$HENB_XMPP_PROBE" client "henb@$XMPP_FQDN" cell henb-xmpp-secret "$XMPP_IP" "$XMPP_PORT" \
    "$WORK/pki/ca.pem" 1 cru crp "acs@$XMPP_DOMAIN" >"$WORK/public.out" 2>>"$WORK/probe.log" &
PIDS+=($!)
check "a system-trusted CA for the exact domain: offline, tls, not the operator root CA" \
    wait_for 10 grep -q "^offline tls certificate refused: the certificate is not issued by the operator root CA" \
    "$WORK/public.out"
check "STARTTLS was reached and the client broke the handshake off (prosody: handshake error)" \
    wait_for 10 grep -q "TLS handshake error" "$WORK/prosody.log"
check_eq "no SASL reached prosody (no authentication attempt, the password never left)" "" \
    "$(grep -E "Received\[c2s_unauthed\]: <auth |Authenticated as" "$WORK/prosody.log")"
stop_prosody
rm -f "$WORK/pki/xmpp-fqdn.pem"

client henb-xmpp-secret ca closed.out
check "no server: offline, unreachable" \
    wait_for 10 grep -q "^offline unreachable no connection" "$WORK/closed.out"

# a server that stalls in the TLS handshake (STARTTLS accepted, then silence): libstrophe's
# handshake loops in the main loop until the set-up deadline's watchdog shuts the socket down
/usr/bin/python3 - "$XMPP_IP" 5299 "$XMPP_DOMAIN" >"$WORK/stall.log" 2>&1 <<'PY' &
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(1)
print("listening", flush=True)
c, _ = s.accept()
def read_until(token):
    data = b""
    while token not in data:
        chunk = c.recv(4096)
        if not chunk:
            sys.exit(0)
        data += chunk
read_until(b">")
c.sendall(("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream="
           "'http://etherx.jabber.org/streams' id='s1' from='%s' version='1.0'>"
           "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/>"
           "</starttls></stream:features>" % sys.argv[3]).encode())
read_until(b"starttls")
c.sendall(b"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
print("stalling", flush=True)
time.sleep(120)
PY
PIDS+=($!)
wait_for 10 grep -q listening "$WORK/stall.log" || bail_out "the stalling server did not start"
HENB_XMPP_SETUP_TIMEOUT=2 client henb-xmpp-secret ca stall.out 5299
check "a server stalling in the TLS handshake: offline after the set-up deadline" \
    wait_for 15 grep -q "^offline unreachable the server did not complete the session set-up within 2 s" "$WORK/stall.out"
check "it had stalled after <proceed/>" grep -q stalling "$WORK/stall.log"

finish
