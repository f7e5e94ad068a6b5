/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TR-069 3.2.1.1 caps the exponent at the tenth retry. */
#define HENB_RETRY_MAX_EXPONENT 10

/*
 * The longest a single retry wait may be, whatever the settings. TR-069 sets no bound, but with
 * both settings at the top of their ranges (m = 65535 s, k = 65.535) m·k^10 is about 10^23 s.
 * A day lies above every wait of a constant schedule (k = 1.0, m ≤ 65535 s ≈ 18.2 h), so the
 * bound only cuts growth, and a HeNB that lost its HeMS still tries at least once a day.
 */
#define HENB_RETRY_WAIT_MAX_S   (24 * 60 * 60)
#define HENB_RETRY_WAIT_MAX_MS  ((guint64) HENB_RETRY_WAIT_MAX_S * 1000)

/*
 * The session retry policy of TR-069 (Amendment 6, 3.2.1.1): after the n-th failed session in a
 * row, wait a uniformly random time in [m·k^(n−1), m·k^n] seconds, m being
 * CWMPRetryMinimumWaitInterval (1..65535) and k CWMPRetryIntervalMultiplier/1000
 * (1000..65535), n capped at 10. Both ends saturate at HENB_RETRY_WAIT_MAX_MS; settings outside
 * their ranges count as the nearest end. Results are in milliseconds.
 */
guint64 henb_retry_wait_min_ms (guint n, guint min_wait_s, guint multiplier_permille);
guint64 henb_retry_wait_max_ms (guint n, guint min_wait_s, guint multiplier_permille);
/* A wait drawn from @rand (NULL: GLib's global generator). */
guint64 henb_retry_wait_ms (guint n, guint min_wait_s, guint multiplier_permille, GRand *rand);

/*
 * Runs @func on the calling thread's main context (as henb_timeout_add() does) at the
 * monotonic time @deadline_us (g_get_monotonic_time ()), however far ahead; once, unless it
 * returns G_SOURCE_CONTINUE (then it never runs again). Unlike g_timeout_add() nothing is cut
 * to 32 bits of milliseconds. Returns the source id, for henb_source_remove() in that thread.
 */
guint   henb_timeout_add_deadline (gint64 deadline_us, GSourceFunc func, gpointer user_data);

/*
 * Periodic Inform (TR-069 3.2.1.1 / ManagementServer.PeriodicInformTime): seconds from @now_s
 * to the next Inform of period @interval_s aligned to @reference_s (Unix times); with no
 * reference (< 0) simply one period from now. At least 1.
 */
guint   henb_periodic_delay_s (gint64 now_s, guint interval_s, gint64 reference_s);

G_END_DECLS
