/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One SCTP message from an S1 peer (PPID 18), as the S1 backend decodes it. An S1 Setup
 * message that decodes is encoded again and must decode to the same values: what the decoder
 * accepts, the encoder produces, except names of more than 150 characters (the extension of
 * their size constraint) and cause values of a later release.
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "henb-s1ap.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    henb_fuzz_init_logging ();
    return 0;
}

/* The encoder writes names in the root of SIZE (1..150, ...); a decoded name from the
 * extension (empty, or longer) is valid PER it does not write back. */
static gboolean
name_encodable (const gchar *name)
{
    return name == NULL || (name[0] != '\0' && strlen (name) <= 150);
}

static void
check_same_request (const HenbS1apSetupRequest *a, const HenbS1apSetupRequest *b)
{
    henb_fuzz_check (g_strcmp0 (a->plmn, b->plmn) == 0, "PLMN changed");
    henb_fuzz_check (a->enb_id == b->enb_id && a->home == b->home, "eNB ID changed");
    henb_fuzz_check (g_strcmp0 (a->enb_name, b->enb_name) == 0, "eNB name changed");
    henb_fuzz_check (a->paging_drx == b->paging_drx, "paging DRX changed");
    henb_fuzz_check (a->supported_tas->len == b->supported_tas->len, "TA count changed");
    for (guint i = 0; i < a->supported_tas->len; i++) {
        const HenbS1apSupportedTa *ta = g_ptr_array_index (a->supported_tas, i);
        const HenbS1apSupportedTa *tb = g_ptr_array_index (b->supported_tas, i);

        henb_fuzz_check (ta->tac == tb->tac, "TAC changed");
        henb_fuzz_check (g_strv_equal ((const gchar * const *) ta->broadcast_plmns,
                                       (const gchar * const *) tb->broadcast_plmns),
                         "broadcast PLMNs changed");
    }
}

static void
check_same_response (const HenbS1apSetupResponse *a, const HenbS1apSetupResponse *b)
{
    henb_fuzz_check (g_strcmp0 (a->mme_name, b->mme_name) == 0, "MME name changed");
    henb_fuzz_check (a->relative_capacity == b->relative_capacity, "capacity changed");
    henb_fuzz_check (a->served_gummeis->len == b->served_gummeis->len, "GUMMEI count changed");
    for (guint i = 0; i < a->served_gummeis->len; i++) {
        const HenbS1apServedGummei *ga = g_ptr_array_index (a->served_gummeis, i);
        const HenbS1apServedGummei *gb = g_ptr_array_index (b->served_gummeis, i);

        henb_fuzz_check (g_strv_equal ((const gchar * const *) ga->served_plmns,
                                       (const gchar * const *) gb->served_plmns),
                         "served PLMNs changed");
        henb_fuzz_check (ga->served_group_ids->len == gb->served_group_ids->len &&
                         memcmp (ga->served_group_ids->data, gb->served_group_ids->data,
                                 ga->served_group_ids->len * sizeof (guint16)) == 0,
                         "group IDs changed");
        henb_fuzz_check (ga->served_mmecs->len == gb->served_mmecs->len &&
                         memcmp (ga->served_mmecs->data, gb->served_mmecs->data,
                                 ga->served_mmecs->len) == 0,
                         "MME codes changed");
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbS1apPdu) pdu = henb_s1ap_decode (data, size, &error);
    g_autoptr(GBytes) again = NULL;
    g_autoptr(HenbS1apPdu) redecoded = NULL;

    if (pdu == NULL) {
        henb_fuzz_check (error != NULL && error->domain == HENB_S1AP_ERROR,
                         "refused without an S1AP error");
        return 0;
    }
    henb_fuzz_check (error == NULL, "decoded with an error set");
    henb_fuzz_check (pdu->procedure_code <= 255, "procedure code out of range");

    switch (pdu->kind) {
    case HENB_S1AP_PDU_SETUP_REQUEST:
        again = henb_s1ap_encode_setup_request (pdu->setup_request, &error);
        henb_fuzz_check (again != NULL || !name_encodable (pdu->setup_request->enb_name),
                         "a decoded S1SetupRequest does not encode");
        break;
    case HENB_S1AP_PDU_SETUP_RESPONSE:
        again = henb_s1ap_encode_setup_response (pdu->setup_response, &error);
        henb_fuzz_check (again != NULL || !name_encodable (pdu->setup_response->mme_name),
                         "a decoded S1SetupResponse does not encode");
        break;
    case HENB_S1AP_PDU_SETUP_FAILURE: {
        g_autofree gchar *cause = henb_s1ap_cause_to_string (pdu->setup_failure->cause_group,
                                                            pdu->setup_failure->cause_value);

        henb_fuzz_check (cause != NULL && *cause != '\0', "no cause text");
        again = henb_s1ap_encode_setup_failure (pdu->setup_failure, &error);
        break;
    }
    case HENB_S1AP_PDU_OTHER:
        henb_fuzz_check (pdu->procedure_name == NULL ||
                         g_strcmp0 (pdu->procedure_name,
                                    henb_s1ap_procedure_name (pdu->procedure_code)) == 0,
                         "wrong procedure name");
        return 0;
    }
    if (again == NULL)
        return 0;

    redecoded = henb_s1ap_decode (g_bytes_get_data (again, NULL), g_bytes_get_size (again),
                                  &error);
    henb_fuzz_check (redecoded != NULL, "an encoded S1 Setup message does not decode");
    henb_fuzz_check (redecoded->kind == pdu->kind, "the message kind changed");
    switch (pdu->kind) {
    case HENB_S1AP_PDU_SETUP_REQUEST:
        check_same_request (pdu->setup_request, redecoded->setup_request);
        break;
    case HENB_S1AP_PDU_SETUP_RESPONSE:
        check_same_response (pdu->setup_response, redecoded->setup_response);
        break;
    case HENB_S1AP_PDU_SETUP_FAILURE:
        henb_fuzz_check (pdu->setup_failure->cause_group == redecoded->setup_failure->cause_group &&
                         pdu->setup_failure->cause_value == redecoded->setup_failure->cause_value,
                         "cause changed");
        henb_fuzz_check (pdu->setup_failure->time_to_wait_s ==
                         redecoded->setup_failure->time_to_wait_s,
                         "time to wait changed");
        break;
    case HENB_S1AP_PDU_OTHER:
        break;
    }
    return 0;
}
