/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <math.h>

#include "henb-main-context.h"
#include "henb-retry.h"

/* The ranges of TR-181 ManagementServer.CWMPRetryMinimumWaitInterval and
 * CWMPRetryIntervalMultiplier. */
#define MIN_WAIT_S_LOWEST     1
#define MIN_WAIT_S_HIGHEST    65535
#define MULTIPLIER_LOWEST     1000
#define MULTIPLIER_HIGHEST    65535

/* m·k^exponent in ms, saturated at the bound: the product is checked in floating point, where
 * it cannot overflow (at most 65535 · 65.535^10 ≈ 9.5·10^22 s), before it becomes an integer. */
static guint64
bound_ms (guint exponent, guint min_wait_s, guint multiplier_permille)
{
    gdouble m = CLAMP (min_wait_s, MIN_WAIT_S_LOWEST, MIN_WAIT_S_HIGHEST);
    gdouble k = CLAMP (multiplier_permille, MULTIPLIER_LOWEST, MULTIPLIER_HIGHEST) / 1000.0;
    gdouble s = m * pow (k, exponent);

    if (!(s < HENB_RETRY_WAIT_MAX_S))
        return HENB_RETRY_WAIT_MAX_MS;
    return MIN ((guint64) llround (s * 1000.0), HENB_RETRY_WAIT_MAX_MS);
}

guint64
henb_retry_wait_min_ms (guint n, guint min_wait_s, guint multiplier_permille)
{
    n = CLAMP (n, 1, HENB_RETRY_MAX_EXPONENT);
    return bound_ms (n - 1, min_wait_s, multiplier_permille);
}

guint64
henb_retry_wait_max_ms (guint n, guint min_wait_s, guint multiplier_permille)
{
    n = CLAMP (n, 1, HENB_RETRY_MAX_EXPONENT);
    return bound_ms (n, min_wait_s, multiplier_permille);
}

guint64
henb_retry_wait_ms (guint n, guint min_wait_s, guint multiplier_permille, GRand *rand)
{
    guint64 lo = henb_retry_wait_min_ms (n, min_wait_s, multiplier_permille);
    guint64 hi = henb_retry_wait_max_ms (n, min_wait_s, multiplier_permille);
    gdouble u = rand != NULL ? g_rand_double (rand) : g_random_double ();

    /* hi − lo ≤ HENB_RETRY_WAIT_MAX_MS and u < 1: the product fits */
    return lo + (guint64) ((hi - lo) * u);
}

/* A source that is ready at its ready time: GLib keeps that as 64-bit monotonic µs. */
static gboolean
deadline_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
    g_source_set_ready_time (source, -1);
    return callback (user_data);
}

static GSourceFuncs deadline_funcs = {
    .dispatch = deadline_dispatch,
};

guint
henb_timeout_add_deadline (gint64 deadline_us, GSourceFunc func, gpointer user_data)
{
    g_autoptr(GSource) source = g_source_new (&deadline_funcs, sizeof (GSource));

    g_source_set_name (source, "henb deadline");
    g_source_set_ready_time (source, MAX (deadline_us, 0));
    g_source_set_callback (source, func, user_data, NULL);
    return henb_source_attach (source);
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
