/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * HenbState:
 * @HENB_STATE_FAILED: the procedure stopped; see StateFailedReason and LastError.
 * @HENB_STATE_UNKNOWN: not determined yet.
 * @HENB_STATE_IDLE: nothing running; waiting for Start.
 * @HENB_STATE_DISCOVERING: Serving HeMS discovery through the Initial HeMS (TS 32.593 5.1.2).
 * @HENB_STATE_CONNECTING: reaching the Serving SeGW and Serving HeMS (TS 32.593 5.1.3).
 * @HENB_STATE_REGISTERING: TR-069 session with the Serving HeMS (TS 32.593 5.1.3).
 * @HENB_STATE_S1_SETUP: S1 Setup toward the MME handed off.
 * @HENB_STATE_REGISTERED: registered with the Serving HeMS, S1 Setup initiated.
 *
 * Ordered: a later stage of the bootstrap has a larger value, so clients may compare with >=.
 *
 * Since: 0.1
 */
typedef enum {
    HENB_STATE_FAILED = -1,
    HENB_STATE_UNKNOWN = 0,
    HENB_STATE_IDLE = 1,
    HENB_STATE_DISCOVERING = 2,
    HENB_STATE_CONNECTING = 3,
    HENB_STATE_REGISTERING = 4,
    HENB_STATE_S1_SETUP = 5,
    HENB_STATE_REGISTERED = 6,
} HenbState;

/**
 * HenbStateFailedReason:
 * @HENB_STATE_FAILED_REASON_NONE: not failed.
 * @HENB_STATE_FAILED_REASON_UNKNOWN: unclassified failure.
 * @HENB_STATE_FAILED_REASON_CONFIGURATION: the factory configuration or state is unusable.
 * @HENB_STATE_FAILED_REASON_DNS: a name could not be resolved.
 * @HENB_STATE_FAILED_REASON_UNREACHABLE: a peer refused or did not answer the connection.
 * @HENB_STATE_FAILED_REASON_TLS: TLS handshake or certificate check failed.
 * @HENB_STATE_FAILED_REASON_IPSEC: the IPsec tunnel could not be established.
 * @HENB_STATE_FAILED_REASON_HTTP: the HeMS answered with an HTTP error or refused our credentials.
 * @HENB_STATE_FAILED_REASON_HEMS_PROTOCOL: the HeMS broke the TR-069 protocol or sent a fault.
 * @HENB_STATE_FAILED_REASON_NO_SERVING_HEMS: no usable Serving HeMS: the Initial HeMS did not provide
 *   one, or the stored one is refused (invalid, or not https where TLS is required).
 * @HENB_STATE_FAILED_REASON_NO_S1_ADDRESS: no HeMS provided an S1 far-end address.
 * @HENB_STATE_FAILED_REASON_S1_SETUP: the S1 hand-off failed.
 * @HENB_STATE_FAILED_REASON_TIMEOUT: a step did not finish in time.
 *
 * Why the bootstrap failed (org.henbd.HeNB1.StateFailedReason), in state %HENB_STATE_FAILED.
 *
 * Since: 0.1
 */
typedef enum {
    HENB_STATE_FAILED_REASON_NONE = 0,
    HENB_STATE_FAILED_REASON_UNKNOWN = 1,
    HENB_STATE_FAILED_REASON_CONFIGURATION = 2,
    HENB_STATE_FAILED_REASON_DNS = 3,
    HENB_STATE_FAILED_REASON_UNREACHABLE = 4,
    HENB_STATE_FAILED_REASON_TLS = 5,
    HENB_STATE_FAILED_REASON_IPSEC = 6,
    HENB_STATE_FAILED_REASON_HTTP = 7,
    HENB_STATE_FAILED_REASON_HEMS_PROTOCOL = 8,
    HENB_STATE_FAILED_REASON_NO_SERVING_HEMS = 9,
    HENB_STATE_FAILED_REASON_NO_S1_ADDRESS = 10,
    HENB_STATE_FAILED_REASON_S1_SETUP = 11,
    HENB_STATE_FAILED_REASON_TIMEOUT = 12,
} HenbStateFailedReason;

/**
 * HenbStateChangeReason:
 * @HENB_STATE_CHANGE_REASON_UNKNOWN: no particular reason.
 * @HENB_STATE_CHANGE_REASON_STARTUP: henbd started.
 * @HENB_STATE_CHANGE_REASON_USER_REQUESTED: a client called Start, Rediscover or Cancel.
 * @HENB_STATE_CHANGE_REASON_PROGRESS: the procedure moved on to its next stage.
 * @HENB_STATE_CHANGE_REASON_FAILURE: a step failed.
 * @HENB_STATE_CHANGE_REASON_RETRY: the retry wait after a failure is over.
 * @HENB_STATE_CHANGE_REASON_FALLBACK: the Serving SeGW/HeMS stayed unreachable too long: back
 *   to the Initial HeMS.
 * @HENB_STATE_CHANGE_REASON_HEMS_REQUESTED: the HeMS asked for it (Reboot, FactoryReset, a new
 *   Serving HeMS or SeGW).
 *
 * Why the state changed (the reason argument of org.henbd.HeNB1.StateChanged).
 *
 * Since: 0.1
 */
typedef enum {
    HENB_STATE_CHANGE_REASON_UNKNOWN = 0,
    HENB_STATE_CHANGE_REASON_STARTUP = 1,
    HENB_STATE_CHANGE_REASON_USER_REQUESTED = 2,
    HENB_STATE_CHANGE_REASON_PROGRESS = 3,
    HENB_STATE_CHANGE_REASON_FAILURE = 4,
    HENB_STATE_CHANGE_REASON_RETRY = 5,
    HENB_STATE_CHANGE_REASON_FALLBACK = 6,
    HENB_STATE_CHANGE_REASON_HEMS_REQUESTED = 7,
} HenbStateChangeReason;

/**
 * HenbDiscoveryVariant:
 * @HENB_DISCOVERY_VARIANT_PUBLIC_INTERNET: Initial HeMS on the public internet over TLS (5.1.2.3).
 * @HENB_DISCOVERY_VARIANT_PRIVATE_DOMAIN: Initial HeMS behind the Initial SeGW (5.1.2.2).
 *
 * How the Initial HeMS is reached (TS 32.593 5.1.2): the factory-configured discovery variant.
 *
 * Since: 0.1
 */
typedef enum {
    HENB_DISCOVERY_VARIANT_PUBLIC_INTERNET = 0,
    HENB_DISCOVERY_VARIANT_PRIVATE_DOMAIN = 1,
} HenbDiscoveryVariant;

/**
 * HenbStepResult:
 * @HENB_STEP_RESULT_OK: the step did its work.
 * @HENB_STEP_RESULT_SKIPPED: the step had nothing to do (e.g. an IP address needs no DNS).
 * @HENB_STEP_RESULT_FAILED: the step failed; the procedure stopped there.
 *
 * How a step of the bootstrap ended (#HenbStepInfo).
 *
 * Since: 0.1
 */
typedef enum {
    HENB_STEP_RESULT_OK = 0,
    HENB_STEP_RESULT_SKIPPED = 1,
    HENB_STEP_RESULT_FAILED = 2,
} HenbStepResult;

const gchar *henb_state_to_string (HenbState state);
const gchar *henb_state_failed_reason_to_string (HenbStateFailedReason reason);
const gchar *henb_state_change_reason_to_string (HenbStateChangeReason reason);
const gchar *henb_discovery_variant_to_string (HenbDiscoveryVariant variant);
gboolean     henb_discovery_variant_from_string (const gchar          *str,
                                                 HenbDiscoveryVariant *out_variant);
const gchar *henb_step_result_to_string (HenbStepResult result);

G_END_DECLS
