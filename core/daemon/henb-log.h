/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * henbd's log level, changeable at run time (org.henbd.HeNB1.SetLogging, like ModemManager's):
 * "error", "warning", "message" (the default), "info" or "debug". A level shows its own
 * messages and everything more severe; info and debug show only henbd's own domains (henb*),
 * not those of every library it loads. G_MESSAGES_DEBUG still adds the domains it names.
 */
typedef enum {
    HENB_LOG_LEVEL_ERROR,
    HENB_LOG_LEVEL_WARNING,
    HENB_LOG_LEVEL_MESSAGE,
    HENB_LOG_LEVEL_INFO,
    HENB_LOG_LEVEL_DEBUG,
} HenbLogLevel;

/* Installs the writer; call once, early in main(). */
void         henb_log_init          (HenbLogLevel level);
/* Sets the level by its name; FALSE (G_IO_ERROR_INVALID_ARGUMENT) for an unknown name. */
gboolean     henb_log_set_level     (const gchar *name, GError **error);
const gchar *henb_log_get_level     (void);

G_END_DECLS
