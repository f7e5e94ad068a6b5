#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# TLS toward the HeMS: only the operator root CA is trusted, and the HeMS identity matches the
# certificate only in the form it was configured (IP address -> iPAddress SAN, FQDN -> dNSName
# SAN). Every refusal ends in state failed with reason tls and an error naming the cause.
. "$(dirname "$0")/../lib/common.sh"

make_pki
start_bus
start_dns hems.henb.test=$INITIAL_IP serving.henb.test=$SERVING_IP
# one Initial HeMS per certificate, on its own port
start_hems dns     $INITIAL_IP:7001 --role initial $(tls_args hems-dns) --serving-hems-url https://$SERVING_IP:7548/cwmp
start_hems ip      $INITIAL_IP:7002 --role initial $(tls_args hems-ip)  --serving-hems-url https://$SERVING_IP:7548/cwmp
start_hems rogue   $INITIAL_IP:7003 --role initial $(tls_args hems-rogue) --serving-hems-url https://$SERVING_IP:7548/cwmp
start_hems expired $INITIAL_IP:7004 --role initial $(tls_args hems-expired) --serving-hems-url https://$SERVING_IP:7548/cwmp
start_hems noeku   $INITIAL_IP:7005 --role initial $(tls_args hems-noeku) --serving-hems-url https://$SERVING_IP:7548/cwmp
start_hems badserving $INITIAL_IP:7006 --role initial $(tls_args hems-dns) --serving-hems-url https://serving.henb.test:7548/cwmp
start_hems serving $SERVING_IP:7548 --role serving $(tls_args hems-ip) --s1 10.11.0.1

# run_case URL -> fresh henbd (factory state) against URL, waits for the end of the run
run_case() {
    stop_henbd 2>/dev/null
    rm -rf "$WORK/state"
    write_factory "$1"
    start_henbd
    wait_final 30
}

last_error() { json "s['last_error']['name'] + ' ' + s['last_error']['message']"; }

# positive controls: each form matches its own SAN kind
run_case https://$INITIAL_IP:7002/cwmp
check_eq "IP-form Initial HeMS URL with an IP-SAN certificate: registered" "6" "$(prop '' State)"

run_case https://hems.henb.test:7001/cwmp
check_eq "FQDN-form URL with a DNS-SAN certificate: registered" "6" "$(prop '' State)"

# unknown CA
run_case https://hems.henb.test:7003/cwmp
check_eq "rogue CA: failed" "-1" "$(prop '' State)"
check_eq "rogue CA: reason tls (5)" "uint32 5" "$(prop '' StateFailedReason)"
err=$(last_error)
check_contains "rogue CA: Security.UnknownCa" "org.henbd.HeNB1.Error.Security.UnknownCa" "$err"
check_contains "rogue CA: names the operator root CA and the issuer" "not issued by the operator root CA" "$err"
check_contains "rogue CA: failed in step 5.1.2.3/1.3" "5.1.2.3/1.3 tls-initial-hems" "$err"
check "rogue CA: no HTTP reached the HeMS" test ! -s "$WORK/rogue.log" -o "$(grep -c Inform "$WORK/rogue.log")" = 0

# IP-form URL against a DNS-only certificate
run_case https://$INITIAL_IP:7001/cwmp
check_eq "IP URL vs DNS-only certificate: reason tls" "uint32 5" "$(prop '' StateFailedReason)"
err=$(last_error)
check_contains "IP URL vs DNS-only certificate: IdentityMismatch" "Security.IdentityMismatch" "$err"
check_contains "IP URL vs DNS-only certificate: names both forms" \
    "identity $INITIAL_IP is configured as an IP address, but the certificate carries no IP address SAN, only DNS names (hems.henb.test, serving.henb.test)" "$err"

# FQDN URL against an IP-only certificate
run_case https://hems.henb.test:7002/cwmp
err=$(last_error)
check_contains "FQDN URL vs IP-only certificate: IdentityMismatch" "Security.IdentityMismatch" "$err"
check_contains "FQDN URL vs IP-only certificate: names both forms" \
    "identity hems.henb.test is configured as an FQDN, but the certificate carries no DNS name SAN, only IP addresses ($INITIAL_IP, $SERVING_IP)" "$err"

# expired
run_case https://hems.henb.test:7004/cwmp
check_eq "expired certificate: reason tls" "uint32 5" "$(prop '' StateFailedReason)"
check_contains "expired certificate: Security.Expired with the date" "Security.Expired" "$(last_error)"
check_contains "expired certificate: says when" "2021-01-01" "$(last_error)"

# no serverAuth usage
run_case https://hems.henb.test:7005/cwmp
check_contains "certificate without serverAuth: refused" "lacks the serverAuth extended key usage" "$(last_error)"

# TLS 1.2 is the floor: gnutls-serv offering one protocol version only
tls_serv() { # tls_serv PORT PRIORITY
    gnutls-serv --http --port "$1" --x509certfile "$WORK/pki/hems-dns.pem" --x509keyfile "$WORK/pki/hems-dns.key" \
        --priority "$2" >"$WORK/gnutls-serv-$1.log" 2>&1 &
    PIDS+=($!)
    wait_for 5 /usr/bin/python3 -c "import socket; socket.create_connection(('$INITIAL_IP', $1), 1)"
}
P11=$((20000 + HENB_TEST_NET * 10 + 1)); P12=$((P11 + 1))
tls_serv $P11 "NORMAL:-VERS-ALL:+VERS-TLS1.1"
tls_serv $P12 "NORMAL:-VERS-ALL:+VERS-TLS1.2"
run_case https://hems.henb.test:$P11/cwmp
check_eq "TLS 1.1-only HeMS: failed with reason tls" "-1 uint32 5" "$(prop '' State) $(prop '' StateFailedReason)"
check_contains "TLS 1.1-only HeMS: refused in the TLS step" "5.1.2.3/1.3 tls-initial-hems" "$(last_error)"
run_case https://hems.henb.test:$P12/cwmp
check "TLS 1.2-only HeMS: the TLS step succeeds with TLS 1.2" grep -q "tls-initial-hems: ok.*TLS 1.2$" "$WORK/henbd.log"
# gnutls-serv answers with an HTML page: not a CWMP envelope
check_eq "a web page instead of an InformResponse: reason hems-protocol (8)" "uint32 8" "$(prop '' StateFailedReason)"
check_contains "a web page instead of an InformResponse: Cwmp.Malformed" "Cwmp.Malformed" "$(last_error)"

# the Serving HeMS is checked the same way: discovery succeeds, registration fails at 5.1.3/1
run_case https://hems.henb.test:7006/cwmp
check_eq "Serving HeMS with a wrong-form certificate: failed" "-1" "$(prop '' State)"
check_contains "Serving HeMS: failed in 5.1.3/2" "5.1.3/1 connect-serving-hems" "$(last_error)"
check_contains "Serving HeMS: identity mismatch" "configured as an FQDN" "$(last_error)"
check_eq "Serving HeMS: what the Initial HeMS configured is kept" "'https://serving.henb.test:7548/cwmp'" "$(prop Serving HemsUrl)"
check "Serving HeMS: kept in the state file too" grep -q "URL=https://serving.henb.test:7548/cwmp" "$WORK/state/henbd.state"
finish
