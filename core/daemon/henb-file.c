/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "henb-file.h"

const gchar *
henb_file_describe_mode (guint mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG:
        return "a regular file";
    case S_IFDIR:
        return "a directory";
    case S_IFIFO:
        return "a FIFO (named pipe)";
    case S_IFCHR:
        return "a character device";
    case S_IFBLK:
        return "a block device";
    case S_IFSOCK:
        return "a socket";
    case S_IFLNK:
        return "a symbolic link";
    default:
        return "not a regular file";
    }
}

/* "operator root CA /etc/henbd/ca.pem" or just the path */
static gchar *
name_of (const gchar *path, const gchar *what)
{
    return what != NULL ? g_strdup_printf ("%s %s", what, path) : g_strdup (path);
}

static gboolean
set_errno_error (const gchar *path, const gchar *what, int errsv, HenbFileFlags flags, GError **error)
{
    g_autofree gchar *name = name_of (path, what);

    /* O_NOFOLLOW on a link fails with ELOOP */
    if (errsv == ELOOP && (flags & HENB_FILE_FLAGS_NO_SYMLINK) != 0) {
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_LOOP,
                     "%s is a symbolic link; henbd does not follow links there", name);
        return FALSE;
    }
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv), "%s: %s", name, g_strerror (errsv));
    return FALSE;
}

/* Refuses what is not a regular file of at most @max_size bytes. */
static gboolean
check_stat (const gchar *path, const gchar *what, const struct stat *st, gsize max_size, GError **error)
{
    g_autofree gchar *name = NULL;

    if (S_ISREG (st->st_mode) && (guint64) st->st_size <= (guint64) max_size)
        return TRUE;
    name = name_of (path, what);
    if (S_ISLNK (st->st_mode)) {
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_LOOP,
                     "%s is a symbolic link; henbd does not follow links there", name);
    } else if (!S_ISREG (st->st_mode)) {
        g_set_error (error, G_FILE_ERROR, S_ISDIR (st->st_mode) ? G_FILE_ERROR_ISDIR : G_FILE_ERROR_INVAL,
                     "%s is %s, not a regular file", name, henb_file_describe_mode (st->st_mode));
    } else {
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                     "%s is %" G_GUINT64_FORMAT " bytes, more than the %" G_GSIZE_FORMAT " bytes allowed",
                     name, (guint64) st->st_size, max_size);
    }
    return FALSE;
}

gboolean
henb_file_check (const gchar *path, const gchar *what, gsize max_size, HenbFileFlags flags, GError **error)
{
    struct stat st;
    int r;

    g_return_val_if_fail (path != NULL, FALSE);

    r = (flags & HENB_FILE_FLAGS_NO_SYMLINK) != 0 ? lstat (path, &st) : stat (path, &st);
    if (r != 0)
        return set_errno_error (path, what, errno, flags, error);
    return check_stat (path, what, &st, max_size, error);
}

gboolean
henb_file_read (const gchar  *path,
                const gchar  *what,
                gsize         max_size,
                HenbFileFlags flags,
                gchar       **out_contents,
                gsize        *out_length,
                GError      **error)
{
    g_autofree gchar *buf = NULL;
    struct stat before, st;
    gsize len = 0;
    int fd, r;

    g_return_val_if_fail (path != NULL, FALSE);
    g_return_val_if_fail (out_contents != NULL, FALSE);

    /* looked at before opening: opening a device may have effects of its own */
    r = (flags & HENB_FILE_FLAGS_NO_SYMLINK) != 0 ? lstat (path, &before) : stat (path, &before);
    if (r != 0)
        return set_errno_error (path, what, errno, flags, error);
    if (!check_stat (path, what, &before, max_size, error))
        return FALSE;

    /* O_NONBLOCK: should a FIFO take the file's place meanwhile, neither the open nor a read
     * waits for a writer */
    fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY |
                     ((flags & HENB_FILE_FLAGS_NO_SYMLINK) != 0 ? O_NOFOLLOW : 0));
    if (fd < 0)
        return set_errno_error (path, what, errno, flags, error);
    if (fstat (fd, &st) != 0) {
        int errsv = errno;

        close (fd);
        return set_errno_error (path, what, errsv, flags, error);
    }
    if (!check_stat (path, what, &st, max_size, error)) {
        close (fd);
        return FALSE;
    }

    /* one byte more than allowed tells a file that grew since fstat() */
    buf = g_malloc (MIN ((gsize) st.st_size, max_size) + 2);
    while (TRUE) {
        gsize room = MIN ((gsize) st.st_size, max_size) + 1 - len;
        gssize n;

        if (room == 0) {
            if (len > max_size)
                break;
            /* the file grew, still within the bound: make room for the rest */
            buf = g_realloc (buf, max_size + 2);
            st.st_size = (off_t) max_size;
            continue;
        }
        n = read (fd, buf + len, room);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int errsv = errno;

            close (fd);
            return set_errno_error (path, what, errsv, flags, error);
        }
        if (n == 0)
            break;
        len += (gsize) n;
    }
    close (fd);
    if (len > max_size) {
        g_autofree gchar *name = name_of (path, what);

        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                     "%s grew beyond the %" G_GSIZE_FORMAT " bytes allowed while it was read", name, max_size);
        return FALSE;
    }
    buf[len] = '\0';
    *out_contents = g_steal_pointer (&buf);
    if (out_length != NULL)
        *out_length = len;
    return TRUE;
}
