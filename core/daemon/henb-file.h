/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Reading a local file henbd depends on (configuration, certificates, keys, its state) without
 * hanging or running out of memory: only a regular file is read (a FIFO would block the open
 * or the read forever, /dev/zero never ends), and only up to a bound per kind of file, checked
 * before reading and enforced while reading (the file may grow meanwhile).
 */

/* factory.conf and each conf.d snippet; strongSwan's resolve file */
#define HENB_FILE_MAX_CONFIG     (1024 * 1024)
/* RootCA, DeviceCertificate, DeviceKey (PEM): a chain of a few dozen certificates fits */
#define HENB_FILE_MAX_CREDENTIAL (1024 * 1024)
/* henbd.state: every parameter, attribute and queued event; henbd never writes a larger one */
#define HENB_FILE_MAX_STATE      (4 * 1024 * 1024)

typedef enum {
    HENB_FILE_FLAGS_NONE          = 0,
    /* the path itself must not be a symbolic link (O_NOFOLLOW): for files only henbd writes */
    HENB_FILE_FLAGS_NO_SYMLINK    = 1 << 0,
} HenbFileFlags;

/*
 * Reads @path (what it is for in @what, e.g. "operator root CA", for the messages) into a
 * NUL-terminated buffer. Errors are in G_FILE_ERROR and name @what, the path and the reason:
 * G_FILE_ERROR_NOENT and the other errno codes when it cannot be opened, G_FILE_ERROR_LOOP for
 * a symbolic link with HENB_FILE_FLAGS_NO_SYMLINK, G_FILE_ERROR_ISDIR for a directory,
 * G_FILE_ERROR_INVAL for anything else that is not a regular file (FIFO, device, socket),
 * G_FILE_ERROR_FAILED for a file over @max_size bytes.
 */
gboolean     henb_file_read (const gchar  *path,
                             const gchar  *what,
                             gsize         max_size,
                             HenbFileFlags flags,
                             gchar       **out_contents,
                             gsize        *out_length,
                             GError      **error);

/* The same checks without reading: @path is a regular file of at most @max_size bytes. */
gboolean     henb_file_check (const gchar  *path,
                              const gchar  *what,
                              gsize         max_size,
                              HenbFileFlags flags,
                              GError      **error);

/* "a FIFO", "a character device", ... for a st_mode; "a regular file" for one. */
const gchar *henb_file_describe_mode (guint mode);

G_END_DECLS
