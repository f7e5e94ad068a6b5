/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <pwd.h>
#include <unistd.h>

#include "henb-agent.h"
#include "henb-errors.h"
#include "henb-gdbus.h"
#include "henb-names.h"
#include "henb-plugin.h"
#include "henb-radio.h"

/* the state file record that remembers which session applied the configuration */
#define RADIO_RECORD "radio"

struct _HenbRadio {
    GObject             parent_instance;
    const HenbServices *svc;
    HenbAgent          *agent;           /* whose sessions may change the configuration */
    HenbRadioBackend   *backend;
    HenbGdbusRadio     *skel;
    gchar              *admin_state_name;
    GHashTable         *reported;        /* name -> value the radio stack reported */
    GPtrArray          *open_sessions;   /* HeMS sessions whose end is still to come (weak) */
    GHashTable         *applied;         /* the configuration last applied, hidden values too */
    guint64             applied_generation; /* the data model's when it was last compared */
    GPtrArray          *status_values;   /* Status as last published: name, value, ... */
};

G_DEFINE_TYPE (HenbRadio, henb_radio, G_TYPE_OBJECT)

typedef struct {
    GVariantBuilder *builder;
    GHashTable      *table;
} Collect;

static void
collect_parameter (HenbDataModel *dm, const HenbDmParameterInfo *info, gpointer user_data)
{
    Collect *c = user_data;
    g_autofree gchar *value = henb_data_model_get (dm, info->name);

    g_variant_builder_add (c->builder, "{ss}", info->name, (info->def->flags & HENB_DM_FLAG_HIDDEN) ? "" : value);
    if (c->table != NULL)
        g_hash_table_insert (c->table, g_strdup (info->name), g_steal_pointer (&value));
}

/* Every parameter carrying @flag, in model order (table instances included) with its value.
 * The bus is readable by anyone: a hidden value (a password) is "" there, as GetParameterValues
 * answers it; @out_table, for the backend, has it as set. */
static GVariant *
collect (HenbRadio *self, HenbDmFlags flag, GHashTable *out_table)
{
    GVariantBuilder b;
    Collect c = { &b, out_table };

    g_variant_builder_init (&b, G_VARIANT_TYPE ("a{ss}"));
    henb_data_model_foreach_parameter (self->svc->dm, flag, collect_parameter, &c);
    return g_variant_ref_sink (g_variant_builder_end (&b));
}

static void
collect_status (HenbDataModel *dm, const HenbDmParameterInfo *info, gpointer user_data)
{
    GPtrArray *values = user_data;

    g_ptr_array_add (values, g_strdup (info->name));
    g_ptr_array_add (values, (info->def->flags & HENB_DM_FLAG_HIDDEN) ? g_strdup ("") : henb_data_model_get (dm, info->name));
}

static gboolean
same_strings (GPtrArray *a, GPtrArray *b)
{
    if (a == NULL || b == NULL || a->len != b->len)
        return FALSE;
    for (guint i = 0; i < a->len; i++) {
        if (g_strcmp0 (a->pdata[i], b->pdata[i]) != 0)
            return FALSE;
    }
    return TRUE;
}

/* Called at every state change: the values are compared first, the bus's dictionary built
 * only when one of them changed. */
void
henb_radio_update_status (HenbRadio *self)
{
    g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(GVariant) status = NULL;

    GVariantBuilder b;

    henb_data_model_foreach_parameter (self->svc->dm, HENB_DM_FLAG_RADIO_STATUS, collect_status, values);
    if (same_strings (values, self->status_values) && henb_gdbus_radio_get_status (self->skel) != NULL)
        return;
    g_clear_pointer (&self->status_values, g_ptr_array_unref);
    self->status_values = g_steal_pointer (&values);
    /* the pairs as collected (hidden values "" already), in model order */
    g_variant_builder_init (&b, G_VARIANT_TYPE ("a{ss}"));
    for (guint i = 0; i + 1 < self->status_values->len; i += 2)
        g_variant_builder_add (&b, "{ss}", self->status_values->pdata[i], self->status_values->pdata[i + 1]);
    status = g_variant_ref_sink (g_variant_builder_end (&b));
    henb_gdbus_radio_set_status (self->skel, status);
    g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->skel));
}

/* AdminState goes to the radio stack as soon as the HeMS set it, mid-session */
static void
update_admin_state (HenbRadio *self)
{
    gboolean admin = henb_data_model_get_boolean (self->svc->dm, self->admin_state_name);

    if (henb_gdbus_radio_get_admin_state (self->skel) == admin)
        return;
    g_message ("AdminState %s", admin ? "true" : "false");
    henb_gdbus_radio_set_admin_state (self->skel, admin);
    g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->skel));
    if (self->backend != NULL)
        henb_radio_backend_admin_state_changed (self->backend, admin);
}

static gboolean
tables_equal (GHashTable *a, GHashTable *b)
{
    GHashTableIter iter;
    gpointer name, value;

    if (g_hash_table_size (a) != g_hash_table_size (b))
        return FALSE;
    g_hash_table_iter_init (&iter, a);
    while (g_hash_table_iter_next (&iter, &name, &value)) {
        if (g_strcmp0 (value, g_hash_table_lookup (b, name)) != 0)
            return FALSE;
    }
    return TRUE;
}

/* Configuration and ConfigurationKey in one PropertiesChanged, then the signal; @force emits
 * even when nothing changed (a factory reset). */
static void
apply (HenbRadio *self, const gchar *parameter_key, gboolean force)
{
    guint64 generation = henb_data_model_get_generation (self->svc->dm);
    g_autoptr(GHashTable) table = NULL;
    g_autoptr(GVariant) configuration = NULL;
    g_autoptr(GHashTable) record = NULL;

    /* nothing stored changed since the last look (most sessions only read): the cell
     * configuration is stored values, none comes from a getter */
    if (!force && generation == self->applied_generation)
        return;
    self->applied_generation = generation;
    table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    configuration = collect (self, HENB_DM_FLAG_CELL_CONFIG, table);
    /* compared with the values themselves: a new password is a change the bus cannot show */
    if (!force && tables_equal (table, self->applied))
        return;
    record = g_hash_table_new (g_str_hash, g_str_equal);
    g_hash_table_unref (self->applied);
    self->applied = g_hash_table_ref (table);
    g_hash_table_insert (record, "ConfigurationKey", (gpointer) parameter_key);
    henb_store_set_record (self->svc->store, RADIO_RECORD, record);
    /* the store logs a failed write once and retries it */
    henb_store_save (self->svc->store, NULL);

    henb_gdbus_radio_set_configuration (self->skel, configuration);
    henb_gdbus_radio_set_configuration_key (self->skel, parameter_key);
    g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->skel));
    henb_gdbus_radio_emit_configuration_changed (self->skel, parameter_key, configuration);
    g_message ("cell configuration applied (%u parameters, ParameterKey \"%s\")",
               g_hash_table_size (table), parameter_key);
    if (self->backend != NULL)
        henb_radio_backend_apply_configuration (self->backend, parameter_key, table);
}

/* The session object goes once the session is over, however it ended: released, failed,
 * timed out. What it changed goes to the radio stack now, before the procedure or the agent
 * goes on (a client sees ConfigurationChanged before the registration it belongs to). */
static void
session_gone (gpointer user_data, GObject *where_the_session_was)
{
    HenbRadio *self = user_data;
    g_autofree gchar *key = NULL;

    g_ptr_array_remove_fast (self->open_sessions, where_the_session_was);
    if (self->open_sessions->len > 0)
        return;
    /* SetParameterValues, AddObject and DeleteObject set it when they succeed: the key of the
     * session that made the last change */
    key = henb_data_model_get (self->svc->dm, HENB_DM_MS_PARAMETER_KEY);
    apply (self, key, FALSE);
}

static void
on_session_started (HenbAgent *agent, HenbCwmpSession *session, HenbRadio *self)
{
    g_ptr_array_add (self->open_sessions, session);
    g_object_weak_ref (G_OBJECT (session), session_gone, self);
}

static void
on_parameters_changed (HenbDataModel *dm, GPtrArray *names, HenbRadio *self)
{
    for (guint i = 0; i < names->len; i++) {
        if (g_str_equal (names->pdata[i], self->admin_state_name))
            update_admin_state (self);
    }
}

void
henb_radio_factory_reset (HenbRadio *self)
{
    GHashTableIter iter;
    gpointer name, value;

    /* the HeMS's configuration went; what the radio stack said of the radio still holds */
    g_hash_table_iter_init (&iter, self->reported);
    while (g_hash_table_iter_next (&iter, &name, &value)) {
        g_autoptr(GError) error = NULL;

        if (!henb_data_model_set (self->svc->dm, name, value, &error))
            g_warning ("after the factory reset: %s", error->message);
    }
    /* properties first: a client reading AdminState in its ConfigurationChanged handler sees
     * the factory value */
    update_admin_state (self);
    henb_radio_update_status (self);
    apply (self, "", TRUE);
}

gchar *
henb_radio_dup_reported (HenbRadio *self, const gchar *name)
{
    return g_strdup (g_hash_table_lookup (self->reported, name));
}

/* ------------------------------------------------------------------------------------------ */
/* ReportStatus */

typedef struct {
    HenbRadio             *self;
    GDBusMethodInvocation *invocation;
    GVariant              *values;
} Report;

static void
report_free (Report *r)
{
    g_object_unref (r->self);
    g_object_unref (r->invocation);
    g_variant_unref (r->values);
    g_free (r);
}

static void
report_refuse (Report *r, gint code, const gchar *format, ...) G_GNUC_PRINTF (3, 4);

static void
report_refuse (Report *r, gint code, const gchar *format, ...)
{
    g_autofree gchar *message = NULL;
    va_list args;

    va_start (args, format);
    message = g_strdup_vprintf (format, args);
    va_end (args);
    g_dbus_method_invocation_return_error_literal (r->invocation, HENB_CORE_ERROR, code, message);
}

/* All or nothing: every name a status parameter, every value valid, before anything is set. */
static void
report_apply (Report *r)
{
    HenbRadio *self = r->self;
    HenbDataModel *dm = self->svc->dm;
    g_autoptr(GHashTable) normalized = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
    g_autoptr(GString) logged = g_string_new (NULL);
    GVariantIter iter;
    const gchar *name, *value;
    GHashTableIter it;
    gpointer key, val;

    g_variant_iter_init (&iter, r->values);
    while (g_variant_iter_next (&iter, "{&s&s}", &name, &value)) {
        const HenbDmParamDef *def = henb_data_model_get_definition (dm, name);
        g_autofree gchar *norm = NULL;
        g_autofree gchar *reason = NULL;

        if (def == NULL) {
            report_refuse (r, HENB_CORE_ERROR_INVALID_ARGS, "%s is not a parameter of the data model", name);
            return;
        }
        if (!(def->flags & HENB_DM_FLAG_RADIO_STATUS)) {
            report_refuse (r, HENB_CORE_ERROR_INVALID_ARGS,
                           "%s is not a capability or status parameter of the radio stack", name);
            return;
        }
        if (henb_data_model_validate (dm, name, value, HENB_CWMP_TYPE_NONE, &norm, &reason) != 0) {
            report_refuse (r, HENB_CORE_ERROR_INVALID_ARGS, "%s: %s", name, reason);
            return;
        }
        g_hash_table_insert (normalized, (gpointer) name, g_steal_pointer (&norm));
    }

    g_hash_table_iter_init (&it, normalized);
    while (g_hash_table_iter_next (&it, &key, &val)) {
        g_autoptr(GError) error = NULL;
        g_autofree gchar *shown = g_strescape (val, NULL);

        /* validated above: only a data model that changed under us could refuse it now */
        if (!henb_data_model_set (dm, key, val, &error))
            g_warning ("ReportStatus: %s", error->message);
        g_hash_table_insert (self->reported, g_strdup (key), g_strdup (val));
        g_string_append_printf (logged, "%s%s=%s", logged->len > 0 ? ", " : "", (gchar *) key, shown);
    }
    g_message ("the radio stack reported %s", logged->len > 0 ? logged->str : "nothing");
    henb_radio_update_status (self);
    henb_gdbus_radio_complete_report_status (self->skel, r->invocation);
    /* a change the HeMS asked to be told of at once starts a session ("4 VALUE CHANGE") */
    if (henb_data_model_check_value_changes (dm))
        henb_agent_request_session (self->agent, NULL, NULL);
}

/* root, henbd's own user and [Radio] User */
static gboolean
uid_may_report (HenbRadio *self, guint32 uid)
{
    const gchar *user = self->svc->config->radio_user;
    struct passwd *pw;

    if (uid == 0 || uid == geteuid ())
        return TRUE;
    if (user == NULL || user[0] == '\0')
        return FALSE;
    pw = getpwnam (user);
    return pw != NULL && pw->pw_uid == uid;
}

static void
got_caller_uid (GObject *source, GAsyncResult *result, gpointer user_data)
{
    Report *r = user_data;
    g_autoptr(GVariant) reply = NULL;
    g_autoptr(GError) error = NULL;
    guint32 uid;

    reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
    if (reply == NULL) {
        report_refuse (r, HENB_CORE_ERROR_UNAUTHORIZED, "ReportStatus: cannot tell who the caller is: %s",
                       error->message);
    } else if (r->self->svc == NULL) {
        /* the answer came after henbd let go of its data model */
        report_refuse (r, HENB_CORE_ERROR_WRONG_STATE, "ReportStatus: henbd is shutting down");
    } else {
        g_variant_get (reply, "(u)", &uid);
        if (uid_may_report (r->self, uid)) {
            report_apply (r);
        } else {
            g_message ("ReportStatus refused to uid %u", uid);
            report_refuse (r, HENB_CORE_ERROR_UNAUTHORIZED,
                           "ReportStatus: uid %u is neither root nor the radio stack's user ([Radio] User)", uid);
        }
    }
    report_free (r);
}

static gboolean
handle_report_status (HenbGdbusRadio *skel, GDBusMethodInvocation *invocation, GVariant *values, HenbRadio *self)
{
    const gchar *sender = g_dbus_method_invocation_get_sender (invocation);
    Report *r;

    r = g_new0 (Report, 1);
    r->self = g_object_ref (self);
    r->invocation = g_object_ref (invocation);
    r->values = g_variant_ref (values);
    if (sender == NULL) {
        report_refuse (r, HENB_CORE_ERROR_UNAUTHORIZED, "ReportStatus: the caller has no bus name");
        report_free (r);
        return TRUE;
    }
    g_dbus_connection_call (g_dbus_method_invocation_get_connection (invocation), "org.freedesktop.DBus",
                            "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetConnectionUnixUser",
                            g_variant_new ("(s)", sender), G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE,
                            -1, NULL, got_caller_uid, r);
    return TRUE;
}

/* ------------------------------------------------------------------------------------------ */

static void
henb_radio_dispose (GObject *object)
{
    HenbRadio *self = HENB_RADIO (object);

    for (guint i = 0; i < self->open_sessions->len; i++)
        g_object_weak_unref (self->open_sessions->pdata[i], session_gone, self);
    g_ptr_array_set_size (self->open_sessions, 0);
    if (self->svc != NULL) {
        g_signal_handlers_disconnect_by_data (self->svc->dm, self);
        self->svc = NULL;
    }
    if (self->agent != NULL) {
        g_signal_handlers_disconnect_by_data (self->agent, self);
        g_clear_object (&self->agent);
    }
    /* exported only on henbd's bus (henb-fleet never exports) */
    if (self->skel != NULL && g_dbus_interface_skeleton_get_connection (G_DBUS_INTERFACE_SKELETON (self->skel)) != NULL)
        g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->skel));
    g_clear_object (&self->skel);
    g_clear_object (&self->backend);
    G_OBJECT_CLASS (henb_radio_parent_class)->dispose (object);
}

static void
henb_radio_finalize (GObject *object)
{
    HenbRadio *self = HENB_RADIO (object);

    g_free (self->admin_state_name);
    g_hash_table_unref (self->reported);
    g_clear_pointer (&self->status_values, g_ptr_array_unref);
    g_ptr_array_unref (self->open_sessions);
    g_clear_pointer (&self->applied, g_hash_table_unref);
    G_OBJECT_CLASS (henb_radio_parent_class)->finalize (object);
}

static void
henb_radio_class_init (HenbRadioClass *klass)
{
    G_OBJECT_CLASS (klass)->dispose = henb_radio_dispose;
    G_OBJECT_CLASS (klass)->finalize = henb_radio_finalize;
}

static void
henb_radio_init (HenbRadio *self)
{
    self->reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    self->skel = henb_gdbus_radio_skeleton_new ();
    self->open_sessions = g_ptr_array_new ();
}

HenbRadio *
henb_radio_new (const HenbServices *services, HenbAgent *agent, HenbRadioBackend *backend)
{
    HenbRadio *self = g_object_new (HENB_TYPE_RADIO, NULL);
    g_autoptr(GHashTable) record = henb_store_dup_record (services->store, RADIO_RECORD);
    const gchar *key = record != NULL ? g_hash_table_lookup (record, "ConfigurationKey") : NULL;
    g_autoptr(GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(GVariant) configuration = NULL;

    self->svc = services;
    self->agent = g_object_ref (agent);
    self->backend = backend != NULL ? g_object_ref (backend) : NULL;
    self->admin_state_name = g_strdup (HENB_DM_FAP_LTE_ADMIN_STATE);
    /* what the state file holds is what the last session applied */
    configuration = collect (self, HENB_DM_FLAG_CELL_CONFIG, table);
    self->applied = g_hash_table_ref (table);
    self->applied_generation = henb_data_model_get_generation (services->dm);
    henb_gdbus_radio_set_configuration (self->skel, configuration);
    henb_gdbus_radio_set_configuration_key (self->skel, key != NULL && g_utf8_validate (key, -1, NULL) ? key : "");
    henb_gdbus_radio_set_admin_state (self->skel,
                                      henb_data_model_get_boolean (services->dm, self->admin_state_name));
    henb_gdbus_radio_set_backend (self->skel, backend != NULL ? henb_plugin_get_name (HENB_PLUGIN (backend)) : "");
    henb_radio_update_status (self);

    g_signal_connect (services->dm, "parameters-changed", G_CALLBACK (on_parameters_changed), self);
    g_signal_connect (agent, "session-started", G_CALLBACK (on_session_started), self);
    g_signal_connect (self->skel, "handle-report-status", G_CALLBACK (handle_report_status), self);
    if (self->backend != NULL) {
        /* the radio stack starts from what is stored, as after the session that set it */
        henb_radio_backend_apply_configuration (self->backend,
                                                henb_gdbus_radio_get_configuration_key (self->skel), table);
        henb_radio_backend_admin_state_changed (self->backend, henb_gdbus_radio_get_admin_state (self->skel));
    }
    return self;
}

gboolean
henb_radio_export (HenbRadio *self, GDBusConnection *connection, GError **error)
{
    return g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->skel), connection, HENB_DBUS_PATH,
                                             error);
}
