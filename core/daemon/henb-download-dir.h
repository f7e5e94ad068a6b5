/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "henb-safe-path.h"

G_BEGIN_DECLS

/*
 * The folder Downloads are written to ([Device] DownloadDirectory, by default "downloads"
 * beside the state file): a folder of its own, never the state folder, not writable by group
 * or others, opened without following a symbolic link. Files go in only through
 * henb-safe-path, and henbd removes only files it wrote there.
 */
typedef struct _HenbDownloadDir HenbDownloadDir;

/* @path NULL: "downloads" in @state_dir. With @create a missing folder is made (0700). */
HenbDownloadDir *henb_download_dir_open (const gchar *path,
                                         const gchar *state_dir,
                                         gboolean     create,
                                         GError     **error);
void             henb_download_dir_free (HenbDownloadDir *self);

const gchar     *henb_download_dir_get_path (HenbDownloadDir *self);
gint             henb_download_dir_get_fd (HenbDownloadDir *self);

/*
 * Bytes one download may take: @max_size, or less when the filesystem has less free space
 * (statvfs, what an unprivileged writer may use) than that plus @reserve, the room the state
 * file needs.
 */
guint64          henb_download_dir_room (HenbDownloadDir *self,
                                         guint64          max_size,
                                         guint64          reserve,
                                         GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HenbDownloadDir, henb_download_dir_free)

G_END_DECLS
