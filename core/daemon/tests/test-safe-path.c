/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Names from the network becoming files: every refusal of the name check, and what a hostile
 * folder can hold (a symbolic link under the name henbd writes, a folder that is a link).
 */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "henb-download-dir.h"
#include "henb-errors.h"
#include "henb-safe-path.h"

typedef struct {
    const gchar *what;
    const gchar *name;
    gssize       length;
    const gchar *reason;   /* part of the message */
} Refusal;

static void
test_refusals (void)
{
    g_autofree gchar *too_long = g_strnfill (NAME_MAX + 1, 'a');
    const Refusal cases[] = {
        { "empty", "", -1, "is empty" },
        { "dot", ".", -1, "names a folder" },
        { "dot-dot", "..", -1, "names a folder" },
        { "traversal", "x/../y", -1, "path separator ('/')" },
        { "traversal from the CommandKey of issue 9", "x/../../../../PWNED", -1, "path separator ('/')" },
        { "absolute", "/abs", -1, "path separator ('/')" },
        { "subfolder", "a/b", -1, "path separator ('/')" },
        { "backslash", "a\\b", -1, "path separator ('\\')" },
        { "dot-dot-slash", "../evil", -1, "path separator ('/')" },
        { "newline", "a\nb", -1, "control character U+000A" },
        { "carriage return", "a\rb", -1, "control character U+000D" },
        { "tab", "\tx", -1, "control character U+0009" },
        { "escape", "a\033[2Jb", -1, "control character U+001B" },
        { "DEL", "a\177", -1, "control character U+007F" },
        { "C1 control (NEL)", "a\302\205b", -1, "control character U+0085" },
        { "NUL inside", "a\0b", 3, "NUL byte" },
        { "invalid UTF-8", "a\377b", -1, "not valid UTF-8" },
        { "truncated UTF-8", "a\303", -1, "not valid UTF-8" },
        { "overlong UTF-8 '/'", "a\300\257b", -1, "not valid UTF-8" },
        { "NAME_MAX + 1 bytes", too_long, -1, "longer than" },
        { "hidden", ".hidden", -1, "starts with '.'" },
    };

    g_assert_false (henb_safe_name_check (NULL, -1, NULL));
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        g_autoptr(GError) error = NULL;

        g_test_message ("%s", cases[i].what);
        g_assert_false (henb_safe_name_check (cases[i].name, cases[i].length, &error));
        g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS);
        g_assert_nonnull (strstr (error->message, cases[i].reason));
    }
}

static void
test_accepted (void)
{
    g_autofree gchar *longest = g_strnfill (NAME_MAX, 'a');
    const gchar *names[] = { "fw.bin", "download", "x..y", "a.", "name with spaces", "-dash", "ünïcode.bin",
                             "日本語", longest };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
        g_autoptr(GError) error = NULL;

        g_assert_true (henb_safe_name_check (names[i], -1, &error));
        g_assert_no_error (error);
    }
}

typedef struct {
    gchar *root;       /* a private temporary folder */
    gchar *downloads;  /* root/downloads */
    gint   fd;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    f->root = g_dir_make_tmp ("henb-safe-path-XXXXXX", &error);
    g_assert_no_error (error);
    f->downloads = g_build_filename (f->root, "downloads", NULL);
    f->fd = henb_safe_dir_open (f->downloads, TRUE, &error);
    g_assert_no_error (error);
    g_assert_cmpint (f->fd, >=, 0);
}

static void
remove_tree (const gchar *path)
{
    g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
    const gchar *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
        g_autofree gchar *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
        else
            g_unlink (child);
    }
    g_rmdir (path);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
    close (f->fd);
    remove_tree (f->root);
    g_free (f->downloads);
    g_free (f->root);
}

static guint
count_entries (const gchar *path)
{
    g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
    guint n = 0;

    while (dir != NULL && g_dir_read_name (dir) != NULL)
        n++;
    return n;
}

static gchar *
read_file (const gchar *path)
{
    gchar *contents = NULL;

    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    return contents;
}

static void
write_through (gint fd, const gchar *name, const gchar *data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbSafeFile) file = henb_safe_file_create (fd, name, &error);

    g_assert_no_error (error);
    g_assert_true (g_output_stream_write_all (henb_safe_file_get_stream (file), data, strlen (data), NULL, NULL,
                                              &error));
    g_assert_no_error (error);
    g_assert_true (henb_safe_file_commit (file, &error));
    g_assert_no_error (error);
}

static void
test_folder_created_private (Fixture *f, gconstpointer data)
{
    struct stat st;

    g_assert_cmpint (lstat (f->downloads, &st), ==, 0);
    g_assert_true (S_ISDIR (st.st_mode));
    g_assert_cmpuint (st.st_mode & 07777, ==, 0700);
}

/* The name henbd will use already exists as a link to a file outside: the link is replaced. */
static void
test_planted_symlink (Fixture *f, gconstpointer data)
{
    g_autofree gchar *outside = g_build_filename (f->root, "outside", NULL);
    g_autofree gchar *planted = g_build_filename (f->downloads, "download", NULL);
    g_autofree gchar *after = NULL;
    g_autofree gchar *written = NULL;
    g_autoptr(GError) error = NULL;
    struct stat st;
    gint fd;

    g_assert_true (g_file_set_contents (outside, "keep", -1, NULL));
    g_assert_cmpint (symlink (outside, planted), ==, 0);

    /* opening it is refused: the link is not followed */
    fd = henb_safe_openat (f->fd, "download", O_WRONLY | O_CREAT | O_TRUNC, &error);
    g_assert_cmpint (fd, ==, -1);
    g_assert_nonnull (error);
    g_clear_error (&error);

    write_through (f->fd, "download", "evil");
    after = read_file (outside);
    g_assert_cmpstr (after, ==, "keep");
    g_assert_cmpint (lstat (planted, &st), ==, 0);
    g_assert_true (S_ISREG (st.st_mode));
    g_assert_cmpuint (st.st_mode & 07777, ==, 0600);
    written = read_file (planted);
    g_assert_cmpstr (written, ==, "evil");
    /* root: the folder and the untouched file, nothing else */
    g_assert_cmpuint (count_entries (f->root), ==, 2);
    g_assert_cmpuint (count_entries (f->downloads), ==, 1);
}

/* A link to a folder under the name: replaced too, nothing lands in the folder it names. */
static void
test_planted_folder_symlink (Fixture *f, gconstpointer data)
{
    g_autofree gchar *elsewhere = g_build_filename (f->root, "elsewhere", NULL);
    g_autofree gchar *planted = g_build_filename (f->downloads, "fw.bin", NULL);

    g_assert_cmpint (g_mkdir (elsewhere, 0700), ==, 0);
    g_assert_cmpint (symlink (elsewhere, planted), ==, 0);
    write_through (f->fd, "fw.bin", "image");
    g_assert_cmpuint (count_entries (elsewhere), ==, 0);
    g_assert_true (g_file_test (planted, G_FILE_TEST_IS_REGULAR) && !g_file_test (planted, G_FILE_TEST_IS_SYMLINK));
}

/* The download folder itself is a link: refused, also written with a trailing '/'. */
static void
test_folder_is_symlink (Fixture *f, gconstpointer data)
{
    g_autofree gchar *link = g_build_filename (f->root, "link", NULL);
    g_autofree gchar *slash = g_strconcat (link, "/", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) error_slash = NULL;
    g_autoptr(GError) error_dir = NULL;

    g_assert_cmpint (symlink (f->downloads, link), ==, 0);
    g_assert_cmpint (henb_safe_dir_open (link, TRUE, &error), ==, -1);
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INSECURE);
    g_assert_nonnull (strstr (error->message, "symbolic link"));
    g_assert_cmpint (henb_safe_dir_open (slash, TRUE, &error_slash), ==, -1);
    g_assert_error (error_slash, HENB_CORE_ERROR, HENB_CORE_ERROR_INSECURE);
    g_assert_null (henb_download_dir_open (link, f->root, TRUE, &error_dir));
    g_assert_error (error_dir, HENB_CORE_ERROR, HENB_CORE_ERROR_INSECURE);
}

/* What the name check refuses never reaches the folder. */
static void
test_refused_names_write_nothing (Fixture *f, gconstpointer data)
{
    const gchar *names[] = { "../escape", "x/../../escape", "/tmp/escape", "..", "", ".hidden" };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GError) error_open = NULL;
        g_autoptr(GError) error_unlink = NULL;

        g_assert_null (henb_safe_file_create (f->fd, names[i], &error));
        g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS);
        g_assert_cmpint (henb_safe_openat (f->fd, names[i], O_WRONLY | O_CREAT, &error_open), ==, -1);
        g_assert_error (error_open, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS);
        g_assert_false (henb_safe_unlinkat (f->fd, names[i], &error_unlink));
    }
    g_assert_cmpuint (count_entries (f->downloads), ==, 0);
    g_assert_cmpuint (count_entries (f->root), ==, 1);
}

/* Half a file never has the name: abandoned, nothing is left; a crash's leftovers are found. */
static void
test_temporaries (Fixture *f, gconstpointer data)
{
    g_autofree gchar *keep = g_build_filename (f->downloads, "keep", NULL);
    g_autofree gchar *leftover = g_build_filename (f->downloads, ".henbd-tmp-deadbeef", NULL);
    g_autoptr(GError) error = NULL;
    HenbSafeFile *file = henb_safe_file_create (f->fd, "fw.bin", &error);

    g_assert_no_error (error);
    g_assert_true (g_output_stream_write_all (henb_safe_file_get_stream (file), "half", 4, NULL, NULL, NULL));
    g_assert_cmpuint (count_entries (f->downloads), ==, 1);
    g_assert_false (g_file_test (keep, G_FILE_TEST_EXISTS));
    henb_safe_file_free (file);
    g_assert_cmpuint (count_entries (f->downloads), ==, 0);

    g_assert_true (g_file_set_contents (leftover, "x", -1, NULL));
    g_assert_true (g_file_set_contents (keep, "x", -1, NULL));
    henb_safe_dir_remove_temporaries (f->fd);
    g_assert_false (g_file_test (leftover, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (keep, G_FILE_TEST_EXISTS));
    g_assert_true (henb_safe_unlinkat (f->fd, "keep", &error));
    g_assert_true (henb_safe_unlinkat (f->fd, "keep", &error));   /* gone already: fine */
    g_assert_no_error (error);
}

/* Downloads never share the state folder, nor a folder others may write to. */
static void
test_download_dir (Fixture *f, gconstpointer data)
{
    g_autoptr(HenbDownloadDir) dir = NULL;
    g_autoptr(HenbDownloadDir) same = NULL;
    g_autoptr(HenbDownloadDir) shared = NULL;
    g_autoptr(HenbDownloadDir) missing = NULL;
    g_autofree gchar *open_dir = g_build_filename (f->root, "open", NULL);
    g_autofree gchar *absent = g_build_filename (f->root, "absent", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) error_same = NULL;
    g_autoptr(GError) error_shared = NULL;
    g_autoptr(GError) error_missing = NULL;

    /* the default: "downloads" beside the state */
    dir = henb_download_dir_open (NULL, f->root, FALSE, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (henb_download_dir_get_path (dir), ==, f->downloads);
    g_assert_cmpuint (henb_download_dir_room (dir, 10, 0, &error), ==, 10);
    g_assert_no_error (error);
    /* the state file needs more than the filesystem has: no room at all */
    g_assert_cmpuint (henb_download_dir_room (dir, G_MAXUINT64, G_MAXUINT64, &error), ==, 0);

    same = henb_download_dir_open (f->root, f->root, TRUE, &error_same);
    g_assert_null (same);
    g_assert_error (error_same, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION);

    g_assert_cmpint (g_mkdir (open_dir, 0700), ==, 0);
    g_assert_cmpint (g_chmod (open_dir, 0777), ==, 0);
    shared = henb_download_dir_open (open_dir, f->root, TRUE, &error_shared);
    g_assert_null (shared);
    g_assert_error (error_shared, HENB_CORE_ERROR, HENB_CORE_ERROR_INSECURE);

    missing = henb_download_dir_open (absent, f->root, FALSE, &error_missing);
    g_assert_null (missing);
    g_assert_error (error_missing, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_assert_false (g_file_test (absent, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/safe-path/name/refusals", test_refusals);
    g_test_add_func ("/safe-path/name/accepted", test_accepted);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
    ADD ("/safe-path/folder/created-private", test_folder_created_private);
    ADD ("/safe-path/folder/is-symlink", test_folder_is_symlink);
    ADD ("/safe-path/file/planted-symlink", test_planted_symlink);
    ADD ("/safe-path/file/planted-folder-symlink", test_planted_folder_symlink);
    ADD ("/safe-path/file/refused-names-write-nothing", test_refused_names_write_nothing);
    ADD ("/safe-path/file/temporaries", test_temporaries);
    ADD ("/safe-path/download-dir", test_download_dir);
#undef ADD
    return g_test_run ();
}
