/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Every error henbd reports on the bus is in one of these domains; the D-Bus error name is
 * org.henbd.HeNB1.Error.<Domain>.<Code>, e.g. org.henbd.HeNB1.Error.Security.IdentityMismatch.
 */

/**
 * HenbCoreError:
 * @HENB_CORE_ERROR_FAILED: generic failure.
 * @HENB_CORE_ERROR_CANCELLED: the operation was cancelled.
 * @HENB_CORE_ERROR_IN_PROGRESS: the procedure is already running.
 * @HENB_CORE_ERROR_WRONG_STATE: not possible in the current state.
 * @HENB_CORE_ERROR_INVALID_ARGS: invalid arguments.
 * @HENB_CORE_ERROR_UNAUTHORIZED: the caller may not do this.
 * @HENB_CORE_ERROR_TIMEOUT: a step did not finish in time.
 * @HENB_CORE_ERROR_CONFIGURATION: the configuration is missing or invalid.
 * @HENB_CORE_ERROR_STATE_CORRUPT: the state file failed its integrity check.
 * @HENB_CORE_ERROR_PLUGIN: a plugin is missing or could not be loaded.
 * @HENB_CORE_ERROR_INSECURE: a file or setting is not protected as it must be.
 * @HENB_CORE_ERROR_STATE_NOT_SAVED: the state file could not be written (a full or
 *   read-only file system, ...); henbd runs from memory and retries.
 *
 * Errors of henbd itself: its state, configuration, callers and files (org.henbd.HeNB1.Error.Core.*).
 *
 * Since: 0.1
 */
typedef enum {
    HENB_CORE_ERROR_FAILED,
    HENB_CORE_ERROR_CANCELLED,
    HENB_CORE_ERROR_IN_PROGRESS,
    HENB_CORE_ERROR_WRONG_STATE,
    HENB_CORE_ERROR_INVALID_ARGS,
    HENB_CORE_ERROR_UNAUTHORIZED,
    HENB_CORE_ERROR_TIMEOUT,
    HENB_CORE_ERROR_CONFIGURATION,
    HENB_CORE_ERROR_STATE_CORRUPT,
    HENB_CORE_ERROR_PLUGIN,
    HENB_CORE_ERROR_INSECURE,
    HENB_CORE_ERROR_STATE_NOT_SAVED,
} HenbCoreError;

/**
 * HenbNetworkError:
 * @HENB_NETWORK_ERROR_NAME_NOT_FOUND: the DNS server says the name does not exist.
 * @HENB_NETWORK_ERROR_DNS_FAILED: no usable answer from the DNS servers.
 * @HENB_NETWORK_ERROR_REFUSED: the peer refused the connection.
 * @HENB_NETWORK_ERROR_UNREACHABLE: the peer could not be reached.
 * @HENB_NETWORK_ERROR_TIMEOUT: the peer did not answer in time.
 * @HENB_NETWORK_ERROR_CONNECTION_LOST: the connection broke while in use.
 *
 * Errors reaching a peer: DNS and connections (org.henbd.HeNB1.Error.Network.*).
 *
 * Since: 0.1
 */
typedef enum {
    HENB_NETWORK_ERROR_NAME_NOT_FOUND,
    HENB_NETWORK_ERROR_DNS_FAILED,
    HENB_NETWORK_ERROR_REFUSED,
    HENB_NETWORK_ERROR_UNREACHABLE,
    HENB_NETWORK_ERROR_TIMEOUT,
    HENB_NETWORK_ERROR_CONNECTION_LOST,
} HenbNetworkError;

/**
 * HenbSecurityError:
 * @HENB_SECURITY_ERROR_FAILED: the secure channel could not be set up.
 * @HENB_SECURITY_ERROR_UNKNOWN_CA: the peer certificate is not signed by the operator root CA.
 * @HENB_SECURITY_ERROR_IDENTITY_MISMATCH: the peer certificate does not carry the configured identity in its form.
 * @HENB_SECURITY_ERROR_EXPIRED: the peer certificate has expired.
 * @HENB_SECURITY_ERROR_NOT_ACTIVATED: the peer certificate is not valid yet.
 * @HENB_SECURITY_ERROR_BAD_CERTIFICATE: the peer certificate is unusable (revoked, wrong usage, insecure).
 * @HENB_SECURITY_ERROR_PROTOCOL_VERSION: the peer negotiated a protocol version below the minimum.
 * @HENB_SECURITY_ERROR_CREDENTIALS: the device certificate, key or root CA could not be loaded.
 * @HENB_SECURITY_ERROR_AUTH_FAILED: the peer rejected our credentials.
 * @HENB_SECURITY_ERROR_TUNNEL_DOWN: an IPsec tunnel went down while it was in use.
 *
 * Errors of TLS and IPsec: certificates, identities, tunnels (org.henbd.HeNB1.Error.Security.*).
 *
 * Since: 0.1
 */
typedef enum {
    HENB_SECURITY_ERROR_FAILED,
    HENB_SECURITY_ERROR_UNKNOWN_CA,
    HENB_SECURITY_ERROR_IDENTITY_MISMATCH,
    HENB_SECURITY_ERROR_EXPIRED,
    HENB_SECURITY_ERROR_NOT_ACTIVATED,
    HENB_SECURITY_ERROR_BAD_CERTIFICATE,
    HENB_SECURITY_ERROR_PROTOCOL_VERSION,
    HENB_SECURITY_ERROR_CREDENTIALS,
    HENB_SECURITY_ERROR_AUTH_FAILED,
    HENB_SECURITY_ERROR_TUNNEL_DOWN,
} HenbSecurityError;

/**
 * HenbCwmpError:
 * @HENB_CWMP_ERROR_MALFORMED: the HeMS sent something that is not a valid CWMP envelope.
 * @HENB_CWMP_ERROR_UNEXPECTED_MESSAGE: the HeMS sent a valid message at the wrong time.
 * @HENB_CWMP_ERROR_FAULT: the HeMS answered with a SOAP fault.
 * @HENB_CWMP_ERROR_HTTP_STATUS: the HeMS answered with an unexpected HTTP status.
 * @HENB_CWMP_ERROR_AUTH_FAILED: the HeMS did not accept our HTTP credentials.
 * @HENB_CWMP_ERROR_TOO_LARGE: a message exceeded the size limit.
 * @HENB_CWMP_ERROR_UNSUPPORTED_VERSION: the HeMS uses a CWMP version henbd does not speak.
 *
 * Errors of the TR-069 (CWMP) exchange with a HeMS (org.henbd.HeNB1.Error.Cwmp.*).
 *
 * Since: 0.1
 */
typedef enum {
    HENB_CWMP_ERROR_MALFORMED,
    HENB_CWMP_ERROR_UNEXPECTED_MESSAGE,
    HENB_CWMP_ERROR_FAULT,
    HENB_CWMP_ERROR_HTTP_STATUS,
    HENB_CWMP_ERROR_AUTH_FAILED,
    HENB_CWMP_ERROR_TOO_LARGE,
    HENB_CWMP_ERROR_UNSUPPORTED_VERSION,
} HenbCwmpError;

/**
 * HenbProcedureError:
 * @HENB_PROCEDURE_ERROR_NO_SERVING_HEMS: the Initial HeMS ended the session without a Serving HeMS.
 * @HENB_PROCEDURE_ERROR_NO_S1_ADDRESS: neither HeMS provided an S1 far-end address.
 * @HENB_PROCEDURE_ERROR_S1_SETUP: the S1 hand-off failed.
 * @HENB_PROCEDURE_ERROR_INSECURE_URL: a HeMS URL on the public internet is not HTTPS.
 * @HENB_PROCEDURE_ERROR_FALLBACK: the Serving HeMS stayed out of reach; back to the Initial HeMS.
 *
 * Errors of the bootstrap procedure of TS 32.593 (org.henbd.HeNB1.Error.Procedure.*).
 *
 * Since: 0.1
 */
typedef enum {
    HENB_PROCEDURE_ERROR_NO_SERVING_HEMS,
    HENB_PROCEDURE_ERROR_NO_S1_ADDRESS,
    HENB_PROCEDURE_ERROR_S1_SETUP,
    HENB_PROCEDURE_ERROR_INSECURE_URL,
    HENB_PROCEDURE_ERROR_FALLBACK,
} HenbProcedureError;

#define HENB_CORE_ERROR      (henb_core_error_quark ())
#define HENB_NETWORK_ERROR   (henb_network_error_quark ())
#define HENB_SECURITY_ERROR  (henb_security_error_quark ())
#define HENB_CWMP_ERROR      (henb_cwmp_error_quark ())
#define HENB_PROCEDURE_ERROR (henb_procedure_error_quark ())

/**
 * henb_core_error_quark:
 *
 * The error domain of #HenbCoreError; #HENB_CORE_ERROR names it.
 *
 * Returns: the domain's quark
 *
 * Since: 0.1
 */
GQuark henb_core_error_quark (void);
/**
 * henb_network_error_quark:
 *
 * The error domain of #HenbNetworkError; #HENB_NETWORK_ERROR names it.
 *
 * Returns: the domain's quark
 *
 * Since: 0.1
 */
GQuark henb_network_error_quark (void);
/**
 * henb_security_error_quark:
 *
 * The error domain of #HenbSecurityError; #HENB_SECURITY_ERROR names it.
 *
 * Returns: the domain's quark
 *
 * Since: 0.1
 */
GQuark henb_security_error_quark (void);
/**
 * henb_cwmp_error_quark:
 *
 * The error domain of #HenbCwmpError; #HENB_CWMP_ERROR names it.
 *
 * Returns: the domain's quark
 *
 * Since: 0.1
 */
GQuark henb_cwmp_error_quark (void);
/**
 * henb_procedure_error_quark:
 *
 * The error domain of #HenbProcedureError; #HENB_PROCEDURE_ERROR names it.
 *
 * Returns: the domain's quark
 *
 * Since: 0.1
 */
GQuark henb_procedure_error_quark (void);

void henb_errors_register (void);

G_END_DECLS
