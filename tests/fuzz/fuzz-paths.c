/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A name from the network (the input, bytes as they came) through henb_safe_name_check() and,
 * when accepted, written with henb_safe_file_create() into a private temporary folder where a
 * symbolic link to a file outside already holds that name. Checks: an accepted name has no
 * separator, NUL or control byte and is not "." or ".."; it becomes exactly one regular file
 * directly inside the folder, by that very name; the link's target is untouched and nothing
 * else appears beside the folder. A refused name creates nothing.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fuzz-common.h"
#include "henb-safe-path.h"

static gchar *root;      /* root/folder, root/outside */
static gchar *folder;
static gchar *outside;
static gint   folder_fd = -1;

static void
remove_all (void)
{
    if (folder_fd >= 0)
        close (folder_fd);
    g_unlink (outside);
    g_rmdir (folder);
    g_rmdir (root);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    henb_fuzz_init_logging ();
    root = g_dir_make_tmp ("henb-fuzz-paths-XXXXXX", NULL);
    henb_fuzz_check (root != NULL, "cannot make a temporary folder");
    folder = g_build_filename (root, "folder", NULL);
    outside = g_build_filename (root, "outside", NULL);
    henb_fuzz_check (g_file_set_contents (outside, "untouched", -1, NULL), "cannot write the outside file");
    folder_fd = henb_safe_dir_open (folder, TRUE, NULL);
    henb_fuzz_check (folder_fd >= 0, "cannot open the folder");
    atexit (remove_all);
    return 0;
}

/* The names in @dir (without "." and ".."): how many, and whether @name is one of them. */
static guint
list (const gchar *dir, const gchar *name, gboolean *found)
{
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const gchar *entry;
    guint n = 0;

    henb_fuzz_check (d != NULL, "cannot list a folder");
    *found = FALSE;
    while ((entry = g_dir_read_name (d)) != NULL) {
        n++;
        if (name != NULL && strcmp (entry, name) == 0)
            *found = TRUE;
    }
    return n;
}

static void
check_surroundings (void)
{
    g_autofree gchar *text = NULL;
    gboolean found;

    henb_fuzz_check (g_file_get_contents (outside, &text, NULL, NULL) && g_str_equal (text, "untouched"),
                     "the file outside the folder was written");
    henb_fuzz_check (list (root, "folder", &found) == 2 && found, "something appeared beside the folder");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    const gchar *bytes = (const gchar *) data;
    gboolean accepted = henb_safe_name_check (bytes, (gssize) size, NULL);
    g_autofree gchar *name = g_strndup (bytes, size);
    gboolean found;

    if (!accepted) {
        /* the C string the codec would hand over, when there is one */
        if (memchr (data, '\0', size) == NULL) {
            g_autoptr(HenbSafeFile) file = henb_safe_file_create (folder_fd, name, NULL);

            henb_fuzz_check (file == NULL, "a refused name was opened");
            henb_fuzz_check (henb_safe_openat (folder_fd, name, O_WRONLY | O_CREAT, NULL) < 0,
                             "a refused name was opened by henb_safe_openat");
        }
        henb_fuzz_check (list (folder, NULL, &found) == 0, "a refused name left a file");
        check_surroundings ();
        return 0;
    }

    henb_fuzz_check (size > 0 && size <= NAME_MAX, "an accepted name is empty or too long");
    henb_fuzz_check (memchr (data, '\0', size) == NULL && memchr (data, '/', size) == NULL,
                     "an accepted name holds NUL or '/'");
    henb_fuzz_check (!g_str_equal (name, ".") && !g_str_equal (name, ".."), "an accepted name is . or ..");
    for (gsize i = 0; i < size; i++)
        henb_fuzz_check (data[i] >= 0x20 && data[i] != 0x7f, "an accepted name holds a control byte");

    /* somebody planted a link to a file outside under that name */
    henb_fuzz_check (symlinkat (outside, folder_fd, name) == 0, "cannot plant the link");
    {
        g_autoptr(HenbSafeFile) file = henb_safe_file_create (folder_fd, name, NULL);
        struct stat st;

        henb_fuzz_check (file != NULL, "an accepted name cannot be created");
        henb_fuzz_check (g_output_stream_write_all (henb_safe_file_get_stream (file), "data", 4, NULL, NULL, NULL),
                         "cannot write");
        henb_fuzz_check (henb_safe_file_commit (file, NULL), "cannot commit");
        henb_fuzz_check (fstatat (folder_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG (st.st_mode) &&
                             st.st_size == 4,
                         "the name is not a regular file of what was written");
    }
    henb_fuzz_check (list (folder, name, &found) == 1 && found, "the file is not exactly one entry of the folder");
    check_surroundings ();
    henb_fuzz_check (henb_safe_unlinkat (folder_fd, name, NULL), "cannot remove the file");
    henb_fuzz_check (list (folder, NULL, &found) == 0, "the folder is not empty again");
    return 0;
}
