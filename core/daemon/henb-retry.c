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
