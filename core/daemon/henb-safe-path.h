/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Names that come from the network (a Download's TargetFileName, a method name in a trace
 * file) become files only through these functions: one checked name, directly inside a folder
 * opened without following a symbolic link, never a path.
 */

/*
 * Whether @name (@length bytes, or NUL-terminated with -1) may name a file: not empty, not
 * "." or "..", no leading '.', no '/' or '\\', no NUL or other control character (C0, DEL,
 * C1), valid UTF-8, at most NAME_MAX bytes. The error (HENB_CORE_ERROR_INVALID_ARGS) says
 * what is wrong, without the name.
 */
gboolean henb_safe_name_check (const gchar *name, gssize length, GError **error);

/*
 * Opens the folder @path (O_DIRECTORY, O_NOFOLLOW: a symbolic link is refused, also with a
 * trailing '/'); with @create, a missing one is made 0700 (its parents too). Returns the
 * descriptor (close-on-exec) or -1.
 */
gint     henb_safe_dir_open (const gchar *path, gboolean create, GError **error);

/* Opens @name inside @dir_fd after henb_safe_name_check(): O_NOFOLLOW, O_CLOEXEC, mode 0600. */
gint     henb_safe_openat (gint dir_fd, const gchar *name, gint flags, GError **error);

/* Removes @name from @dir_fd (a checked name; one that is not there is no error). */
gboolean henb_safe_unlinkat (gint dir_fd, const gchar *name, GError **error);

/*
 * A file written under a temporary hidden name in its folder and renamed to @name only once
 * it is complete: the name never holds half a file, and a symbolic link planted under @name is
 * replaced, not followed.
 */
typedef struct _HenbSafeFile HenbSafeFile;

HenbSafeFile  *henb_safe_file_create (gint dir_fd, const gchar *name, GError **error);
GOutputStream *henb_safe_file_get_stream (HenbSafeFile *file);
/* Flushes it to disk and gives it its name. */
gboolean       henb_safe_file_commit (HenbSafeFile *file, GError **error);
/* Not committed: the temporary file goes. */
void           henb_safe_file_free (HenbSafeFile *file);

/* Removes the temporary files of henb_safe_file_create() a crash left in @dir_fd. */
void           henb_safe_dir_remove_temporaries (gint dir_fd);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HenbSafeFile, henb_safe_file_free)

G_END_DECLS
