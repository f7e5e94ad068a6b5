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

/* Every m and k a HeMS may set (a step through the ranges, and both ends and their neighbours). */
static GArray *
range_with_ends (guint lowest, guint highest, guint step)
{
    GArray *values = g_array_new (FALSE, FALSE, sizeof (guint));
    const guint ends[] = { lowest, lowest + 1, highest - 1, highest };

    for (guint v = lowest; v <= highest; v += step)
        g_array_append_val (values, v);
    g_array_append_vals (values, ends, G_N_ELEMENTS (ends));
    return values;
}

/* Over the whole ranges of CWMPRetryMinimumWaitInterval [1:65535] and
 * CWMPRetryIntervalMultiplier [1000:65535], for every n up to 10 and beyond: the wait lies within
 * its interval, no end exceeds the documented bound, and no end shrinks as n grows. */
static void
test_full_ranges (void)
{
    g_autoptr(GArray) ms = range_with_ends (1, 65535, 97);
    g_autoptr(GArray) ks = range_with_ends (1000, 65535, 251);
    g_autoptr(GRand) rand = g_rand_new_with_seed (4711);
    const guint ns[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 100, G_MAXUINT };
    guint64 saturated = 0;

    for (guint i = 0; i < ms->len; i++) {
        for (guint j = 0; j < ks->len; j++) {
            guint m = g_array_index (ms, guint, i);
            guint k = g_array_index (ks, guint, j);
            guint64 last_lo = 0, last_hi = 0;

            for (guint x = 0; x < G_N_ELEMENTS (ns); x++) {
                guint n = ns[x];
                guint64 lo = henb_retry_wait_min_ms (n, m, k);
                guint64 hi = henb_retry_wait_max_ms (n, m, k);
                guint64 w = henb_retry_wait_ms (n, m, k, rand);

                if (lo > hi || hi > HENB_RETRY_WAIT_MAX_MS || w < lo || w > hi || lo < last_lo || hi < last_hi)
                    g_error ("m=%u k=%u n=%u: wait %" G_GUINT64_FORMAT " in [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
                             "] ms (the last n: [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT "]), bound %" G_GUINT64_FORMAT,
                             m, k, n, w, lo, hi, last_lo, last_hi, HENB_RETRY_WAIT_MAX_MS);
                /* never less than m: a wait of 0 would be a retry storm */
                g_assert_cmpuint (lo, >=, MIN ((guint64) m * 1000, HENB_RETRY_WAIT_MAX_MS));
                last_lo = lo;
                last_hi = hi;
                saturated += hi == HENB_RETRY_WAIT_MAX_MS;
            }
        }
    }
    g_test_message ("%u values of m, %u of k, %" G_GUINT64_FORMAT " upper ends at the bound",
                    ms->len, ks->len, saturated);
    g_assert_cmpuint (saturated, >, 0);
}

/* The ends of the ranges, exactly. */
static void
test_extremes (void)
{
    /* m and k at their maximum: the first retry waits [m, bound], every later one the bound */
    g_assert_cmpuint (henb_retry_wait_min_ms (1, 65535, 65535), ==, 65535000);
    g_assert_cmpuint (henb_retry_wait_max_ms (1, 65535, 65535), ==, HENB_RETRY_WAIT_MAX_MS);
    for (guint n = 2; n <= 11; n++) {
        g_assert_cmpuint (henb_retry_wait_min_ms (n, 65535, 65535), ==, HENB_RETRY_WAIT_MAX_MS);
        g_assert_cmpuint (henb_retry_wait_ms (n, 65535, 65535, NULL), ==, HENB_RETRY_WAIT_MAX_MS);
    }
    /* a constant schedule stays below the bound, whatever m: the bound cuts only growth */
    g_assert_cmpuint (HENB_RETRY_WAIT_MAX_S, >, 65535);
    g_assert_cmpuint (henb_retry_wait_min_ms (10, 65535, 1000), ==, 65535000);
    g_assert_cmpuint (henb_retry_wait_max_ms (10, 65535, 1000), ==, 65535000);
    /* m = 1, k = 65.535: k^10 · 1 s ≈ 1.45·10^18 s, saturated */
    g_assert_cmpuint (henb_retry_wait_max_ms (10, 1, 65535), ==, HENB_RETRY_WAIT_MAX_MS);
    g_assert_cmpuint (henb_retry_wait_max_ms (2, 1, 65535), ==, 4294836);  /* 65.535² s, not saturated */
    /* settings outside the ranges count as the nearest end: never a wait of 0 */
    g_assert_cmpuint (henb_retry_wait_min_ms (1, 0, 0), ==, 1000);
    g_assert_cmpuint (henb_retry_wait_max_ms (1, 0, 0), ==, 1000);
    g_assert_cmpuint (henb_retry_wait_max_ms (10, G_MAXUINT, G_MAXUINT), ==, HENB_RETRY_WAIT_MAX_MS);
}

static gboolean
count_run (gpointer user_data)
{
    (*(guint *) user_data)++;
    return G_SOURCE_REMOVE;
}

/* A deadline beyond 2^32 ms (49.7 days) is kept as it is, not cut to 32 bits as
 * g_timeout_add() would cut it; a near one and a past one run once. */
static void
test_deadline (void)
{
    gint64 now = g_get_monotonic_time ();
    gint64 far = now + ((gint64) G_MAXUINT32 + 1000) * 1000;
    guint far_runs = 0, near_runs = 0, past_runs = 0;
    guint far_id = henb_timeout_add_deadline (far, count_run, &far_runs);
    guint near_id = henb_timeout_add_deadline (now + 50 * 1000, count_run, &near_runs);

    henb_timeout_add_deadline (now - G_USEC_PER_SEC, count_run, &past_runs);
    g_assert_cmpint (g_source_get_ready_time (g_main_context_find_source_by_id (NULL, far_id)), ==, far);
    while (near_runs == 0)
        g_main_context_iteration (NULL, TRUE);
    g_assert_cmpint (g_get_monotonic_time (), >=, now + 50 * 1000);
    g_assert_null (g_main_context_find_source_by_id (NULL, near_id));
    g_assert_cmpuint (past_runs, ==, 1);
    g_assert_cmpuint (near_runs, ==, 1);
    g_assert_cmpuint (far_runs, ==, 0);
    g_source_remove (far_id);
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
    g_test_add_func ("/retry/full-ranges", test_full_ranges);
    g_test_add_func ("/retry/extremes", test_extremes);
    g_test_add_func ("/retry/deadline", test_deadline);
    g_test_add_func ("/periodic/alignment", test_periodic_alignment);
    return g_test_run ();
}
