/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <gio/gio.h>

#include "henb-errors.h"
#include "henb-names.h"

#define ENTRY(domain, code, nick) { code, HENB_DBUS_ERROR_PREFIX "." domain "." nick }

static const GDBusErrorEntry core_entries[] = {
    ENTRY ("Core", HENB_CORE_ERROR_FAILED, "Failed"),
    ENTRY ("Core", HENB_CORE_ERROR_CANCELLED, "Cancelled"),
    ENTRY ("Core", HENB_CORE_ERROR_IN_PROGRESS, "InProgress"),
    ENTRY ("Core", HENB_CORE_ERROR_WRONG_STATE, "WrongState"),
    ENTRY ("Core", HENB_CORE_ERROR_INVALID_ARGS, "InvalidArgs"),
    ENTRY ("Core", HENB_CORE_ERROR_UNAUTHORIZED, "Unauthorized"),
    ENTRY ("Core", HENB_CORE_ERROR_TIMEOUT, "Timeout"),
    ENTRY ("Core", HENB_CORE_ERROR_CONFIGURATION, "Configuration"),
    ENTRY ("Core", HENB_CORE_ERROR_STATE_CORRUPT, "StateCorrupt"),
    ENTRY ("Core", HENB_CORE_ERROR_PLUGIN, "Plugin"),
    ENTRY ("Core", HENB_CORE_ERROR_INSECURE, "Insecure"),
    ENTRY ("Core", HENB_CORE_ERROR_STATE_NOT_SAVED, "StateNotSaved"),
};
G_STATIC_ASSERT (G_N_ELEMENTS (core_entries) == HENB_CORE_ERROR_STATE_NOT_SAVED + 1);

static const GDBusErrorEntry network_entries[] = {
    ENTRY ("Network", HENB_NETWORK_ERROR_NAME_NOT_FOUND, "NameNotFound"),
    ENTRY ("Network", HENB_NETWORK_ERROR_DNS_FAILED, "DnsFailed"),
    ENTRY ("Network", HENB_NETWORK_ERROR_REFUSED, "Refused"),
    ENTRY ("Network", HENB_NETWORK_ERROR_UNREACHABLE, "Unreachable"),
    ENTRY ("Network", HENB_NETWORK_ERROR_TIMEOUT, "Timeout"),
    ENTRY ("Network", HENB_NETWORK_ERROR_CONNECTION_LOST, "ConnectionLost"),
};
G_STATIC_ASSERT (G_N_ELEMENTS (network_entries) == HENB_NETWORK_ERROR_CONNECTION_LOST + 1);

static const GDBusErrorEntry security_entries[] = {
    ENTRY ("Security", HENB_SECURITY_ERROR_FAILED, "Failed"),
    ENTRY ("Security", HENB_SECURITY_ERROR_UNKNOWN_CA, "UnknownCa"),
    ENTRY ("Security", HENB_SECURITY_ERROR_IDENTITY_MISMATCH, "IdentityMismatch"),
    ENTRY ("Security", HENB_SECURITY_ERROR_EXPIRED, "Expired"),
    ENTRY ("Security", HENB_SECURITY_ERROR_NOT_ACTIVATED, "NotActivated"),
    ENTRY ("Security", HENB_SECURITY_ERROR_BAD_CERTIFICATE, "BadCertificate"),
    ENTRY ("Security", HENB_SECURITY_ERROR_PROTOCOL_VERSION, "ProtocolVersion"),
    ENTRY ("Security", HENB_SECURITY_ERROR_CREDENTIALS, "Credentials"),
    ENTRY ("Security", HENB_SECURITY_ERROR_AUTH_FAILED, "AuthFailed"),
    ENTRY ("Security", HENB_SECURITY_ERROR_TUNNEL_DOWN, "TunnelDown"),
};
G_STATIC_ASSERT (G_N_ELEMENTS (security_entries) == HENB_SECURITY_ERROR_TUNNEL_DOWN + 1);

static const GDBusErrorEntry cwmp_entries[] = {
    ENTRY ("Cwmp", HENB_CWMP_ERROR_MALFORMED, "Malformed"),
    ENTRY ("Cwmp", HENB_CWMP_ERROR_UNEXPECTED_MESSAGE, "UnexpectedMessage"),
    ENTRY ("Cwmp", HENB_CWMP_ERROR_FAULT, "Fault"),
    ENTRY ("Cwmp", HENB_CWMP_ERROR_HTTP_STATUS, "HttpStatus"),
    ENTRY ("Cwmp", HENB_CWMP_ERROR_AUTH_FAILED, "AuthFailed"),
    ENTRY ("Cwmp", HENB_CWMP_ERROR_TOO_LARGE, "TooLarge"),
    ENTRY ("Cwmp", HENB_CWMP_ERROR_UNSUPPORTED_VERSION, "UnsupportedVersion"),
};
G_STATIC_ASSERT (G_N_ELEMENTS (cwmp_entries) == HENB_CWMP_ERROR_UNSUPPORTED_VERSION + 1);

static const GDBusErrorEntry procedure_entries[] = {
    ENTRY ("Procedure", HENB_PROCEDURE_ERROR_NO_SERVING_HEMS, "NoServingHems"),
    ENTRY ("Procedure", HENB_PROCEDURE_ERROR_NO_S1_ADDRESS, "NoS1Address"),
    ENTRY ("Procedure", HENB_PROCEDURE_ERROR_S1_SETUP, "S1Setup"),
    ENTRY ("Procedure", HENB_PROCEDURE_ERROR_INSECURE_URL, "InsecureUrl"),
    ENTRY ("Procedure", HENB_PROCEDURE_ERROR_FALLBACK, "Fallback"),
};
G_STATIC_ASSERT (G_N_ELEMENTS (procedure_entries) == HENB_PROCEDURE_ERROR_FALLBACK + 1);

#define DEFINE_QUARK(func, name, entries)                                                   \
    GQuark func (void)                                                                     \
    {                                                                                      \
        static gsize quark = 0;                                                            \
        g_dbus_error_register_error_domain (name, &quark, entries, G_N_ELEMENTS (entries)); \
        return (GQuark) quark;                                                             \
    }

DEFINE_QUARK (henb_core_error_quark, "henb-core-error-quark", core_entries)
DEFINE_QUARK (henb_network_error_quark, "henb-network-error-quark", network_entries)
DEFINE_QUARK (henb_security_error_quark, "henb-security-error-quark", security_entries)
DEFINE_QUARK (henb_cwmp_error_quark, "henb-cwmp-error-quark", cwmp_entries)
DEFINE_QUARK (henb_procedure_error_quark, "henb-procedure-error-quark", procedure_entries)

/**
 * henb_errors_register:
 *
 * Registers every henbd error domain with GDBus, so that errors arriving from the bus are
 * mapped back to their domain and code even before the first local use of the domain.
 * henb_client_new() does it.
 *
 * Since: 0.1
 */
void
henb_errors_register (void)
{
    (void) HENB_CORE_ERROR;
    (void) HENB_NETWORK_ERROR;
    (void) HENB_SECURITY_ERROR;
    (void) HENB_CWMP_ERROR;
    (void) HENB_PROCEDURE_ERROR;
}
