/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "henb-per.h"
#include "henb-s1ap.h"
#include "s1ap-samples.h"

/*
 * Byte vectors of the sample messages (s1ap-samples.h). Each was checked with Debian's tshark
 * 4.0 (text2pcap -S 36412,36412,18, tshark -V): every IE decodes to the value of the sample and
 * nothing is reported malformed. test-s1ap-tshark.sh repeats that check on every build.
 */
static const guint8 request_vector[] = {
    0x00, 0x11, 0x00, 0x38, 0x00, 0x00, 0x04,
    /* Global-ENB-ID: 999 70, homeENB-ID 0x1a2b3c4 */
    0x00, 0x3b, 0x00, 0x09, 0x00, 0x99, 0xf9, 0x07, 0x40, 0x1a, 0x2b, 0x3c, 0x40,
    /* eNBname "HeNB-0001" */
    0x00, 0x3c, 0x40, 0x0b, 0x04, 0x00, 0x48, 0x65, 0x4e, 0x42, 0x2d, 0x30, 0x30, 0x30, 0x31,
    /* SupportedTAs: TAC 1 (999 70), TAC 0x1234 (999 70, 001 01) */
    0x00, 0x40, 0x00, 0x10, 0x01, 0x00, 0x00, 0x40, 0x99, 0xf9, 0x07, 0x04, 0x8d,
    0x08, 0x99, 0xf9, 0x07, 0x00, 0xf1, 0x10,
    /* DefaultPagingDRX v128 */
    0x00, 0x89, 0x40, 0x01, 0x40,
};

static const guint8 response_vector[] = {
    0x20, 0x11, 0x00, 0x29, 0x00, 0x00, 0x03,
    /* MMEname "open5gs-mme0" */
    0x00, 0x3d, 0x40, 0x0e, 0x05, 0x80, 0x6f, 0x70, 0x65, 0x6e, 0x35, 0x67, 0x73, 0x2d, 0x6d,
    0x6d, 0x65, 0x30,
    /* ServedGUMMEIs: 999 70, group 2, MMEC 1 */
    0x00, 0x69, 0x00, 0x0b, 0x00, 0x00, 0x99, 0xf9, 0x07, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01,
    /* RelativeMMECapacity 255 */
    0x00, 0x57, 0x40, 0x01, 0xff,
};

static const guint8 failure_vector[] = {
    0x40, 0x11, 0x00, 0x0d, 0x00, 0x00, 0x02,
    /* Cause misc: unknown-PLMN */
    0x00, 0x02, 0x40, 0x01, 0x45,
    /* TimeToWait v10s */
    0x00, 0x41, 0x40, 0x01, 0x30,
};

static const guint8 macro_request_vector[] = {
    0x00, 0x11, 0x00, 0x1f, 0x00, 0x00, 0x03,
    0x00, 0x3b, 0x00, 0x08, 0x00, 0x00, 0xf1, 0x10, 0x00, 0xab, 0xcd, 0xe0,
    0x00, 0x40, 0x00, 0x07, 0x00, 0x00, 0x01, 0xc0, 0x00, 0xf1, 0x10,
    0x00, 0x89, 0x40, 0x01, 0x00,
};

/*
 * Messages of other equipment, as hex in Open5GS's tests/unit/s1ap-message-test.c (data only):
 * a home eNB's S1SetupRequest, an InitialUEMessage and an InitialContextSetupResponse.
 */
static const gchar captured_setup_request[] =
    "0011002d000004003b00090000f1104054f64010003c400903004a4c542d3632"
    "3100400007000c0e4000f11000894001" "00";
static const gchar captured_initial_ue[] =
    "000c406f000006000800020001001a003c3b17df675aa8050741020bf600f110"
    "000201030003e605f070000010000502" "15d011d15200f11030395c0a003103e5"
    "e0349011035758a65d0100e0c1004300" "060000f1103039006440080000f1108c"
    "3378200086400130004b00070000f110" "000201";
static const gchar captured_context_setup_response[] =
    "2009002500000300004005c0020000bf0008400200010033400f000032400a0a"
    "1f0a0123c601000908";

static void
assert_bytes (GBytes *bytes, const guint8 *expected, gsize expected_len)
{
    g_assert_nonnull (bytes);
    g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                     expected, expected_len);
}

/* A PDU around raw IE encodings: S1AP-PDU alternative @type, procedure @code, the IEs */
static GBytes *
build_pdu (guint type, guint code, guint n_ies, const guint8 *ies, gsize ies_len)
{
    GByteArray *pdu = g_byte_array_new ();
    gsize value_len = 3 + ies_len;
    guint8 head[5] = { (guint8) (type << 5), (guint8) code, 0x00 };
    guint8 container[3] = { 0x00, (guint8) (n_ies >> 8), (guint8) n_ies };
    gsize head_len = 3;

    if (value_len < 128) {
        head[head_len++] = (guint8) value_len;
    } else {
        head[head_len++] = (guint8) (0x80 | value_len >> 8);
        head[head_len++] = (guint8) value_len;
    }
    g_byte_array_append (pdu, head, head_len);
    g_byte_array_append (pdu, container, sizeof container);
    g_byte_array_append (pdu, ies, ies_len);
    return g_byte_array_free_to_bytes (pdu);
}

static HenbS1apPdu *
decode_bytes (GBytes *bytes, GError **error)
{
    return henb_s1ap_decode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), error);
}

/* ------------------------------------------------------------------------------------------ */

static void
test_per_constrained (void)
{
    HenbPerEncoder enc;
    HenbPerDecoder dec;
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) error = NULL;
    guint32 value;

    /* X.691 11.5.7: a bit field below 256 values, one aligned octet at 256, two up to 64K */
    henb_per_encoder_init (&enc);
    henb_per_put_constrained (&enc, 5, 0, 7);          /* 101 */
    henb_per_put_constrained (&enc, 0x7f, 0, 255);     /* padding, one octet */
    henb_per_put_constrained (&enc, 0x1234, 0, 65535); /* two octets */
    henb_per_put_constrained (&enc, 6, 1, 6);          /* 6 - 1 in three bits: 101 */
    bytes = henb_per_encoder_finish (&enc);
    assert_bytes (bytes, (const guint8 []) { 0xa0, 0x7f, 0x12, 0x34, 0xa0 }, 5);

    henb_per_decoder_init (&dec, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    g_assert_true (henb_per_get_constrained (&dec, 0, 7, &value, &error));
    g_assert_cmpuint (value, ==, 5);
    g_assert_true (henb_per_get_constrained (&dec, 0, 255, &value, &error));
    g_assert_cmpuint (value, ==, 0x7f);
    g_assert_true (henb_per_get_constrained (&dec, 0, 65535, &value, &error));
    g_assert_cmpuint (value, ==, 0x1234);
    g_assert_true (henb_per_get_constrained (&dec, 1, 6, &value, &error));
    g_assert_cmpuint (value, ==, 6);
    /* only padding is left: no octet to read */
    g_assert_true (henb_per_check_consumed (&dec, "test", &error));
    g_assert_false (henb_per_get_constrained (&dec, 0, 255, &value, &error));
    g_assert_error (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_MALFORMED);
}

static void
test_per_out_of_range (void)
{
    /* 7 in three bits is above the range 1..6 (0..5 once offset) */
    static const guint8 data[] = { 0xe0 };
    HenbPerDecoder dec;
    g_autoptr(GError) error = NULL;
    guint32 value;

    henb_per_decoder_init (&dec, data, sizeof data);
    g_assert_false (henb_per_get_constrained (&dec, 1, 6, &value, &error));
    g_assert_error (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_MALFORMED);
}

static void
test_per_lengths (void)
{
    HenbPerEncoder enc;
    HenbPerDecoder dec;
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) error = NULL;
    gsize len;
    static const guint8 fragmented[] = { 0xc1, 0x00 };
    static const guint8 normally_small[] = { 0x0a }; /* 0 000101 */

    henb_per_encoder_init (&enc);
    henb_per_put_bits (&enc, 1, 1);
    henb_per_put_length (&enc, 127);
    henb_per_put_length (&enc, 128);
    henb_per_put_length (&enc, HENB_PER_MAX_LENGTH);
    bytes = henb_per_encoder_finish (&enc);
    /* X.691 11.9.3.6: aligned, one octet below 128, two octets 10xxxxxx xxxxxxxx below 16K */
    assert_bytes (bytes, (const guint8 []) { 0x80, 0x7f, 0x80, 0x80, 0xbf, 0xff }, 6);

    henb_per_decoder_init (&dec, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    dec.pos = 1;
    g_assert_true (henb_per_get_length (&dec, &len, &error));
    g_assert_cmpuint (len, ==, 127);
    g_assert_true (henb_per_get_length (&dec, &len, &error));
    g_assert_cmpuint (len, ==, 128);
    g_assert_true (henb_per_get_length (&dec, &len, &error));
    g_assert_cmpuint (len, ==, HENB_PER_MAX_LENGTH);

    henb_per_decoder_init (&dec, fragmented, sizeof fragmented);
    g_assert_false (henb_per_get_length (&dec, &len, &error));
    g_assert_error (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_UNSUPPORTED);
    g_clear_error (&error);

    /* X.691 11.6: 0 and six bits for 0..63 */
    henb_per_decoder_init (&dec, normally_small, sizeof normally_small);
    {
        guint32 value;

        g_assert_true (henb_per_get_normally_small (&dec, &value, &error));
        g_assert_cmpuint (value, ==, 5);
    }
}

static void
test_per_open_type (void)
{
    HenbPerEncoder enc;
    HenbPerEncoder inner;
    HenbPerDecoder dec;
    HenbPerDecoder contents;
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) error = NULL;
    guint32 value;
    static const guint8 too_long[] = { 0x05, 0x01, 0x02 };

    henb_per_encoder_init (&enc);
    henb_per_put_bits (&enc, 1, 2);
    /* an empty encoding becomes one zero octet (X.691 11.1) */
    henb_per_encoder_init (&inner);
    g_assert_true (henb_per_put_open_type (&enc, &inner, &error));
    henb_per_encoder_init (&inner);
    henb_per_put_bits (&inner, 0x3, 2);
    g_assert_true (henb_per_put_open_type (&enc, &inner, &error));
    bytes = henb_per_encoder_finish (&enc);
    assert_bytes (bytes, (const guint8 []) { 0x40, 0x01, 0x00, 0x01, 0xc0 }, 5);

    henb_per_decoder_init (&dec, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    g_assert_true (henb_per_get_bits (&dec, 2, &value, &error));
    g_assert_true (henb_per_get_open_type (&dec, &contents, &error));
    g_assert_true (henb_per_check_consumed (&contents, "empty", &error));
    g_assert_true (henb_per_get_open_type (&dec, &contents, &error));
    g_assert_true (henb_per_get_bits (&contents, 2, &value, &error));
    g_assert_cmpuint (value, ==, 3);
    g_assert_true (henb_per_check_consumed (&contents, "two bits", &error));
    g_assert_true (henb_per_check_consumed (&dec, "all", &error));

    /* a length beyond the buffer */
    henb_per_decoder_init (&dec, too_long, sizeof too_long);
    g_assert_false (henb_per_get_open_type (&dec, &contents, &error));
    g_assert_error (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_MALFORMED);
}

/* ------------------------------------------------------------------------------------------ */

static void
test_encode_request (void)
{
    g_autoptr(HenbS1apSetupRequest) req = s1ap_sample_request ();
    g_autoptr(HenbS1apSetupRequest) macro = s1ap_sample_macro_request ();
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = henb_s1ap_encode_setup_request (req, &error);
    g_autoptr(GBytes) macro_bytes = NULL;

    g_assert_no_error (error);
    assert_bytes (bytes, request_vector, sizeof request_vector);
    macro_bytes = henb_s1ap_encode_setup_request (macro, &error);
    g_assert_no_error (error);
    assert_bytes (macro_bytes, macro_request_vector, sizeof macro_request_vector);
}

static void
test_encode_response_failure (void)
{
    g_autoptr(HenbS1apSetupResponse) resp = s1ap_sample_response ();
    HenbS1apSetupFailure failure = S1AP_SAMPLE_FAILURE;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) resp_bytes = henb_s1ap_encode_setup_response (resp, &error);
    g_autoptr(GBytes) failure_bytes = NULL;

    g_assert_no_error (error);
    assert_bytes (resp_bytes, response_vector, sizeof response_vector);
    failure_bytes = henb_s1ap_encode_setup_failure (&failure, &error);
    g_assert_no_error (error);
    assert_bytes (failure_bytes, failure_vector, sizeof failure_vector);
}

static void
test_decode_request (void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbS1apPdu) pdu = henb_s1ap_decode (request_vector, sizeof request_vector, &error);
    g_autoptr(HenbS1apPdu) macro = NULL;
    const HenbS1apSupportedTa *ta;

    g_assert_no_error (error);
    g_assert_cmpint (pdu->kind, ==, HENB_S1AP_PDU_SETUP_REQUEST);
    g_assert_cmpint (pdu->type, ==, HENB_S1AP_MESSAGE_INITIATING);
    g_assert_cmpuint (pdu->procedure_code, ==, 17);
    g_assert_cmpstr (pdu->procedure_name, ==, "S1Setup");
    g_assert_cmpstr (pdu->setup_request->plmn, ==, "99970");
    g_assert_true (pdu->setup_request->home);
    g_assert_cmpuint (pdu->setup_request->enb_id, ==, 0x1a2b3c4);
    g_assert_cmpstr (pdu->setup_request->enb_name, ==, "HeNB-0001");
    g_assert_cmpuint (pdu->setup_request->paging_drx, ==, 128);
    g_assert_cmpuint (pdu->setup_request->supported_tas->len, ==, 2);
    ta = g_ptr_array_index (pdu->setup_request->supported_tas, 1);
    g_assert_cmpuint (ta->tac, ==, 0x1234);
    g_assert_cmpuint (g_strv_length (ta->broadcast_plmns), ==, 2);
    g_assert_cmpstr (ta->broadcast_plmns[0], ==, "99970");
    g_assert_cmpstr (ta->broadcast_plmns[1], ==, "00101");

    macro = henb_s1ap_decode (macro_request_vector, sizeof macro_request_vector, &error);
    g_assert_no_error (error);
    g_assert_false (macro->setup_request->home);
    g_assert_cmpuint (macro->setup_request->enb_id, ==, 0xabcde);
    g_assert_null (macro->setup_request->enb_name);
    g_assert_cmpuint (macro->setup_request->paging_drx, ==, 32);
}

static void
test_decode_response (void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbS1apPdu) pdu = henb_s1ap_decode (response_vector, sizeof response_vector,
                                                   &error);
    const HenbS1apServedGummei *gummei;

    g_assert_no_error (error);
    g_assert_cmpint (pdu->kind, ==, HENB_S1AP_PDU_SETUP_RESPONSE);
    g_assert_cmpint (pdu->type, ==, HENB_S1AP_MESSAGE_SUCCESSFUL);
    g_assert_cmpstr (pdu->setup_response->mme_name, ==, "open5gs-mme0");
    g_assert_cmpuint (pdu->setup_response->relative_capacity, ==, 255);
    g_assert_cmpuint (pdu->setup_response->served_gummeis->len, ==, 1);
    gummei = g_ptr_array_index (pdu->setup_response->served_gummeis, 0);
    g_assert_cmpstrv (gummei->served_plmns, ((const gchar * const []) { "99970", NULL }));
    g_assert_cmpuint (gummei->served_group_ids->len, ==, 1);
    g_assert_cmpuint (g_array_index (gummei->served_group_ids, guint16, 0), ==, 2);
    g_assert_cmpuint (gummei->served_mmecs->len, ==, 1);
    g_assert_cmpuint (g_array_index (gummei->served_mmecs, guint8, 0), ==, 1);
}

static void
test_decode_failure (void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbS1apPdu) pdu = henb_s1ap_decode (failure_vector, sizeof failure_vector, &error);
    g_autofree gchar *text = NULL;

    g_assert_no_error (error);
    g_assert_cmpint (pdu->kind, ==, HENB_S1AP_PDU_SETUP_FAILURE);
    g_assert_cmpint (pdu->type, ==, HENB_S1AP_MESSAGE_UNSUCCESSFUL);
    g_assert_cmpint (pdu->setup_failure->cause_group, ==, HENB_S1AP_CAUSE_MISC);
    g_assert_cmpuint (pdu->setup_failure->cause_value, ==, HENB_S1AP_CAUSE_MISC_UNKNOWN_PLMN);
    g_assert_cmpuint (pdu->setup_failure->time_to_wait_s, ==, 10);
    text = henb_s1ap_cause_to_string (pdu->setup_failure->cause_group,
                                      pdu->setup_failure->cause_value);
    g_assert_cmpstr (text, ==, "misc: unknown-PLMN");
}

static GBytes *
from_hex (const gchar *hex)
{
    GByteArray *bytes = g_byte_array_new ();

    for (const gchar *p = hex; p[0] != '\0' && p[1] != '\0'; p += 2) {
        guint8 octet = (guint8) (g_ascii_xdigit_value (p[0]) << 4 | g_ascii_xdigit_value (p[1]));

        g_byte_array_append (bytes, &octet, 1);
    }
    return g_byte_array_free_to_bytes (bytes);
}

/* What other equipment sent: a home eNB's S1SetupRequest decodes in full, other PDUs by kind */
static void
test_decode_captured (void)
{
    g_autoptr(GBytes) request = from_hex (captured_setup_request);
    g_autoptr(GBytes) initial_ue = from_hex (captured_initial_ue);
    g_autoptr(GBytes) response = from_hex (captured_context_setup_response);
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbS1apPdu) pdu = NULL;
    g_autoptr(GBytes) again = NULL;
    const HenbS1apSupportedTa *ta;

    pdu = decode_bytes (request, &error);
    g_assert_no_error (error);
    g_assert_cmpint (pdu->kind, ==, HENB_S1AP_PDU_SETUP_REQUEST);
    g_assert_cmpstr (pdu->setup_request->plmn, ==, "00101");
    g_assert_true (pdu->setup_request->home);
    g_assert_cmpuint (pdu->setup_request->enb_id, ==, 0x54f6401);
    g_assert_cmpstr (pdu->setup_request->enb_name, ==, "JLT-621");
    g_assert_cmpuint (pdu->setup_request->paging_drx, ==, 32);
    g_assert_cmpuint (pdu->setup_request->supported_tas->len, ==, 1);
    ta = g_ptr_array_index (pdu->setup_request->supported_tas, 0);
    g_assert_cmpuint (ta->tac, ==, 12345);
    g_assert_cmpstrv (ta->broadcast_plmns, ((const gchar * const []) { "00101", NULL }));
    /* and henbd's encoder writes the same octets for it */
    again = henb_s1ap_encode_setup_request (pdu->setup_request, &error);
    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (again, request));
    g_clear_pointer (&pdu, henb_s1ap_pdu_free);

    pdu = decode_bytes (initial_ue, &error);
    g_assert_no_error (error);
    g_assert_cmpint (pdu->kind, ==, HENB_S1AP_PDU_OTHER);
    g_assert_cmpint (pdu->type, ==, HENB_S1AP_MESSAGE_INITIATING);
    g_assert_cmpstr (pdu->procedure_name, ==, "initialUEMessage");
    g_clear_pointer (&pdu, henb_s1ap_pdu_free);

    pdu = decode_bytes (response, &error);
    g_assert_no_error (error);
    g_assert_cmpint (pdu->kind, ==, HENB_S1AP_PDU_OTHER);
    g_assert_cmpint (pdu->type, ==, HENB_S1AP_MESSAGE_SUCCESSFUL);
    g_assert_cmpstr (pdu->procedure_name, ==, "InitialContextSetup");
}

/* The longest MME name (a two-octet length) and several GUMMEIs, as test-s1ap-tshark checks
 * them with tshark, decode to what was encoded */
static void
test_decode_large_response (void)
{
    g_autoptr(HenbS1apSetupResponse) resp = s1ap_sample_large_response ();
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = henb_s1ap_encode_setup_response (resp, &error);
    g_autoptr(HenbS1apPdu) pdu = NULL;

    g_assert_no_error (error);
    pdu = decode_bytes (bytes, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (strlen (pdu->setup_response->mme_name), ==, 150);
    g_assert_cmpstr (pdu->setup_response->mme_name, ==, resp->mme_name);
    g_assert_cmpuint (pdu->setup_response->relative_capacity, ==, 0);
    g_assert_cmpuint (pdu->setup_response->served_gummeis->len, ==, 2);
    for (guint i = 0; i < 2; i++) {
        const HenbS1apServedGummei *want = g_ptr_array_index (resp->served_gummeis, i);
        const HenbS1apServedGummei *got = g_ptr_array_index (pdu->setup_response->served_gummeis, i);

        g_assert_cmpstrv (got->served_plmns, want->served_plmns);
        g_assert_cmpmem (got->served_group_ids->data, got->served_group_ids->len * 2,
                         want->served_group_ids->data, want->served_group_ids->len * 2);
        g_assert_cmpmem (got->served_mmecs->data, got->served_mmecs->len,
                         want->served_mmecs->data, want->served_mmecs->len);
    }
}

/* Every cause and wait the ASN.1 has, root and extension values, both ways */
static void
test_failure_round_trip (void)
{
    static const guint waits[] = { 0, 1, 2, 5, 10, 20, 60 };
    static const guint n_values[] = {
        [HENB_S1AP_CAUSE_RADIO_NETWORK] = 45,
        [HENB_S1AP_CAUSE_TRANSPORT] = 2,
        [HENB_S1AP_CAUSE_NAS] = 7,
        [HENB_S1AP_CAUSE_PROTOCOL] = 7,
        [HENB_S1AP_CAUSE_MISC] = 6,
    };

    for (guint group = 0; group < G_N_ELEMENTS (n_values); group++) {
        for (guint value = 0; value <= n_values[group]; value++) {
            HenbS1apSetupFailure failure = { group, value, waits[value % G_N_ELEMENTS (waits)] };
            g_autoptr(GError) error = NULL;
            g_autoptr(GBytes) bytes = henb_s1ap_encode_setup_failure (&failure, &error);
            g_autoptr(HenbS1apPdu) pdu = NULL;

            if (value == n_values[group]) {
                /* one past the last value the release names */
                g_assert_error (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_INVALID_ARGUMENT);
                continue;
            }
            g_assert_no_error (error);
            pdu = decode_bytes (bytes, &error);
            g_assert_no_error (error);
            g_assert_cmpint (pdu->setup_failure->cause_group, ==, group);
            g_assert_cmpuint (pdu->setup_failure->cause_value, ==, value);
            g_assert_cmpuint (pdu->setup_failure->time_to_wait_s, ==, failure.time_to_wait_s);
        }
    }
}

static void
test_cause_names (void)
{
    static const struct {
        HenbS1apCauseGroup group;
        guint              value;
        const gchar       *text;
    } cases[] = {
        { HENB_S1AP_CAUSE_RADIO_NETWORK, 0, "radioNetwork: unspecified" },
        { HENB_S1AP_CAUSE_RADIO_NETWORK, 38, "radioNetwork: invalid-CSG-Id" },
        { HENB_S1AP_CAUSE_TRANSPORT, 0, "transport: transport-resource-unavailable" },
        { HENB_S1AP_CAUSE_NAS, 6, "nas: iab-not-authorized" },
        { HENB_S1AP_CAUSE_PROTOCOL, 4, "protocol: semantic-error" },
        { HENB_S1AP_CAUSE_MISC, 0, "misc: control-processing-overload" },
        { HENB_S1AP_CAUSE_MISC, 9, "misc: 9" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        g_autofree gchar *text = henb_s1ap_cause_to_string (cases[i].group, cases[i].value);

        g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* PLMN identities as TBCD (TS 24.008 10.5.1.3): 3-digit MNCs put their third digit in the
 * upper half of the second octet */
static void
test_plmn_tbcd (void)
{
    g_autoptr(HenbS1apSetupRequest) req = s1ap_sample_macro_request ();
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(HenbS1apPdu) pdu = NULL;
    const guint8 *data;

    g_free (req->plmn);
    req->plmn = g_strdup ("310410");
    bytes = henb_s1ap_encode_setup_request (req, &error);
    g_assert_no_error (error);
    data = g_bytes_get_data (bytes, NULL);
    /* the Global-ENB-ID's value starts at octet 11, the PLMN after its preamble octet */
    g_assert_cmpmem (data + 12, 3, ((const guint8 []) { 0x13, 0x00, 0x14 }), 3);
    pdu = decode_bytes (bytes, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (pdu->setup_request->plmn, ==, "310410");
}

static void
test_encode_invalid (void)
{
    static const gchar * const seven[] = { "00101", "00101", "00101", "00101", "00101", "00101",
                                           "00101", NULL };
    static const gchar * const bad_plmn[] = { "0010x", NULL };
    g_autofree gchar *long_name = g_strnfill (151, 'a');
    const struct {
        const gchar *what;
        const gchar *plmn;
        guint32      enb_id;
        gboolean     home;
        const gchar *name;
        guint        drx;
        const gchar * const *ta_plmns;
        gboolean     no_ta;
    } cases[] = {
        { "short PLMN", "9997", 1, TRUE, NULL, 128, NULL, FALSE },
        { "PLMN with a letter", "9997a", 1, TRUE, NULL, 128, NULL, FALSE },
        { "no PLMN", NULL, 1, TRUE, NULL, 128, NULL, FALSE },
        { "home eNB ID of 29 bits", "99970", 1u << 28, TRUE, NULL, 128, NULL, FALSE },
        { "macro eNB ID of 21 bits", "99970", 1u << 20, FALSE, NULL, 128, NULL, FALSE },
        { "name with '_'", "99970", 1, TRUE, "HeNB_1", 128, NULL, FALSE },
        { "empty name", "99970", 1, TRUE, "", 128, NULL, FALSE },
        { "name of 151", "99970", 1, TRUE, long_name, 128, NULL, FALSE },
        { "paging DRX 100", "99970", 1, TRUE, NULL, 100, NULL, FALSE },
        { "seven broadcast PLMNs", "99970", 1, TRUE, NULL, 128, seven, FALSE },
        { "bad broadcast PLMN", "99970", 1, TRUE, NULL, 128, bad_plmn, FALSE },
        { "no TA", "99970", 1, TRUE, NULL, 128, NULL, TRUE },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        g_autoptr(HenbS1apSetupRequest) req = henb_s1ap_setup_request_new ();
        const gchar * const plmns[] = { "99970", NULL };
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) bytes = NULL;

        req->plmn = g_strdup (cases[i].plmn);
        req->enb_id = cases[i].enb_id;
        req->home = cases[i].home;
        req->enb_name = g_strdup (cases[i].name);
        req->paging_drx = cases[i].drx;
        if (!cases[i].no_ta)
            henb_s1ap_setup_request_add_ta (req, 1, cases[i].ta_plmns ? cases[i].ta_plmns : plmns);
        bytes = henb_s1ap_encode_setup_request (req, &error);
        g_test_message ("%s: %s", cases[i].what, error != NULL ? error->message : "encoded");
        g_assert_null (bytes);
        g_assert_error (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_INVALID_ARGUMENT);
    }

    {
        HenbS1apSetupFailure failure = { HENB_S1AP_CAUSE_MISC, 0, 3 };
        g_autoptr(HenbS1apSetupResponse) resp = henb_s1ap_setup_response_new ();
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) bytes = henb_s1ap_encode_setup_failure (&failure, &error);

        g_assert_error (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_INVALID_ARGUMENT);
        g_clear_error (&error);
        /* no served GUMMEI */
        bytes = henb_s1ap_encode_setup_response (resp, &error);
        g_assert_null (bytes);
        g_assert_error (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_INVALID_ARGUMENT);
    }
}

/* Other procedures come back with their kind and name only */
static void
test_decode_other (void)
{
    static const struct {
        guint        type;
        guint        code;
        const gchar *name;
    } cases[] = {
        { HENB_S1AP_MESSAGE_INITIATING, 14, "Reset" },
        { HENB_S1AP_MESSAGE_SUCCESSFUL, 14, "Reset" },
        { HENB_S1AP_MESSAGE_INITIATING, 15, "ErrorIndication" },
        { HENB_S1AP_MESSAGE_INITIATING, 30, "MMEConfigurationUpdate" },
        { HENB_S1AP_MESSAGE_UNSUCCESSFUL, 30, "MMEConfigurationUpdate" },
        { HENB_S1AP_MESSAGE_INITIATING, 34, "OverloadStart" },
        { HENB_S1AP_MESSAGE_INITIATING, 10, "Paging" },
        { HENB_S1AP_MESSAGE_INITIATING, 200, NULL },
    };
    static const gchar * const descriptions[] = {
        "initiatingMessage Reset (14)",
        "successfulOutcome Reset (14)",
        "initiatingMessage ErrorIndication (15)",
        "initiatingMessage MMEConfigurationUpdate (30)",
        "unsuccessfulOutcome MMEConfigurationUpdate (30)",
        "initiatingMessage OverloadStart (34)",
        "initiatingMessage Paging (10)",
        "initiatingMessage procedure 200",
    };
    /* a Cause (protocol: semantic-error), as ErrorIndication has */
    static const guint8 ies[] = { 0x00, 0x02, 0x40, 0x01, 0x34 };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        g_autoptr(GBytes) bytes = build_pdu (cases[i].type, cases[i].code, 1, ies, sizeof ies);
        g_autoptr(GError) error = NULL;
        g_autoptr(HenbS1apPdu) pdu = decode_bytes (bytes, &error);
        g_autofree gchar *description = NULL;

        g_assert_no_error (error);
        g_assert_cmpint (pdu->kind, ==, HENB_S1AP_PDU_OTHER);
        g_assert_cmpint (pdu->type, ==, cases[i].type);
        g_assert_cmpuint (pdu->procedure_code, ==, cases[i].code);
        g_assert_cmpstr (pdu->procedure_name, ==, cases[i].name);
        description = henb_s1ap_pdu_describe (pdu);
        g_assert_cmpstr (description, ==, descriptions[i]);
        g_assert_null (pdu->setup_request);
        g_assert_null (pdu->setup_response);
        g_assert_null (pdu->setup_failure);
    }
}

/* IEs henbd does not know are skipped, and extension additions of the SEQUENCEs too */
static void
test_decode_extensions (void)
{
    /* Global-ENB-ID with its extension bit set: right after the eNB ID's last bit, a bitmap of
     * one addition (0 000000, 1), present as an open type of 1 octet */
    static const guint8 request_ies[] = {
        0x00, 0x3b, 0x00, 0x0c, 0x80, 0x99, 0xf9, 0x07, 0x40, 0x1a, 0x2b, 0x3c, 0x40,
        0x10, 0x01, 0x00,
        0x00, 0x40, 0x00, 0x07, 0x00, 0x00, 0x00, 0x40, 0x99, 0xf9, 0x07,
        /* DefaultPagingDRX v32 */
        0x00, 0x89, 0x40, 0x01, 0x00,
    };
    /* Cause radioNetwork, extension value 2 (invalid-CSG-Id); TimeToWait of a later release */
    static const guint8 failure_ies[] = {
        0x00, 0x02, 0x40, 0x02, 0x08, 0x20,
        0x00, 0x41, 0x40, 0x01, 0x80,
    };
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(HenbS1apPdu) pdu = NULL;
    const HenbS1apServedGummei *gummei;

    bytes = build_pdu (HENB_S1AP_MESSAGE_INITIATING, 17, 3, request_ies, sizeof request_ies);
    pdu = decode_bytes (bytes, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (pdu->setup_request->enb_id, ==, 0x1a2b3c4);
    g_assert_cmpuint (pdu->setup_request->paging_drx, ==, 32);
    g_clear_pointer (&pdu, henb_s1ap_pdu_free);
    g_clear_pointer (&bytes, g_bytes_unref);

    {
        /* MMERelaySupportIndicator (163), unknown here; ServedGUMMEIsItem with its extension
         * bit and iE-Extensions (GUMMEIType, 170), then 1 PLMN, group 3, MMEC 4, the
         * extension container and one extension addition; RelativeMMECapacity; an IE of a
         * later release with criticality reject */
        static const guint8 ies[] = {
            0x00, 0xa3, 0x40, 0x01, 0x00,
            0x00, 0x69, 0x00, 0x15,
            0x18, 0x00, 0x99, 0xf9, 0x07, 0x00, 0x00, 0x00, 0x03, 0x00, 0x04,
            0x00, 0x00, 0x00, 0xaa, 0x40, 0x01, 0x00, 0x01, 0x01, 0x00,
            0x00, 0x57, 0x40, 0x01, 0x10,
            0x12, 0x34, 0x00, 0x03, 0xde, 0xad, 0x00,
        };

        bytes = build_pdu (HENB_S1AP_MESSAGE_SUCCESSFUL, 17, 4, ies, sizeof ies);
        pdu = decode_bytes (bytes, &error);
        g_assert_no_error (error);
        g_assert_null (pdu->setup_response->mme_name);
        g_assert_cmpuint (pdu->setup_response->relative_capacity, ==, 16);
        gummei = g_ptr_array_index (pdu->setup_response->served_gummeis, 0);
        g_assert_cmpuint (g_array_index (gummei->served_group_ids, guint16, 0), ==, 3);
        g_assert_cmpuint (g_array_index (gummei->served_mmecs, guint8, 0), ==, 4);
        g_clear_pointer (&pdu, henb_s1ap_pdu_free);
        g_clear_pointer (&bytes, g_bytes_unref);
    }

    bytes = build_pdu (HENB_S1AP_MESSAGE_UNSUCCESSFUL, 17, 2, failure_ies, sizeof failure_ies);
    pdu = decode_bytes (bytes, &error);
    g_assert_no_error (error);
    g_assert_cmpint (pdu->setup_failure->cause_group, ==, HENB_S1AP_CAUSE_RADIO_NETWORK);
    g_assert_cmpuint (pdu->setup_failure->cause_value, ==, 38);
    /* an unknown longer wait: the longest known one */
    g_assert_cmpuint (pdu->setup_failure->time_to_wait_s, ==, 60);
}

/* Hostile input: each one is refused with the error it deserves */
static void
test_decode_hostile (void)
{
    /* not static: compound literals are constant only in a function's own initializers */
    const struct {
        const gchar  *what;
        guint         type;
        guint         n_ies;
        const guint8 *ies;
        gsize         len;
        gint          code;
    } cases[] = {
#define IES(...) (const guint8 []) { __VA_ARGS__ }, sizeof ((const guint8 []) { __VA_ARGS__ })
        { "no IE at all", 1, 0, (const guint8 *) "", 0, HENB_S1AP_ERROR_MALFORMED },
        { "ServedGUMMEIs missing", 1, 1, IES (0x00, 0x57, 0x40, 0x01, 0x10),
          HENB_S1AP_ERROR_MALFORMED },
        { "capacity twice", 1, 3,
          IES (0x00, 0x69, 0x00, 0x0b, 0x00, 0x00, 0x99, 0xf9, 0x07, 0x00, 0x00, 0x00, 0x02,
               0x00, 0x01, 0x00, 0x57, 0x40, 0x01, 0x10, 0x00, 0x57, 0x40, 0x01, 0x10),
          HENB_S1AP_ERROR_MALFORMED },
        { "more IEs announced than present", 2, 3, IES (0x00, 0x02, 0x40, 0x01, 0x45),
          HENB_S1AP_ERROR_MALFORMED },
        { "IE value longer than the message", 2, 1, IES (0x00, 0x02, 0x40, 0x09, 0x45),
          HENB_S1AP_ERROR_MALFORMED },
        { "trailing octets in an IE", 2, 1, IES (0x00, 0x02, 0x40, 0x02, 0x45, 0x00),
          HENB_S1AP_ERROR_MALFORMED },
        { "cause group 6", 2, 1, IES (0x00, 0x02, 0x40, 0x01, 0x60), HENB_S1AP_ERROR_MALFORMED },
        { "cause of a later group", 2, 1, IES (0x00, 0x02, 0x40, 0x02, 0x80, 0x00),
          HENB_S1AP_ERROR_UNSUPPORTED },
        { "misc cause 7 in the root", 2, 1, IES (0x00, 0x02, 0x40, 0x01, 0x47),
          HENB_S1AP_ERROR_MALFORMED },
        { "TimeToWait 7 in the root", 2, 2,
          IES (0x00, 0x02, 0x40, 0x01, 0x45, 0x00, 0x41, 0x40, 0x01, 0x70),
          HENB_S1AP_ERROR_MALFORMED },
        { "criticality 3", 2, 1, IES (0x00, 0x02, 0xc0, 0x01, 0x45), HENB_S1AP_ERROR_MALFORMED },
        { "PLMN with a hex digit", 1, 2,
          IES (0x00, 0x69, 0x00, 0x0b, 0x00, 0x00, 0x9a, 0xf9, 0x07, 0x00, 0x00, 0x00, 0x02,
               0x00, 0x01, 0x00, 0x57, 0x40, 0x01, 0x10),
          HENB_S1AP_ERROR_MALFORMED },
        { "65535 group IDs in 2 octets", 1, 2,
          IES (0x00, 0x69, 0x00, 0x0b, 0x00, 0x00, 0x99, 0xf9, 0x07, 0xff, 0xfe, 0x00, 0x02,
               0x00, 0x01, 0x00, 0x57, 0x40, 0x01, 0x10),
          HENB_S1AP_ERROR_MALFORMED },
        { "8 served GUMMEIs in one octet", 1, 1,
          IES (0x00, 0x69, 0x00, 0x01, 0xff), HENB_S1AP_ERROR_MALFORMED },
        { "MME name with a control character", 1, 1,
          IES (0x00, 0x3d, 0x40, 0x03, 0x00, 0x00, 0x07), HENB_S1AP_ERROR_MALFORMED },
        { "MME name longer than its IE", 1, 1,
          IES (0x00, 0x3d, 0x40, 0x03, 0x05, 0x00, 0x41), HENB_S1AP_ERROR_MALFORMED },
        { "MME name of 255 characters", 1, 1,
          IES (0x00, 0x3d, 0x40, 0x03, 0x7f, 0x00, 0x41), HENB_S1AP_ERROR_MALFORMED },
        { "256 TAs in a short IE", 0, 1,
          IES (0x00, 0x40, 0x00, 0x02, 0xff, 0x00), HENB_S1AP_ERROR_MALFORMED },
        { "8 broadcast PLMNs announced", 0, 1,
          IES (0x00, 0x40, 0x00, 0x04, 0x00, 0x00, 0x00, 0x40 | 0x38), HENB_S1AP_ERROR_MALFORMED },
        { "a short macro eNB ID", 0, 1,
          IES (0x00, 0x3b, 0x00, 0x08, 0x00, 0x99, 0xf9, 0x07, 0x80, 0x01, 0x00, 0x00),
          HENB_S1AP_ERROR_UNSUPPORTED },
        { "an extension bitmap without its additions", 0, 1,
          IES (0x00, 0x3b, 0x00, 0x0a, 0x80, 0x99, 0xf9, 0x07, 0x40, 0x1a, 0x2b, 0x3c, 0x43,
               0xff),
          HENB_S1AP_ERROR_MALFORMED },
#undef IES
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        g_autoptr(GBytes) bytes = build_pdu (cases[i].type, 17, cases[i].n_ies, cases[i].ies,
                                             cases[i].len);
        g_autoptr(GError) error = NULL;
        g_autoptr(HenbS1apPdu) pdu = decode_bytes (bytes, &error);

        g_test_message ("%s: %s", cases[i].what, error != NULL ? error->message : "decoded");
        g_assert_null (pdu);
        g_assert_error (error, HENB_S1AP_ERROR, cases[i].code);
    }
}

static void
test_decode_hostile_pdu (void)
{
    const struct {
        const gchar  *what;
        const guint8 *data;
        gsize         len;
        gint          code;
    } cases[] = {
#define BYTES(...) (const guint8 []) { __VA_ARGS__ }, sizeof ((const guint8 []) { __VA_ARGS__ })
        { "empty", (const guint8 *) "", 0, HENB_S1AP_ERROR_MALFORMED },
        { "PDU of a later release", BYTES (0x80, 0x00), HENB_S1AP_ERROR_UNSUPPORTED },
        { "alternative 3", BYTES (0x60, 0x11, 0x00, 0x00), HENB_S1AP_ERROR_MALFORMED },
        { "fragmented value", BYTES (0x00, 0x11, 0x00, 0xc1, 0x00), HENB_S1AP_ERROR_UNSUPPORTED },
        { "value past the end", BYTES (0x00, 0x11, 0x00, 0x05, 0x00), HENB_S1AP_ERROR_MALFORMED },
        { "octets after the PDU", BYTES (0x00, 0x0e, 0x00, 0x01, 0x00, 0x00),
          HENB_S1AP_ERROR_MALFORMED },
#undef BYTES
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(HenbS1apPdu) pdu = henb_s1ap_decode (cases[i].data, cases[i].len, &error);

        g_test_message ("%s: %s", cases[i].what, error != NULL ? error->message : "decoded");
        g_assert_null (pdu);
        g_assert_error (error, HENB_S1AP_ERROR, cases[i].code);
    }
}

/* Every prefix of every vector, and every vector with any one bit flipped: an answer or a
 * GError, never a crash (the sanitizer and valgrind runs watch the reads) */
static void
test_decode_mutations (void)
{
    static const struct {
        const guint8 *data;
        gsize         len;
    } vectors[] = {
        { request_vector, sizeof request_vector },
        { response_vector, sizeof response_vector },
        { failure_vector, sizeof failure_vector },
        { macro_request_vector, sizeof macro_request_vector },
    };
    guint decoded = 0;
    guint refused = 0;

    for (guint v = 0; v < G_N_ELEMENTS (vectors); v++) {
        for (gsize len = 0; len < vectors[v].len; len++) {
            /* a copy of exactly @len octets, so that a read past it is seen */
            g_autofree guint8 *copy = g_memdup2 (vectors[v].data, len);
            g_autoptr(GError) error = NULL;
            g_autoptr(HenbS1apPdu) pdu = henb_s1ap_decode (copy, len, &error);

            g_assert_null (pdu);
            g_assert_error (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_MALFORMED);
        }
        for (gsize bit = 0; bit < vectors[v].len * 8; bit++) {
            g_autofree guint8 *copy = g_memdup2 (vectors[v].data, vectors[v].len);
            g_autoptr(GError) error = NULL;
            g_autoptr(HenbS1apPdu) pdu = NULL;

            copy[bit / 8] ^= (guint8) (0x80 >> bit % 8);
            pdu = henb_s1ap_decode (copy, vectors[v].len, &error);
            g_assert_true ((pdu != NULL) != (error != NULL));
            if (pdu != NULL)
                decoded++;
            else
                refused++;
        }
    }
    g_test_message ("bit flips: %u decoded, %u refused", decoded, refused);
    g_assert_cmpuint (decoded, >, 0);
    g_assert_cmpuint (refused, >, 0);
}

static void
test_procedure_names (void)
{
    g_assert_cmpstr (henb_s1ap_procedure_name (0), ==, "HandoverPreparation");
    g_assert_cmpstr (henb_s1ap_procedure_name (17), ==, "S1Setup");
    g_assert_cmpstr (henb_s1ap_procedure_name (15), ==, "ErrorIndication");
    g_assert_cmpstr (henb_s1ap_procedure_name (67), ==, "S1Removal");
    g_assert_null (henb_s1ap_procedure_name (68));
    g_assert_null (henb_s1ap_procedure_name (255));
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);

    g_test_add_func ("/s1ap/per/constrained", test_per_constrained);
    g_test_add_func ("/s1ap/per/out-of-range", test_per_out_of_range);
    g_test_add_func ("/s1ap/per/lengths", test_per_lengths);
    g_test_add_func ("/s1ap/per/open-type", test_per_open_type);
    g_test_add_func ("/s1ap/encode/request", test_encode_request);
    g_test_add_func ("/s1ap/encode/response-failure", test_encode_response_failure);
    g_test_add_func ("/s1ap/encode/invalid", test_encode_invalid);
    g_test_add_func ("/s1ap/encode/plmn-tbcd", test_plmn_tbcd);
    g_test_add_func ("/s1ap/decode/request", test_decode_request);
    g_test_add_func ("/s1ap/decode/response", test_decode_response);
    g_test_add_func ("/s1ap/decode/failure", test_decode_failure);
    g_test_add_func ("/s1ap/decode/failure-round-trip", test_failure_round_trip);
    g_test_add_func ("/s1ap/decode/other", test_decode_other);
    g_test_add_func ("/s1ap/decode/captured", test_decode_captured);
    g_test_add_func ("/s1ap/decode/large-response", test_decode_large_response);
    g_test_add_func ("/s1ap/decode/extensions", test_decode_extensions);
    g_test_add_func ("/s1ap/decode/hostile", test_decode_hostile);
    g_test_add_func ("/s1ap/decode/hostile-pdu", test_decode_hostile_pdu);
    g_test_add_func ("/s1ap/decode/mutations", test_decode_mutations);
    g_test_add_func ("/s1ap/cause-names", test_cause_names);
    g_test_add_func ("/s1ap/procedure-names", test_procedure_names);
    return g_test_run ();
}
