/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A datagram on the cr-udp socket, as the plugin takes it: STUN when it looks like STUN
 * (parsed with MESSAGE-INTEGRITY checked), else a UDP Connection Request, parsed and checked
 * against the credentials. What the harness holds the code to: a request that parses has
 * every field, in bounds; a request the harness re-signs with the right password is accepted
 * once and then never again (a copy, later a replay), and a wrong username never gets in.
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "henb-stun.h"
#include "henb-udp-cr.h"

#define USERNAME "acs"
#define PASSWORD "cr-secret"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    henb_fuzz_init_logging ();
    return 0;
}

static void
check_request (const uint8_t *data, size_t size)
{
    g_autoptr(HenbUdpCr) cr = henb_udp_cr_parse (data, size, NULL);
    g_autoptr(HenbUdpCrGuard) guard = NULL;
    HenbUdpCrVerdict verdict;
    gint64 now;

    if (cr == NULL)
        return;
    henb_fuzz_check (cr->ts != NULL && cr->id != NULL && cr->un != NULL && cr->cn != NULL && cr->sig != NULL,
                     "a parsed request lacks a field");
    henb_fuzz_check (strlen (cr->sig) == 40 && strlen (cr->un) <= 256, "a parsed field out of bounds");
    henb_fuzz_check (cr->raw_id != NULL && cr->raw_un != NULL && cr->raw_cn != NULL, "a raw field missing");

    guard = henb_udp_cr_guard_new ();
    now = cr->timestamp;
    verdict = henb_udp_cr_guard_check (guard, cr, USERNAME, PASSWORD, now, 1);
    if (verdict == HENB_UDP_CR_OK)
        henb_fuzz_check (g_str_equal (cr->un, USERNAME) || g_str_equal (cr->raw_un, USERNAME),
                         "accepted for another user");
    /* the fuzzer cannot guess HMAC-SHA1: sign it right and hold the guard to its promises */
    g_free (cr->sig);
    cr->sig = henb_udp_cr_sign (cr->ts, cr->id, cr->un, cr->cn, PASSWORD);
    verdict = henb_udp_cr_guard_check (guard, cr, USERNAME, PASSWORD, now, 1);
    if (!g_str_equal (cr->un, USERNAME)) {
        henb_fuzz_check (verdict != HENB_UDP_CR_OK, "accepted for another user");
        return;
    }
    henb_fuzz_check (verdict == HENB_UDP_CR_OK || verdict == HENB_UDP_CR_DUPLICATE, "a right signature refused");
    henb_fuzz_check (henb_udp_cr_guard_check (guard, cr, USERNAME, PASSWORD, now, 2) == HENB_UDP_CR_DUPLICATE,
                     "a copy was not recognised");
    henb_fuzz_check (henb_udp_cr_guard_check (guard, cr, USERNAME, PASSWORD, now, 60 * G_USEC_PER_SEC) ==
                         HENB_UDP_CR_REPLAYED,
                     "a replay was accepted");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (henb_stun_is_stun (data, size)) {
        g_autoptr(HenbStunMessage) m = henb_stun_parse (data, size, PASSWORD, NULL);

        if (m != NULL && m->error_code != 0)
            henb_fuzz_check (m->error_code >= 300 && m->error_code <= 699, "ERROR-CODE out of range");
        return 0;
    }
    check_request (data, size);
    return 0;
}
