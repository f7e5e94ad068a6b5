/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "henb-errors.h"
#include "henb-safe-path.h"
#include "henb-trace.h"

struct _HenbTrace {
    GObject parent_instance;
    gchar  *dir;
    guint   counter;
};

G_DEFINE_TYPE (HenbTrace, henb_trace, G_TYPE_OBJECT)

static void
henb_trace_finalize (GObject *object)
{
    g_free (HENB_TRACE (object)->dir);
    G_OBJECT_CLASS (henb_trace_parent_class)->finalize (object);
}

static void
henb_trace_class_init (HenbTraceClass *klass)
{
    G_OBJECT_CLASS (klass)->finalize = henb_trace_finalize;
}

static void
henb_trace_init (HenbTrace *self)
{
}

HenbTrace *
henb_trace_new (const gchar *dir, GError **error)
{
    g_autoptr(HenbTrace) self = g_object_new (HENB_TYPE_TRACE, NULL);
    g_autoptr(GDir) d = NULL;
    const gchar *name;

    if (g_mkdir_with_parents (dir, 0700) != 0) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                     "cannot create trace directory %s: %s", dir, g_strerror (errno));
        return NULL;
    }
    d = g_dir_open (dir, 0, error);
    if (d == NULL)
        return NULL;
    while ((name = g_dir_read_name (d)) != NULL) {
        guint64 n;
        g_autofree gchar *prefix = g_strndup (name, 4);

        if (g_ascii_string_to_unsigned (prefix, 10, 0, 9999, &n, NULL) && n > self->counter)
            self->counter = (guint) n;
    }
    self->dir = g_strdup (dir);
    return g_steal_pointer (&self);
}

const gchar *
henb_trace_get_dir (HenbTrace *self)
{
    return self->dir;
}

void
henb_trace_envelope (HenbTrace *self, gboolean outgoing, const gchar *method, GBytes *envelope)
{
    g_autofree gchar *file = NULL;
    g_autofree gchar *path = NULL;
    g_autoptr(GError) error = NULL;
    gsize len;
    const gchar *data = g_bytes_get_data (envelope, &len);

    file = g_strdup_printf ("%04u-%s-%s.xml", ++self->counter, outgoing ? "sent" : "received",
                            method != NULL ? method : "message");
    /* the method name of a received envelope is the HeMS's: one file name in the folder, or none of it */
    if (!henb_safe_name_check (file, -1, NULL)) {
        g_free (file);
        file = g_strdup_printf ("%04u-%s-unnamed.xml", self->counter, outgoing ? "sent" : "received");
    }
    path = g_build_filename (self->dir, file, NULL);
    /* all or nothing: a trace file cut short by a crash would look like a broken envelope */
    if (!g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
        g_warning ("trace: %s", error->message);
}
