/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TR-069 3.2.1.1 caps the exponent at the tenth retry. */
#define HENB_RETRY_MAX_EXPONENT 10

/*
 * The session retry policy of TR-069 (Amendment 6, 3.2.1.1): after the n-th failed session in a
 * row, wait a uniformly random time in [m·k^(n−1), m·k^n] seconds, m being
 * CWMPRetryMinimumWaitInterval and k CWMPRetryIntervalMultiplier/1000, n capped at 10.
 * Results are in milliseconds.
 */
guint64 henb_retry_wait_min_ms (guint n, guint min_wait_s, guint multiplier_permille);
guint64 henb_retry_wait_max_ms (guint n, guint min_wait_s, guint multiplier_permille);
/* A wait drawn from @rand (NULL: GLib's global generator). */
guint64 henb_retry_wait_ms (guint n, guint min_wait_s, guint multiplier_permille, GRand *rand);

/*
 * Periodic Inform (TR-069 3.2.1.1 / ManagementServer.PeriodicInformTime): seconds from @now_s
 * to the next Inform of period @interval_s aligned to @reference_s (Unix times); with no
 * reference (< 0) simply one period from now. At least 1.
 */
guint   henb_periodic_delay_s (gint64 now_s, guint interval_s, gint64 reference_s);

G_END_DECLS
