/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-panel-format.h"

static void
test_countdown (void)
{
    const gint64 now = G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC;
    struct {
        gint64       next;
        const gchar *expected;
    } cases[] = {
        { 0, "No retry planned" },
        { now - 1, "Retrying now" },
        { now, "Retrying now" },
        /* rounded up: time is left, so never "0 seconds" */
        { now + 1, "Next attempt in 1 second" },
        { now + 1500000, "Next attempt in 2 seconds" },
        { now + G_GINT64_CONSTANT (59) * G_USEC_PER_SEC, "Next attempt in 59 seconds" },
        { now + G_GINT64_CONSTANT (65) * G_USEC_PER_SEC, "Next attempt in 1 min 05 s" },
        { now + G_GINT64_CONSTANT (7322) * G_USEC_PER_SEC, "Next attempt in 2 h 02 min" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        g_autofree gchar *text = henb_panel_format_countdown (cases[i].next, now);

        g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

static void
test_duration (void)
{
    g_autofree gchar *us = henb_panel_format_duration (250);
    g_autofree gchar *ms = henb_panel_format_duration (12500);
    g_autofree gchar *s = henb_panel_format_duration (2340000);

    g_assert_cmpstr (us, ==, "250 µs");
    g_assert_cmpstr (ms, ==, "12 ms");
    g_assert_cmpstr (s, ==, "2.3 s");
}

static void
test_names (void)
{
    g_assert_cmpstr (henb_panel_format_state (HENB_STATE_DISCOVERING), ==, "Discovering the Serving HeMS");
    g_assert_cmpstr (henb_panel_format_state (HENB_STATE_REGISTERED), ==, "Registered");
    g_assert_cmpstr (henb_panel_format_state ((HenbState) 42), ==, "Unknown");
    g_assert_cmpstr (henb_panel_format_failed_reason (HENB_STATE_FAILED_REASON_NONE), ==, "");
    g_assert_cmpstr (henb_panel_format_failed_reason (HENB_STATE_FAILED_REASON_NO_S1_ADDRESS), ==,
                     "No HeMS set the S1 far-end address");
    g_assert_cmpstr (henb_panel_format_failed_reason ((HenbStateFailedReason) 99), ==, "Unknown reason");
    g_assert_cmpstr (henb_panel_format_step_result (HENB_STEP_RESULT_SKIPPED), ==, "skipped");
}

static void
test_list (void)
{
    const gchar *none[] = { NULL };
    const gchar *two[] = { "10.11.0.1", "mme.henb.test", NULL };
    g_autofree gchar *a = henb_panel_format_list (NULL);
    g_autofree gchar *b = henb_panel_format_list (none);
    g_autofree gchar *c = henb_panel_format_list (two);

    g_assert_cmpstr (a, ==, "—");
    g_assert_cmpstr (b, ==, "—");
    g_assert_cmpstr (c, ==, "10.11.0.1, mme.henb.test");
}

static void
test_cr_transport (void)
{
    g_autofree gchar *http = henb_panel_format_cr_transport ("active", "http://192.0.2.1:7547/cr");
    g_autofree gchar *off = henb_panel_format_cr_transport ("disabled", "");
    g_autofree gchar *odd = henb_panel_format_cr_transport ("resting", NULL);

    g_assert_cmpstr (http, ==, "active: http://192.0.2.1:7547/cr");
    g_assert_cmpstr (off, ==, "disabled");
    /* a state henbd may add later is shown as henbd says it */
    g_assert_cmpstr (odd, ==, "resting");
    g_assert_cmpstr (henb_panel_format_cr_transport_name ("http"), ==, "HTTP (TR-069)");
    g_assert_cmpstr (henb_panel_format_cr_transport_name ("carrier-pigeon"), ==, "carrier-pigeon");
}

int
main (int argc, char *argv[])
{
    /* the untranslated strings are the ones checked */
    g_setenv ("LANGUAGE", "C", TRUE);
    g_setenv ("LC_ALL", "C.UTF-8", TRUE);
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/panel/format/countdown", test_countdown);
    g_test_add_func ("/panel/format/duration", test_duration);
    g_test_add_func ("/panel/format/names", test_names);
    g_test_add_func ("/panel/format/list", test_list);
    g_test_add_func ("/panel/format/cr-transport", test_cr_transport);
    return g_test_run ();
}
