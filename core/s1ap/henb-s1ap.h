/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The S1AP PDUs henbd needs (TS 36.413), in the ALIGNED variant of PER (X.691) as S1AP
 * requires: the S1 Setup procedure in both directions, and enough of any other PDU to log and
 * ignore it. Written from the TS 36.413 ASN.1; every length and count from the wire is checked
 * against the buffer and the ASN.1 bounds.
 */

#define HENB_S1AP_SCTP_PORT 36412
#define HENB_S1AP_SCTP_PPID 18

#define HENB_S1AP_ERROR (henb_s1ap_error_quark ())
GQuark henb_s1ap_error_quark (void);

typedef enum {
    HENB_S1AP_ERROR_MALFORMED,        /* not valid aligned PER of the S1AP ASN.1 */
    HENB_S1AP_ERROR_UNSUPPORTED,      /* valid, but something henbd does not handle */
    HENB_S1AP_ERROR_INVALID_ARGUMENT, /* an encoder was given a value the ASN.1 does not allow */
} HenbS1apError;

/* The three alternatives of S1AP-PDU. */
typedef enum {
    HENB_S1AP_MESSAGE_INITIATING,
    HENB_S1AP_MESSAGE_SUCCESSFUL,
    HENB_S1AP_MESSAGE_UNSUCCESSFUL,
} HenbS1apMessageType;

#define HENB_S1AP_PROCEDURE_S1_SETUP 17

/* Cause CHOICE alternatives, in ASN.1 order. */
typedef enum {
    HENB_S1AP_CAUSE_RADIO_NETWORK,
    HENB_S1AP_CAUSE_TRANSPORT,
    HENB_S1AP_CAUSE_NAS,
    HENB_S1AP_CAUSE_PROTOCOL,
    HENB_S1AP_CAUSE_MISC,
} HenbS1apCauseGroup;

/* Values of the enumerations that tests and callers name; the others are plain numbers. */
#define HENB_S1AP_CAUSE_MISC_UNSPECIFIED  4
#define HENB_S1AP_CAUSE_MISC_UNKNOWN_PLMN 5

/* A PLMN identity is handled as its digits: MCC then MNC, 5 or 6 digits ("99970"). */

typedef struct {
    guint16  tac;
    GStrv    broadcast_plmns; /* 1 to 6 PLMNs */
} HenbS1apSupportedTa;

typedef struct {
    gchar     *plmn;          /* of the Global eNB ID */
    guint32    enb_id;        /* 28 bits for a home eNB, 20 bits for a macro eNB */
    gboolean   home;
    gchar     *enb_name;      /* PrintableString, 1..150 characters; NULL leaves it out */
    GPtrArray *supported_tas; /* of HenbS1apSupportedTa, 1 to 256 */
    guint      paging_drx;    /* default paging DRX in radio frames: 32, 64, 128 or 256 */
} HenbS1apSetupRequest;

typedef struct {
    GStrv   served_plmns;     /* 1 to 32 */
    GArray *served_group_ids; /* guint16, 1 to 65535 */
    GArray *served_mmecs;     /* guint8, 1 to 256 */
} HenbS1apServedGummei;

typedef struct {
    gchar     *mme_name;          /* NULL when the MME sent none */
    GPtrArray *served_gummeis;    /* of HenbS1apServedGummei, 1 to 8 */
    guint      relative_capacity; /* 0..255 */
} HenbS1apSetupResponse;

typedef struct {
    HenbS1apCauseGroup cause_group;
    guint              cause_value;    /* index in the group's ENUMERATED */
    guint              time_to_wait_s; /* 1, 2, 5, 10, 20 or 60; 0 when absent */
} HenbS1apSetupFailure;

typedef enum {
    HENB_S1AP_PDU_SETUP_REQUEST,
    HENB_S1AP_PDU_SETUP_RESPONSE,
    HENB_S1AP_PDU_SETUP_FAILURE,
    HENB_S1AP_PDU_OTHER, /* recognised by type and procedure code only */
} HenbS1apPduKind;

typedef struct {
    HenbS1apPduKind        kind;
    HenbS1apMessageType    type;
    guint                  procedure_code;
    const gchar           *procedure_name; /* static, e.g. "S1Setup", "Reset"; NULL if unknown */
    HenbS1apSetupRequest  *setup_request;  /* set when kind is SETUP_REQUEST */
    HenbS1apSetupResponse *setup_response; /* set when kind is SETUP_RESPONSE */
    HenbS1apSetupFailure  *setup_failure;  /* set when kind is SETUP_FAILURE */
} HenbS1apPdu;

/* A home eNB's request with paging DRX 128 and no TA yet */
HenbS1apSetupRequest  *henb_s1ap_setup_request_new (void);
void                   henb_s1ap_setup_request_free (HenbS1apSetupRequest *req);
/* Appends a supported TA; @broadcast_plmns is copied. */
void                   henb_s1ap_setup_request_add_ta (HenbS1apSetupRequest *req,
                                                       guint16               tac,
                                                       const gchar * const  *broadcast_plmns);

HenbS1apSetupResponse *henb_s1ap_setup_response_new (void);
void                   henb_s1ap_setup_response_free (HenbS1apSetupResponse *resp);
/* Appends a served GUMMEI; the arrays are copied. */
void                   henb_s1ap_setup_response_add_gummei (HenbS1apSetupResponse *resp,
                                                            const gchar * const   *served_plmns,
                                                            const guint16         *group_ids,
                                                            guint                  n_group_ids,
                                                            const guint8          *mmecs,
                                                            guint                  n_mmecs);

void                   henb_s1ap_pdu_free (HenbS1apPdu *pdu);

GBytes *henb_s1ap_encode_setup_request (const HenbS1apSetupRequest *req,
                                        GError                    **error);
/* The MME side of S1 Setup: used by tests and tools that play an MME. */
GBytes *henb_s1ap_encode_setup_response (const HenbS1apSetupResponse *resp,
                                         GError                     **error);
GBytes *henb_s1ap_encode_setup_failure (const HenbS1apSetupFailure *failure,
                                        GError                    **error);

/*
 * Decodes one S1AP-PDU (one SCTP message of PPID 18). S1 Setup messages are decoded in full,
 * IEs henbd does not know are skipped; any other PDU comes back as HENB_S1AP_PDU_OTHER.
 */
HenbS1apPdu *henb_s1ap_decode (const guint8 *data,
                               gsize         len,
                               GError      **error);

/* "initiatingMessage", "successfulOutcome" or "unsuccessfulOutcome" */
const gchar *henb_s1ap_message_type_name (HenbS1apMessageType type);
/* For logs: "initiatingMessage ErrorIndication (15)", "successfulOutcome procedure 200" */
gchar       *henb_s1ap_pdu_describe (const HenbS1apPdu *pdu);
/* "S1Setup", "Reset", "ErrorIndication", ...; NULL for a code TS 36.413 does not define. */
const gchar *henb_s1ap_procedure_name (guint procedure_code);
/* "misc: unknown-PLMN"; a value the release does not name is shown as its number. */
gchar       *henb_s1ap_cause_to_string (HenbS1apCauseGroup group,
                                        guint              value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HenbS1apSetupRequest, henb_s1ap_setup_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HenbS1apSetupResponse, henb_s1ap_setup_response_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HenbS1apPdu, henb_s1ap_pdu_free)

G_END_DECLS
