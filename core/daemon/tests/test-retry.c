/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-retry.h"

/* The table of TR-069 3.2.1.1 with the default m = 5 s and k = 2000 (2.0). */
static void
test_default_table (void)
{
    static const guint expected[][2] = {
        { 5, 10 }, { 10, 20 }, { 20, 40 }, { 40, 80 }, { 80, 160 },
        { 160, 320 }, { 320, 640 }, { 640, 1280 }, { 1280, 2560 }, { 2560, 5120 },
    };

    for (guint n = 1; n <= 10; n++) {
        g_assert_cmpuint (henb_retry_wait_min_ms (n, 5, 2000), ==, expected[n - 1][0] * 1000);
        g_assert_cmpuint (henb_retry_wait_max_ms (n, 5, 2000), ==, expected[n - 1][1] * 1000);
    }
    /* from the tenth retry on the interval stays the same */
    g_assert_cmpuint (henb_retry_wait_min_ms (11, 5, 2000), ==, 2560 * 1000);
    g_assert_cmpuint (henb_retry_wait_max_ms (25, 5, 2000), ==, 5120 * 1000);
}

static void
test_other_parameters (void)
{
    /* m = 30 s, k = 1.5: retry 3 waits in [67.5, 101.25] s */
    g_assert_cmpuint (henb_retry_wait_min_ms (3, 30, 1500), ==, 67500);
    g_assert_cmpuint (henb_retry_wait_max_ms (3, 30, 1500), ==, 101250);
    /* k = 1.0 (the smallest allowed): a constant wait */
    g_assert_cmpuint (henb_retry_wait_min_ms (7, 10, 1000), ==, 10000);
    g_assert_cmpuint (henb_retry_wait_max_ms (7, 10, 1000), ==, 10000);
}

/* Uniform over the interval: every draw inside it, and the draws spread over all of it. */
static void
test_uniform (void)
{
    g_autoptr(GRand) rand = g_rand_new_with_seed (4711);
    guint buckets[10] = { 0 };
    const guint draws = 20000;

    for (guint i = 0; i < draws; i++) {
        guint64 w = henb_retry_wait_ms (2, 5, 2000, rand);

        g_assert_cmpuint (w, >=, 10000);
        g_assert_cmpuint (w, <=, 20000);
        buckets[MIN ((w - 10000) / 1000, 9)]++;
    }
    for (guint b = 0; b < 10; b++) {
        g_test_message ("retry 2, %2u-%2u s: %u of %u", 10 + b, 11 + b, buckets[b], draws);
        /* 2000 expected per bucket; 1700..2300 is more than 6 standard deviations wide */
        g_assert_cmpuint (buckets[b], >, 1700);
        g_assert_cmpuint (buckets[b], <, 2300);
    }
}

static void
test_periodic_alignment (void)
{
    /* no reference: one period from now */
    g_assert_cmpuint (henb_periodic_delay_s (1000, 60, -1), ==, 60);
    /* reference behind: the next multiple of the period after it */
    g_assert_cmpuint (henb_periodic_delay_s (1000, 60, 970), ==, 30);
    g_assert_cmpuint (henb_periodic_delay_s (1000, 60, 940), ==, 60);  /* exactly on a tick: the next one */
    g_assert_cmpuint (henb_periodic_delay_s (1000, 3600, 0), ==, 2600);
    /* reference ahead: the aligned tick before it, if that is still ahead of now */
    g_assert_cmpuint (henb_periodic_delay_s (1000, 60, 1010), ==, 10);
    g_assert_cmpuint (henb_periodic_delay_s (1000, 60, 1130), ==, 10);
    g_assert_cmpuint (henb_periodic_delay_s (1000, 60, 1060), ==, 60);
    /* never 0: a zero delay would spin */
    g_assert_cmpuint (henb_periodic_delay_s (1000, 0, -1), ==, 1);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/retry/default-table", test_default_table);
    g_test_add_func ("/retry/other-parameters", test_other_parameters);
    g_test_add_func ("/retry/uniform", test_uniform);
    g_test_add_func ("/periodic/alignment", test_periodic_alignment);
    return g_test_run ();
}
