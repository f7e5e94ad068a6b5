/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "henb-file.h"

#define BOUND 4096

typedef struct {
    gchar *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    f->dir = g_dir_make_tmp ("henb-test-file-XXXXXX", &error);
    g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
    g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
    const gchar *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
        g_autofree gchar *path = g_build_filename (f->dir, name, NULL);

        if (g_rmdir (path) != 0)
            g_assert_cmpint (g_unlink (path), ==, 0);
    }
    g_assert_cmpint (g_rmdir (f->dir), ==, 0);
    g_free (f->dir);
}

static gchar *
path_in (Fixture *f, const gchar *name)
{
    return g_build_filename (f->dir, name, NULL);
}

static void
write_bytes (const gchar *path, gsize len)
{
    g_autofree gchar *data = g_malloc (len);
    g_autoptr(GError) error = NULL;

    /* g_malloc (0) is NULL, which memset must not get even for no bytes */
    if (len > 0)
        memset (data, 'x', len);
    g_assert_true (g_file_set_contents (path, data, (gssize) len, &error));
    g_assert_no_error (error);
}

/* Reads @path with @flags and asserts the refusal: @code, the path, what, and @words. */
static void
assert_refused (const gchar *path, HenbFileFlags flags, gint code, const gchar *words)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) error_check = NULL;
    gchar *contents = NULL;
    gint64 start = g_get_monotonic_time ();

    g_assert_false (henb_file_read (path, "test file", BOUND, flags, &contents, NULL, &error));
    g_assert_null (contents);
    g_assert_error (error, G_FILE_ERROR, code);
    g_assert_nonnull (strstr (error->message, "test file"));
    g_assert_nonnull (strstr (error->message, path));
    if (strstr (error->message, words) == NULL)
        g_error ("'%s' does not say '%s'", error->message, words);
    /* at once: nothing was waited for, nothing read without end */
    g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);

    /* the check without reading says the same */
    g_assert_false (henb_file_check (path, "test file", BOUND, flags, &error_check));
    g_assert_error (error_check, G_FILE_ERROR, code);
    g_assert_cmpstr (error_check->message, ==, error->message);
}

/* A FIFO without a writer would block g_file_get_contents() in open() forever. */
static void
test_fifo (Fixture *f, gconstpointer data)
{
    g_autofree gchar *path = path_in (f, "fifo");

    g_assert_cmpint (mkfifo (path, 0600), ==, 0);
    assert_refused (path, HENB_FILE_FLAGS_NONE, G_FILE_ERROR_INVAL, "is a FIFO (named pipe), not a regular file");
}

/* /dev/zero never ends: reading it until EOF fills the memory. */
static void
test_dev_zero (Fixture *f, gconstpointer data)
{
    assert_refused ("/dev/zero", HENB_FILE_FLAGS_NONE, G_FILE_ERROR_INVAL, "is a character device, not a regular file");
}

static void
test_directory (Fixture *f, gconstpointer data)
{
    g_autofree gchar *path = path_in (f, "dir");

    g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
    assert_refused (path, HENB_FILE_FLAGS_NONE, G_FILE_ERROR_ISDIR, "is a directory, not a regular file");
}

static void
test_socket (Fixture *f, gconstpointer data)
{
    g_autofree gchar *path = path_in (f, "sock");
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket (AF_UNIX, SOCK_STREAM, 0);

    g_assert_cmpint (fd, >=, 0);
    g_assert_cmpuint (strlen (path), <, sizeof addr.sun_path);
    strcpy (addr.sun_path, path);
    g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
    assert_refused (path, HENB_FILE_FLAGS_NONE, G_FILE_ERROR_INVAL, "is a socket, not a regular file");
    close (fd);
}

static void
test_over_bound (Fixture *f, gconstpointer data)
{
    g_autofree gchar *path = path_in (f, "big");

    write_bytes (path, BOUND + 1);
    assert_refused (path, HENB_FILE_FLAGS_NONE, G_FILE_ERROR_FAILED, "is 4097 bytes, more than the 4096 bytes allowed");
}

/* Followed where links are allowed, and then judged by what it points to. */
static void
test_symlink_to_dev_zero (Fixture *f, gconstpointer data)
{
    g_autofree gchar *path = path_in (f, "zero-link");

    g_assert_cmpint (symlink ("/dev/zero", path), ==, 0);
    assert_refused (path, HENB_FILE_FLAGS_NONE, G_FILE_ERROR_INVAL, "is a character device, not a regular file");
    assert_refused (path, HENB_FILE_FLAGS_NO_SYMLINK, G_FILE_ERROR_LOOP, "is a symbolic link");
}

/* A link to a good file: read when links are allowed, refused where they are not. */
static void
test_symlink_to_regular (Fixture *f, gconstpointer data)
{
    g_autofree gchar *target = path_in (f, "target");
    g_autofree gchar *path = path_in (f, "link");
    g_autofree gchar *contents = NULL;
    g_autoptr(GError) error = NULL;
    gsize len = 0;

    write_bytes (target, 10);
    g_assert_cmpint (symlink (target, path), ==, 0);
    g_assert_true (henb_file_read (path, "test file", BOUND, HENB_FILE_FLAGS_NONE, &contents, &len, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (len, ==, 10);
    assert_refused (path, HENB_FILE_FLAGS_NO_SYMLINK, G_FILE_ERROR_LOOP, "is a symbolic link");
}

static void
test_just_under_bound (Fixture *f, gconstpointer data)
{
    g_autofree gchar *path = path_in (f, "fits");
    g_autoptr(GError) error = NULL;

    for (gsize size = BOUND - 1; size <= BOUND; size++) {
        g_autofree gchar *contents = NULL;
        gsize len = 0;

        write_bytes (path, size);
        g_assert_true (henb_file_read (path, "test file", BOUND, HENB_FILE_FLAGS_NO_SYMLINK, &contents, &len,
                                       &error));
        g_assert_no_error (error);
        g_assert_cmpuint (len, ==, size);
        g_assert_cmpint (contents[len], ==, '\0');
        g_assert_cmpint (contents[len - 1], ==, 'x');
        g_assert_true (henb_file_check (path, "test file", BOUND, HENB_FILE_FLAGS_NO_SYMLINK, &error));
    }
}

static void
test_empty (Fixture *f, gconstpointer data)
{
    g_autofree gchar *path = path_in (f, "empty");
    g_autofree gchar *contents = NULL;
    g_autoptr(GError) error = NULL;
    gsize len = 99;

    write_bytes (path, 0);
    g_assert_true (henb_file_read (path, "test file", BOUND, HENB_FILE_FLAGS_NONE, &contents, &len, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (len, ==, 0);
    g_assert_cmpstr (contents, ==, "");
}

static void
test_missing (Fixture *f, gconstpointer data)
{
    g_autofree gchar *path = path_in (f, "missing");
    gchar *contents = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_false (henb_file_read (path, "test file", BOUND, HENB_FILE_FLAGS_NONE, &contents, NULL, &error));
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_assert_nonnull (strstr (error->message, path));
}

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);

    ADD ("/file/refused/fifo", test_fifo);
    ADD ("/file/refused/dev-zero", test_dev_zero);
    ADD ("/file/refused/directory", test_directory);
    ADD ("/file/refused/socket", test_socket);
    ADD ("/file/refused/over-bound", test_over_bound);
    ADD ("/file/refused/symlink-to-dev-zero", test_symlink_to_dev_zero);
    ADD ("/file/symlink-to-regular", test_symlink_to_regular);
    ADD ("/file/just-under-bound", test_just_under_bound);
    ADD ("/file/empty", test_empty);
    ADD ("/file/missing", test_missing);
    return g_test_run ();
}
