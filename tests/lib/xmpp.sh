# SPDX-License-Identifier: GPL-2.0-or-later
# prosody as the XMPP server of the tests (sourced after common.sh): its own folder in the work
# folder, a configuration written here (c2s on XMPP_IP:5222 only, no s2s, TLS required with a
# certificate of the test PKI, accounts in its internal_hashed store made by prosodyctl), no
# system configuration read or touched. Port 5222 because GenieACS's XMPP client knows no other.

XMPP_IP=$NET.5
XMPP_PORT=5222
XMPP_DOMAIN=$XMPP_IP
# a second domain on the same server, by name (DNS SAN), for ServerConnectAlgorithm DNS
XMPP_FQDN=xmpp.henb.test
PROSODY_PID=

# xmpp_make_cert NAME ISSUER [DNS-NAME]: a server certificate in the PKI for the XMPP domain
# (an IP SAN), or for DNS-NAME (a DNS SAN)
xmpp_make_cert() {
    local d=$WORK/pki
    if [ -n "${3:-}" ]; then
        printf 'cn = "%s"\ndns_name = "%s"\n' "$3" "$3" >"$d/$1.tmpl"
    else
        printf 'cn = "%s"\nip_address = "%s"\n' "$XMPP_DOMAIN" "$XMPP_IP" >"$d/$1.tmpl"
    fi
    printf 'expiration_days = 30\nsigning_key\ntls_www_server\norganization = "henbd test"\n' >>"$d/$1.tmpl"
    certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 --outfile "$d/$1.key" 2>/dev/null &&
        certtool --generate-certificate --load-privkey "$d/$1.key" --load-ca-certificate "$d/$2.pem" \
            --load-ca-privkey "$d/$2.key" --template "$d/$1.tmpl" --outfile "$d/$1.pem" 2>/dev/null ||
        bail_out "certtool could not make the XMPP certificate $1"
    # prosody reads the key as itself
    chmod 644 "$d/$1.key"
}

# prosody_config CERT-NAME: (re)writes the configuration, CERT-NAME for the IP domain
prosody_config() {
    local p=$WORK/prosody
    mkdir -p "$p/data" "$p/certs"
    cat >"$p/prosody.cfg.lua" <<LUA
-- written by tests/lib/xmpp.sh
run_as_root = true
pidfile = "$p/prosody.pid"
data_path = "$p/data"
certificates = "$p/certs"
log = { debug = "$WORK/prosody.log" }
interfaces = { "$XMPP_IP" }
c2s_ports = { $XMPP_PORT }
s2s_ports = { }
c2s_require_encryption = true
authentication = "internal_hashed"
modules_enabled = { "saslauth", "tls", "disco", "ping" }
modules_disabled = { "s2s", "admin_shell", "offline" }
VirtualHost "$XMPP_DOMAIN"
  ssl = { certificate = "$WORK/pki/$1.pem"; key = "$WORK/pki/$1.key" }
VirtualHost "$XMPP_FQDN"
  ssl = { certificate = "$WORK/pki/xmpp-fqdn.pem"; key = "$WORK/pki/xmpp-fqdn.key" }
LUA
}

prosodyctl_() { prosodyctl --config "$WORK/prosody/prosody.cfg.lua" "$@" >>"$WORK/prosodyctl.log" 2>&1; }

# xmpp_user NAME PASSWORD [DOMAIN]: an account on the test's (IP) domain or on DOMAIN
xmpp_user() { prosodyctl_ register "$1" "${3:-$XMPP_DOMAIN}" "$2" || bail_out "prosodyctl could not register $1"; }

xmpp_listening() { ss -Hltn "src $XMPP_IP:$XMPP_PORT" | grep -q LISTEN; }

# start_prosody [CERT-NAME]: (default xmpp, made from the operator root CA when missing)
start_prosody() {
    local cert=${1:-xmpp}
    [ -f "$WORK/pki/$cert.pem" ] || xmpp_make_cert "$cert" ca
    [ -f "$WORK/pki/xmpp-fqdn.pem" ] || xmpp_make_cert xmpp-fqdn ca "$XMPP_FQDN"
    prosody_config "$cert"
    prosody --config "$WORK/prosody/prosody.cfg.lua" -F >>"$WORK/prosody.stderr" 2>&1 &
    PROSODY_PID=$!
    PIDS+=($PROSODY_PID)
    wait_for 20 xmpp_listening || bail_out "prosody did not start" "$(tail -5 "$WORK/prosody.log")"
}

stop_prosody() {
    [ -n "$PROSODY_PID" ] || return 0
    kill "$PROSODY_PID" 2>/dev/null
    wait "$PROSODY_PID" 2>/dev/null
    PROSODY_PID=
}
