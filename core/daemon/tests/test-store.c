/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "henb-errors.h"
#include "henb-datamodel.h"
#include "henb-file.h"
#include "henb-store.h"

#define OUI         "00005A"
#define SERVING_URL "https://serving.henb.test:7548/acs"
#define SEAL        "\n[Integrity]\nSHA256="

/* ------------------------------------------------------------------------------------------ */
/* helpers */

static gchar *
make_tmp_dir (void)
{
    g_autoptr(GError) error = NULL;
    gchar *dir = g_dir_make_tmp ("henb-test-store-XXXXXX", &error);

    g_assert_no_error (error);
    return dir;
}

/* Removes @path and everything below it, read-only folders included. */
static void
remove_tree (const gchar *path)
{
    GStatBuf st;

    if (g_lstat (path, &st) != 0)
        return;
    if (S_ISDIR (st.st_mode)) {
        g_autoptr(GDir) dir = NULL;
        const gchar *name;

        g_chmod (path, 0700);
        dir = g_dir_open (path, 0, NULL);
        while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
            g_autofree gchar *child = g_build_filename (path, name, NULL);
            remove_tree (child);
        }
        g_assert_cmpint (g_rmdir (path), ==, 0);
    } else {
        g_assert_cmpint (g_unlink (path), ==, 0);
    }
}

static gchar *
state_path (const gchar *dir)
{
    return g_build_filename (dir, HENB_STORE_FILE_NAME, NULL);
}

static gchar *
read_file (const gchar *path, gsize *out_len)
{
    g_autoptr(GError) error = NULL;
    gchar *contents = NULL;

    g_assert_true (g_file_get_contents (path, &contents, out_len, &error));
    g_assert_no_error (error);
    return contents;
}

static void
write_file (const gchar *path, const gchar *contents, gsize len)
{
    g_autoptr(GError) error = NULL;

    g_assert_true (g_file_set_contents (path, contents, (gssize) len, &error));
    g_assert_no_error (error);
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
    return g_strcmp0 (*(const gchar *const *) a, *(const gchar *const *) b);
}

/* The entries of @dir, sorted, joined with ' ' (easy to compare and to read in a failure). */
static gchar *
list_dir (const gchar *dir)
{
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
    const gchar *name;

    g_assert_nonnull (d);
    while ((name = g_dir_read_name (d)) != NULL)
        g_ptr_array_add (names, g_strdup (name));
    g_ptr_array_sort (names, compare_strings);
    g_ptr_array_add (names, NULL);
    return g_strjoinv (" ", (gchar **) names->pdata);
}

/* The one entry of @dir whose name starts with @prefix (asserts there is exactly one). */
static gchar *
find_one (const gchar *dir, const gchar *prefix)
{
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    gchar *found = NULL;
    const gchar *name;

    g_assert_nonnull (d);
    while ((name = g_dir_read_name (d)) != NULL) {
        if (g_str_has_prefix (name, prefix)) {
            g_assert_null (found);
            found = g_strdup (name);
        }
    }
    g_assert_nonnull (found);
    return found;
}

static void
assert_value (HenbDataModel *dm, const gchar *name, const gchar *expected)
{
    g_autofree gchar *value = henb_data_model_get (dm, name);

    g_assert_cmpstr (value, ==, expected);
}

static void
set_value (HenbDataModel *dm, const gchar *name, const gchar *value)
{
    g_autoptr(GError) error = NULL;

    g_assert_true (henb_data_model_set (dm, name, value, &error));
    g_assert_no_error (error);
}

/* assert_events (store, code, command_key, ..., NULL): exactly these events, in order. */
static void
assert_events (HenbStore *store, ...)
{
    g_autoptr(GPtrArray) events = henb_store_dup_events (store);
    const gchar *code;
    guint i = 0;
    va_list ap;

    va_start (ap, store);
    while ((code = va_arg (ap, const gchar *)) != NULL) {
        const gchar *key = va_arg (ap, const gchar *);
        const HenbCwmpEvent *ev;

        g_assert_cmpuint (i, <, events->len);
        ev = events->pdata[i++];
        g_assert_cmpstr (ev->code, ==, code);
        g_assert_cmpstr (ev->command_key, ==, key);
    }
    va_end (ap);
    g_assert_cmpuint (events->len, ==, i);
}

/* A new data model and store over @dir, loaded; asserts the load succeeds. */
static HenbStore *
load_new (const gchar *dir, HenbDataModel **out_dm, gboolean *out_fresh)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(GError) error = NULL;
    gboolean fresh = TRUE;

    gboolean ok = henb_store_load (store, &fresh, &error);

    g_assert_no_error (error);
    g_assert_true (ok);
    if (out_fresh != NULL)
        *out_fresh = fresh;
    if (out_dm != NULL)
        *out_dm = g_steal_pointer (&dm);
    return g_steal_pointer (&store);
}

static void
cwmp_event_free (HenbCwmpEvent *ev)
{
    g_free (ev->code);
    g_free (ev->command_key);
    g_free (ev);
}

static void
add_event (GPtrArray *events, const gchar *code, const gchar *command_key)
{
    HenbCwmpEvent *ev = g_new0 (HenbCwmpEvent, 1);

    ev->code = g_strdup (code);
    ev->command_key = g_strdup (command_key);
    g_ptr_array_add (events, ev);
}

/* Seals @data the way the store does: SHA-256 of everything before the seal. */
static gchar *
seal (const gchar *data)
{
    g_autofree gchar *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, data, -1);

    return g_strconcat (data, SEAL, sum, "\n", NULL);
}

/* The part of a state file the seal covers. */
static gchar *
unsealed_part (const gchar *contents)
{
    const gchar *s = g_strrstr (contents, SEAL);

    g_assert_nonnull (s);
    return g_strndup (contents, s - contents);
}

/* Writes a typical state (serving identities, ParameterKey, a few events) into @dir. */
static void
save_typical_state (const gchar *dir)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(GError) error = NULL;

    set_value (dm, HENB_DM_MS_URL, SERVING_URL);
    set_value (dm, HENB_DM_GW_SECGW1, "segw.henb.test");
    set_value (dm, HENB_DM_GW_S1_LIST, "192.0.2.20,mme.henb.test");
    set_value (dm, HENB_DM_MS_PARAMETER_KEY, "pk-7");
    henb_store_queue_event (store, "1 BOOT", NULL);
    henb_store_queue_event (store, "M Reboot", "reboot-1");
    g_assert_true (henb_store_save (store, &error));
    g_assert_no_error (error);
}

/* ------------------------------------------------------------------------------------------ */
/* load and round trip */

static void
test_fresh (void)
{
    g_autofree gchar *tmp = make_tmp_dir ();
    /* a state folder that does not even exist yet is a HeNB fresh from the factory too */
    g_autofree gchar *dir = g_build_filename (tmp, "no", "such", "dir", NULL);
    g_autoptr(HenbDataModel) dm = NULL;
    g_autoptr(HenbStore) store = NULL;
    gboolean fresh = FALSE;

    store = load_new (dir, &dm, &fresh);
    g_assert_true (fresh);
    assert_events (store, NULL);
    g_assert_false (henb_data_model_is_set (dm, HENB_DM_MS_URL));
    /* loading writes nothing */
    g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
    g_assert_true (g_str_has_suffix (henb_store_get_path (store),
                                     "/no/such/dir/" HENB_STORE_FILE_NAME));
    remove_tree (tmp);
}

static void
test_round_trip (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(HenbDataModel) dm2 = NULL;
    g_autoptr(HenbStore) store2 = NULL;
    g_autoptr(GError) error = NULL;
    gboolean fresh = TRUE;

    set_value (dm, HENB_DM_MS_URL, SERVING_URL);
    set_value (dm, HENB_DM_GW_SECGW1, "segw.henb.test");
    set_value (dm, HENB_DM_GW_SECGW2, "192.0.2.2");
    set_value (dm, HENB_DM_GW_S1_LIST, "192.0.2.20, mme.henb.test");
    set_value (dm, HENB_DM_MS_PARAMETER_KEY, "pk-42");
    set_value (dm, "Device.ManagementServer.PeriodicInformInterval", "600");
    set_value (dm, "Device.ManagementServer.PeriodicInformEnable", "true");
    /* not persistent: must not come back */
    set_value (dm, HENB_DM_LTE_OPSTATE, "true");

    henb_store_queue_event (store, "0 BOOTSTRAP", NULL);
    henb_store_queue_event (store, "1 BOOT", "");
    henb_store_queue_event (store, "M Reboot", "reboot-1");
    henb_store_queue_event (store, "M Download", "dl-2");
    henb_store_queue_event (store, "M Reboot", "reboot-3");
    g_assert_true (henb_store_save (store, &error));
    g_assert_no_error (error);

    store2 = load_new (dir, &dm2, &fresh);
    g_assert_false (fresh);
    assert_value (dm2, HENB_DM_MS_URL, SERVING_URL);
    assert_value (dm2, HENB_DM_GW_SECGW1, "segw.henb.test");
    assert_value (dm2, HENB_DM_GW_SECGW2, "192.0.2.2");
    assert_value (dm2, HENB_DM_GW_S1_LIST, "192.0.2.20,mme.henb.test");
    assert_value (dm2, HENB_DM_MS_PARAMETER_KEY, "pk-42");
    assert_value (dm2, "Device.ManagementServer.PeriodicInformInterval", "600");
    assert_value (dm2, "Device.ManagementServer.PeriodicInformEnable", "true");
    assert_value (dm2, HENB_DM_LTE_OPSTATE, "false");
    /* what was never set stays at its factory value rather than being pinned to it */
    g_assert_false (henb_data_model_is_set (dm2, HENB_DM_GW_SECGW3));
    g_assert_false (henb_data_model_is_set (dm2, HENB_DM_LTE_OPSTATE));
    assert_events (store2,
                   "0 BOOTSTRAP", "",
                   "1 BOOT", "",
                   "M Reboot", "reboot-1",
                   "M Download", "dl-2",
                   "M Reboot", "reboot-3",
                   NULL);
    remove_tree (dir);
}

/*
 * Strings the HeMS may set (passwords, ParameterKey, CommandKey) are arbitrary: key-file
 * syntax inside them must neither change them nor break the file.
 */
static void
test_round_trip_awkward_values (void)
{
    static const struct {
        const gchar *name;
        const gchar *value;
    } values[] = {
        { "Device.ManagementServer.Password", "  leading and trailing  " },
        { "Device.ManagementServer.Username", "back\\slash \\n ;#=[x] \xc3\xa9t\xc3\xa9" },
        { "Device.ManagementServer.ConnectionRequestPassword", "two\nlines\tand tab" },
        { "Device.DeviceInfo.ProvisioningCode", "# not a comment" },
        { HENB_DM_MS_PARAMETER_KEY, " k;=[]\\" },
    };
    g_autofree gchar *dir = make_tmp_dir ();
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(HenbDataModel) dm2 = NULL;
    g_autoptr(HenbStore) store2 = NULL;
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < G_N_ELEMENTS (values); i++)
        set_value (dm, values[i].name, values[i].value);
    set_value (dm, HENB_DM_MS_URL, SERVING_URL);
    henb_store_queue_event (store, "M Download", " dl;1\nx, \\y ");
    henb_store_queue_event (store, "M Reboot", "");
    henb_store_queue_event (store, "M ScheduleInform", "[Events]");
    g_assert_true (henb_store_save (store, &error));
    g_assert_no_error (error);

    store2 = load_new (dir, &dm2, NULL);
    for (guint i = 0; i < G_N_ELEMENTS (values); i++)
        assert_value (dm2, values[i].name, values[i].value);
    assert_value (dm2, HENB_DM_MS_URL, SERVING_URL);
    assert_events (store2,
                   "M Download", " dl;1\nx, \\y ",
                   "M Reboot", "",
                   "M ScheduleInform", "[Events]",
                   NULL);
    remove_tree (dir);
}

/* A parameter this henbd does not know (or no longer accepts) costs only that parameter. */
static void
test_unknown_parameter_kept_going (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autofree gchar *path = state_path (dir);
    g_autofree gchar *contents = NULL;
    g_autoptr(HenbDataModel) dm = NULL;
    g_autoptr(HenbStore) store = NULL;

    contents = seal ("[henbd]\nVersion=1\n\n"
                     "[Parameters]\n"
                     "Device.ManagementServer.URL=" SERVING_URL "\n"
                     "Device.X_OBSOLETE.Thing=1\n"
                     HENB_DM_GW_SECGW1 "=not a host!\n"
                     "Device.ManagementServer.Username=bad \\q escape\n"
                     "\n[Events]\nCodes=1 BOOT;\nCommandKeys=;\n");
    write_file (path, contents, strlen (contents));
    g_test_expect_message ("henbd", G_LOG_LEVEL_WARNING, "*Device.X_OBSOLETE.Thing*");
    g_test_expect_message ("henbd", G_LOG_LEVEL_WARNING, "*SecGWServer1*");
    g_test_expect_message ("henbd", G_LOG_LEVEL_WARNING, "*ManagementServer.Username*");
    store = load_new (dir, &dm, NULL);
    g_test_assert_expected_messages ();
    assert_value (dm, HENB_DM_MS_URL, SERVING_URL);
    g_assert_false (henb_data_model_is_set (dm, HENB_DM_GW_SECGW1));
    g_assert_false (henb_data_model_is_set (dm, HENB_DM_MS_USERNAME));
    assert_events (store, "1 BOOT", "", NULL);
    remove_tree (dir);
}

/* ------------------------------------------------------------------------------------------ */
/* files */

static void
test_modes (void)
{
    g_autofree gchar *tmp = make_tmp_dir ();
    g_autofree gchar *dir = g_build_filename (tmp, "var", "lib", "henbd", NULL);
    g_autofree gchar *path = state_path (dir);
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(GError) error = NULL;
    GStatBuf st;
    mode_t old_umask;

    /* with no umask to hide behind, the modes must come from the store itself */
    old_umask = umask (0);
    set_value (dm, "Device.ManagementServer.Password", "secret");
    g_assert_true (henb_store_save (store, &error));
    g_assert_no_error (error);

    g_assert_cmpint (g_stat (dir, &st), ==, 0);
    g_assert_true (S_ISDIR (st.st_mode));
    g_assert_cmpint (st.st_mode & 07777, ==, 0700);
    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_true (S_ISREG (st.st_mode));
    g_assert_cmpint (st.st_mode & 07777, ==, 0600);

    /* a file left readable (by hand, by an older version) is not kept readable */
    g_assert_cmpint (g_chmod (path, 0644), ==, 0);
    g_assert_true (henb_store_save (store, &error));
    g_assert_no_error (error);
    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 07777, ==, 0600);
    umask (old_umask);
    remove_tree (tmp);
}

static void
test_atomic_replace (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autofree gchar *path = state_path (dir);
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(GError) error = NULL;
    g_autofree gchar *before = NULL;
    g_autofree gchar *listing = NULL;
    gchar buf[8192];
    gsize before_len;
    gssize n;
    struct stat old_st, new_st;
    int fd;

    set_value (dm, HENB_DM_MS_URL, "https://initial.henb.test/acs");
    g_assert_true (henb_store_save (store, &error));
    g_assert_no_error (error);
    before = read_file (path, &before_len);

    /* a reader holding the old file open must go on seeing the old file, whole */
    fd = open (path, O_RDONLY);
    g_assert_cmpint (fd, >=, 0);
    g_assert_cmpint (fstat (fd, &old_st), ==, 0);

    set_value (dm, HENB_DM_MS_URL, SERVING_URL);
    henb_store_queue_event (store, "0 BOOTSTRAP", NULL);
    g_assert_true (henb_store_save (store, &error));
    g_assert_no_error (error);

    g_assert_cmpint (stat (path, &new_st), ==, 0);
    g_assert_cmpuint (new_st.st_ino, !=, old_st.st_ino);
    n = read (fd, buf, sizeof buf);
    g_assert_cmpint (n, ==, (gssize) before_len);
    g_assert_cmpmem (buf, n, before, before_len);
    close (fd);

    /* no temporary file is left behind */
    listing = list_dir (dir);
    g_assert_cmpstr (listing, ==, HENB_STORE_FILE_NAME);
    remove_tree (dir);
}

/* A crash in the middle of a write leaves a temporary file; it must not matter. */
static void
test_stale_temporary_file (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autofree gchar *junk = g_build_filename (dir, HENB_STORE_FILE_NAME ".Q7xZ2a", NULL);
    g_autofree gchar *listing = NULL;
    g_autoptr(HenbDataModel) dm = NULL;
    g_autoptr(HenbStore) store = NULL;
    g_autoptr(GError) error = NULL;
    /* half a state file, as a crash mid-write would leave it */
    static const gchar half[] =
        "[henbd]\nVersion=1\n\n[Parameters]\nDevice.ManagementServer.URL=https://ev";

    save_typical_state (dir);
    write_file (junk, half, sizeof half - 1);

    store = load_new (dir, &dm, NULL);
    assert_value (dm, HENB_DM_MS_URL, SERVING_URL);
    assert_value (dm, HENB_DM_MS_PARAMETER_KEY, "pk-7");
    assert_events (store, "1 BOOT", "", "M Reboot", "reboot-1", NULL);

    /* and the next write still works beside it */
    henb_store_queue_event (store, "0 BOOTSTRAP", NULL);
    g_assert_true (henb_store_save (store, &error));
    g_assert_no_error (error);
    /* the leftover went at the load */
    listing = list_dir (dir);
    g_assert_cmpstr (listing, ==, HENB_STORE_FILE_NAME);
    g_clear_object (&store);
    g_clear_object (&dm);
    store = load_new (dir, &dm, NULL);
    assert_events (store, "1 BOOT", "", "M Reboot", "reboot-1", "0 BOOTSTRAP", "", NULL);
    remove_tree (dir);
}

/* ------------------------------------------------------------------------------------------ */
/* integrity */

/*
 * Writes @contents as the state file, loads it into a new store and asserts it is refused,
 * kept aside byte for byte under henbd.state.corrupt-*, and that nothing of it was believed.
 */
static void
assert_load_corrupt (const gchar *dir, const gchar *contents, gsize len, const gchar *what)
{
    g_autofree gchar *path = state_path (dir);
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(GError) error = NULL;
    g_autofree gchar *aside = NULL;
    g_autofree gchar *aside_path = NULL;
    g_autofree gchar *kept = NULL;
    g_autofree gchar *listing = NULL;
    gsize kept_len;
    gboolean fresh = TRUE;

    g_test_message ("damage: %s", what);
    write_file (path, contents, len);
    g_assert_false (henb_store_load (store, &fresh, &error));
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_STATE_CORRUPT);
    g_assert_false (fresh);

    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    aside = find_one (dir, HENB_STORE_FILE_NAME ".corrupt-");
    aside_path = g_build_filename (dir, aside, NULL);
    /* the error tells where the damaged file went */
    g_assert_nonnull (strstr (error->message, aside_path));
    kept = read_file (aside_path, &kept_len);
    g_assert_cmpmem (kept, kept_len, contents, len);
    listing = list_dir (dir);
    g_assert_cmpstr (listing, ==, aside);

    assert_events (store, NULL);
    g_assert_false (henb_data_model_is_set (dm, HENB_DM_MS_URL));
    g_assert_false (henb_data_model_is_set (dm, HENB_DM_MS_PARAMETER_KEY));
    g_assert_cmpint (g_unlink (aside_path), ==, 0);
}

static void
test_corrupt_flipped_byte (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autofree gchar *path = state_path (dir);
    g_autofree gchar *good = NULL;
    g_autofree gchar *copy = NULL;
    gchar *at;
    gsize len;

    save_typical_state (dir);
    good = read_file (path, &len);

    /* "serving" -> "terving": still a valid URL, only the seal can tell */
    copy = g_memdup2 (good, len + 1);
    at = strstr (copy, "https://serving");
    g_assert_nonnull (at);
    at[strlen ("https://")] = 't';
    assert_load_corrupt (dir, copy, len, "one byte of the URL value");

    /* a flipped bit in the S1 list */
    memcpy (copy, good, len);
    at = strstr (copy, "192.0.2.20");
    g_assert_nonnull (at);
    at[0] ^= 0x01;
    assert_load_corrupt (dir, copy, len, "one bit of S1SigLinkServerList");

    /* the seal itself */
    memcpy (copy, good, len);
    at = strstr (copy, "SHA256=");
    g_assert_nonnull (at);
    at[strlen ("SHA256=") + 10] = at[strlen ("SHA256=") + 10] == '0' ? '1' : '0';
    assert_load_corrupt (dir, copy, len, "one digit of the seal");

    /* control: the untouched file still loads */
    write_file (path, good, len);
    {
        g_autoptr(HenbDataModel) dm = NULL;
        g_autoptr(HenbStore) store = load_new (dir, &dm, NULL);
        assert_value (dm, HENB_DM_MS_URL, SERVING_URL);
    }
    remove_tree (dir);
}

static void
test_corrupt_truncated (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autofree gchar *path = state_path (dir);
    g_autofree gchar *good = NULL;
    gsize len;
    guint tried = 0;

    save_typical_state (dir);
    good = read_file (path, &len);
    g_assert_cmpuint (len, >, 100);

    /* every cut that loses data or seal; only the final newline is not needed */
    for (gsize cut = 0; cut < len - 1; cut += 7) {
        g_autofree gchar *what = g_strdup_printf ("truncated to %" G_GSIZE_FORMAT " of %"
                                                  G_GSIZE_FORMAT " bytes", cut, len);
        assert_load_corrupt (dir, good, cut, what);
        tried++;
    }
    assert_load_corrupt (dir, good, len - 2, "last digit of the seal cut");
    g_assert_cmpuint (tried, >, 10);
    remove_tree (dir);
}

static void
test_corrupt_other (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autofree gchar *path = state_path (dir);
    g_autofree gchar *good = NULL;
    g_autofree gchar *data = NULL;
    g_autofree gchar *resealed = NULL;
    g_autofree gchar *bad_version = NULL;
    g_autofree gchar *no_version = NULL;
    g_autofree gchar *not_keyfile = NULL;
    g_autoptr(GRand) rand = g_rand_new_with_seed (20240601);
    g_autoptr(GString) s = NULL;
    gchar garbage[512];
    gsize len;

    save_typical_state (dir);
    good = read_file (path, &len);
    data = unsealed_part (good);

    /* our sealing reproduces the store's exactly, so the files below differ only as intended */
    resealed = seal (data);
    g_assert_cmpstr (resealed, ==, good);

    assert_load_corrupt (dir, data, strlen (data), "seal removed");

    for (guint i = 0; i < sizeof garbage; i++)
        garbage[i] = (gchar) g_rand_int_range (rand, 0, 256);
    assert_load_corrupt (dir, garbage, sizeof garbage, "random bytes");

    not_keyfile = seal ("this is not a key file\n\x01\x02\x03\n");
    assert_load_corrupt (dir, not_keyfile, strlen (not_keyfile), "sealed garbage");

    s = g_string_new (data);
    g_assert_cmpuint (g_string_replace (s, "Version=1\n", "Version=2\n", 1), ==, 1);
    bad_version = seal (s->str);
    assert_load_corrupt (dir, bad_version, strlen (bad_version), "Version=2");

    g_string_assign (s, data);
    g_assert_cmpuint (g_string_replace (s, "Version=1\n", "", 1), ==, 1);
    no_version = seal (s->str);
    assert_load_corrupt (dir, no_version, strlen (no_version), "no Version");

    assert_load_corrupt (dir, "", 0, "empty file");
    remove_tree (dir);
}

/* ------------------------------------------------------------------------------------------ */
/* commit, events */

static void
test_commit_url_change_queues_bootstrap (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(HenbDataModel) dm2 = NULL;
    g_autoptr(HenbStore) store2 = NULL;
    g_autoptr(GHashTable) changes = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr(GError) error = NULL;

    set_value (dm, HENB_DM_MS_URL, "https://initial.henb.test/acs");
    henb_store_queue_event (store, "1 BOOT", NULL);
    g_assert_true (henb_store_save (store, &error));
    g_assert_no_error (error);

    /* what SetParameterValues hands the hook: the changes and the new ParameterKey */
    g_hash_table_insert (changes, (gpointer) HENB_DM_MS_URL, (gpointer) SERVING_URL);
    g_hash_table_insert (changes, (gpointer) HENB_DM_GW_SECGW1, (gpointer) "segw.henb.test");
    g_hash_table_insert (changes, (gpointer) HENB_DM_MS_PARAMETER_KEY, (gpointer) "pk-8");
    g_assert_true (henb_store_commit (store, changes, "pk-8", &error));
    g_assert_no_error (error);
    assert_events (store, "1 BOOT", "", "0 BOOTSTRAP", "", NULL);
    /* the hook makes durable; applying is the data model's job */
    assert_value (dm, HENB_DM_MS_URL, "https://initial.henb.test/acs");

    /* URL and event are in the same write: a restart right now sees both */
    store2 = load_new (dir, &dm2, NULL);
    assert_value (dm2, HENB_DM_MS_URL, SERVING_URL);
    assert_value (dm2, HENB_DM_GW_SECGW1, "segw.henb.test");
    assert_value (dm2, HENB_DM_MS_PARAMETER_KEY, "pk-8");
    assert_events (store2, "1 BOOT", "", "0 BOOTSTRAP", "", NULL);
    remove_tree (dir);
}

static void
test_commit_same_url_no_bootstrap (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(HenbDataModel) dm2 = NULL;
    g_autoptr(HenbStore) store2 = NULL;
    g_autoptr(GHashTable) changes = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr(GError) error = NULL;

    set_value (dm, HENB_DM_MS_URL, SERVING_URL);
    g_hash_table_insert (changes, (gpointer) HENB_DM_MS_URL, (gpointer) SERVING_URL);
    g_hash_table_insert (changes, (gpointer) HENB_DM_MS_PARAMETER_KEY, (gpointer) "pk-9");
    g_assert_true (henb_store_commit (store, changes, "pk-9", &error));
    g_assert_no_error (error);
    assert_events (store, NULL);

    store2 = load_new (dir, &dm2, NULL);
    assert_value (dm2, HENB_DM_MS_URL, SERVING_URL);
    assert_value (dm2, HENB_DM_MS_PARAMETER_KEY, "pk-9");
    assert_events (store2, NULL);

    /* a commit without the URL at all does not queue it either */
    g_hash_table_remove (changes, HENB_DM_MS_URL);
    g_assert_true (henb_store_commit (store, changes, "pk-10", &error));
    g_assert_no_error (error);
    assert_events (store, NULL);
    remove_tree (dir);
}


static gboolean
commit_hook (GHashTable *changes, const gchar *parameter_key, gpointer user_data, GError **error);

/* Instances, their values, the next instance number and attributes survive a restart. */
static void
test_objects_and_attributes_persist (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(HenbDataModel) dm2 = NULL;
    g_autoptr(HenbStore) store2 = NULL;
    g_autoptr(HenbCwmpFault) fault = NULL;
    g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func ((GDestroyNotify) henb_cwmp_param_value_free);
    g_autoptr(GPtrArray) attrs = g_ptr_array_new ();
    g_autoptr(GArray) instances = NULL;
    g_auto(GStrv) access = NULL;
    HenbCwmpParamAttr pa = { 0 };
    /* off for a parameter TR-181 makes active by default: that persists too */
    HenbCwmpParamAttr off = { .name = (gchar *) "Device.ManagementServer.ConnReqJabberID",
                              .notification_change = TRUE, .notification = 0 };
    HenbCwmpParamValue *pv;
    guint instance, status;

    henb_data_model_set_commit_func (dm, commit_hook, store);
    g_assert_true (henb_data_model_add_object (dm, HENB_DM_MS_INFORM_PARAMETER, "a1", &instance, &fault));
    g_assert_true (henb_data_model_add_object (dm, HENB_DM_MS_INFORM_PARAMETER, "a2", &instance, &fault));
    g_assert_true (henb_data_model_add_object (dm, HENB_DM_MS_INFORM_PARAMETER, "a3", &instance, &fault));
    g_assert_true (henb_data_model_delete_object (dm, HENB_DM_MS_INFORM_PARAMETER "3.", "d3", &fault));
    pv = g_new0 (HenbCwmpParamValue, 1);
    pv->name = g_strdup (HENB_DM_MS_INFORM_PARAMETER "2.ParameterName");
    pv->value = g_strdup ("Device.DeviceInfo.UpTime");
    g_ptr_array_add (params, pv);
    g_assert_true (henb_data_model_set_parameter_values (dm, params, "s1", &status, &fault));
    pa.name = (gchar *) "Device.ManagementServer.PeriodicInformInterval";
    pa.notification_change = TRUE;
    pa.notification = 2;
    pa.access_list_change = TRUE;
    pa.access_list = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (pa.access_list, g_strdup ("Subscriber"));
    g_ptr_array_add (attrs, &pa);
    off.access_list = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (attrs, &off);
    g_assert_true (henb_data_model_set_parameter_attributes (dm, attrs, &fault));
    g_ptr_array_unref (pa.access_list);
    g_ptr_array_unref (off.access_list);
    henb_data_model_set_commit_func (dm, NULL, NULL);

    store2 = load_new (dir, &dm2, NULL);
    instances = henb_data_model_list_instances (dm2, HENB_DM_MS_INFORM_PARAMETER);
    g_assert_cmpuint (instances->len, ==, 2);
    g_assert_cmpuint (g_array_index (instances, guint, 0), ==, 1);
    g_assert_cmpuint (g_array_index (instances, guint, 1), ==, 2);
    assert_value (dm2, HENB_DM_MS_INFORM_PARAMETER "2.ParameterName", "Device.DeviceInfo.UpTime");
    assert_value (dm2, HENB_DM_MS_PARAMETER_KEY, "s1");
    /* deleted numbers stay used */
    g_assert_cmpuint (henb_data_model_get_next_instance (dm2, HENB_DM_MS_INFORM_PARAMETER), ==, 4);
    g_assert_cmpint (henb_data_model_get_notification (dm2, "Device.ManagementServer.PeriodicInformInterval"), ==, 2);
    g_assert_cmpint (henb_data_model_get_notification (dm2, "Device.ManagementServer.ConnReqJabberID"), ==, 0);
    access = henb_data_model_get_access_list (dm2, "Device.ManagementServer.PeriodicInformInterval");
    g_assert_cmpstr (access[0], ==, "Subscriber");
    remove_tree (dir);
}

/* Every table persists, those under FAPService.{i} and at the Device root too (issue 11). */
static void
test_cell_tables_persist (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(HenbDataModel) dm2 = NULL;
    g_autoptr(HenbStore) store2 = NULL;
    g_autoptr(HenbCwmpFault) fault = NULL;
    g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func ((GDestroyNotify) henb_cwmp_param_value_free);
    g_autoptr(GArray) instances = NULL;
    HenbCwmpParamValue *pv;
    guint instance, status;

    henb_data_model_set_commit_func (dm, commit_hook, store);
    g_assert_true (henb_data_model_add_object (dm, HENB_DM_PLMN_LIST, "p1", &instance, &fault));
    g_assert_true (henb_data_model_add_object (dm, HENB_DM_PLMN_LIST, "p2", &instance, &fault));
    g_assert_true (henb_data_model_add_object (dm, HENB_DM_PLMN_LIST, "p3", &instance, &fault));
    g_assert_true (henb_data_model_delete_object (dm, HENB_DM_PLMN_LIST "1.", "d1", &fault));
    g_assert_true (henb_data_model_add_object (dm, HENB_DM_PERF_MGMT_CONFIG, "m1", &instance, &fault));
    pv = g_new0 (HenbCwmpParamValue, 1);
    pv->name = g_strdup (HENB_DM_PLMN_LIST "3.PLMNID");
    pv->value = g_strdup ("310410");
    g_ptr_array_add (params, pv);
    pv = g_new0 (HenbCwmpParamValue, 1);
    pv->name = g_strdup (HENB_DM_CELL_LTE "RAN.RF.EARFCNDL");
    pv->value = g_strdup ("3100,3150");
    g_ptr_array_add (params, pv);
    pv = g_new0 (HenbCwmpParamValue, 1);
    pv->name = g_strdup (HENB_DM_PERF_MGMT_CONFIG "1.Password");
    pv->value = g_strdup ("pm-secret");
    g_ptr_array_add (params, pv);
    g_assert_true (henb_data_model_set_parameter_values (dm, params, "cell", &status, &fault));
    henb_data_model_set_commit_func (dm, NULL, NULL);

    store2 = load_new (dir, &dm2, NULL);
    instances = henb_data_model_list_instances (dm2, HENB_DM_PLMN_LIST);
    g_assert_cmpuint (instances->len, ==, 2);
    g_assert_cmpuint (g_array_index (instances, guint, 0), ==, 2);
    g_assert_cmpuint (g_array_index (instances, guint, 1), ==, 3);
    g_assert_cmpuint (henb_data_model_get_next_instance (dm2, HENB_DM_PLMN_LIST), ==, 4);
    assert_value (dm2, HENB_DM_PLMN_LIST "3.PLMNID", "310410");
    assert_value (dm2, HENB_DM_CELL_LTE "EPC.PLMNListNumberOfEntries", "2");
    assert_value (dm2, HENB_DM_CELL_LTE "RAN.RF.EARFCNDL", "3100,3150");
    /* hidden from the HeMS, kept in the state */
    assert_value (dm2, HENB_DM_PERF_MGMT_CONFIG "1.Password", "pm-secret");
    assert_value (dm2, "Device.FAP.PerfMgmt.ConfigNumberOfEntries", "1");
    remove_tree (dir);
}

static gboolean
commit_hook (GHashTable *changes, const gchar *parameter_key, gpointer user_data, GError **error)
{
    return henb_store_commit (user_data, changes, parameter_key, error);
}

/* The store as the data model's commit hook, the way henbd wires it. */
static void
test_commit_through_set_parameter_values (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(HenbDataModel) dm2 = NULL;
    g_autoptr(HenbStore) store2 = NULL;
    g_autoptr(GPtrArray) params =
        g_ptr_array_new_with_free_func ((GDestroyNotify) henb_cwmp_param_value_free);
    g_autoptr(HenbCwmpFault) fault = NULL;
    HenbCwmpParamValue *pv;
    guint status = 99;

    henb_data_model_set_commit_func (dm, commit_hook, store);
    pv = g_new0 (HenbCwmpParamValue, 1);
    pv->name = g_strdup (HENB_DM_MS_URL);
    pv->value = g_strdup (SERVING_URL);
    pv->type = HENB_CWMP_TYPE_STRING;
    g_ptr_array_add (params, pv);
    g_assert_true (henb_data_model_set_parameter_values (dm, params, "spv-1", &status, &fault));
    g_assert_null (fault);
    assert_value (dm, HENB_DM_MS_URL, SERVING_URL);
    assert_events (store, "0 BOOTSTRAP", "", NULL);

    store2 = load_new (dir, &dm2, NULL);
    assert_value (dm2, HENB_DM_MS_URL, SERVING_URL);
    assert_value (dm2, HENB_DM_MS_PARAMETER_KEY, "spv-1");
    assert_events (store2, "0 BOOTSTRAP", "", NULL);
    henb_data_model_set_commit_func (dm, NULL, NULL);
    remove_tree (dir);
}

/* A commit the disk refused must not leave the event queued as if it had been written. */
static void
test_commit_failure_read_only_dir (void)
{
    g_autofree gchar *dir = NULL;
    g_autofree gchar *path = NULL;
    g_autofree gchar *before = NULL;
    g_autofree gchar *after = NULL;
    g_autofree gchar *listing = NULL;
    g_autoptr(HenbDataModel) dm = NULL;
    g_autoptr(HenbStore) store = NULL;
    g_autoptr(GHashTable) changes = NULL;
    g_autoptr(GError) error = NULL;
    gsize before_len, after_len;

    if (geteuid () == 0) {
        g_test_skip ("root ignores folder permissions");
        return;
    }
    dir = make_tmp_dir ();
    path = state_path (dir);
    dm = henb_data_model_new (OUI);
    store = henb_store_new (dir, dm);
    changes = g_hash_table_new (g_str_hash, g_str_equal);

    henb_store_queue_event (store, "1 BOOT", NULL);
    g_assert_true (henb_store_save (store, &error));
    g_assert_no_error (error);
    before = read_file (path, &before_len);

    g_assert_cmpint (g_chmod (dir, 0500), ==, 0);
    g_hash_table_insert (changes, (gpointer) HENB_DM_MS_URL, (gpointer) SERVING_URL);
    g_test_expect_message ("henbd", G_LOG_LEVEL_WARNING, "cannot write state*running from memory, retrying");
    g_assert_false (henb_store_commit (store, changes, "pk", &error));
    g_test_assert_expected_messages ();
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_STATE_NOT_SAVED);
    g_clear_error (&error);
    assert_events (store, "1 BOOT", "", NULL);
    g_assert_cmpint (g_chmod (dir, 0700), ==, 0);

    after = read_file (path, &after_len);
    g_assert_cmpmem (after, after_len, before, before_len);
    listing = list_dir (dir);
    g_assert_cmpstr (listing, ==, HENB_STORE_FILE_NAME);
    remove_tree (dir);
}

/* The same with a failure root cannot override: the state file's name taken by a folder. */
static void
test_commit_failure_rename (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autofree gchar *path = state_path (dir);
    g_autofree gchar *blocker = g_build_filename (path, "keep", NULL);
    g_autofree gchar *listing = NULL;
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(GHashTable) changes = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr(GPtrArray) delivered =
        g_ptr_array_new_with_free_func ((GDestroyNotify) cwmp_event_free);
    g_autoptr(GError) error = NULL;

    g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
    write_file (blocker, "x", 1);
    henb_store_queue_event (store, "1 BOOT", NULL);
    henb_store_queue_event (store, "M Reboot", "r1");

    g_hash_table_insert (changes, (gpointer) HENB_DM_MS_URL, (gpointer) SERVING_URL);
    /* logged once, however often the same failure comes back */
    g_test_expect_message ("henbd", G_LOG_LEVEL_WARNING, "cannot write state*Is a directory*running from memory*");
    g_assert_false (henb_store_commit (store, changes, "pk", &error));
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_STATE_NOT_SAVED);
    g_clear_error (&error);
    assert_events (store, "1 BOOT", "", "M Reboot", "r1", NULL);
    g_assert_nonnull (henb_store_get_write_error (store));

    /* retiring is a write too: on failure the events stay for the next session */
    add_event (delivered, "1 BOOT", "");
    g_assert_false (henb_store_retire_events (store, delivered, &error));
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_STATE_NOT_SAVED);
    g_clear_error (&error);
    assert_events (store, "1 BOOT", "", "M Reboot", "r1", NULL);

    g_assert_false (henb_store_save (store, &error));
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_STATE_NOT_SAVED);
    g_clear_error (&error);
    g_test_assert_expected_messages ();

    /* and no temporary file stays behind */
    listing = list_dir (dir);
    g_assert_cmpstr (listing, ==, HENB_STORE_FILE_NAME);
    remove_tree (dir);
}

static void
test_single_events (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(HenbStore) store2 = NULL;
    g_autoptr(GHashTable) changes = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < 3; i++) {
        henb_store_queue_event (store, "1 BOOT", NULL);
        henb_store_queue_event (store, "0 BOOTSTRAP", NULL);
        henb_store_queue_event (store, "4 VALUE CHANGE", NULL);
    }
    henb_store_queue_event (store, "M Reboot", "first");
    henb_store_queue_event (store, "M Reboot", "second");
    henb_store_queue_event (store, "1 BOOT", NULL);
    assert_events (store,
                   "1 BOOT", "",
                   "0 BOOTSTRAP", "",
                   "4 VALUE CHANGE", "",
                   "M Reboot", "first",
                   "M Reboot", "second",
                   NULL);

    /* a URL change with 0 BOOTSTRAP already queued does not add a second one */
    g_hash_table_insert (changes, (gpointer) HENB_DM_MS_URL, (gpointer) SERVING_URL);
    g_assert_true (henb_store_commit (store, changes, "", &error));
    g_assert_no_error (error);

    store2 = load_new (dir, NULL, NULL);
    assert_events (store2,
                   "1 BOOT", "",
                   "0 BOOTSTRAP", "",
                   "4 VALUE CHANGE", "",
                   "M Reboot", "first",
                   "M Reboot", "second",
                   NULL);
    remove_tree (dir);
}

static void
test_retire_events (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(HenbStore) store2 = NULL;
    g_autoptr(GPtrArray) delivered = NULL;
    g_autoptr(GPtrArray) none = g_ptr_array_new_with_free_func ((GDestroyNotify) cwmp_event_free);
    g_autoptr(GError) error = NULL;

    henb_store_queue_event (store, "0 BOOTSTRAP", NULL);
    henb_store_queue_event (store, "1 BOOT", NULL);
    henb_store_queue_event (store, "M Reboot", "a");
    henb_store_queue_event (store, "M Reboot", "b");
    g_assert_true (henb_store_save (store, &error));
    g_assert_no_error (error);

    /* the Inform carried what was queued then; more arrives during the session */
    delivered = henb_store_dup_events (store);
    g_ptr_array_remove_index (delivered, 3); /* "M Reboot" b was not in it */
    henb_store_queue_event (store, "M Download", "c");
    /* something the store never had is simply not there to retire */
    add_event (delivered, "2 PERIODIC", "");
    /* same code, other command key: not the same event */
    add_event (delivered, "M Download", "other");

    g_assert_true (henb_store_retire_events (store, delivered, &error));
    g_assert_no_error (error);
    assert_events (store, "M Reboot", "b", "M Download", "c", NULL);

    /* persisted: a restart does not deliver them again */
    store2 = load_new (dir, NULL, NULL);
    assert_events (store2, "M Reboot", "b", "M Download", "c", NULL);

    /* retiring nothing changes nothing */
    g_assert_true (henb_store_retire_events (store2, none, &error));
    g_assert_no_error (error);
    assert_events (store2, "M Reboot", "b", "M Download", "c", NULL);
    remove_tree (dir);
}

/* A cause an Inform states without it being queued comes first, once; retiring one event
 * leaves the others and persists. */
static void
test_ensure_and_retire_one (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(HenbStore) store2 = NULL;
    g_autoptr(GPtrArray) events = NULL;
    g_autoptr(GError) error = NULL;

    henb_store_queue_event (store, "1 BOOT", NULL);
    henb_store_queue_event (store, "0 BOOTSTRAP", NULL);
    henb_store_queue_event (store, "M Reboot", "a");
    events = henb_store_dup_events (store);
    henb_store_events_ensure (events, "0 BOOTSTRAP");
    g_assert_cmpuint (events->len, ==, 3);
    henb_store_events_ensure (events, "6 CONNECTION REQUEST");
    g_assert_cmpuint (events->len, ==, 4);
    g_assert_cmpstr (((HenbCwmpEvent *) events->pdata[0])->code, ==, "6 CONNECTION REQUEST");
    g_assert_cmpstr (((HenbCwmpEvent *) events->pdata[0])->command_key, ==, "");
    /* not queued by being stated */
    assert_events (store, "1 BOOT", "", "0 BOOTSTRAP", "", "M Reboot", "a", NULL);

    g_assert_true (henb_store_retire_event (store, "0 BOOTSTRAP", &error));
    g_assert_no_error (error);
    assert_events (store, "1 BOOT", "", "M Reboot", "a", NULL);
    /* not queued: nothing to do */
    g_assert_true (henb_store_retire_event (store, "2 PERIODIC", &error));
    g_assert_no_error (error);
    store2 = load_new (dir, NULL, NULL);
    assert_events (store2, "1 BOOT", "", "M Reboot", "a", NULL);
    remove_tree (dir);
}

/* 300 ScheduleInforms (or Reboots) must not queue 300 events: an Inform carries 64 at most. */
static void
test_command_events_bounded (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(HenbStore) store2 = NULL;
    g_autoptr(GPtrArray) events = NULL;
    g_autoptr(GError) error = NULL;
    guint accepted = 0;

    henb_store_queue_event (store, "1 BOOT", NULL);
    for (guint i = 0; i < 300; i++) {
        g_autofree gchar *key = g_strdup_printf ("si-%u", i);

        if (i >= HENB_STORE_MAX_COMMAND_EVENTS)
            g_test_expect_message ("henbd", G_LOG_LEVEL_WARNING, "*M ScheduleInform*dropped*");
        if (henb_store_queue_event (store, "M ScheduleInform", key))
            accepted++;
    }
    g_test_assert_expected_messages ();
    g_assert_cmpuint (accepted, ==, HENB_STORE_MAX_COMMAND_EVENTS);
    g_assert_cmpuint (henb_store_count_command_events (store), ==, HENB_STORE_MAX_COMMAND_EVENTS);
    /* one already queued is no new one; single events always have their place */
    g_assert_true (henb_store_queue_event (store, "M ScheduleInform", "si-0"));
    g_assert_true (henb_store_queue_event (store, "3 SCHEDULED", NULL));
    g_assert_true (henb_store_queue_event (store, "0 BOOTSTRAP", NULL));
    events = henb_store_dup_events (store);
    g_assert_cmpuint (events->len, ==, 3 + HENB_STORE_MAX_COMMAND_EVENTS);
    g_assert_cmpuint (events->len, <=, HENB_CWMP_MAX_EVENTS);
    /* oldest first: the first 48 keys are the ones kept */
    g_assert_cmpstr (((HenbCwmpEvent *) events->pdata[1])->command_key, ==, "si-0");
    g_assert_cmpstr (((HenbCwmpEvent *) events->pdata[HENB_STORE_MAX_COMMAND_EVENTS])->command_key, ==, "si-47");

    g_assert_true (henb_store_save (store, &error));
    g_assert_no_error (error);
    store2 = load_new (dir, NULL, NULL);
    g_assert_cmpuint (henb_store_count_command_events (store2), ==, HENB_STORE_MAX_COMMAND_EVENTS);
    remove_tree (dir);
}

/* An older henbd kept whatever AccessList the HeMS sent: 9000 times "Subscriber" on every
 * parameter made a 3.6 MB state file. Loading it keeps one entry, and the next save is small. */
static void
test_huge_access_list_deduplicated_on_load (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autofree gchar *path = state_path (dir);
    g_autofree gchar *contents = NULL;
    g_autofree gchar *saved = NULL;
    g_autoptr(HenbDataModel) dm = NULL;
    g_autoptr(HenbStore) store = NULL;
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) access = NULL;
    GString *s = g_string_new ("[henbd]\nVersion=1\n\n[AccessList]\n");
    const gchar *names[] = { HENB_DM_MS_URL, "Device.ManagementServer.PeriodicInformInterval" };
    gsize old_size, new_size;

    for (guint n = 0; n < G_N_ELEMENTS (names); n++) {
        g_string_append_printf (s, "%s=", names[n]);
        for (guint i = 0; i < 9000; i++)
            g_string_append (s, "Subscriber;");
        /* and a value TR-069 does not define */
        g_string_append (s, "Admin;\n");
    }
    g_string_append (s, "\n[Events]\nCodes=\nCommandKeys=\n");
    contents = seal (s->str);
    g_string_free (s, TRUE);
    old_size = strlen (contents);
    write_file (path, contents, old_size);

    store = load_new (dir, &dm, NULL);
    for (guint n = 0; n < G_N_ELEMENTS (names); n++) {
        g_clear_pointer (&access, g_strfreev);
        access = henb_data_model_get_access_list (dm, names[n]);
        g_assert_cmpuint (g_strv_length (access), ==, 1);
        g_assert_cmpstr (access[0], ==, "Subscriber");
    }
    g_assert_true (henb_store_save (store, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (path, &saved, &new_size, NULL));
    g_test_message ("state file with 2 x 9001 access list entries: %" G_GSIZE_FORMAT " bytes, saved again: %"
                    G_GSIZE_FORMAT " bytes", old_size, new_size);
    g_assert_cmpuint (new_size, <, 8192);
    remove_tree (dir);
}

/* Damaged files found one after the other are all kept, however close in time. */
static void
test_corrupt_copies_kept (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autofree gchar *path = state_path (dir);
    g_autoptr(GDir) d = NULL;
    const gchar *name;
    guint copies = 0;

    for (guint i = 0; i < 3; i++) {
        g_autoptr(HenbDataModel) dm = henb_data_model_new ("00005A");
        g_autoptr(HenbStore) store = henb_store_new (dir, dm);
        g_autoptr(GError) error = NULL;
        g_autofree gchar *junk = g_strdup_printf ("damaged copy %u\n", i);
        gboolean fresh = FALSE;

        g_assert_true (g_file_set_contents (path, junk, -1, NULL));
        g_assert_false (henb_store_load (store, &fresh, &error));
        g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_STATE_CORRUPT);
    }
    d = g_dir_open (dir, 0, NULL);
    while ((name = g_dir_read_name (d)) != NULL)
        copies += g_str_has_prefix (name, "henbd.state.corrupt-");
    g_assert_cmpuint (copies, ==, 3);
    remove_tree (dir);
}

/* A state file that cannot be read (here a directory in its place) is moved aside too, so that
 * the fresh state can be written where it was. */
static void
test_corrupt_unreadable (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autofree gchar *path = state_path (dir);
    g_autoptr(HenbDataModel) dm = henb_data_model_new ("00005A");
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(GError) error = NULL;
    g_autofree gchar *aside = NULL;
    g_autofree gchar *aside_path = NULL;
    gboolean fresh = TRUE;

    g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
    g_assert_false (henb_store_load (store, &fresh, &error));
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_STATE_CORRUPT);
    g_assert_nonnull (strstr (error->message, "unreadable"));
    g_assert_false (fresh);
    aside = find_one (dir, HENB_STORE_FILE_NAME ".corrupt-");
    aside_path = g_build_filename (dir, aside, NULL);
    g_assert_nonnull (strstr (error->message, aside_path));
    g_assert_true (g_file_test (aside_path, G_FILE_TEST_IS_DIR));
    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    /* the fresh state goes where the damaged one was */
    g_clear_error (&error);
    g_assert_true (henb_store_save (store, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    g_assert_cmpint (g_rmdir (aside_path), ==, 0);
    remove_tree (dir);
}

/* A write cut short leaves a temporary file: removed at the next load; corrupt copies stay. */
static void
test_stale_temporaries (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autofree gchar *tmp = g_build_filename (dir, HENB_STORE_FILE_NAME ".Ab12Cd", NULL);
    g_autofree gchar *aside = g_build_filename (dir, HENB_STORE_FILE_NAME ".corrupt-20261127T010203Z", NULL);
    g_autofree gchar *other = g_build_filename (dir, "unrelated.XXXXXX", NULL);
    g_autoptr(HenbStore) store = NULL;

    write_file (tmp, "half", 4);
    write_file (aside, "kept", 4);
    write_file (other, "kept", 4);
    store = load_new (dir, NULL, NULL);
    g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (aside, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
    remove_tree (dir);
}

/* ------------------------------------------------------------------------------------------ */
/* a state file system that refuses writes: henbd goes on from memory and retries */

static void
count_signal (HenbStore *store, guint *count)
{
    (*count)++;
}

static gboolean
write_error_cleared (gpointer user_data)
{
    return henb_store_get_write_error (HENB_STORE (user_data)) == NULL;
}

/* Runs the main context until @done or @timeout_ms; TRUE when done. */
static gboolean
iterate_until (GSourceFunc done, gpointer data, guint timeout_ms)
{
    gint64 end = g_get_monotonic_time () + timeout_ms * 1000;

    while (!done (data)) {
        if (g_get_monotonic_time () >= end)
            return FALSE;
        g_main_context_iteration (NULL, FALSE);
        g_usleep (1000);
    }
    return TRUE;
}

static gboolean
never (gpointer data)
{
    return FALSE;
}

/*
 * The write fails (a folder holds the state file's name: root cannot override that), is
 * reported once though retried many times, and once the way is free the store's own retry
 * writes what memory holds, with no new change: the values and events all arrive.
 */
static void
test_write_failure_retried (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autofree gchar *path = state_path (dir);
    g_autofree gchar *blocker = g_build_filename (path, "keep", NULL);
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(HenbDataModel) dm2 = NULL;
    g_autoptr(HenbStore) store2 = NULL;
    g_autoptr(GError) error = NULL;
    guint changed = 0;

    g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
    write_file (blocker, "x", 1);
    henb_store_set_retry_interval (store, 20, 80);
    g_signal_connect (store, "write-error-changed", G_CALLBACK (count_signal), &changed);
    g_assert_null (henb_store_get_write_error (store));

    set_value (dm, HENB_DM_MS_URL, SERVING_URL);
    henb_store_queue_event (store, "1 BOOT", NULL);
    g_test_expect_message ("henbd", G_LOG_LEVEL_WARNING, "cannot write state*Is a directory; running from memory, retrying");
    g_assert_false (henb_store_save (store, &error));
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_STATE_NOT_SAVED);
    g_assert_error (henb_store_get_write_error (store), HENB_CORE_ERROR, HENB_CORE_ERROR_STATE_NOT_SAVED);
    g_assert_nonnull (strstr (henb_store_get_write_error (store)->message, path));
    g_assert_cmpuint (changed, ==, 1);

    /* 20, 40, 80, 80 ms ...: several retries fail the same way, silently */
    iterate_until (never, NULL, 400);
    g_test_assert_expected_messages ();
    g_assert_cmpuint (changed, ==, 1);
    g_assert_nonnull (henb_store_get_write_error (store));

    /* the way is free: the next retry writes, unprompted, and the error clears */
    g_assert_cmpint (g_unlink (blocker), ==, 0);
    g_assert_cmpint (g_rmdir (path), ==, 0);
    g_test_expect_message ("henbd", G_LOG_LEVEL_MESSAGE, "state saved to * again after * failed attempts");
    g_assert_true (iterate_until (write_error_cleared, store, 5000));
    g_test_assert_expected_messages ();
    g_assert_cmpuint (changed, ==, 2);

    store2 = load_new (dir, &dm2, NULL);
    assert_value (dm2, HENB_DM_MS_URL, SERVING_URL);
    assert_events (store2, "1 BOOT", "", NULL);
    remove_tree (dir);
}

/* A new error (another reason) is reported again; the same one is not. */
static void
test_write_failure_distinct_errors (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autofree gchar *sub = g_build_filename (dir, "state", NULL);
    g_autofree gchar *path = state_path (sub);
    g_autofree gchar *blocker = g_build_filename (path, "keep", NULL);
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (sub, dm);
    guint changed = 0;

    henb_store_set_retry_interval (store, 60000, 60000);
    g_signal_connect (store, "write-error-changed", G_CALLBACK (count_signal), &changed);
    /* first: a file where the state folder should be */
    write_file (sub, "x", 1);
    g_test_expect_message ("henbd", G_LOG_LEVEL_WARNING, "cannot create state directory*");
    g_assert_false (henb_store_save (store, NULL));
    g_assert_false (henb_store_save (store, NULL));
    g_test_assert_expected_messages ();
    g_assert_cmpuint (changed, ==, 1);
    /* then: a folder where the state file should be */
    g_assert_cmpint (g_unlink (sub), ==, 0);
    g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
    g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
    write_file (blocker, "x", 1);
    g_test_expect_message ("henbd", G_LOG_LEVEL_WARNING, "cannot write state*");
    g_assert_false (henb_store_save (store, NULL));
    g_assert_false (henb_store_save (store, NULL));
    g_test_assert_expected_messages ();
    g_assert_cmpuint (changed, ==, 2);
    /* a change while it fails: written at once, not at the (distant) retry */
    g_assert_cmpint (g_unlink (blocker), ==, 0);
    g_assert_cmpint (g_rmdir (path), ==, 0);
    g_test_expect_message ("henbd", G_LOG_LEVEL_MESSAGE, "state saved to * again after 4 failed attempts");
    henb_store_queue_event (store, "4 VALUE CHANGE", NULL);
    g_assert_true (henb_store_save (store, NULL));
    g_test_assert_expected_messages ();
    g_assert_null (henb_store_get_write_error (store));
    g_assert_cmpuint (changed, ==, 3);
    remove_tree (dir);
}

/* A state henbd could not read back at the next start is not written: the old one stays. */
static void
test_write_over_bound_refused (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autofree gchar *path = state_path (dir);
    g_autofree gchar *before = NULL;
    g_autofree gchar *after = NULL;
    g_autofree gchar *huge = g_malloc (HENB_FILE_MAX_STATE + 1);
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(GHashTable) fields = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr(GError) error = NULL;
    gsize before_len, after_len;

    henb_store_set_retry_interval (store, 60000, 60000);
    g_assert_true (henb_store_save (store, NULL));
    before = read_file (path, &before_len);
    memset (huge, 'a', HENB_FILE_MAX_STATE);
    huge[HENB_FILE_MAX_STATE] = '\0';
    g_hash_table_insert (fields, (gpointer) "Field", huge);
    henb_store_set_record (store, "Huge", fields);
    g_test_expect_message ("henbd", G_LOG_LEVEL_WARNING, "*more than the 4194304 bytes henbd reads back*");
    g_assert_false (henb_store_save (store, &error));
    g_test_assert_expected_messages ();
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_STATE_NOT_SAVED);
    after = read_file (path, &after_len);
    g_assert_cmpmem (after, after_len, before, before_len);
    remove_tree (dir);
}

/* load_damaged (dir): the state file in @dir is refused, moved aside, and the store is fresh;
 * returns the name it was kept under. */
static gchar *
load_damaged (const gchar *dir, const gchar *words)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(GError) error = NULL;
    g_autofree gchar *path = state_path (dir);
    gint64 start = g_get_monotonic_time ();
    gboolean fresh = TRUE;

    g_assert_false (henb_store_load (store, &fresh, &error));
    g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_STATE_CORRUPT);
    if (strstr (error->message, words) == NULL)
        g_error ("'%s' does not say '%s'", error->message, words);
    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK));
    assert_events (store, NULL);
    /* the fresh state takes its place */
    g_assert_true (henb_store_save (store, NULL));
    g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    return find_one (dir, HENB_STORE_FILE_NAME ".corrupt-");
}

/* A FIFO as state file hung henbd in open(), before it took its bus name. */
static void
test_load_fifo (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autofree gchar *path = state_path (dir);
    g_autofree gchar *aside = NULL;
    g_autofree gchar *aside_path = NULL;
    GStatBuf st;

    g_assert_cmpint (mkfifo (path, 0600), ==, 0);
    aside = load_damaged (dir, "is a FIFO (named pipe), not a regular file");
    aside_path = g_build_filename (dir, aside, NULL);
    g_assert_cmpint (g_lstat (aside_path, &st), ==, 0);
    g_assert_true (S_ISFIFO (st.st_mode));
    remove_tree (dir);
}

/* henbd renames its own file into place: a link there is not its own, even to a good state. */
static void
test_load_symlink (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autofree gchar *other = make_tmp_dir ();
    g_autofree gchar *path = state_path (dir);
    g_autofree gchar *target = state_path (other);
    g_autofree gchar *aside = NULL;
    g_autofree gchar *before = NULL;
    g_autofree gchar *after = NULL;
    gsize before_len, after_len;

    save_typical_state (other);
    before = read_file (target, &before_len);
    g_assert_cmpint (symlink (target, path), ==, 0);
    aside = load_damaged (dir, "is a symbolic link");
    /* the link went aside; what it pointed to is untouched */
    after = read_file (target, &after_len);
    g_assert_cmpmem (after, after_len, before, before_len);
    remove_tree (dir);
    remove_tree (other);
}

static void
test_load_dev_zero_link (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autofree gchar *path = state_path (dir);
    g_autofree gchar *aside = NULL;

    g_assert_cmpint (symlink ("/dev/zero", path), ==, 0);
    aside = load_damaged (dir, "is a symbolic link");
    remove_tree (dir);
}

static void
test_load_over_bound (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autofree gchar *path = state_path (dir);
    g_autofree gchar *big = g_malloc0 (HENB_FILE_MAX_STATE + 1);
    g_autofree gchar *aside = NULL;

    memset (big, '#', HENB_FILE_MAX_STATE + 1);
    write_file (path, big, HENB_FILE_MAX_STATE + 1);
    aside = load_damaged (dir, "more than the 4194304 bytes allowed");
    remove_tree (dir);
}

/* A damaged file that cannot be moved aside (its folder read-only) is not overwritten by the
 * fresh state until it has been moved aside: it is kept for inspection. */
static void
test_damaged_kept_until_moved (void)
{
    g_autofree gchar *dir = NULL;
    g_autofree gchar *path = NULL;
    g_autofree gchar *aside = NULL;
    g_autofree gchar *kept = NULL;
    g_autoptr(HenbDataModel) dm = NULL;
    g_autoptr(HenbStore) store = NULL;
    g_autoptr(GError) error = NULL;
    gboolean fresh = TRUE;

    if (geteuid () == 0) {
        g_test_skip ("root ignores folder permissions");
        return;
    }
    dir = make_tmp_dir ();
    path = state_path (dir);
    dm = henb_data_model_new (OUI);
    store = henb_store_new (dir, dm);
    henb_store_set_retry_interval (store, 60000, 60000);
    write_file (path, "damaged\n", 8);
    g_assert_cmpint (g_chmod (dir, 0500), ==, 0);
    g_assert_false (henb_store_load (store, &fresh, &error));
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_STATE_CORRUPT);
    g_assert_nonnull (strstr (error->message, "could not be moved aside"));
    g_test_expect_message ("henbd", G_LOG_LEVEL_WARNING, "*could not be moved aside*");
    g_assert_false (henb_store_save (store, NULL));
    g_test_assert_expected_messages ();
    g_assert_cmpint (g_chmod (dir, 0700), ==, 0);
    g_test_expect_message ("henbd", G_LOG_LEVEL_MESSAGE, "*damaged*kept as*");
    g_test_expect_message ("henbd", G_LOG_LEVEL_MESSAGE, "state saved to * again*");
    g_assert_true (henb_store_save (store, NULL));
    g_test_assert_expected_messages ();
    aside = find_one (dir, HENB_STORE_FILE_NAME ".corrupt-");
    {
        g_autofree gchar *aside_path = g_build_filename (dir, aside, NULL);
        kept = read_file (aside_path, NULL);
    }
    g_assert_cmpstr (kept, ==, "damaged\n");
    remove_tree (dir);
}

/* ------------------------------------------------------------------------------------------ */
/* durable writes: one for a change, none without one (issue 12) */

static ino_t
state_inode (const gchar *path)
{
    GStatBuf st;

    g_assert_cmpint (g_stat (path, &st), ==, 0);
    return st.st_ino;
}

static void
test_unchanged_not_written (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autofree gchar *path = state_path (dir);
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(GError) error = NULL;
    ino_t first;

    set_value (dm, HENB_DM_MS_URL, SERVING_URL);
    g_assert_true (henb_store_save (store, &error));
    g_assert_no_error (error);
    first = state_inode (path);

    /* every write replaces the file (temporary file, rename): the same inode means no write */
    g_assert_true (henb_store_save (store, &error));
    g_assert_true (henb_store_save (store, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (state_inode (path), ==, first);

    set_value (dm, "Device.ManagementServer.PeriodicInformInterval", "600");
    g_assert_true (henb_store_save (store, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (state_inode (path), !=, first);

    /* a file changed behind the store's back (here: its mode) is written again */
    first = state_inode (path);
    g_assert_cmpint (g_chmod (path, 0644), ==, 0);
    g_assert_true (henb_store_save (store, &error));
    g_assert_cmpuint (state_inode (path), !=, first);
    /* and one removed, too */
    g_assert_cmpint (g_unlink (path), ==, 0);
    g_assert_true (henb_store_save (store, &error));
    g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    remove_tree (dir);
}

/* After saves that changed nothing (the store then skips even serializing), each kind of
 * change still reaches the file, and a new store reads it back. */
static void
test_every_change_written_after_unchanged (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autofree gchar *path = state_path (dir);
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(HenbDataModel) dm2 = NULL;
    g_autoptr(HenbStore) store2 = NULL;
    g_autoptr(HenbCwmpFault) fault = NULL;
    g_autoptr(GHashTable) record = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr(GHashTable) read_back = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree gchar *instance_enable = NULL;
    const gchar *subscriber[] = { "Subscriber", NULL };
    g_auto(GStrv) access = NULL;
    guint instance = 0;
    ino_t ino;

    g_assert_true (henb_store_save (store, &error));
    g_assert_no_error (error);
#define SAVED_ONCE() G_STMT_START { \
        ino = state_inode (path); \
        g_assert_true (henb_store_save (store, &error)); \
        g_assert_no_error (error); \
        g_assert_cmpuint (state_inode (path), !=, ino); \
        ino = state_inode (path); \
        g_assert_true (henb_store_save (store, &error)); \
        g_assert_cmpuint (state_inode (path), ==, ino); \
    } G_STMT_END
    set_value (dm, "Device.ManagementServer.PeriodicInformInterval", "600");
    SAVED_ONCE ();
    g_assert_true (henb_data_model_set_notification (dm, "Device.ManagementServer.PeriodicInformInterval", 1, &error));
    SAVED_ONCE ();
    henb_data_model_set_access_list (dm, "Device.ManagementServer.PeriodicInformInterval", subscriber);
    SAVED_ONCE ();
    g_assert_true (henb_data_model_add_object (dm, HENB_DM_MS_INFORM_PARAMETER, "a1", &instance, &fault));
    SAVED_ONCE ();
    henb_data_model_set_next_instance (dm, HENB_DM_MS_INFORM_PARAMETER, 7);
    SAVED_ONCE ();
    g_hash_table_insert (record, "Key", "value");
    henb_store_set_record (store, "test", record);
    SAVED_ONCE ();
    henb_store_queue_event (store, "6 CONNECTION REQUEST", NULL);
    SAVED_ONCE ();
    henb_data_model_reset (dm, "Device.ManagementServer.PeriodicInformInterval");
    set_value (dm, "Device.ManagementServer.PeriodicInformInterval", "900");
    SAVED_ONCE ();
#undef SAVED_ONCE

    store2 = load_new (dir, &dm2, NULL);
    assert_value (dm2, "Device.ManagementServer.PeriodicInformInterval", "900");
    g_assert_cmpint (henb_data_model_get_notification (dm2, "Device.ManagementServer.PeriodicInformInterval"), ==, 1);
    access = henb_data_model_get_access_list (dm2, "Device.ManagementServer.PeriodicInformInterval");
    g_assert_cmpstrv (access, subscriber);
    instance_enable = g_strdup_printf ("%s%u.Enable", HENB_DM_MS_INFORM_PARAMETER, instance);
    g_assert_true (henb_data_model_has_parameter (dm2, instance_enable));
    g_assert_cmpuint (henb_data_model_get_next_instance (dm2, HENB_DM_MS_INFORM_PARAMETER), ==, 7);
    read_back = henb_store_dup_record (store2, "test");
    g_assert_nonnull (read_back);
    g_assert_cmpstr (g_hash_table_lookup (read_back, "Key"), ==, "value");
    assert_events (store2, "6 CONNECTION REQUEST", "", NULL);
    remove_tree (dir);
}

static gboolean
inode_changed (const gchar *path, ino_t before)
{
    GStatBuf st;

    return g_stat (path, &st) == 0 && st.st_ino != before;
}

/* the main loop runs until the file at @path is another one (a deferred write came), 10 s at most */
static gboolean
wait_inode_changed (const gchar *path, ino_t before)
{
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (!inode_changed (path, before) && g_get_monotonic_time () < deadline)
        g_main_context_iteration (NULL, TRUE);
    return inode_changed (path, before);
}

static void
test_save_soon (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autofree gchar *path = state_path (dir);
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(GError) error = NULL;
    gboolean fresh = FALSE;
    ino_t first;

    g_assert_true (henb_store_save (store, &error));
    first = state_inode (path);

    /* queued and retired before the moment passes: nothing to write */
    henb_store_queue_event (store, "6 CONNECTION REQUEST", NULL);
    henb_store_save_soon (store);
    g_assert_cmpuint (state_inode (path), ==, first);
    g_assert_true (henb_store_retire_event (store, "6 CONNECTION REQUEST", &error));
    g_assert_no_error (error);
    g_assert_cmpuint (state_inode (path), ==, first);

    /* still owed when the moment passed: written then */
    henb_store_queue_event (store, "2 PERIODIC", NULL);
    henb_store_save_soon (store);
    g_assert_cmpuint (state_inode (path), ==, first);
    g_assert_true (wait_inode_changed (path, first));
    g_clear_object (&store);

    store = henb_store_new (dir, dm);
    g_assert_true (henb_store_load (store, &fresh, &error));
    g_assert_no_error (error);
    assert_events (store, "2 PERIODIC", "", NULL);

    /* pending when the store goes (henbd stopping): written then */
    first = state_inode (path);
    henb_store_queue_event (store, "6 CONNECTION REQUEST", NULL);
    henb_store_save_soon (store);
    g_clear_object (&store);
    g_assert_cmpuint (state_inode (path), !=, first);
    remove_tree (dir);
}

/* Retiring events none of which is queued changes nothing and writes nothing; what waits
 * for save_soon (a CWMP version remembered) still comes with it. */
static void
test_retire_not_queued (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autofree gchar *path = state_path (dir);
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(GPtrArray) delivered = g_ptr_array_new_with_free_func ((GDestroyNotify) cwmp_event_free);
    g_autoptr(GHashTable) record = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr(GHashTable) read_back = NULL;
    g_autoptr(GError) error = NULL;
    gboolean fresh = FALSE;
    ino_t first;

    henb_store_queue_event (store, "1 BOOT", NULL);
    g_assert_true (henb_store_save (store, &error));
    first = state_inode (path);

    henb_store_events_ensure (delivered, "2 PERIODIC");
    g_hash_table_insert (record, "k", "v");
    henb_store_set_record (store, "test", record);
    henb_store_save_soon (store);
    g_assert_true (henb_store_retire_events (store, delivered, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (state_inode (path), ==, first);
    assert_events (store, "1 BOOT", "", NULL);
    g_assert_true (wait_inode_changed (path, first));
    g_clear_object (&store);

    store = henb_store_new (dir, dm);
    g_assert_true (henb_store_load (store, &fresh, &error));
    g_assert_no_error (error);
    read_back = henb_store_dup_record (store, "test");
    g_assert_nonnull (read_back);
    g_assert_cmpstr (g_hash_table_lookup (read_back, "k"), ==, "v");
    assert_events (store, "1 BOOT", "", NULL);
    remove_tree (dir);
}

/* A store that does not flush (henb-fleet's) still writes whole files that load back. */
static void
test_not_durable (void)
{
    g_autofree gchar *dir = make_tmp_dir ();
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbDataModel) dm2 = henb_data_model_new (OUI);
    g_autoptr(HenbStore) store = henb_store_new (dir, dm);
    g_autoptr(GError) error = NULL;
    g_autofree gchar *url = NULL;
    gboolean fresh = TRUE;

    henb_store_set_durable (store, FALSE);
    set_value (dm, HENB_DM_MS_URL, SERVING_URL);
    henb_store_queue_event (store, "0 BOOTSTRAP", NULL);
    g_assert_true (henb_store_save (store, &error));
    g_assert_no_error (error);
    g_clear_object (&store);

    store = henb_store_new (dir, dm2);
    g_assert_true (henb_store_load (store, &fresh, &error));
    g_assert_no_error (error);
    g_assert_false (fresh);
    url = henb_data_model_get (dm2, HENB_DM_MS_URL);
    g_assert_cmpstr (url, ==, SERVING_URL);
    assert_events (store, "0 BOOTSTRAP", "", NULL);
    remove_tree (dir);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);

    g_test_add_func ("/store/fresh", test_fresh);
    g_test_add_func ("/store/cell-tables", test_cell_tables_persist);
    g_test_add_func ("/store/round-trip", test_round_trip);
    g_test_add_func ("/store/round-trip-awkward-values", test_round_trip_awkward_values);
    g_test_add_func ("/store/unknown-parameter", test_unknown_parameter_kept_going);
    g_test_add_func ("/store/modes", test_modes);
    g_test_add_func ("/store/atomic-replace", test_atomic_replace);
    g_test_add_func ("/store/stale-temporary-file", test_stale_temporary_file);
    g_test_add_func ("/store/corrupt/flipped-byte", test_corrupt_flipped_byte);
    g_test_add_func ("/store/corrupt/truncated", test_corrupt_truncated);
    g_test_add_func ("/store/corrupt/other", test_corrupt_other);
    g_test_add_func ("/store/corrupt/copies-kept", test_corrupt_copies_kept);
    g_test_add_func ("/store/corrupt/unreadable", test_corrupt_unreadable);
    g_test_add_func ("/store/commit/url-change", test_commit_url_change_queues_bootstrap);
    g_test_add_func ("/store/commit/same-url", test_commit_same_url_no_bootstrap);
    g_test_add_func ("/store/commit/set-parameter-values",
                     test_commit_through_set_parameter_values);
    g_test_add_func ("/store/commit/failure-read-only", test_commit_failure_read_only_dir);
    g_test_add_func ("/store/commit/failure-rename", test_commit_failure_rename);
    g_test_add_func ("/store/events/single", test_single_events);
    g_test_add_func ("/store/events/retire", test_retire_events);
    g_test_add_func ("/store/events/ensure-and-retire-one", test_ensure_and_retire_one);
    g_test_add_func ("/store/events/command-events-bounded", test_command_events_bounded);
    g_test_add_func ("/store/attributes/huge-access-list-on-load", test_huge_access_list_deduplicated_on_load);
    g_test_add_func ("/store/objects-attributes", test_objects_and_attributes_persist);
    g_test_add_func ("/store/stale-temporaries", test_stale_temporaries);
    g_test_add_func ("/store/write-failure/retried", test_write_failure_retried);
    g_test_add_func ("/store/write-failure/distinct-errors", test_write_failure_distinct_errors);
    g_test_add_func ("/store/write-failure/over-bound", test_write_over_bound_refused);
    g_test_add_func ("/store/write-failure/damaged-kept", test_damaged_kept_until_moved);
    g_test_add_func ("/store/load/fifo", test_load_fifo);
    g_test_add_func ("/store/load/symlink", test_load_symlink);
    g_test_add_func ("/store/load/symlink-to-dev-zero", test_load_dev_zero_link);
    g_test_add_func ("/store/load/over-bound", test_load_over_bound);
    g_test_add_func ("/store/writes/unchanged-not-written", test_unchanged_not_written);
    g_test_add_func ("/store/writes/every-change-after-unchanged", test_every_change_written_after_unchanged);
    g_test_add_func ("/store/writes/save-soon", test_save_soon);
    g_test_add_func ("/store/writes/retire-not-queued", test_retire_not_queued);
    g_test_add_func ("/store/writes/not-durable", test_not_durable);
    return g_test_run ();
}
