/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gunixoutputstream.h>
#include <glib/gstdio.h>

#include "henb-errors.h"
#include "henb-safe-path.h"

/* hidden, so no name from the network (which may not start with '.') can be one */
#define TEMP_PREFIX ".henbd-tmp-"

struct _HenbSafeFile {
    gint           dir_fd;
    gchar         *name;
    gchar         *temp;
    GOutputStream *stream;
    gboolean       committed;
};

static gboolean
refuse (GError **error, const gchar *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
refuse (GError **error, const gchar *format, ...)
{
    va_list args;

    va_start (args, format);
    if (error != NULL)
        *error = g_error_new_valist (HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS, format, args);
    va_end (args);
    return FALSE;
}

static gboolean
is_control (gunichar c)
{
    return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f);
}

gboolean
henb_safe_name_check (const gchar *name, gssize length, GError **error)
{
    gsize len;
    const gchar *p;

    if (name == NULL)
        return refuse (error, "is empty");
    len = length < 0 ? strlen (name) : (gsize) length;
    if (len == 0)
        return refuse (error, "is empty");
    if (len > NAME_MAX)
        return refuse (error, "is longer than %d bytes", NAME_MAX);
    if (memchr (name, '\0', len) != NULL)
        return refuse (error, "contains a NUL byte");
    if (!g_utf8_validate_len (name, len, NULL))
        return refuse (error, "is not valid UTF-8");
    if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
        return refuse (error, "names a folder ('.' or '..'), not a file");
    for (p = name; p < name + len; p = g_utf8_next_char (p)) {
        gunichar c = g_utf8_get_char (p);

        if (c == '/' || c == '\\')
            return refuse (error, "contains a path separator ('%c')", (gchar) c);
        if (is_control (c))
            return refuse (error, "contains the control character U+%04X", c);
    }
    if (name[0] == '.')
        return refuse (error, "starts with '.' (a hidden file)");
    return TRUE;
}

static gint
open_dir (const gchar *path)
{
    return open (path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

gint
henb_safe_dir_open (const gchar *path, gboolean create, GError **error)
{
    g_autofree gchar *clean = g_strdup (path != NULL ? path : "");
    gsize len = strlen (clean);
    gint fd;
    gint saved;
    struct stat st;

    /* "link/" would follow the link whatever O_NOFOLLOW says */
    while (len > 1 && clean[len - 1] == '/')
        clean[--len] = '\0';
    if (len == 0) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION, "no folder given");
        return -1;
    }
    fd = open_dir (clean);
    if (fd < 0 && errno == ENOENT && create) {
        g_autofree gchar *parent = g_path_get_dirname (clean);

        if (g_mkdir_with_parents (parent, 0700) != 0 || (mkdir (clean, 0700) != 0 && errno != EEXIST)) {
            saved = errno;
            g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot create the folder %s: %s", clean,
                         g_strerror (saved));
            return -1;
        }
        fd = open_dir (clean);
    }
    if (fd >= 0)
        return fd;
    saved = errno;
    if ((saved == ELOOP || saved == ENOTDIR) && lstat (clean, &st) == 0) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INSECURE, "%s is %s", clean,
                     S_ISLNK (st.st_mode) ? "a symbolic link, not a folder" : "not a folder");
        return -1;
    }
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot open the folder %s: %s", clean,
                 g_strerror (saved));
    return -1;
}

gint
henb_safe_openat (gint dir_fd, const gchar *name, gint flags, GError **error)
{
    g_autoptr(GError) why = NULL;
    gint fd;
    gint saved;

    if (!henb_safe_name_check (name, -1, &why)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS, "the file name %s", why->message);
        return -1;
    }
    fd = openat (dir_fd, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0) {
        saved = errno;
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot open %s: %s", name,
                     saved == ELOOP ? "it is a symbolic link" : g_strerror (saved));
    }
    return fd;
}

gboolean
henb_safe_unlinkat (gint dir_fd, const gchar *name, GError **error)
{
    g_autoptr(GError) why = NULL;
    gint saved;

    if (!henb_safe_name_check (name, -1, &why)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS, "the file name %s", why->message);
        return FALSE;
    }
    if (unlinkat (dir_fd, name, 0) == 0 || errno == ENOENT)
        return TRUE;
    saved = errno;
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot remove %s: %s", name, g_strerror (saved));
    return FALSE;
}

HenbSafeFile *
henb_safe_file_create (gint dir_fd, const gchar *name, GError **error)
{
    g_autoptr(HenbSafeFile) file = NULL;
    g_autoptr(GError) why = NULL;
    gint fd = -1;
    gint saved = 0;

    if (!henb_safe_name_check (name, -1, &why)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS, "the file name %s", why->message);
        return NULL;
    }
    file = g_new0 (HenbSafeFile, 1);
    file->dir_fd = fcntl (dir_fd, F_DUPFD_CLOEXEC, 3);
    if (file->dir_fd < 0) {
        saved = errno;
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot keep the folder open: %s",
                     g_strerror (saved));
        return NULL;
    }
    file->name = g_strdup (name);
    /* O_EXCL: a fresh file, never one (or a link) somebody else put there */
    for (guint attempt = 0; fd < 0 && attempt < 16; attempt++) {
        g_free (file->temp);
        file->temp = g_strdup_printf (TEMP_PREFIX "%08x", g_random_int ());
        fd = openat (file->dir_fd, file->temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
        saved = errno;
        if (fd < 0 && saved != EEXIST)
            break;
    }
    if (fd < 0) {
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot create a file for %s: %s", name,
                     g_strerror (saved));
        g_clear_pointer (&file->temp, g_free);
        return NULL;
    }
    file->stream = g_unix_output_stream_new (fd, TRUE);
    return g_steal_pointer (&file);
}

GOutputStream *
henb_safe_file_get_stream (HenbSafeFile *file)
{
    return file->stream;
}

gboolean
henb_safe_file_commit (HenbSafeFile *file, GError **error)
{
    gint fd = g_unix_output_stream_get_fd (G_UNIX_OUTPUT_STREAM (file->stream));
    gint saved;

    g_return_val_if_fail (!file->committed, FALSE);

    if (fsync (fd) != 0) {
        saved = errno;
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot write %s to disk: %s", file->name,
                     g_strerror (saved));
        return FALSE;
    }
    if (!g_output_stream_close (file->stream, NULL, error))
        return FALSE;
    /* replaces whatever has the name, a symbolic link included, and never follows it */
    if (renameat (file->dir_fd, file->temp, file->dir_fd, file->name) != 0) {
        saved = errno;
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot name the file %s: %s", file->name,
                     g_strerror (saved));
        return FALSE;
    }
    file->committed = TRUE;
    /* the new name durable too; a failure here loses nothing but the rename after a crash */
    fsync (file->dir_fd);
    return TRUE;
}

void
henb_safe_file_free (HenbSafeFile *file)
{
    if (file == NULL)
        return;
    if (file->stream != NULL) {
        g_output_stream_close (file->stream, NULL, NULL);
        g_object_unref (file->stream);
    }
    if (!file->committed && file->temp != NULL)
        unlinkat (file->dir_fd, file->temp, 0);
    if (file->dir_fd >= 0)
        close (file->dir_fd);
    g_free (file->name);
    g_free (file->temp);
    g_free (file);
}

void
henb_safe_dir_remove_temporaries (gint dir_fd)
{
    gint fd = openat (dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dir = fd >= 0 ? fdopendir (fd) : NULL;
    struct dirent *entry;

    if (dir == NULL) {
        if (fd >= 0)
            close (fd);
        return;
    }
    while ((entry = readdir (dir)) != NULL) {
        if (g_str_has_prefix (entry->d_name, TEMP_PREFIX) && unlinkat (dir_fd, entry->d_name, 0) != 0)
            g_warning ("cannot remove the leftover %s: %s", entry->d_name, g_strerror (errno));
    }
    closedir (dir);
}
