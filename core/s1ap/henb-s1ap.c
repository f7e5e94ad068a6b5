/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "henb-per.h"
#include "henb-s1ap.h"

/*
 * Written from the ASN.1 of TS 36.413 (release 19.1.0). Names below follow the ASN.1; the
 * comments give the type each function handles.
 */

G_DEFINE_QUARK (henb-s1ap-error-quark, henb_s1ap_error)

enum {
    CRITICALITY_REJECT,
    CRITICALITY_IGNORE,
    CRITICALITY_NOTIFY,
};

/* ProtocolIE-ID values */
enum {
    IE_CAUSE = 2,
    IE_GLOBAL_ENB_ID = 59,
    IE_ENB_NAME = 60,
    IE_MME_NAME = 61,
    IE_SUPPORTED_TAS = 64,
    IE_TIME_TO_WAIT = 65,
    IE_RELATIVE_MME_CAPACITY = 87,
    IE_SERVED_GUMMEIS = 105,
    IE_DEFAULT_PAGING_DRX = 137,
};

#define MAX_NAME_LENGTH          150 /* ENBname, MMEname */
#define MAX_NO_OF_TACS           256
#define MAX_NO_OF_BPLMNS         6
#define MAX_NO_OF_RATS           8
#define MAX_NO_OF_PLMNS_PER_MME  32
#define MAX_NO_OF_GROUP_IDS      65535
#define MAX_NO_OF_MMECS          256
#define MAX_PROTOCOL_IES         65535
#define MAX_PROTOCOL_EXTENSIONS  65535

/* ProcedureCode values, as the ASN.1 names them without "id-" */
static const gchar * const procedure_names[] = {
    [0] = "HandoverPreparation",
    [1] = "HandoverResourceAllocation",
    [2] = "HandoverNotification",
    [3] = "PathSwitchRequest",
    [4] = "HandoverCancel",
    [5] = "E-RABSetup",
    [6] = "E-RABModify",
    [7] = "E-RABRelease",
    [8] = "E-RABReleaseIndication",
    [9] = "InitialContextSetup",
    [10] = "Paging",
    [11] = "downlinkNASTransport",
    [12] = "initialUEMessage",
    [13] = "uplinkNASTransport",
    [14] = "Reset",
    [15] = "ErrorIndication",
    [16] = "NASNonDeliveryIndication",
    [17] = "S1Setup",
    [18] = "UEContextReleaseRequest",
    [19] = "DownlinkS1cdma2000tunnelling",
    [20] = "UplinkS1cdma2000tunnelling",
    [21] = "UEContextModification",
    [22] = "UECapabilityInfoIndication",
    [23] = "UEContextRelease",
    [24] = "eNBStatusTransfer",
    [25] = "MMEStatusTransfer",
    [26] = "DeactivateTrace",
    [27] = "TraceStart",
    [28] = "TraceFailureIndication",
    [29] = "ENBConfigurationUpdate",
    [30] = "MMEConfigurationUpdate",
    [31] = "LocationReportingControl",
    [32] = "LocationReportingFailureIndication",
    [33] = "LocationReport",
    [34] = "OverloadStart",
    [35] = "OverloadStop",
    [36] = "WriteReplaceWarning",
    [37] = "eNBDirectInformationTransfer",
    [38] = "MMEDirectInformationTransfer",
    [39] = "PrivateMessage",
    [40] = "eNBConfigurationTransfer",
    [41] = "MMEConfigurationTransfer",
    [42] = "CellTrafficTrace",
    [43] = "Kill",
    [44] = "downlinkUEAssociatedLPPaTransport",
    [45] = "uplinkUEAssociatedLPPaTransport",
    [46] = "downlinkNonUEAssociatedLPPaTransport",
    [47] = "uplinkNonUEAssociatedLPPaTransport",
    [48] = "UERadioCapabilityMatch",
    [49] = "PWSRestartIndication",
    [50] = "E-RABModificationIndication",
    [51] = "PWSFailureIndication",
    [52] = "RerouteNASRequest",
    [53] = "UEContextModificationIndication",
    [54] = "ConnectionEstablishmentIndication",
    [55] = "UEContextSuspend",
    [56] = "UEContextResume",
    [57] = "NASDeliveryIndication",
    [58] = "RetrieveUEInformation",
    [59] = "UEInformationTransfer",
    [60] = "eNBCPRelocationIndication",
    [61] = "MMECPRelocationIndication",
    [62] = "SecondaryRATDataUsageReport",
    [63] = "UERadioCapabilityIDMapping",
    [64] = "HandoverSuccess",
    [65] = "eNBEarlyStatusTransfer",
    [66] = "MMEEarlyStatusTransfer",
    [67] = "S1Removal",
};

/* CauseRadioNetwork: the first 36 are the root */
static const gchar * const cause_radio_network[] = {
    "unspecified",
    "tx2relocoverall-expiry",
    "successful-handover",
    "release-due-to-eutran-generated-reason",
    "handover-cancelled",
    "partial-handover",
    "ho-failure-in-target-EPC-eNB-or-target-system",
    "ho-target-not-allowed",
    "tS1relocoverall-expiry",
    "tS1relocprep-expiry",
    "cell-not-available",
    "unknown-targetID",
    "no-radio-resources-available-in-target-cell",
    "unknown-mme-ue-s1ap-id",
    "unknown-enb-ue-s1ap-id",
    "unknown-pair-ue-s1ap-id",
    "handover-desirable-for-radio-reason",
    "time-critical-handover",
    "resource-optimisation-handover",
    "reduce-load-in-serving-cell",
    "user-inactivity",
    "radio-connection-with-ue-lost",
    "load-balancing-tau-required",
    "cs-fallback-triggered",
    "ue-not-available-for-ps-service",
    "radio-resources-not-available",
    "failure-in-radio-interface-procedure",
    "invalid-qos-combination",
    "interrat-redirection",
    "interaction-with-other-procedure",
    "unknown-E-RAB-ID",
    "multiple-E-RAB-ID-instances",
    "encryption-and-or-integrity-protection-algorithms-not-supported",
    "s1-intra-system-handover-triggered",
    "s1-inter-system-handover-triggered",
    "x2-handover-triggered",
    "redirection-towards-1xRTT",
    "not-supported-QCI-value",
    "invalid-CSG-Id",
    "release-due-to-pre-emption",
    "n26-interface-not-available",
    "insufficient-ue-capabilities",
    "maximum-bearer-pre-emption-rate-exceeded",
    "up-integrity-protection-not-possible",
    "release-due-to-discontinuous-coverage",
};
#define CAUSE_RADIO_NETWORK_ROOT 36

/* CauseTransport: the first 2 are the root */
static const gchar * const cause_transport[] = {
    "transport-resource-unavailable",
    "unspecified",
};
#define CAUSE_TRANSPORT_ROOT 2

/* CauseNas: the first 4 are the root */
static const gchar * const cause_nas[] = {
    "normal-release",
    "authentication-failure",
    "detach",
    "unspecified",
    "csg-subscription-expiry",
    "uE-not-in-PLMN-serving-area",
    "iab-not-authorized",
};
#define CAUSE_NAS_ROOT 4

/* CauseProtocol: the first 7 are the root */
static const gchar * const cause_protocol[] = {
    "transfer-syntax-error",
    "abstract-syntax-error-reject",
    "abstract-syntax-error-ignore-and-notify",
    "message-not-compatible-with-receiver-state",
    "semantic-error",
    "abstract-syntax-error-falsely-constructed-message",
    "unspecified",
};
#define CAUSE_PROTOCOL_ROOT 7

/* CauseMisc: the first 6 are the root */
static const gchar * const cause_misc[] = {
    "control-processing-overload",
    "not-enough-user-plane-processing-resources",
    "hardware-failure",
    "om-intervention",
    "unspecified",
    "unknown-PLMN",
};
#define CAUSE_MISC_ROOT 6

static const struct {
    const gchar        *name;
    const gchar * const *values;
    guint               n_values;
    guint               n_root;
} cause_groups[] = {
    [HENB_S1AP_CAUSE_RADIO_NETWORK] = { "radioNetwork", cause_radio_network,
                                        G_N_ELEMENTS (cause_radio_network), CAUSE_RADIO_NETWORK_ROOT },
    [HENB_S1AP_CAUSE_TRANSPORT] = { "transport", cause_transport,
                                    G_N_ELEMENTS (cause_transport), CAUSE_TRANSPORT_ROOT },
    [HENB_S1AP_CAUSE_NAS] = { "nas", cause_nas, G_N_ELEMENTS (cause_nas), CAUSE_NAS_ROOT },
    [HENB_S1AP_CAUSE_PROTOCOL] = { "protocol", cause_protocol,
                                   G_N_ELEMENTS (cause_protocol), CAUSE_PROTOCOL_ROOT },
    [HENB_S1AP_CAUSE_MISC] = { "misc", cause_misc, G_N_ELEMENTS (cause_misc), CAUSE_MISC_ROOT },
};

/* PagingDRX and TimeToWait, root values in ASN.1 order */
static const guint paging_drx_values[] = { 32, 64, 128, 256 };
static const guint time_to_wait_values[] = { 1, 2, 5, 10, 20, 60 };

const gchar *
henb_s1ap_procedure_name (guint procedure_code)
{
    if (procedure_code >= G_N_ELEMENTS (procedure_names))
        return NULL;
    return procedure_names[procedure_code];
}

const gchar *
henb_s1ap_message_type_name (HenbS1apMessageType type)
{
    switch (type) {
    case HENB_S1AP_MESSAGE_INITIATING:
        return "initiatingMessage";
    case HENB_S1AP_MESSAGE_SUCCESSFUL:
        return "successfulOutcome";
    case HENB_S1AP_MESSAGE_UNSUCCESSFUL:
        return "unsuccessfulOutcome";
    }
    return "unknown";
}

gchar *
henb_s1ap_pdu_describe (const HenbS1apPdu *pdu)
{
    g_return_val_if_fail (pdu != NULL, NULL);

    if (pdu->procedure_name == NULL)
        return g_strdup_printf ("%s procedure %u", henb_s1ap_message_type_name (pdu->type),
                                pdu->procedure_code);
    return g_strdup_printf ("%s %s (%u)", henb_s1ap_message_type_name (pdu->type),
                            pdu->procedure_name, pdu->procedure_code);
}

gchar *
henb_s1ap_cause_to_string (HenbS1apCauseGroup group, guint value)
{
    if ((guint) group >= G_N_ELEMENTS (cause_groups))
        return g_strdup_printf ("cause group %u: %u", (guint) group, value);
    if (value >= cause_groups[group].n_values)
        return g_strdup_printf ("%s: %u", cause_groups[group].name, value);
    return g_strdup_printf ("%s: %s", cause_groups[group].name, cause_groups[group].values[value]);
}

/* ------------------------------------------------------------------------------------------ */
/* The structures */

static void
supported_ta_free (HenbS1apSupportedTa *ta)
{
    g_strfreev (ta->broadcast_plmns);
    g_free (ta);
}

HenbS1apSetupRequest *
henb_s1ap_setup_request_new (void)
{
    HenbS1apSetupRequest *req = g_new0 (HenbS1apSetupRequest, 1);

    req->home = TRUE;
    req->paging_drx = 128;
    req->supported_tas = g_ptr_array_new_with_free_func ((GDestroyNotify) supported_ta_free);
    return req;
}

void
henb_s1ap_setup_request_free (HenbS1apSetupRequest *req)
{
    if (req == NULL)
        return;
    g_free (req->plmn);
    g_free (req->enb_name);
    g_ptr_array_unref (req->supported_tas);
    g_free (req);
}

void
henb_s1ap_setup_request_add_ta (HenbS1apSetupRequest *req,
                                guint16               tac,
                                const gchar * const  *broadcast_plmns)
{
    HenbS1apSupportedTa *ta = g_new0 (HenbS1apSupportedTa, 1);

    ta->tac = tac;
    ta->broadcast_plmns = g_strdupv ((gchar **) broadcast_plmns);
    g_ptr_array_add (req->supported_tas, ta);
}

static void
served_gummei_free (HenbS1apServedGummei *gummei)
{
    g_strfreev (gummei->served_plmns);
    g_array_unref (gummei->served_group_ids);
    g_array_unref (gummei->served_mmecs);
    g_free (gummei);
}

static HenbS1apServedGummei *
served_gummei_new (void)
{
    HenbS1apServedGummei *gummei = g_new0 (HenbS1apServedGummei, 1);

    gummei->served_group_ids = g_array_new (FALSE, FALSE, sizeof (guint16));
    gummei->served_mmecs = g_array_new (FALSE, FALSE, sizeof (guint8));
    return gummei;
}

HenbS1apSetupResponse *
henb_s1ap_setup_response_new (void)
{
    HenbS1apSetupResponse *resp = g_new0 (HenbS1apSetupResponse, 1);

    resp->served_gummeis = g_ptr_array_new_with_free_func ((GDestroyNotify) served_gummei_free);
    return resp;
}

void
henb_s1ap_setup_response_free (HenbS1apSetupResponse *resp)
{
    if (resp == NULL)
        return;
    g_free (resp->mme_name);
    g_ptr_array_unref (resp->served_gummeis);
    g_free (resp);
}

void
henb_s1ap_setup_response_add_gummei (HenbS1apSetupResponse *resp,
                                     const gchar * const   *served_plmns,
                                     const guint16         *group_ids,
                                     guint                  n_group_ids,
                                     const guint8          *mmecs,
                                     guint                  n_mmecs)
{
    HenbS1apServedGummei *gummei = served_gummei_new ();

    gummei->served_plmns = g_strdupv ((gchar **) served_plmns);
    g_array_append_vals (gummei->served_group_ids, group_ids, n_group_ids);
    g_array_append_vals (gummei->served_mmecs, mmecs, n_mmecs);
    g_ptr_array_add (resp->served_gummeis, gummei);
}

void
henb_s1ap_pdu_free (HenbS1apPdu *pdu)
{
    if (pdu == NULL)
        return;
    henb_s1ap_setup_request_free (pdu->setup_request);
    henb_s1ap_setup_response_free (pdu->setup_response);
    g_free (pdu->setup_failure);
    g_free (pdu);
}

/* ------------------------------------------------------------------------------------------ */
/* Values shared by both directions */

static gboolean
invalid (GError **error, const gchar *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const gchar *format, ...)
{
    va_list args;
    g_autofree gchar *message = NULL;

    va_start (args, format);
    message = g_strdup_vprintf (format, args);
    va_end (args);
    g_set_error_literal (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_INVALID_ARGUMENT, message);
    return FALSE;
}

static gboolean
malformed (GError **error, const gchar *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
malformed (GError **error, const gchar *format, ...)
{
    va_list args;
    g_autofree gchar *message = NULL;

    va_start (args, format);
    message = g_strdup_vprintf (format, args);
    va_end (args);
    g_set_error_literal (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_MALFORMED, message);
    return FALSE;
}

/* PLMNidentity: TBCD-STRING (SIZE (3)), MCC digit 2 | digit 1, MNC digit 3 (or F) | MCC digit 3,
 * MNC digit 2 | digit 1 (TS 24.008 10.5.1.3). */
static gboolean
plmn_to_tbcd (const gchar *plmn, guint8 tbcd[3], GError **error)
{
    gsize len = plmn != NULL ? strlen (plmn) : 0;
    guint8 d[6];

    if (len != 5 && len != 6)
        return invalid (error, "PLMN '%s' is not 5 or 6 digits", plmn != NULL ? plmn : "");
    for (gsize i = 0; i < len; i++) {
        if (!g_ascii_isdigit (plmn[i]))
            return invalid (error, "PLMN '%s' is not 5 or 6 digits", plmn);
        d[i] = (guint8) (plmn[i] - '0');
    }
    tbcd[0] = (guint8) (d[1] << 4 | d[0]);
    tbcd[1] = (guint8) ((len == 6 ? d[5] : 0xf) << 4 | d[2]);
    tbcd[2] = (guint8) (d[4] << 4 | d[3]);
    return TRUE;
}

static gchar *
plmn_from_tbcd (const guint8 tbcd[3], GError **error)
{
    guint8 d[6] = {
        tbcd[0] & 0xf, tbcd[0] >> 4, tbcd[1] & 0xf, tbcd[2] & 0xf, tbcd[2] >> 4, tbcd[1] >> 4,
    };
    guint n = d[5] == 0xf ? 5 : 6;
    gchar digits[7];

    for (guint i = 0; i < n; i++) {
        if (d[i] > 9) {
            malformed (error, "PLMN identity %02x%02x%02x is not TBCD digits",
                       tbcd[0], tbcd[1], tbcd[2]);
            return NULL;
        }
        digits[i] = (gchar) ('0' + d[i]);
    }
    digits[n] = '\0';
    return g_strdup (digits);
}

/* The PrintableString alphabet (X.680 41.4) */
static gboolean
is_printable_char (gchar c)
{
    return g_ascii_isalnum (c) || (c != '\0' && strchr (" '()+,-./:=?", c) != NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Encoding */

static void
put_extensible_enumerated (HenbPerEncoder *enc, guint index, guint n_root)
{
    henb_per_put_bits (enc, 0, 1);
    henb_per_put_constrained (enc, index, 0, n_root - 1);
}

static gboolean
put_plmn (HenbPerEncoder *enc, const gchar *plmn, GError **error)
{
    guint8 tbcd[3];

    if (!plmn_to_tbcd (plmn, tbcd, error))
        return FALSE;
    /* fixed size above two octets: aligned */
    henb_per_put_align (enc);
    henb_per_put_octets (enc, tbcd, sizeof tbcd);
    return TRUE;
}

/* ENBname, MMEname: PrintableString (SIZE (1..150, ...)) */
static gboolean
put_name (HenbPerEncoder *enc, const gchar *name, GError **error)
{
    gsize len = strlen (name);

    if (len < 1 || len > MAX_NAME_LENGTH)
        return invalid (error, "Name of %" G_GSIZE_FORMAT " characters (1 to %d allowed)",
                        len, MAX_NAME_LENGTH);
    for (gsize i = 0; i < len; i++) {
        if (!is_printable_char (name[i]))
            return invalid (error, "Name '%s' is not a PrintableString", name);
    }
    henb_per_put_bits (enc, 0, 1);
    henb_per_put_constrained (enc, (guint32) len, 1, MAX_NAME_LENGTH);
    /* aligned PER gives each character 8 bits */
    henb_per_put_align (enc);
    henb_per_put_octets (enc, (const guint8 *) name, len);
    return TRUE;
}

/* ProtocolIE-Field: id, criticality, value as an open type */
static gboolean
put_ie (HenbPerEncoder *enc, guint id, guint criticality, HenbPerEncoder *value, GError **error)
{
    henb_per_put_constrained (enc, id, 0, 65535);
    henb_per_put_constrained (enc, criticality, 0, 2);
    return henb_per_put_open_type (enc, value, error);
}

/* S1AP-PDU holding an S1 Setup message whose @n_ies IEs are encoded in @container */
static GBytes *
finish_s1_setup_pdu (HenbS1apMessageType type, HenbPerEncoder *container, guint n_ies,
                     GError **error)
{
    HenbPerEncoder message;
    HenbPerEncoder pdu;
    g_autoptr(GBytes) ies = henb_per_encoder_finish (container);
    gboolean ok;

    /* S1SetupRequest/Response/Failure ::= SEQUENCE { protocolIEs, ... } */
    henb_per_encoder_init (&message);
    henb_per_put_bits (&message, 0, 1);
    henb_per_put_constrained (&message, n_ies, 0, MAX_PROTOCOL_IES);
    if (n_ies > 0)
        henb_per_put_octets (&message, g_bytes_get_data (ies, NULL), g_bytes_get_size (ies));

    henb_per_encoder_init (&pdu);
    henb_per_put_bits (&pdu, 0, 1);
    henb_per_put_constrained (&pdu, type, 0, 2);
    henb_per_put_constrained (&pdu, HENB_S1AP_PROCEDURE_S1_SETUP, 0, 255);
    henb_per_put_constrained (&pdu, CRITICALITY_REJECT, 0, 2);
    ok = henb_per_put_open_type (&pdu, &message, error);
    henb_per_encoder_clear (&message);
    if (!ok) {
        henb_per_encoder_clear (&pdu);
        return NULL;
    }
    return henb_per_encoder_finish (&pdu);
}

/* The IE containers are built one IE at a time; the count goes in front when it is known. */
typedef struct {
    HenbPerEncoder ies;
    guint          n_ies;
} IeList;

static gboolean
ie_list_add (IeList *list, guint id, guint criticality, HenbPerEncoder *value, GError **error)
{
    /* each IE starts on an octet boundary, since the count before it is two aligned octets */
    list->n_ies++;
    return put_ie (&list->ies, id, criticality, value, error);
}

/* Global-ENB-ID ::= SEQUENCE { pLMNidentity, eNB-ID, iE-Extensions OPTIONAL, ... } */
static gboolean
put_global_enb_id (HenbPerEncoder *enc, const HenbS1apSetupRequest *req, GError **error)
{
    guint n_bits = req->home ? 28 : 20;

    if (req->enb_id >> n_bits != 0)
        return invalid (error, "eNB ID %u does not fit in %u bits", req->enb_id, n_bits);
    henb_per_put_bits (enc, 0, 1); /* extension */
    henb_per_put_bits (enc, 0, 1); /* no iE-Extensions */
    if (!put_plmn (enc, req->plmn, error))
        return FALSE;
    /* ENB-ID ::= CHOICE { macroENB-ID BIT STRING (SIZE(20)), homeENB-ID BIT STRING (SIZE(28)), ... } */
    henb_per_put_bits (enc, 0, 1);
    henb_per_put_constrained (enc, req->home ? 1 : 0, 0, 1);
    /* fixed size above 16 bits: aligned */
    henb_per_put_align (enc);
    henb_per_put_bits (enc, req->enb_id, n_bits);
    return TRUE;
}

/* SupportedTAs ::= SEQUENCE (SIZE(1..maxnoofTACs)) OF SupportedTAs-Item */
static gboolean
put_supported_tas (HenbPerEncoder *enc, GPtrArray *tas, GError **error)
{
    if (tas == NULL || tas->len < 1 || tas->len > MAX_NO_OF_TACS)
        return invalid (error, "%u supported TAs (1 to %d allowed)", tas != NULL ? tas->len : 0,
                        MAX_NO_OF_TACS);
    henb_per_put_constrained (enc, tas->len, 1, MAX_NO_OF_TACS);
    for (guint i = 0; i < tas->len; i++) {
        const HenbS1apSupportedTa *ta = g_ptr_array_index (tas, i);
        guint n_plmns = ta->broadcast_plmns != NULL ? g_strv_length (ta->broadcast_plmns) : 0;

        if (n_plmns < 1 || n_plmns > MAX_NO_OF_BPLMNS)
            return invalid (error, "TAC %u with %u broadcast PLMNs (1 to %d allowed)",
                            ta->tac, n_plmns, MAX_NO_OF_BPLMNS);
        /* SupportedTAs-Item ::= SEQUENCE { tAC, broadcastPLMNs, iE-Extensions OPTIONAL, ... } */
        henb_per_put_bits (enc, 0, 1);
        henb_per_put_bits (enc, 0, 1);
        /* TAC ::= OCTET STRING (SIZE (2)): two octets or less are not aligned */
        henb_per_put_bits (enc, ta->tac, 16);
        henb_per_put_constrained (enc, n_plmns, 1, MAX_NO_OF_BPLMNS);
        for (guint j = 0; j < n_plmns; j++) {
            if (!put_plmn (enc, ta->broadcast_plmns[j], error))
                return FALSE;
        }
    }
    return TRUE;
}

static gint
index_of (const guint *values, guint n_values, guint value)
{
    for (guint i = 0; i < n_values; i++) {
        if (values[i] == value)
            return (gint) i;
    }
    return -1;
}

GBytes *
henb_s1ap_encode_setup_request (const HenbS1apSetupRequest *req, GError **error)
{
    IeList list = { { NULL, 0 }, 0 };
    HenbPerEncoder value;
    gint drx;
    gboolean ok;

    g_return_val_if_fail (req != NULL, NULL);

    drx = index_of (paging_drx_values, G_N_ELEMENTS (paging_drx_values), req->paging_drx);
    if (drx < 0) {
        invalid (error, "Default paging DRX %u is not 32, 64, 128 or 256", req->paging_drx);
        return NULL;
    }

    henb_per_encoder_init (&list.ies);
    henb_per_encoder_init (&value);
    ok = put_global_enb_id (&value, req, error) &&
         ie_list_add (&list, IE_GLOBAL_ENB_ID, CRITICALITY_REJECT, &value, error);
    if (ok && req->enb_name != NULL) {
        henb_per_encoder_init (&value);
        ok = put_name (&value, req->enb_name, error) &&
             ie_list_add (&list, IE_ENB_NAME, CRITICALITY_IGNORE, &value, error);
    }
    if (ok) {
        henb_per_encoder_init (&value);
        ok = put_supported_tas (&value, req->supported_tas, error) &&
             ie_list_add (&list, IE_SUPPORTED_TAS, CRITICALITY_REJECT, &value, error);
    }
    if (ok) {
        /* PagingDRX ::= ENUMERATED { v32, v64, v128, v256, ... } */
        henb_per_encoder_init (&value);
        put_extensible_enumerated (&value, (guint) drx, G_N_ELEMENTS (paging_drx_values));
        ok = ie_list_add (&list, IE_DEFAULT_PAGING_DRX, CRITICALITY_IGNORE, &value, error);
    }
    henb_per_encoder_clear (&value);
    if (!ok) {
        henb_per_encoder_clear (&list.ies);
        return NULL;
    }
    return finish_s1_setup_pdu (HENB_S1AP_MESSAGE_INITIATING, &list.ies, list.n_ies, error);
}

/* ServedGUMMEIs ::= SEQUENCE (SIZE (1..maxnoofRATs)) OF ServedGUMMEIsItem */
static gboolean
put_served_gummeis (HenbPerEncoder *enc, GPtrArray *gummeis, GError **error)
{
    if (gummeis == NULL || gummeis->len < 1 || gummeis->len > MAX_NO_OF_RATS)
        return invalid (error, "%u served GUMMEIs (1 to %d allowed)",
                        gummeis != NULL ? gummeis->len : 0, MAX_NO_OF_RATS);
    henb_per_put_constrained (enc, gummeis->len, 1, MAX_NO_OF_RATS);
    for (guint i = 0; i < gummeis->len; i++) {
        const HenbS1apServedGummei *gummei = g_ptr_array_index (gummeis, i);
        guint n_plmns = gummei->served_plmns != NULL ? g_strv_length (gummei->served_plmns) : 0;
        guint n_groups = gummei->served_group_ids->len;
        guint n_mmecs = gummei->served_mmecs->len;

        if (n_plmns < 1 || n_plmns > MAX_NO_OF_PLMNS_PER_MME)
            return invalid (error, "%u served PLMNs (1 to %d allowed)", n_plmns,
                            MAX_NO_OF_PLMNS_PER_MME);
        if (n_groups < 1 || n_groups > MAX_NO_OF_GROUP_IDS)
            return invalid (error, "%u served group IDs (1 to %d allowed)", n_groups,
                            MAX_NO_OF_GROUP_IDS);
        if (n_mmecs < 1 || n_mmecs > MAX_NO_OF_MMECS)
            return invalid (error, "%u served MME codes (1 to %d allowed)", n_mmecs,
                            MAX_NO_OF_MMECS);

        /* ServedGUMMEIsItem ::= SEQUENCE { servedPLMNs, servedGroupIDs, servedMMECs,
         *                                  iE-Extensions OPTIONAL, ... } */
        henb_per_put_bits (enc, 0, 1);
        henb_per_put_bits (enc, 0, 1);
        henb_per_put_constrained (enc, n_plmns, 1, MAX_NO_OF_PLMNS_PER_MME);
        for (guint j = 0; j < n_plmns; j++) {
            if (!put_plmn (enc, gummei->served_plmns[j], error))
                return FALSE;
        }
        /* MME-Group-ID ::= OCTET STRING (SIZE (2)), MME-Code ::= OCTET STRING (SIZE (1)) */
        henb_per_put_constrained (enc, n_groups, 1, MAX_NO_OF_GROUP_IDS);
        for (guint j = 0; j < n_groups; j++)
            henb_per_put_bits (enc, g_array_index (gummei->served_group_ids, guint16, j), 16);
        henb_per_put_constrained (enc, n_mmecs, 1, MAX_NO_OF_MMECS);
        for (guint j = 0; j < n_mmecs; j++)
            henb_per_put_bits (enc, g_array_index (gummei->served_mmecs, guint8, j), 8);
    }
    return TRUE;
}

GBytes *
henb_s1ap_encode_setup_response (const HenbS1apSetupResponse *resp, GError **error)
{
    IeList list = { { NULL, 0 }, 0 };
    HenbPerEncoder value;
    gboolean ok = TRUE;

    g_return_val_if_fail (resp != NULL, NULL);

    if (resp->relative_capacity > 255) {
        invalid (error, "Relative MME capacity %u above 255", resp->relative_capacity);
        return NULL;
    }

    henb_per_encoder_init (&list.ies);
    henb_per_encoder_init (&value);
    if (resp->mme_name != NULL) {
        ok = put_name (&value, resp->mme_name, error) &&
             ie_list_add (&list, IE_MME_NAME, CRITICALITY_IGNORE, &value, error);
        if (ok)
            henb_per_encoder_init (&value);
    }
    if (ok) {
        ok = put_served_gummeis (&value, resp->served_gummeis, error) &&
             ie_list_add (&list, IE_SERVED_GUMMEIS, CRITICALITY_REJECT, &value, error);
    }
    if (ok) {
        /* RelativeMMECapacity ::= INTEGER (0..255) */
        henb_per_encoder_init (&value);
        henb_per_put_constrained (&value, resp->relative_capacity, 0, 255);
        ok = ie_list_add (&list, IE_RELATIVE_MME_CAPACITY, CRITICALITY_IGNORE, &value, error);
    }
    henb_per_encoder_clear (&value);
    if (!ok) {
        henb_per_encoder_clear (&list.ies);
        return NULL;
    }
    return finish_s1_setup_pdu (HENB_S1AP_MESSAGE_SUCCESSFUL, &list.ies, list.n_ies, error);
}

GBytes *
henb_s1ap_encode_setup_failure (const HenbS1apSetupFailure *failure, GError **error)
{
    IeList list = { { NULL, 0 }, 0 };
    HenbPerEncoder value;
    gint wait = -1;
    guint group;
    gboolean ok;

    g_return_val_if_fail (failure != NULL, NULL);

    group = failure->cause_group;
    if (group >= G_N_ELEMENTS (cause_groups) ||
        failure->cause_value >= cause_groups[group].n_values) {
        invalid (error, "No cause %u in group %u", failure->cause_value, group);
        return NULL;
    }
    if (failure->time_to_wait_s != 0) {
        wait = index_of (time_to_wait_values, G_N_ELEMENTS (time_to_wait_values),
                         failure->time_to_wait_s);
        if (wait < 0) {
            invalid (error, "Time to wait %u s is not 1, 2, 5, 10, 20 or 60",
                     failure->time_to_wait_s);
            return NULL;
        }
    }

    henb_per_encoder_init (&list.ies);
    /* Cause ::= CHOICE { radioNetwork, transport, nas, protocol, misc, ... }, each an
     * extensible ENUMERATED */
    henb_per_encoder_init (&value);
    henb_per_put_bits (&value, 0, 1);
    henb_per_put_constrained (&value, group, 0, G_N_ELEMENTS (cause_groups) - 1);
    if (failure->cause_value < cause_groups[group].n_root) {
        put_extensible_enumerated (&value, failure->cause_value, cause_groups[group].n_root);
    } else {
        /* an extension value: its index among the additions as a normally small number */
        henb_per_put_bits (&value, 1, 1);
        henb_per_put_bits (&value, 0, 1);
        henb_per_put_bits (&value, failure->cause_value - cause_groups[group].n_root, 6);
    }
    ok = ie_list_add (&list, IE_CAUSE, CRITICALITY_IGNORE, &value, error);
    if (ok && wait >= 0) {
        /* TimeToWait ::= ENUMERATED { v1s, v2s, v5s, v10s, v20s, v60s, ... } */
        henb_per_encoder_init (&value);
        put_extensible_enumerated (&value, (guint) wait, G_N_ELEMENTS (time_to_wait_values));
        ok = ie_list_add (&list, IE_TIME_TO_WAIT, CRITICALITY_IGNORE, &value, error);
    }
    henb_per_encoder_clear (&value);
    if (!ok) {
        henb_per_encoder_clear (&list.ies);
        return NULL;
    }
    return finish_s1_setup_pdu (HENB_S1AP_MESSAGE_UNSUCCESSFUL, &list.ies, list.n_ies, error);
}

/* ------------------------------------------------------------------------------------------ */
/* Decoding */

static gboolean
get_bit (HenbPerDecoder *dec, gboolean *out, GError **error)
{
    guint32 bit;

    if (!henb_per_get_bits (dec, 1, &bit, error))
        return FALSE;
    *out = bit != 0;
    return TRUE;
}

/* An extensible ENUMERATED: root values keep their index, additions follow them. */
static gboolean
get_extensible_enumerated (HenbPerDecoder *dec, guint n_root, guint32 *out, GError **error)
{
    gboolean extended;
    guint32 index;

    if (!get_bit (dec, &extended, error))
        return FALSE;
    if (!extended)
        return henb_per_get_constrained (dec, 0, n_root - 1, out, error);
    if (!henb_per_get_normally_small (dec, &index, error))
        return FALSE;
    *out = n_root + index;
    return TRUE;
}

static gchar *
get_plmn (HenbPerDecoder *dec, GError **error)
{
    guint8 tbcd[3];

    if (!henb_per_get_align (dec, error) || !henb_per_get_octets (dec, tbcd, 3, error))
        return NULL;
    return plmn_from_tbcd (tbcd, error);
}

/* ProtocolExtensionContainer: nothing in it is used by henbd, so it is only stepped over */
static gboolean
skip_extension_container (HenbPerDecoder *dec, GError **error)
{
    guint32 n_fields;

    if (!henb_per_get_constrained (dec, 1, MAX_PROTOCOL_EXTENSIONS, &n_fields, error))
        return FALSE;
    for (guint32 i = 0; i < n_fields; i++) {
        guint32 id;
        guint32 criticality;
        HenbPerDecoder skipped;

        if (!henb_per_get_constrained (dec, 0, 65535, &id, error) ||
            !henb_per_get_constrained (dec, 0, 2, &criticality, error) ||
            !henb_per_get_open_type (dec, &skipped, error))
            return FALSE;
    }
    return TRUE;
}

/* The preamble of an extensible SEQUENCE: its extension bit and @n_optional presence bits */
static gboolean
get_sequence_preamble (HenbPerDecoder *dec, gboolean *extended, guint n_optional,
                       gboolean *present, GError **error)
{
    if (!get_bit (dec, extended, error))
        return FALSE;
    for (guint i = 0; i < n_optional; i++) {
        if (!get_bit (dec, &present[i], error))
            return FALSE;
    }
    return TRUE;
}

/* What follows the root components of a SEQUENCE with one optional iE-Extensions */
static gboolean
finish_sequence (HenbPerDecoder *dec, gboolean extended, gboolean has_ie_extensions,
                 GError **error)
{
    if (has_ie_extensions && !skip_extension_container (dec, error))
        return FALSE;
    if (extended && !henb_per_skip_extension_additions (dec, error))
        return FALSE;
    return TRUE;
}

/* ENBname, MMEname */
static gchar *
get_name (HenbPerDecoder *dec, GError **error)
{
    gboolean extended;
    gsize len;
    g_autofree gchar *name = NULL;

    if (!get_bit (dec, &extended, error))
        return NULL;
    if (!extended) {
        guint32 constrained;

        if (!henb_per_get_constrained (dec, 1, MAX_NAME_LENGTH, &constrained, error))
            return NULL;
        len = constrained;
    } else if (!henb_per_get_length (dec, &len, error)) {
        return NULL;
    }
    if (!henb_per_get_align (dec, error))
        return NULL;
    name = g_malloc (len + 1);
    if (!henb_per_get_octets (dec, (guint8 *) name, len, error))
        return NULL;
    name[len] = '\0';
    for (gsize i = 0; i < len; i++) {
        if (!is_printable_char (name[i])) {
            malformed (error, "Name with a character that is not printable (0x%02x)",
                       (guint8) name[i]);
            return NULL;
        }
    }
    return g_steal_pointer (&name);
}

static gboolean
get_global_enb_id (HenbPerDecoder *dec, HenbS1apSetupRequest *req, GError **error)
{
    gboolean extended;
    gboolean has_ie_extensions;
    gboolean choice_extended;
    guint32 choice;
    guint32 id;

    if (!get_sequence_preamble (dec, &extended, 1, &has_ie_extensions, error))
        return FALSE;
    req->plmn = get_plmn (dec, error);
    if (req->plmn == NULL)
        return FALSE;
    if (!get_bit (dec, &choice_extended, error))
        return FALSE;
    if (choice_extended) {
        /* short-macroENB-ID and long-macroENB-ID: not for a home eNB's peer */
        g_set_error (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_UNSUPPORTED,
                     "eNB ID of an extension alternative (short or long macro eNB ID)");
        return FALSE;
    }
    if (!henb_per_get_constrained (dec, 0, 1, &choice, error) ||
        !henb_per_get_align (dec, error) ||
        !henb_per_get_bits (dec, choice == 1 ? 28 : 20, &id, error))
        return FALSE;
    req->home = choice == 1;
    req->enb_id = id;
    return finish_sequence (dec, extended, has_ie_extensions, error);
}

static gboolean
get_supported_tas (HenbPerDecoder *dec, GPtrArray *tas, GError **error)
{
    guint32 n_tas;

    if (!henb_per_get_constrained (dec, 1, MAX_NO_OF_TACS, &n_tas, error))
        return FALSE;
    for (guint32 i = 0; i < n_tas; i++) {
        g_autoptr(GPtrArray) plmns = g_ptr_array_new_with_free_func (g_free);
        HenbS1apSupportedTa *ta;
        gboolean extended;
        gboolean has_ie_extensions;
        guint32 tac;
        guint32 n_plmns;

        if (!get_sequence_preamble (dec, &extended, 1, &has_ie_extensions, error) ||
            !henb_per_get_bits (dec, 16, &tac, error) ||
            !henb_per_get_constrained (dec, 1, MAX_NO_OF_BPLMNS, &n_plmns, error))
            return FALSE;
        for (guint32 j = 0; j < n_plmns; j++) {
            gchar *plmn = get_plmn (dec, error);

            if (plmn == NULL)
                return FALSE;
            g_ptr_array_add (plmns, plmn);
        }
        g_ptr_array_add (plmns, NULL);
        ta = g_new0 (HenbS1apSupportedTa, 1);
        ta->tac = (guint16) tac;
        ta->broadcast_plmns = (GStrv) g_ptr_array_free (g_steal_pointer (&plmns), FALSE);
        g_ptr_array_add (tas, ta);
        if (!finish_sequence (dec, extended, has_ie_extensions, error))
            return FALSE;
    }
    return TRUE;
}

static gboolean
get_served_gummeis (HenbPerDecoder *dec, GPtrArray *gummeis, GError **error)
{
    guint32 n_gummeis;

    if (!henb_per_get_constrained (dec, 1, MAX_NO_OF_RATS, &n_gummeis, error))
        return FALSE;
    for (guint32 i = 0; i < n_gummeis; i++) {
        HenbS1apServedGummei *gummei = served_gummei_new ();
        g_autoptr(GPtrArray) plmns = g_ptr_array_new_with_free_func (g_free);
        gboolean extended;
        gboolean has_ie_extensions;
        guint32 n;

        /* owned by the array from here, so that every failure below frees it */
        g_ptr_array_add (gummeis, gummei);
        if (!get_sequence_preamble (dec, &extended, 1, &has_ie_extensions, error) ||
            !henb_per_get_constrained (dec, 1, MAX_NO_OF_PLMNS_PER_MME, &n, error))
            return FALSE;
        for (guint32 j = 0; j < n; j++) {
            gchar *plmn = get_plmn (dec, error);

            if (plmn == NULL)
                return FALSE;
            g_ptr_array_add (plmns, plmn);
        }
        g_ptr_array_add (plmns, NULL);
        gummei->served_plmns = (GStrv) g_ptr_array_free (g_steal_pointer (&plmns), FALSE);

        if (!henb_per_get_constrained (dec, 1, MAX_NO_OF_GROUP_IDS, &n, error))
            return FALSE;
        /* two octets each: a count the buffer cannot hold is refused before anything grows */
        if ((gsize) n * 16 > henb_per_decoder_remaining_bits (dec))
            return malformed (error, "%u served group IDs announced, the IE is shorter", n);
        for (guint32 j = 0; j < n; j++) {
            guint32 group_id;
            guint16 value;

            if (!henb_per_get_bits (dec, 16, &group_id, error))
                return FALSE;
            value = (guint16) group_id;
            g_array_append_val (gummei->served_group_ids, value);
        }

        if (!henb_per_get_constrained (dec, 1, MAX_NO_OF_MMECS, &n, error))
            return FALSE;
        for (guint32 j = 0; j < n; j++) {
            guint32 mmec;
            guint8 value;

            if (!henb_per_get_bits (dec, 8, &mmec, error))
                return FALSE;
            value = (guint8) mmec;
            g_array_append_val (gummei->served_mmecs, value);
        }
        if (!finish_sequence (dec, extended, has_ie_extensions, error))
            return FALSE;
    }
    return TRUE;
}

static gboolean
get_cause (HenbPerDecoder *dec, HenbS1apSetupFailure *failure, GError **error)
{
    gboolean extended;
    guint32 group;

    if (!get_bit (dec, &extended, error))
        return FALSE;
    if (extended) {
        /* release 19 has no Cause alternatives beyond the root */
        g_set_error (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_UNSUPPORTED,
                     "Cause of an unknown group");
        return FALSE;
    }
    if (!henb_per_get_constrained (dec, 0, G_N_ELEMENTS (cause_groups) - 1, &group, error) ||
        !get_extensible_enumerated (dec, cause_groups[group].n_root, &failure->cause_value, error))
        return FALSE;
    failure->cause_group = (HenbS1apCauseGroup) group;
    return TRUE;
}

/* Called for each IE of a container with its value; unknown IDs are left alone. */
typedef gboolean (*IeDecodeFunc) (gpointer        message,
                                  guint32         id,
                                  HenbPerDecoder *value,
                                  gboolean       *known,
                                  GError        **error);

static gboolean
get_ie_container (HenbPerDecoder *dec, IeDecodeFunc decode_ie, gpointer message, GError **error)
{
    gboolean extended;
    guint32 n_ies;

    if (!get_bit (dec, &extended, error) ||
        !henb_per_get_constrained (dec, 0, MAX_PROTOCOL_IES, &n_ies, error))
        return FALSE;
    for (guint32 i = 0; i < n_ies; i++) {
        HenbPerDecoder value;
        guint32 id;
        guint32 criticality;
        gboolean known = FALSE;

        if (!henb_per_get_constrained (dec, 0, 65535, &id, error) ||
            !henb_per_get_constrained (dec, 0, 2, &criticality, error) ||
            !henb_per_get_open_type (dec, &value, error))
            return FALSE;
        if (!decode_ie (message, id, &value, &known, error)) {
            g_prefix_error (error, "IE %u: ", id);
            return FALSE;
        }
        if (known) {
            g_autofree gchar *what = g_strdup_printf ("IE %u", id);

            if (!henb_per_check_consumed (&value, what, error))
                return FALSE;
        } else {
            g_debug ("Skipping IE %u (criticality %u)", id, criticality);
        }
    }
    if (extended && !henb_per_skip_extension_additions (dec, error))
        return FALSE;
    return henb_per_check_consumed (dec, "the IE container", error);
}

static gboolean
duplicate (guint32 id, GError **error)
{
    return malformed (error, "IE %u given twice", id);
}

static gboolean
missing (const gchar *what, GError **error)
{
    return malformed (error, "Mandatory IE %s missing", what);
}

typedef struct {
    HenbS1apSetupRequest *req;
    gboolean              have_global_enb_id;
    gboolean              have_paging_drx;
} RequestContext;

static gboolean
decode_request_ie (gpointer message, guint32 id, HenbPerDecoder *value, gboolean *known,
                   GError **error)
{
    RequestContext *ctx = message;
    guint32 drx;

    *known = TRUE;
    switch (id) {
    case IE_GLOBAL_ENB_ID:
        if (ctx->have_global_enb_id)
            return duplicate (id, error);
        ctx->have_global_enb_id = TRUE;
        return get_global_enb_id (value, ctx->req, error);
    case IE_ENB_NAME:
        if (ctx->req->enb_name != NULL)
            return duplicate (id, error);
        ctx->req->enb_name = get_name (value, error);
        return ctx->req->enb_name != NULL;
    case IE_SUPPORTED_TAS:
        if (ctx->req->supported_tas->len > 0)
            return duplicate (id, error);
        return get_supported_tas (value, ctx->req->supported_tas, error);
    case IE_DEFAULT_PAGING_DRX:
        if (ctx->have_paging_drx)
            return duplicate (id, error);
        ctx->have_paging_drx = TRUE;
        if (!get_extensible_enumerated (value, G_N_ELEMENTS (paging_drx_values), &drx, error))
            return FALSE;
        if (drx >= G_N_ELEMENTS (paging_drx_values)) {
            g_set_error (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_UNSUPPORTED,
                         "Paging DRX of an unknown extension value");
            return FALSE;
        }
        ctx->req->paging_drx = paging_drx_values[drx];
        return TRUE;
    default:
        *known = FALSE;
        return TRUE;
    }
}

static HenbS1apSetupRequest *
decode_setup_request (HenbPerDecoder *dec, GError **error)
{
    g_autoptr(HenbS1apSetupRequest) req = henb_s1ap_setup_request_new ();
    RequestContext ctx = { req, FALSE, FALSE };

    req->paging_drx = 0;
    if (!get_ie_container (dec, decode_request_ie, &ctx, error))
        return NULL;
    if (!ctx.have_global_enb_id) {
        missing ("Global-ENB-ID", error);
        return NULL;
    }
    if (req->supported_tas->len == 0) {
        missing ("SupportedTAs", error);
        return NULL;
    }
    if (!ctx.have_paging_drx) {
        missing ("DefaultPagingDRX", error);
        return NULL;
    }
    return g_steal_pointer (&req);
}

typedef struct {
    HenbS1apSetupResponse *resp;
    gboolean               have_capacity;
} ResponseContext;

static gboolean
decode_response_ie (gpointer message, guint32 id, HenbPerDecoder *value, gboolean *known,
                    GError **error)
{
    ResponseContext *ctx = message;
    guint32 capacity;

    *known = TRUE;
    switch (id) {
    case IE_MME_NAME:
        if (ctx->resp->mme_name != NULL)
            return duplicate (id, error);
        ctx->resp->mme_name = get_name (value, error);
        return ctx->resp->mme_name != NULL;
    case IE_SERVED_GUMMEIS:
        if (ctx->resp->served_gummeis->len > 0)
            return duplicate (id, error);
        return get_served_gummeis (value, ctx->resp->served_gummeis, error);
    case IE_RELATIVE_MME_CAPACITY:
        if (ctx->have_capacity)
            return duplicate (id, error);
        ctx->have_capacity = TRUE;
        if (!henb_per_get_constrained (value, 0, 255, &capacity, error))
            return FALSE;
        ctx->resp->relative_capacity = capacity;
        return TRUE;
    default:
        *known = FALSE;
        return TRUE;
    }
}

static HenbS1apSetupResponse *
decode_setup_response (HenbPerDecoder *dec, GError **error)
{
    g_autoptr(HenbS1apSetupResponse) resp = henb_s1ap_setup_response_new ();
    ResponseContext ctx = { resp, FALSE };

    if (!get_ie_container (dec, decode_response_ie, &ctx, error))
        return NULL;
    if (resp->served_gummeis->len == 0) {
        missing ("ServedGUMMEIs", error);
        return NULL;
    }
    if (!ctx.have_capacity) {
        missing ("RelativeMMECapacity", error);
        return NULL;
    }
    return g_steal_pointer (&resp);
}

typedef struct {
    HenbS1apSetupFailure *failure;
    gboolean              have_cause;
    gboolean              have_time_to_wait;
} FailureContext;

static gboolean
decode_failure_ie (gpointer message, guint32 id, HenbPerDecoder *value, gboolean *known,
                   GError **error)
{
    FailureContext *ctx = message;
    guint32 wait;

    *known = TRUE;
    switch (id) {
    case IE_CAUSE:
        if (ctx->have_cause)
            return duplicate (id, error);
        ctx->have_cause = TRUE;
        return get_cause (value, ctx->failure, error);
    case IE_TIME_TO_WAIT:
        if (ctx->have_time_to_wait)
            return duplicate (id, error);
        ctx->have_time_to_wait = TRUE;
        if (!get_extensible_enumerated (value, G_N_ELEMENTS (time_to_wait_values), &wait, error))
            return FALSE;
        /* a later release's longer wait is unknown here: the longest known one is the safe side */
        ctx->failure->time_to_wait_s = wait < G_N_ELEMENTS (time_to_wait_values)
            ? time_to_wait_values[wait]
            : time_to_wait_values[G_N_ELEMENTS (time_to_wait_values) - 1];
        return TRUE;
    default:
        *known = FALSE;
        return TRUE;
    }
}

static HenbS1apSetupFailure *
decode_setup_failure (HenbPerDecoder *dec, GError **error)
{
    g_autofree HenbS1apSetupFailure *failure = g_new0 (HenbS1apSetupFailure, 1);
    FailureContext ctx = { failure, FALSE, FALSE };

    if (!get_ie_container (dec, decode_failure_ie, &ctx, error))
        return NULL;
    if (!ctx.have_cause) {
        missing ("Cause", error);
        return NULL;
    }
    return g_steal_pointer (&failure);
}

HenbS1apPdu *
henb_s1ap_decode (const guint8 *data, gsize len, GError **error)
{
    g_autoptr(HenbS1apPdu) pdu = g_new0 (HenbS1apPdu, 1);
    HenbPerDecoder dec;
    HenbPerDecoder value;
    gboolean extended;
    guint32 type;
    guint32 procedure_code;
    guint32 criticality;

    g_return_val_if_fail (data != NULL || len == 0, NULL);

    henb_per_decoder_init (&dec, data, len);
    /* S1AP-PDU ::= CHOICE { initiatingMessage, successfulOutcome, unsuccessfulOutcome, ... } */
    if (!get_bit (&dec, &extended, error))
        return NULL;
    if (extended) {
        g_set_error (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_UNSUPPORTED,
                     "S1AP-PDU of an unknown kind (extension alternative)");
        return NULL;
    }
    /* each alternative is SEQUENCE { procedureCode, criticality, value } */
    if (!henb_per_get_constrained (&dec, 0, 2, &type, error) ||
        !henb_per_get_constrained (&dec, 0, 255, &procedure_code, error) ||
        !henb_per_get_constrained (&dec, 0, 2, &criticality, error) ||
        !henb_per_get_open_type (&dec, &value, error) ||
        !henb_per_check_consumed (&dec, "the S1AP-PDU", error))
        return NULL;

    pdu->type = (HenbS1apMessageType) type;
    pdu->procedure_code = procedure_code;
    pdu->procedure_name = henb_s1ap_procedure_name (procedure_code);
    pdu->kind = HENB_S1AP_PDU_OTHER;
    if (procedure_code != HENB_S1AP_PROCEDURE_S1_SETUP)
        return g_steal_pointer (&pdu);

    switch (pdu->type) {
    case HENB_S1AP_MESSAGE_INITIATING:
        pdu->kind = HENB_S1AP_PDU_SETUP_REQUEST;
        pdu->setup_request = decode_setup_request (&value, error);
        if (pdu->setup_request == NULL) {
            g_prefix_error (error, "S1SetupRequest: ");
            return NULL;
        }
        break;
    case HENB_S1AP_MESSAGE_SUCCESSFUL:
        pdu->kind = HENB_S1AP_PDU_SETUP_RESPONSE;
        pdu->setup_response = decode_setup_response (&value, error);
        if (pdu->setup_response == NULL) {
            g_prefix_error (error, "S1SetupResponse: ");
            return NULL;
        }
        break;
    case HENB_S1AP_MESSAGE_UNSUCCESSFUL:
        pdu->kind = HENB_S1AP_PDU_SETUP_FAILURE;
        pdu->setup_failure = decode_setup_failure (&value, error);
        if (pdu->setup_failure == NULL) {
            g_prefix_error (error, "S1SetupFailure: ");
            return NULL;
        }
        break;
    default:
        g_assert_not_reached ();
    }
    return g_steal_pointer (&pdu);
}
