/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "henb-errors.h"
#include "henb-file.h"
#include "henb-main-context.h"
#include "henb-store.h"

#define STATE_VERSION 1
#define SEAL "\n[Integrity]\nSHA256="

typedef HenbCwmpEvent Event;

struct _HenbStore {
    GObject        parent_instance;
    gchar         *dir;
    gchar         *path;
    HenbDataModel *dm;
    GPtrArray     *events; /* Event */
    GHashTable    *records; /* name -> GHashTable of fields */

    /* A failed write: memory is ahead of the file until a retry or the next change succeeds. */
    GError        *write_error;
    guint          retry_source;
    guint          retry_delay_ms;   /* the next retry's wait: doubles from min to max */
    guint          retry_min_ms;
    guint          retry_max_ms;
    guint          failed_writes;    /* in a row */
    /* a damaged state file that could not be moved aside yet (read-only file system): moved
     * before anything replaces it, so that it stays for inspection */
    gchar         *aside_pending;

    /* what the last write put in the file, and the file then: the same contents are not
     * written again while the file is still that one, untouched (inode, size, mode, mtime) */
    gchar         *written;
    gsize          written_len;
    struct stat    written_stat;
    /* and what it was made from: while the data model's generation, the records and the
     * events are those again, serializing would give the same contents */
    guint64        written_generation;
    guint          written_records_serial;
    gchar         *written_events;
    guint          records_serial;   /* bumped by every change of the records */
    guint          save_soon_source;
    gboolean       durable;
};

#define RECORD_GROUP_PREFIX "Record "

G_DEFINE_TYPE (HenbStore, henb_store, G_TYPE_OBJECT)

static void
event_free (Event *ev)
{
    g_free (ev->code);
    g_free (ev->command_key);
    g_free (ev);
}

static void
henb_store_finalize (GObject *object)
{
    HenbStore *self = HENB_STORE (object);

    g_clear_handle_id (&self->retry_source, henb_source_remove);
    g_clear_error (&self->write_error);
    g_free (self->written);
    g_free (self->written_events);
    g_free (self->aside_pending);
    g_free (self->dir);
    g_free (self->path);
    g_clear_object (&self->dm);
    g_ptr_array_unref (self->events);
    g_hash_table_unref (self->records);
    G_OBJECT_CLASS (henb_store_parent_class)->finalize (object);
}

enum {
    SIGNAL_EVENTS_CHANGED,
    SIGNAL_WRITE_ERROR_CHANGED,
    N_SIGNALS
};
static guint signals[N_SIGNALS];

static gboolean write_state (HenbStore *self, GHashTable *changes, GPtrArray *events, GError **error);

static void
henb_store_dispose (GObject *object)
{
    HenbStore *self = HENB_STORE (object);

    /* a save that was to come soon comes now */
    if (self->save_soon_source != 0) {
        g_clear_handle_id (&self->save_soon_source, henb_source_remove);
        write_state (self, NULL, self->events, NULL);
    }
    G_OBJECT_CLASS (henb_store_parent_class)->dispose (object);
}

static void
henb_store_class_init (HenbStoreClass *klass)
{
    G_OBJECT_CLASS (klass)->dispose = henb_store_dispose;
    G_OBJECT_CLASS (klass)->finalize = henb_store_finalize;

    /* The undelivered events changed (queued, retired, cleared). */
    signals[SIGNAL_EVENTS_CHANGED] = g_signal_new ("events-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
    /* A write failed where the last one succeeded, failed for another reason, or succeeded
     * again: henb_store_get_write_error() tells which. */
    signals[SIGNAL_WRITE_ERROR_CHANGED] = g_signal_new ("write-error-changed", G_TYPE_FROM_CLASS (klass),
                                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
replace_events (HenbStore *self, GPtrArray *events)
{
    g_ptr_array_unref (self->events);
    self->events = events;
    g_signal_emit (self, signals[SIGNAL_EVENTS_CHANGED], 0);
}

static void
henb_store_init (HenbStore *self)
{
    self->events = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);
    self->records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
    self->retry_min_ms = HENB_STORE_RETRY_MIN_MS;
    self->retry_max_ms = HENB_STORE_RETRY_MAX_MS;
}

static GHashTable *
copy_fields (GHashTable *fields)
{
    GHashTable *copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, fields);
    while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (copy, g_strdup (key), g_strdup (value));
    return copy;
}

void
henb_store_set_record (HenbStore *self, const gchar *name, GHashTable *fields)
{
    g_return_if_fail (HENB_IS_STORE (self));
    if (fields == NULL)
        g_hash_table_remove (self->records, name);
    else
        g_hash_table_insert (self->records, g_strdup (name), copy_fields (fields));
    self->records_serial++;
}

GHashTable *
henb_store_dup_record (HenbStore *self, const gchar *name)
{
    GHashTable *fields = g_hash_table_lookup (self->records, name);

    return fields != NULL ? copy_fields (fields) : NULL;
}

static void
serialize_records (HenbStore *self, GKeyFile *kf)
{
    GHashTableIter iter, fields_iter;
    gpointer name, fields, key, value;

    g_hash_table_iter_init (&iter, self->records);
    while (g_hash_table_iter_next (&iter, &name, &fields)) {
        g_autofree gchar *group = g_strconcat (RECORD_GROUP_PREFIX, name, NULL);

        g_hash_table_iter_init (&fields_iter, fields);
        while (g_hash_table_iter_next (&fields_iter, &key, &value))
            g_key_file_set_string (kf, group, key, value);
    }
}

static void
load_records (HenbStore *self, GKeyFile *kf)
{
    g_auto(GStrv) groups = g_key_file_get_groups (kf, NULL);

    for (guint i = 0; groups[i] != NULL; i++) {
        g_auto(GStrv) keys = NULL;
        GHashTable *fields;

        if (!g_str_has_prefix (groups[i], RECORD_GROUP_PREFIX))
            continue;
        keys = g_key_file_get_keys (kf, groups[i], NULL, NULL);
        fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
        for (guint j = 0; keys != NULL && keys[j] != NULL; j++)
            g_hash_table_insert (fields, g_strdup (keys[j]), g_key_file_get_string (kf, groups[i], keys[j], NULL));
        g_hash_table_insert (self->records, g_strdup (groups[i] + strlen (RECORD_GROUP_PREFIX)), fields);
    }
}

HenbStore *
henb_store_new (const gchar *state_dir, HenbDataModel *dm)
{
    HenbStore *self = g_object_new (HENB_TYPE_STORE, NULL);

    self->dir = g_strdup (state_dir);
    self->path = g_build_filename (state_dir, HENB_STORE_FILE_NAME, NULL);
    self->dm = g_object_ref (dm);
    self->durable = TRUE;
    return self;
}

void
henb_store_set_durable (HenbStore *self, gboolean durable)
{
    g_return_if_fail (HENB_IS_STORE (self));
    self->durable = durable;
}

const gchar *
henb_store_get_path (HenbStore *self)
{
    return self->path;
}

/* TR-069 numbered events ("0 BOOTSTRAP" ... "14 HEARTBEAT") are single: meaningful once however
 * often they occurred; "M ..." and vendor events accumulate with their command keys. */
static gboolean
is_single_event (const gchar *code)
{
    return henb_cwmp_event_is_single (code);
}

static gboolean
is_queued (GPtrArray *events, const gchar *code, const gchar *command_key)
{
    for (guint i = 0; i < events->len; i++) {
        Event *queued = events->pdata[i];

        /* single events count once; "M" events once per command key */
        if (g_strcmp0 (queued->code, code) == 0 &&
            (is_single_event (code) || g_strcmp0 (queued->command_key, command_key != NULL ? command_key : "") == 0))
            return TRUE;
    }
    return FALSE;
}

static guint
count_command_events (GPtrArray *events)
{
    guint n = 0;

    for (guint i = 0; i < events->len; i++) {
        Event *ev = events->pdata[i];
        n += is_single_event (ev->code) ? 0 : 1;
    }
    return n;
}

static void
queue_event (GPtrArray *events, const gchar *code, const gchar *command_key)
{
    Event *ev;

    if (is_queued (events, code, command_key))
        return;
    ev = g_new0 (Event, 1);
    ev->code = g_strdup (code);
    ev->command_key = g_strdup (command_key != NULL ? command_key : "");
    g_ptr_array_add (events, ev);
}

void
henb_store_clear (HenbStore *self)
{
    g_return_if_fail (HENB_IS_STORE (self));
    g_ptr_array_set_size (self->events, 0);
    g_hash_table_remove_all (self->records);
    self->records_serial++;
    g_signal_emit (self, signals[SIGNAL_EVENTS_CHANGED], 0);
}

gboolean
henb_store_queue_event (HenbStore *self, const gchar *code, const gchar *command_key)
{
    g_return_val_if_fail (HENB_IS_STORE (self), FALSE);
    if (!is_single_event (code) && !is_queued (self->events, code, command_key) &&
        count_command_events (self->events) >= HENB_STORE_MAX_COMMAND_EVENTS) {
        g_warning ("event %s '%s' dropped: %u events with a command key are queued already", code,
                   command_key != NULL ? command_key : "", HENB_STORE_MAX_COMMAND_EVENTS);
        return FALSE;
    }
    queue_event (self->events, code, command_key);
    g_signal_emit (self, signals[SIGNAL_EVENTS_CHANGED], 0);
    return TRUE;
}

guint
henb_store_count_command_events (HenbStore *self)
{
    g_return_val_if_fail (HENB_IS_STORE (self), 0);
    return count_command_events (self->events);
}

GPtrArray *
henb_store_dup_events (HenbStore *self)
{
    GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);

    for (guint i = 0; i < self->events->len; i++) {
        Event *ev = self->events->pdata[i];
        Event *copy = g_new0 (Event, 1);

        copy->code = g_strdup (ev->code);
        copy->command_key = g_strdup (ev->command_key);
        g_ptr_array_add (out, copy);
    }
    return out;
}

void
henb_store_events_ensure (GPtrArray *events, const gchar *code)
{
    Event *ev;

    g_return_if_fail (is_single_event (code));
    if (is_queued (events, code, NULL))
        return;
    ev = g_new0 (Event, 1);
    ev->code = g_strdup (code);
    ev->command_key = g_strdup ("");
    g_ptr_array_insert (events, 0, ev);
}

/* The instances of every table, and the number AddObject gives next (never reused). */
static void
serialize_objects (HenbStore *self, GKeyFile *kf)
{
    const HenbDmTableDef *tables;
    guint n;

    tables = henb_dm_tables (&n);
    for (guint i = 0; i < n; i++) {
        g_autofree gchar *schema = g_strndup (tables[i].path, strlen (tables[i].path) - strlen ("{i}."));
        g_autofree gchar *object = henb_data_model_path (self->dm, schema);
        g_autoptr(GArray) instances = henb_data_model_list_instances (self->dm, object);

        if (instances->len > 0)
            g_key_file_set_integer_list (kf, "Objects", object, (gint *) instances->data, instances->len);
        g_key_file_set_integer (kf, "NextInstance", object,
                                (gint) henb_data_model_get_next_instance (self->dm, object));
    }
}

static void
serialize_attribute (HenbDataModel *dm, const HenbDmParameterInfo *info, gpointer user_data)
{
    GKeyFile *kf = user_data;

    if (info->notification != info->default_notification)
        g_key_file_set_integer (kf, "Notification", info->name, info->notification);
    if (info->n_access > 0) {
        g_auto(GStrv) access = henb_data_model_get_access_list (dm, info->name);
        g_key_file_set_string_list (kf, "AccessList", info->name, (const gchar *const *) access,
                                    g_strv_length (access));
    }
}

/* Notification attributes other than their default (off, or active where TR-181 enables it
 * by default: then an off the HeMS set is kept), and access lists. */
static void
serialize_attributes (HenbStore *self, GKeyFile *kf)
{
    henb_data_model_foreach_parameter (self->dm, HENB_DM_FLAG_NONE, serialize_attribute, kf);
}

static void
load_objects (HenbStore *self, GKeyFile *kf)
{
    g_auto(GStrv) tables = g_key_file_get_keys (kf, "Objects", NULL, NULL);

    for (guint i = 0; tables != NULL && tables[i] != NULL; i++) {
        g_autofree gint *instances = NULL;
        gsize n = 0;
        gint next;

        instances = g_key_file_get_integer_list (kf, "Objects", tables[i], &n, NULL);
        for (gsize j = 0; j < n; j++) {
            g_autoptr(GError) error = NULL;

            if (instances[j] <= 0 ||
                !henb_data_model_create_instance (self->dm, tables[i], (guint) instances[j], &error))
                g_warning ("state: ignoring instance %d of %s%s%s", instances[j], tables[i],
                           error != NULL ? ": " : "", error != NULL ? error->message : "");
        }
        next = g_key_file_get_integer (kf, "NextInstance", tables[i], NULL);
        if (next > 0)
            henb_data_model_set_next_instance (self->dm, tables[i], (guint) next);
    }
}

static void
load_attributes (HenbStore *self, GKeyFile *kf)
{
    g_auto(GStrv) names = g_key_file_get_keys (kf, "Notification", NULL, NULL);
    g_auto(GStrv) lists = g_key_file_get_keys (kf, "AccessList", NULL, NULL);

    for (guint i = 0; names != NULL && names[i] != NULL; i++) {
        g_autoptr(GError) error = NULL;
        gint notification = g_key_file_get_integer (kf, "Notification", names[i], &error);

        if (error != NULL || !henb_data_model_set_notification (self->dm, names[i], notification, &error))
            g_warning ("state: ignoring the notification of %s: %s", names[i], error->message);
    }
    for (guint i = 0; lists != NULL && lists[i] != NULL; i++) {
        g_auto(GStrv) list = g_key_file_get_string_list (kf, "AccessList", lists[i], NULL, NULL);

        if (henb_data_model_has_parameter (self->dm, lists[i]))
            henb_data_model_set_access_list (self->dm, lists[i], (const gchar *const *) list);
    }
}

typedef struct {
    GKeyFile   *kf;
    GHashTable *changes;
} SerializeParams;

static void
serialize_parameter (HenbDataModel *dm, const HenbDmParameterInfo *info, gpointer user_data)
{
    SerializeParams *p = user_data;
    const gchar *changed = p->changes != NULL ? g_hash_table_lookup (p->changes, info->name) : NULL;

    /* escaped: values set by the HeMS may hold newlines or leading blanks */
    if (changed != NULL) {
        g_key_file_set_string (p->kf, "Parameters", info->name, changed);
    } else if (info->is_set) {
        g_autofree gchar *value = henb_data_model_get (dm, info->name);
        g_key_file_set_string (p->kf, "Parameters", info->name, value);
    }
}

/* Serializes the persistent parameters (with @changes applied over them) and @events. */
static gchar *
serialize (HenbStore *self, GHashTable *changes, GPtrArray *events, gsize *out_len)
{
    g_autoptr(GKeyFile) kf = g_key_file_new ();
    SerializeParams p = { kf, changes };
    g_autoptr(GPtrArray) codes = g_ptr_array_new ();
    g_autoptr(GPtrArray) keys = g_ptr_array_new ();
    g_autofree gchar *data = NULL;
    g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
    gsize len;
    GString *out;

    g_key_file_set_integer (kf, "henbd", "Version", STATE_VERSION);
    henb_data_model_foreach_parameter (self->dm, HENB_DM_FLAG_PERSISTENT, serialize_parameter, &p);
    serialize_objects (self, kf);
    serialize_attributes (self, kf);
    serialize_records (self, kf);
    for (guint i = 0; i < events->len; i++) {
        Event *ev = events->pdata[i];
        g_ptr_array_add (codes, ev->code);
        g_ptr_array_add (keys, ev->command_key);
    }
    g_key_file_set_string_list (kf, "Events", "Codes", (const gchar *const *) codes->pdata, codes->len);
    g_key_file_set_string_list (kf, "Events", "CommandKeys", (const gchar *const *) keys->pdata, keys->len);

    data = g_key_file_to_data (kf, &len, NULL);
    g_checksum_update (sum, (const guchar *) data, len);
    out = g_string_new_len (data, len);
    g_string_append (out, SEAL);
    g_string_append (out, g_checksum_get_string (sum));
    g_string_append_c (out, '\n');
    *out_len = out->len;
    return g_string_free (out, FALSE);
}

static gboolean
write_all (int fd, const gchar *data, gsize len)
{
    while (len > 0) {
        gssize n = write (fd, data, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return FALSE;
        data += n;
        len -= (gsize) n;
    }
    return TRUE;
}

/*
 * The state goes to a temporary file beside it, is flushed to the disk, renamed over the old
 * one, and the directory is flushed too (or the rename may not survive a power cut). A crash
 * at any point leaves the old state or the new one, never a mix.
 *
 * HENB_STATE_WRITE_PAUSE_MS (fault injection for the crash tests) pauses that long half-way
 * through writing the temporary file, so a kill can land inside a write.
 */
static gboolean
write_atomically (const gchar *dir, const gchar *path, const gchar *contents, gsize len, gboolean durable,
                  GError **error)
{
    g_autofree gchar *tmp = g_strconcat (path, ".XXXXXX", NULL);
    const gchar *pause = g_getenv ("HENB_STATE_WRITE_PAUSE_MS");
    gsize half = len / 2;
    int fd, dir_fd, saved_errno;

    fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0)
        goto fail;
    if (!write_all (fd, contents, half))
        goto fail_fd;
    if (pause != NULL)
        g_usleep (g_ascii_strtoull (pause, NULL, 10) * 1000);
    if (!write_all (fd, contents + half, len - half) || (durable && fsync (fd) != 0))
        goto fail_fd;
    if (close (fd) != 0) {
        fd = -1;
        goto fail;
    }
    if (rename (tmp, path) != 0)
        goto fail;
    dir_fd = durable ? open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (dir_fd >= 0) {
        fsync (dir_fd);
        close (dir_fd);
    }
    return TRUE;

fail_fd:
    saved_errno = errno;
    close (fd);
    errno = saved_errno;
fail:
    saved_errno = errno;
    g_unlink (tmp);
    g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_STATE_NOT_SAVED, "cannot write state %s: %s", path,
                 g_strerror (saved_errno));
    return FALSE;
}

static gboolean move_aside (HenbStore *self, const gchar *why, GError **error);

/* The file is still the one the last write made, untouched. */
static gboolean
file_as_written (HenbStore *self)
{
    struct stat st;

    return self->written != NULL &&
           lstat (self->path, &st) == 0 && S_ISREG (st.st_mode) && st.st_dev == self->written_stat.st_dev &&
           st.st_ino == self->written_stat.st_ino && st.st_mode == self->written_stat.st_mode &&
           st.st_size == self->written_stat.st_size && st.st_mtim.tv_sec == self->written_stat.st_mtim.tv_sec &&
           st.st_mtim.tv_nsec == self->written_stat.st_mtim.tv_nsec &&
           st.st_ctim.tv_sec == self->written_stat.st_ctim.tv_sec &&
           st.st_ctim.tv_nsec == self->written_stat.st_ctim.tv_nsec;
}

static gboolean
same_as_written (HenbStore *self, const gchar *contents, gsize len)
{
    return self->written != NULL && len == self->written_len && memcmp (contents, self->written, len) == 0 &&
           file_as_written (self);
}

/* The events as one string, to compare with those of the last write; lengths first, so that
 * no command key (the HeMS chooses them) can make two lists look alike. */
static gchar *
events_signature (GPtrArray *events)
{
    GString *sig = g_string_new (NULL);

    for (guint i = 0; i < events->len; i++) {
        const Event *ev = events->pdata[i];
        const gchar *key = ev->command_key != NULL ? ev->command_key : "";

        g_string_append_printf (sig, "%zu:%s%zu:%s", strlen (ev->code), ev->code, strlen (key), key);
    }
    return g_string_free (sig, FALSE);
}

/* What the file's contents were made from; @changes (applied over the model) spoil it. */
static void
remember_sources (HenbStore *self, GHashTable *changes, gchar *events_sig)
{
    g_clear_pointer (&self->written_events, g_free);
    if (changes != NULL) {
        g_free (events_sig);
        return;
    }
    self->written_generation = henb_data_model_get_generation (self->dm);
    self->written_records_serial = self->records_serial;
    self->written_events = events_sig;
}

static gboolean
sources_as_written (HenbStore *self, const gchar *events_sig)
{
    return self->written_events != NULL && g_str_equal (events_sig, self->written_events) &&
           self->written_generation == henb_data_model_get_generation (self->dm) &&
           self->written_records_serial == self->records_serial && file_as_written (self);
}

/* Takes @contents. */
static void
remember_written (HenbStore *self, gchar *contents, gsize len)
{
    struct stat st;

    g_clear_pointer (&self->written, g_free);
    if (lstat (self->path, &st) != 0) {
        g_free (contents);
        return;
    }
    self->written = contents;
    self->written_len = len;
    self->written_stat = st;
}

static gboolean
try_write (HenbStore *self, GHashTable *changes, GPtrArray *events, GError **error)
{
    g_autofree gchar *contents = NULL;
    g_autofree gchar *events_sig = NULL;
    gsize len;

    if (g_mkdir_with_parents (self->dir, 0700) != 0) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_STATE_NOT_SAVED,
                     "cannot create state directory %s: %s", self->dir, g_strerror (errno));
        return FALSE;
    }
    if (self->aside_pending != NULL && g_file_test (self->path, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK)) {
        g_autofree gchar *why = g_strdup (self->aside_pending);
        g_autoptr(GError) error_aside = NULL;

        move_aside (self, why, &error_aside);
        if (self->aside_pending != NULL) {
            g_set_error_literal (error, HENB_CORE_ERROR, HENB_CORE_ERROR_STATE_NOT_SAVED, error_aside->message);
            return FALSE;
        }
        g_message ("%s", error_aside->message);
    }
    g_clear_pointer (&self->aside_pending, g_free);
    events_sig = events_signature (events);
    /* most saves change nothing (a session that only read): not even serialized then */
    if (changes == NULL && sources_as_written (self, events_sig))
        return TRUE;
    contents = serialize (self, changes, events, &len);
    if (same_as_written (self, contents, len)) {
        remember_sources (self, changes, g_steal_pointer (&events_sig));
        return TRUE;
    }
    /* a larger file would not be read back at the next start (henb_store_load) */
    if (len > HENB_FILE_MAX_STATE) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_STATE_NOT_SAVED,
                     "cannot write state %s: it would be %" G_GSIZE_FORMAT " bytes, more than the %u bytes "
                     "henbd reads back", self->path, len, (guint) HENB_FILE_MAX_STATE);
        return FALSE;
    }
    if (!write_atomically (self->dir, self->path, contents, len, self->durable, error))
        return FALSE;
    remember_written (self, g_steal_pointer (&contents), len);
    remember_sources (self, changes, g_steal_pointer (&events_sig));
    return TRUE;
}

static void schedule_retry (HenbStore *self);

/*
 * Every write goes through here: a failure is logged once per distinct error (not at every
 * retry), kept for henb_store_get_write_error() and retried with a growing wait; the first
 * success clears it. henbd goes on from memory meanwhile.
 */
static gboolean
write_state (HenbStore *self, GHashTable *changes, GPtrArray *events, GError **error)
{
    g_autoptr(GError) error_local = NULL;

    if (try_write (self, changes, events, &error_local)) {
        if (self->write_error != NULL) {
            g_message ("state saved to %s again after %u failed attempt%s", self->path, self->failed_writes,
                       self->failed_writes == 1 ? "" : "s");
            g_clear_error (&self->write_error);
            g_clear_handle_id (&self->retry_source, henb_source_remove);
            self->failed_writes = 0;
            self->retry_delay_ms = 0;
            g_signal_emit (self, signals[SIGNAL_WRITE_ERROR_CHANGED], 0);
        }
        return TRUE;
    }
    self->failed_writes++;
    if (self->write_error == NULL || g_strcmp0 (self->write_error->message, error_local->message) != 0) {
        g_warning ("%s; running from memory, retrying", error_local->message);
        g_clear_error (&self->write_error);
        self->write_error = g_error_copy (error_local);
        g_signal_emit (self, signals[SIGNAL_WRITE_ERROR_CHANGED], 0);
    } else {
        g_debug ("state still not saved (attempt %u): %s", self->failed_writes, error_local->message);
    }
    schedule_retry (self);
    g_propagate_error (error, g_steal_pointer (&error_local));
    return FALSE;
}

static gboolean
retry_due (gpointer user_data)
{
    HenbStore *self = user_data;

    self->retry_source = 0;
    /* what is in memory now: the last change included */
    write_state (self, NULL, self->events, NULL);
    return G_SOURCE_REMOVE;
}

/* One retry pending at a time; each failed retry doubles the wait, up to the maximum. A new
 * change does not wait for it: it writes at once (and so retries too). */
static void
schedule_retry (HenbStore *self)
{
    if (self->retry_source != 0)
        return;
    self->retry_delay_ms = self->retry_delay_ms == 0 ? self->retry_min_ms
                                                     : MIN ((guint64) self->retry_delay_ms * 2, self->retry_max_ms);
    g_debug ("state write retry in %u ms", self->retry_delay_ms);
    self->retry_source = henb_timeout_add (self->retry_delay_ms, retry_due, self);
}

const GError *
henb_store_get_write_error (HenbStore *self)
{
    g_return_val_if_fail (HENB_IS_STORE (self), NULL);
    return self->write_error;
}

void
henb_store_set_retry_interval (HenbStore *self, guint min_ms, guint max_ms)
{
    g_return_if_fail (HENB_IS_STORE (self));
    g_return_if_fail (min_ms > 0 && min_ms <= max_ms);
    self->retry_min_ms = min_ms;
    self->retry_max_ms = max_ms;
}

gboolean
henb_store_save (HenbStore *self, GError **error)
{
    g_return_val_if_fail (HENB_IS_STORE (self), FALSE);
    if (!write_state (self, NULL, self->events, error))
        return FALSE;
    g_clear_handle_id (&self->save_soon_source, henb_source_remove);
    return TRUE;
}

static gboolean
save_soon_due (gpointer user_data)
{
    HenbStore *self = user_data;

    self->save_soon_source = 0;
    write_state (self, NULL, self->events, NULL);
    return G_SOURCE_REMOVE;
}

void
henb_store_save_soon (HenbStore *self)
{
    g_return_if_fail (HENB_IS_STORE (self));
    /* from the last call: back-to-back sessions each retire what they deliver */
    g_clear_handle_id (&self->save_soon_source, henb_source_remove);
    self->save_soon_source = henb_timeout_add (HENB_STORE_SAVE_SOON_MS, save_soon_due, self);
}

static GPtrArray *
copy_events (GPtrArray *events)
{
    GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);

    for (guint i = 0; i < events->len; i++) {
        Event *ev = events->pdata[i];
        queue_event (copy, ev->code, ev->command_key);
    }
    return copy;
}

gboolean
henb_store_commit (HenbStore   *self,
                   GHashTable  *changes,
                   const gchar *parameter_key,
                   GError     **error)
{
    g_autoptr(GPtrArray) events = copy_events (self->events);
    const gchar *url = g_hash_table_lookup (changes, HENB_DM_MS_URL);

    g_return_val_if_fail (HENB_IS_STORE (self), FALSE);

    if (url != NULL) {
        g_autofree gchar *current = henb_data_model_get (self->dm, HENB_DM_MS_URL);
        /* TR-069: the first session with a changed ACS URL carries 0 BOOTSTRAP */
        if (g_strcmp0 (current, url) != 0)
            queue_event (events, "0 BOOTSTRAP", NULL);
    }
    if (!write_state (self, changes, events, error))
        return FALSE;
    replace_events (self, g_steal_pointer (&events));
    /* the file holds all of memory now */
    g_clear_handle_id (&self->save_soon_source, henb_source_remove);
    return TRUE;
}

gboolean
henb_store_retire_events (HenbStore *self, GPtrArray *delivered, GError **error)
{
    g_autoptr(GPtrArray) remaining = NULL;
    gboolean retiring = FALSE;

    /* none of them queued: nothing changes (what waits to be written, a save_soon or the
     * retry of a failed write, comes on its own) */
    for (guint i = 0; i < delivered->len && !retiring; i++) {
        const HenbCwmpEvent *d = delivered->pdata[i];

        for (guint j = 0; j < self->events->len && !retiring; j++) {
            Event *ev = self->events->pdata[j];
            retiring = g_strcmp0 (ev->code, d->code) == 0 && g_strcmp0 (ev->command_key, d->command_key) == 0;
        }
    }
    if (!retiring)
        return TRUE;
    remaining = copy_events (self->events);

    for (guint i = 0; i < delivered->len; i++) {
        const HenbCwmpEvent *d = delivered->pdata[i];

        for (guint j = 0; j < remaining->len; j++) {
            Event *ev = remaining->pdata[j];
            if (g_strcmp0 (ev->code, d->code) == 0 && g_strcmp0 (ev->command_key, d->command_key) == 0) {
                g_ptr_array_remove_index (remaining, j);
                break;
            }
        }
    }
    if (!write_state (self, NULL, remaining, error))
        return FALSE;
    replace_events (self, g_steal_pointer (&remaining));
    g_clear_handle_id (&self->save_soon_source, henb_source_remove);
    return TRUE;
}

gboolean
henb_store_retire_event (HenbStore *self, const gchar *code, GError **error)
{
    g_autoptr(GPtrArray) delivered = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);

    g_return_val_if_fail (HENB_IS_STORE (self), FALSE);
    if (!is_queued (self->events, code, NULL))
        return TRUE;
    henb_store_events_ensure (delivered, code);
    return henb_store_retire_events (self, delivered, error);
}

static gboolean
move_aside (HenbStore *self, const gchar *why, GError **error)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree gchar *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
    g_autofree gchar *aside = g_strdup_printf ("%s.corrupt-%s", self->path, stamp);

    /* never overwrite an earlier damaged copy kept for inspection */
    for (guint n = 1; g_file_test (aside, G_FILE_TEST_EXISTS); n++) {
        g_free (aside);
        aside = g_strdup_printf ("%s.corrupt-%s.%u", self->path, stamp, n);
    }

    if (g_rename (self->path, aside) != 0) {
        int errsv = errno;

        /* kept until the state is written: the damaged file goes aside first then */
        g_free (self->aside_pending);
        self->aside_pending = g_strdup (why);
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_STATE_CORRUPT,
                     "state file %s is damaged (%s) and could not be moved aside: %s", self->path,
                     why, g_strerror (errsv));
        return FALSE;
    }
    g_clear_pointer (&self->aside_pending, g_free);
    g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_STATE_CORRUPT,
                 "state file %s is damaged (%s); kept as %s, starting from the factory "
                 "configuration", self->path, why, aside);
    return FALSE;
}

/* A write cut short (power loss, kill -9) leaves its temporary file "henbd.state.XXXXXX"
 * beside the state: the state itself is intact, the leftover only takes space. */
static void
remove_stale_temporaries (HenbStore *self)
{
    g_autoptr(GDir) dir = g_dir_open (self->dir, 0, NULL);
    const gchar *name;
    gsize prefix_len = strlen (HENB_STORE_FILE_NAME ".");

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
        g_autofree gchar *path = NULL;

        /* exactly six characters after the dot: g_file_set_contents()'s template, never a
         * "corrupt-" copy kept for inspection */
        if (!g_str_has_prefix (name, HENB_STORE_FILE_NAME ".") || strlen (name) != prefix_len + 6 ||
            strchr (name + prefix_len, '-') != NULL)
            continue;
        path = g_build_filename (self->dir, name, NULL);
        if (g_unlink (path) == 0)
            g_message ("removed %s, left by an interrupted state write", path);
    }
}

gboolean
henb_store_load (HenbStore *self, gboolean *out_fresh, GError **error)
{
    g_autofree gchar *contents = NULL;
    g_autoptr(GError) error_local = NULL;
    g_autoptr(GKeyFile) kf = g_key_file_new ();
    g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
    g_auto(GStrv) names = NULL;
    g_auto(GStrv) codes = NULL;
    g_auto(GStrv) keys = NULL;
    g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);
    gsize len, data_len;
    const gchar *seal;
    gint version;

    g_return_val_if_fail (HENB_IS_STORE (self), FALSE);
    *out_fresh = FALSE;
    remove_stale_temporaries (self);

    /* henbd writes the file itself (rename), never a link: a link, FIFO, device or directory
     * in its place is damage, as is a file larger than henbd writes */
    if (!henb_file_read (self->path, "state file", HENB_FILE_MAX_STATE, HENB_FILE_FLAGS_NO_SYMLINK, &contents,
                         &len, &error_local)) {
        if (g_error_matches (error_local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
            *out_fresh = TRUE;
            return TRUE;
        }
        /* kept aside too: whatever is in the way (a directory, a FIFO, a bad sector) stays for
         * inspection, and the fresh state can take its place */
        g_autofree gchar *why = g_strdup_printf ("unreadable: %s", error_local->message);
        return move_aside (self, why, error);
    }

    seal = g_strrstr_len (contents, len, SEAL);
    if (seal == NULL)
        return move_aside (self, "no integrity seal", error);
    data_len = seal - contents;
    g_checksum_update (sum, (const guchar *) contents, data_len);
    if (strlen (seal + strlen (SEAL)) < 64 ||
        strncmp (seal + strlen (SEAL), g_checksum_get_string (sum), 64) != 0)
        return move_aside (self, "checksum mismatch", error);
    if (!g_key_file_load_from_data (kf, contents, data_len, G_KEY_FILE_NONE, &error_local))
        return move_aside (self, error_local->message, error);
    version = g_key_file_get_integer (kf, "henbd", "Version", NULL);
    if (version != STATE_VERSION) {
        g_autofree gchar *why = g_strdup_printf ("unknown version %d", version);
        return move_aside (self, why, error);
    }

    /* instances first: their parameters follow */
    load_objects (self, kf);
    names = g_key_file_get_keys (kf, "Parameters", NULL, NULL);
    for (guint i = 0; names != NULL && names[i] != NULL; i++) {
        g_autoptr(GError) error_set = NULL;
        g_autofree gchar *value = g_key_file_get_string (kf, "Parameters", names[i], &error_set);

        /* a parameter a newer or older henbd knew, or an unreadable value: keep the rest */
        if (error_set != NULL || !henb_data_model_set (self->dm, names[i], value, &error_set))
            g_warning ("state: ignoring %s", error_set->message);
    }
    /* attributes last: notification starts from the restored values */
    load_attributes (self, kf);
    load_records (self, kf);
    self->records_serial++;
    codes = g_key_file_get_string_list (kf, "Events", "Codes", NULL, NULL);
    keys = g_key_file_get_string_list (kf, "Events", "CommandKeys", NULL, NULL);
    for (guint i = 0; codes != NULL && codes[i] != NULL; i++) {
        const gchar *key = keys != NULL && i < g_strv_length (keys) ? keys[i] : "";
        queue_event (events, codes[i], key);
    }
    replace_events (self, g_steal_pointer (&events));
    return TRUE;
}
