/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <math.h>

#include "henb-retry.h"

static gdouble
bound_s (guint exponent, guint min_wait_s, guint multiplier_permille)
{
    return min_wait_s * pow (multiplier_permille / 1000.0, exponent);
}

guint64
henb_retry_wait_min_ms (guint n, guint min_wait_s, guint multiplier_permille)
{
    n = CLAMP (n, 1, HENB_RETRY_MAX_EXPONENT);
    return (guint64) llround (bound_s (n - 1, min_wait_s, multiplier_permille) * 1000.0);
}

guint64
henb_retry_wait_max_ms (guint n, guint min_wait_s, guint multiplier_permille)
{
    n = CLAMP (n, 1, HENB_RETRY_MAX_EXPONENT);
    return (guint64) llround (bound_s (n, min_wait_s, multiplier_permille) * 1000.0);
}

guint64
henb_retry_wait_ms (guint n, guint min_wait_s, guint multiplier_permille, GRand *rand)
{
    guint64 lo = henb_retry_wait_min_ms (n, min_wait_s, multiplier_permille);
    guint64 hi = henb_retry_wait_max_ms (n, min_wait_s, multiplier_permille);
    gdouble u = rand != NULL ? g_rand_double (rand) : g_random_double ();

    return lo + (guint64) ((hi - lo) * u);
}

guint
henb_periodic_delay_s (gint64 now_s, guint interval_s, gint64 reference_s)
{
    gint64 interval = MAX (interval_s, 1);
    gint64 next;

    if (reference_s < 0)
        return (guint) interval;
    /* the first aligned time after now, whether the reference lies behind or ahead */
    if (now_s >= reference_s)
        next = reference_s + ((now_s - reference_s) / interval + 1) * interval;
    else
        next = reference_s - ((reference_s - now_s - 1) / interval) * interval;
    return (guint) MAX (next - now_s, 1);
}
