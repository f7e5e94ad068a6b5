/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "fuzz-common.h"

static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags log_level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
    if (log_level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR)) {
        g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
        abort ();
    }
    return G_LOG_WRITER_HANDLED;
}

void
henb_fuzz_init_logging (void)
{
    g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
}

void
henb_fuzz_fail (const gchar *location, const gchar *what)
{
    fprintf (stderr, "%s: harness check failed: %s\n", location, what);
    abort ();
}
