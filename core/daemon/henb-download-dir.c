/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "henb-download-dir.h"
#include "henb-errors.h"

struct _HenbDownloadDir {
    gchar *path;
    gint   fd;
};

void
henb_download_dir_free (HenbDownloadDir *self)
{
    if (self == NULL)
        return;
    if (self->fd >= 0)
        close (self->fd);
    g_free (self->path);
    g_free (self);
}

HenbDownloadDir *
henb_download_dir_open (const gchar *path, const gchar *state_dir, gboolean create, GError **error)
{
    g_autoptr(HenbDownloadDir) self = g_new0 (HenbDownloadDir, 1);
    struct stat st, state_st;

    self->path = path != NULL ? g_strdup (path) : g_build_filename (state_dir, "downloads", NULL);
    self->fd = henb_safe_dir_open (self->path, create, error);
    if (self->fd < 0)
        return NULL;
    if (fstat (self->fd, &st) != 0) {
        gint saved = errno;
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED, "%s: %s", self->path, g_strerror (saved));
        return NULL;
    }
    /* a TargetFileName "henbd.state" must not replace the state */
    if (state_dir != NULL && stat (state_dir, &state_st) == 0 && st.st_dev == state_st.st_dev &&
        st.st_ino == state_st.st_ino) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                     "the download folder %s is the state folder; downloads need a folder of their own", self->path);
        return NULL;
    }
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INSECURE,
                     "the download folder %s (mode %04o) is writable by group or others", self->path,
                     (guint) (st.st_mode & 07777));
        return NULL;
    }
    return g_steal_pointer (&self);
}

const gchar *
henb_download_dir_get_path (HenbDownloadDir *self)
{
    return self->path;
}

gint
henb_download_dir_get_fd (HenbDownloadDir *self)
{
    return self->fd;
}

guint64
henb_download_dir_room (HenbDownloadDir *self, guint64 max_size, guint64 reserve, GError **error)
{
    struct statvfs vfs;
    guint64 avail;

    if (fstatvfs (self->fd, &vfs) != 0) {
        gint saved = errno;
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED, "cannot tell the free space of %s: %s",
                     self->path, g_strerror (saved));
        return 0;
    }
    /* f_bavail: not the blocks only root may use; the state file must fit there too */
    avail = (guint64) vfs.f_bavail * (guint64) vfs.f_frsize;
    if (vfs.f_frsize != 0 && avail / vfs.f_frsize != (guint64) vfs.f_bavail)
        avail = G_MAXUINT64;
    return MIN (max_size, avail > reserve ? avail - reserve : 0);
}
