/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "henb-s1ap.h"

/* The messages of the tests: a home eNB of PLMN 999 70 and an MME that serves it. */

static inline HenbS1apSetupRequest *
s1ap_sample_request (void)
{
    HenbS1apSetupRequest *req = henb_s1ap_setup_request_new ();
    const gchar * const first[] = { "99970", NULL };
    const gchar * const second[] = { "99970", "00101", NULL };

    req->plmn = g_strdup ("99970");
    req->enb_id = 0x1a2b3c4;
    req->home = TRUE;
    req->enb_name = g_strdup ("HeNB-0001");
    req->paging_drx = 128;
    henb_s1ap_setup_request_add_ta (req, 1, first);
    henb_s1ap_setup_request_add_ta (req, 0x1234, second);
    return req;
}

/* A macro eNB without a name, the other alternative of ENB-ID */
static inline HenbS1apSetupRequest *
s1ap_sample_macro_request (void)
{
    HenbS1apSetupRequest *req = henb_s1ap_setup_request_new ();
    const gchar * const plmns[] = { "00101", NULL };

    req->plmn = g_strdup ("00101");
    req->enb_id = 0xabcde;
    req->home = FALSE;
    req->paging_drx = 32;
    henb_s1ap_setup_request_add_ta (req, 7, plmns);
    return req;
}

static inline HenbS1apSetupResponse *
s1ap_sample_response (void)
{
    HenbS1apSetupResponse *resp = henb_s1ap_setup_response_new ();
    const gchar * const plmns[] = { "99970", NULL };
    const guint16 group_ids[] = { 2 };
    const guint8 mmecs[] = { 1 };

    resp->mme_name = g_strdup ("open5gs-mme0");
    resp->relative_capacity = 255;
    henb_s1ap_setup_response_add_gummei (resp, plmns, group_ids, 1, mmecs, 1);
    return resp;
}

#define S1AP_SAMPLE_FAILURE \
    { HENB_S1AP_CAUSE_MISC, HENB_S1AP_CAUSE_MISC_UNKNOWN_PLMN, 10 }

/* A cause value of the extension (radioNetwork: invalid-CSG-Id), the longest wait */
#define S1AP_SAMPLE_EXTENDED_FAILURE \
    { HENB_S1AP_CAUSE_RADIO_NETWORK, 38, 60 }

/* The longest name (an IE value over 127 octets: a two-octet length), two GUMMEIs with
 * several PLMNs, group IDs and codes */
static inline HenbS1apSetupResponse *
s1ap_sample_large_response (void)
{
    HenbS1apSetupResponse *resp = henb_s1ap_setup_response_new ();
    const gchar * const plmns[] = { "99970", "310410", "00101", NULL };
    const gchar * const other_plmns[] = { "26201", NULL };
    const guint16 group_ids[] = { 1, 0x8001, 0xffff };
    const guint8 mmecs[] = { 0, 0x7f, 0xff, 3 };
    GString *name = g_string_new (NULL);

    while (name->len < 150)
        g_string_append_c (name, (gchar) ('A' + name->len % 26));
    resp->mme_name = g_string_free (name, FALSE);
    resp->relative_capacity = 0;
    henb_s1ap_setup_response_add_gummei (resp, plmns, group_ids, 3, mmecs, 4);
    henb_s1ap_setup_response_add_gummei (resp, other_plmns, group_ids, 1, mmecs + 3, 1);
    return resp;
}
