/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writes the S1 Setup messages the tshark test checks, as a text2pcap hex dump (one packet per
 * message, in the order request, response, failure, request of a macro eNB, failure with an
 * extension cause, large response).
 */
#include "config.h"

#include <stdio.h>

#include "henb-s1ap.h"
#include "s1ap-samples.h"

static void
dump (GBytes *pdu)
{
    gsize len;
    const guint8 *data = g_bytes_get_data (pdu, &len);

    for (gsize i = 0; i < len; i++) {
        if (i % 16 == 0)
            printf ("%s%06" G_GSIZE_MODIFIER "x", i == 0 ? "" : "\n", i);
        printf (" %02x", data[i]);
    }
    printf ("\n");
}

int
main (void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbS1apSetupRequest) req = s1ap_sample_request ();
    g_autoptr(HenbS1apSetupResponse) resp = s1ap_sample_response ();
    HenbS1apSetupFailure failure = S1AP_SAMPLE_FAILURE;
    g_autoptr(GBytes) req_pdu = henb_s1ap_encode_setup_request (req, &error);
    g_autoptr(GBytes) resp_pdu = NULL;
    g_autoptr(GBytes) failure_pdu = NULL;
    g_autoptr(HenbS1apSetupRequest) macro = s1ap_sample_macro_request ();
    g_autoptr(GBytes) macro_pdu = NULL;
    HenbS1apSetupFailure extended = S1AP_SAMPLE_EXTENDED_FAILURE;
    g_autoptr(GBytes) extended_pdu = NULL;
    g_autoptr(HenbS1apSetupResponse) large = s1ap_sample_large_response ();
    g_autoptr(GBytes) large_pdu = NULL;

    if (req_pdu != NULL)
        resp_pdu = henb_s1ap_encode_setup_response (resp, &error);
    if (resp_pdu != NULL)
        failure_pdu = henb_s1ap_encode_setup_failure (&failure, &error);
    if (failure_pdu != NULL)
        macro_pdu = henb_s1ap_encode_setup_request (macro, &error);
    if (macro_pdu != NULL)
        extended_pdu = henb_s1ap_encode_setup_failure (&extended, &error);
    if (extended_pdu != NULL)
        large_pdu = henb_s1ap_encode_setup_response (large, &error);
    if (large_pdu == NULL) {
        g_printerr ("%s\n", error->message);
        return 1;
    }
    dump (req_pdu);
    dump (resp_pdu);
    dump (failure_pdu);
    dump (macro_pdu);
    dump (extended_pdu);
    dump (large_pdu);
    return 0;
}
