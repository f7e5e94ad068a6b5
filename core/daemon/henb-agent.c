/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "henb-agent.h"
#include "henb-cr-transport.h"
#include "henb-main-context.h"
#include "henb-resolved-address.h"
#include "henb-download-dir.h"
#include "henb-errors.h"
#include "henb-hems-connection.h"
#include "henb-hems-versions.h"
#include "henb-retry.h"
#include "henb-transport.h"

/* How often notified parameters are compared with what the HeMS last saw. */
#define VALUE_CHANGE_POLL_S 2
#define TRANSFER_RECORD     "transfer"
/* the file of a Download without TargetFileName: one transfer at a time, one name */
#define DOWNLOAD_FILE_NAME  "download"
/* beyond twice the state file (it is rewritten through a copy), room for it to grow */
#define STATE_RESERVE_SLACK (1024 * 1024)

/* A Download the HeMS asked for: waiting to run, or done with its TransferComplete due. */
typedef enum {
    TRANSFER_NONE,
    TRANSFER_WAITING,
    TRANSFER_RUNNING,
    TRANSFER_DONE,
} TransferState;

typedef struct {
    TransferState state;
    gchar        *command_key;
    gchar        *file_type;
    gchar        *url;
    gchar        *username;
    gchar        *password;
    guint         file_size;
    gchar        *target;
    guint         delay;
    gchar        *start_time;
    gchar        *complete_time;
    guint         fault_code;
    gchar        *fault_string;
} Transfer;

typedef struct {
    HenbAgent *agent;
    guint      source;
    gchar     *command_key;
} ScheduledInform;

struct _HenbAgent {
    GObject             parent_instance;
    const HenbServices *svc;
    GRand              *rand;

    gboolean            running;           /* registered: the agent opens sessions */
    HenbTunnel         *tunnel;
    gchar              *registered_url;    /* what registration used: a change means re-register */
    gchar              *registered_segw;
    GStrv               registered_s1;     /* the S1 values handed off: a change hands off again */

    /* sessions */
    guint               retry_count;       /* n of the retry policy: failures in a row */
    /* TR-069 RetryCount of the next Inform: attempts since the last completed session. A
     * session that completed resets it, even when the procedure around it failed. */
    guint               failed_attempts;
    gboolean            attempt_open;      /* an attempt began and has not completed a session */
    GPtrArray          *retry_causes;      /* numbered events of the session a retry repeats */
    guint               session_timer;     /* the planned session: a retry wait */
    gint64              next_session;      /* wall clock, µs; 0: nothing planned */
    gboolean            session_wanted;
    gboolean            in_session;
    GCancellable       *cancellable;
    HenbCwmpVersion     version;           /* the one the Serving HeMS accepted last */
    gboolean            version_known;
    guint               session_count;
    gchar              *last_result;
    gint64              last_session_time;

    guint               periodic_timer;
    guint               poll_timer;
    GList              *scheduled;         /* ScheduledInform */
    GPtrArray          *cr_transports;     /* HenbCrTransport, one per plugin; NULL: not made yet */
    GInetAddress       *cr_address;        /* the management address they were last given */
    gint64              cr_last_accepted;  /* the rate limit all of them share */

    /* asked for in a session, carried out after it */
    gboolean            reboot_wanted;
    gboolean            factory_reset_wanted;
    Transfer            transfer;
    guint               transfer_timer;
    guint               transfer_generation;
    gboolean            retry_requested;   /* the HeMS answered a request of ours with 8005 */
};

static void session_policy_iface_init (HenbSessionPolicyInterface *iface);

G_DEFINE_TYPE_WITH_CODE (HenbAgent, henb_agent, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (HENB_TYPE_SESSION_POLICY, session_policy_iface_init))

enum {
    SIGNAL_REBOOT,
    SIGNAL_FACTORY_RESET,
    SIGNAL_REREGISTER,
    SIGNAL_S1_CHANGED,
    SIGNAL_CHANGED,
    SIGNAL_SESSION_STARTED,
    N_SIGNALS
};
static guint signals[N_SIGNALS];

static void maybe_start_session (HenbAgent *self);
static void carry_out_requests (HenbAgent *self);

static void
emit_changed (HenbAgent *self)
{
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* ------------------------------------------------------------------------------------------ */
/* The pending transfer, kept in the state file */

static void
transfer_clear (Transfer *t)
{
    g_free (t->command_key);
    g_free (t->file_type);
    g_free (t->url);
    g_free (t->username);
    g_free (t->password);
    g_free (t->target);
    g_free (t->start_time);
    g_free (t->complete_time);
    g_free (t->fault_string);
    memset (t, 0, sizeof *t);
}

static void
transfer_save (HenbAgent *self)
{
    Transfer *t = &self->transfer;
    g_autoptr(GHashTable) f = NULL;
    g_autoptr(GError) error = NULL;

    if (t->state != TRANSFER_NONE) {
        f = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
        /* a transfer cut short by a restart runs again */
        g_hash_table_insert (f, "State", g_strdup (t->state == TRANSFER_DONE ? "done" : "waiting"));
        g_hash_table_insert (f, "CommandKey", g_strdup (t->command_key));
        g_hash_table_insert (f, "FileType", g_strdup (t->file_type));
        g_hash_table_insert (f, "URL", g_strdup (t->url));
        g_hash_table_insert (f, "Username", g_strdup (t->username));
        g_hash_table_insert (f, "Password", g_strdup (t->password));
        g_hash_table_insert (f, "FileSize", g_strdup_printf ("%u", t->file_size));
        g_hash_table_insert (f, "TargetFileName", g_strdup (t->target));
        g_hash_table_insert (f, "DelaySeconds", g_strdup_printf ("%u", t->delay));
        g_hash_table_insert (f, "StartTime", g_strdup (t->start_time != NULL ? t->start_time : HENB_CWMP_UNKNOWN_TIME));
        g_hash_table_insert (f, "CompleteTime",
                             g_strdup (t->complete_time != NULL ? t->complete_time : HENB_CWMP_UNKNOWN_TIME));
        g_hash_table_insert (f, "FaultCode", g_strdup_printf ("%u", t->fault_code));
        g_hash_table_insert (f, "FaultString", g_strdup (t->fault_string != NULL ? t->fault_string : ""));
    }
    henb_store_set_record (self->svc->store, TRANSFER_RECORD, f);
    /* the store logs a failed write once and retries it */
    if (!henb_store_save (self->svc->store, &error))
        g_debug ("the transfer state is not saved: %s", error->message);
}

static guint
field_uint (GHashTable *f, const gchar *key)
{
    const gchar *v = g_hash_table_lookup (f, key);
    guint64 n = 0;

    if (v != NULL)
        g_ascii_string_to_unsigned (v, 10, 0, G_MAXUINT32, &n, NULL);
    return (guint) n;
}

static gchar *
field (GHashTable *f, const gchar *key)
{
    const gchar *v = g_hash_table_lookup (f, key);

    return g_strdup (v != NULL ? v : "");
}

static void
transfer_load (HenbAgent *self)
{
    g_autoptr(GHashTable) f = henb_store_dup_record (self->svc->store, TRANSFER_RECORD);
    Transfer *t = &self->transfer;

    transfer_clear (t);
    if (f == NULL)
        return;
    t->state = g_strcmp0 (g_hash_table_lookup (f, "State"), "done") == 0 ? TRANSFER_DONE : TRANSFER_WAITING;
    t->command_key = field (f, "CommandKey");
    t->file_type = field (f, "FileType");
    t->url = field (f, "URL");
    t->username = field (f, "Username");
    t->password = field (f, "Password");
    t->file_size = field_uint (f, "FileSize");
    t->target = field (f, "TargetFileName");
    t->delay = field_uint (f, "DelaySeconds");
    t->start_time = field (f, "StartTime");
    t->complete_time = field (f, "CompleteTime");
    t->fault_code = field_uint (f, "FaultCode");
    t->fault_string = field (f, "FaultString");
}

/* The transfer's file in the download folder: its TargetFileName, checked when the Download
 * came, else henbd's own name; never anything of the CommandKey. */
static const gchar *
transfer_file_name (const Transfer *t)
{
    /* a state file from before names were checked may hold anything */
    if (t->target != NULL && t->target[0] != '\0' && henb_safe_name_check (t->target, -1, NULL))
        return t->target;
    return DOWNLOAD_FILE_NAME;
}

static HenbDownloadDir *
download_dir_open (HenbAgent *self, gboolean create, GError **error)
{
    g_autofree gchar *state_dir = g_path_get_dirname (henb_store_get_path (self->svc->store));

    return henb_download_dir_open (self->svc->config->download_dir, state_dir, create, error);
}

/* What one download may take: [Device] DownloadMaxSize, less when the free space is short. */
static guint64
download_room (HenbAgent *self, HenbDownloadDir *dir, GError **error)
{
    GStatBuf st;
    guint64 state_size = g_stat (henb_store_get_path (self->svc->store), &st) == 0 ? (guint64) st.st_size : 0;

    return henb_download_dir_room (dir, self->svc->config->download_max_size, 2 * state_size + STATE_RESERVE_SLACK,
                                   error);
}

/* The transfer's file is applied or reported (or abandoned): it goes, with any leftovers. */
static void
transfer_remove_file (HenbAgent *self)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbDownloadDir) dir = download_dir_open (self, FALSE, &error);
    const gchar *name = transfer_file_name (&self->transfer);

    if (dir == NULL) {
        /* no folder: no download ever came, nothing to tidy */
        if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
            g_warning ("downloads are not tidied up: %s", error->message);
        return;
    }
    henb_safe_dir_remove_temporaries (henb_download_dir_get_fd (dir));
    if (self->transfer.state == TRANSFER_NONE)
        return;
    if (!henb_safe_unlinkat (henb_download_dir_get_fd (dir), name, &error))
        g_warning ("the download %s stays: %s", name, error->message);
    else
        g_debug ("download folder %s: %s removed", henb_download_dir_get_path (dir), name);
}

/* ------------------------------------------------------------------------------------------ */
/* What the HeMS asks of the device */

static gboolean
save_or_fault (HenbAgent *self, HenbCwmpFault **out_fault)
{
    g_autoptr(GError) error = NULL;

    if (henb_store_save (self->svc->store, &error))
        return TRUE;
    *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_INTERNAL_ERROR, error->message);
    return FALSE;
}

/*
 * The HeMS's requests that end in an "M" event (Reboot, ScheduleInform) are refused with 9004
 * once that many are pending, queued or scheduled: everything queued must fit one Inform
 * (HENB_STORE_MAX_COMMAND_EVENTS), and one place stays for the M Download of the one transfer
 * henbd runs at a time.
 */
#define MAX_REQUESTED_EVENTS (HENB_STORE_MAX_COMMAND_EVENTS - 1)

static gboolean
room_for_requested_event (HenbAgent *self, const gchar *what, HenbCwmpFault **out_fault)
{
    guint pending = henb_store_count_command_events (self->svc->store) + g_list_length (self->scheduled);
    g_autofree gchar *text = NULL;

    if (pending < MAX_REQUESTED_EVENTS)
        return TRUE;
    text = g_strdup_printf ("Resources exceeded: %u Informs with a command key are pending already, "
                            "no %s is taken before they are delivered", pending, what);
    *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_RESOURCES_EXCEEDED, text);
    return FALSE;
}

static gboolean
action_reboot (const gchar *command_key, gpointer user_data, HenbCwmpFault **out_fault)
{
    HenbAgent *self = user_data;

    if (!room_for_requested_event (self, "Reboot", out_fault))
        return FALSE;
    /* durable before the response: the next Inform says why the HeNB rebooted */
    henb_store_queue_event (self->svc->store, "M Reboot", command_key);
    if (!save_or_fault (self, out_fault))
        return FALSE;
    g_message ("the HeMS asked for a reboot (CommandKey '%s'): after this session", command_key);
    self->reboot_wanted = TRUE;
    return TRUE;
}

static gboolean
action_factory_reset (gpointer user_data, HenbCwmpFault **out_fault)
{
    HenbAgent *self = user_data;

    g_message ("the HeMS asked for a factory reset: after this session");
    self->factory_reset_wanted = TRUE;
    return TRUE;
}

static void
scheduled_inform_free (ScheduledInform *s)
{
    g_clear_handle_id (&s->source, henb_source_remove);
    g_free (s->command_key);
    g_free (s);
}

/* Scheduled Informs not due yet are dropped (they are not persisted) */
static void
scheduled_informs_clear (HenbAgent *self)
{
    g_list_free_full (g_steal_pointer (&self->scheduled), (GDestroyNotify) scheduled_inform_free);
}

static gboolean
scheduled_inform_due (gpointer user_data)
{
    ScheduledInform *s = user_data;
    HenbAgent *self = s->agent;

    s->source = 0;
    self->scheduled = g_list_remove (self->scheduled, s);
    henb_store_queue_event (self->svc->store, "3 SCHEDULED", NULL);
    henb_store_queue_event (self->svc->store, "M ScheduleInform", s->command_key);
    scheduled_inform_free (s);
    self->session_wanted = TRUE;
    maybe_start_session (self);
    return G_SOURCE_REMOVE;
}

static gboolean
action_schedule_inform (guint delay, const gchar *command_key, gpointer user_data, HenbCwmpFault **out_fault)
{
    HenbAgent *self = user_data;
    ScheduledInform *s;

    /* TR-069 A.4.1.4: DelaySeconds of 0 is not allowed */
    if (delay == 0) {
        *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_INVALID_ARGUMENTS,
                                          "Invalid arguments: DelaySeconds must be greater than 0");
        return FALSE;
    }
    /* each one becomes an "M ScheduleInform" of the next Inform, which carries 64 events at most */
    if (!room_for_requested_event (self, "ScheduleInform", out_fault))
        return FALSE;
    s = g_new0 (ScheduledInform, 1);
    s->agent = self;
    s->command_key = g_strdup (command_key);
    s->source = henb_timeout_add_seconds (delay, scheduled_inform_due, s);
    self->scheduled = g_list_append (self->scheduled, s);
    g_message ("ScheduleInform in %u s (CommandKey '%s')", delay, command_key);
    return TRUE;
}

static gboolean
supported_file_type (const gchar *file_type)
{
    return g_str_equal (file_type, "1 Firmware Upgrade Image") ||
           g_str_equal (file_type, "3 Vendor Configuration File");
}

static gboolean
action_download (const HenbCwmpMessage *request, HenbCwmpMessage *response, gpointer user_data,
                 HenbCwmpFault **out_fault)
{
    HenbAgent *self = user_data;
    const HenbCwmpDownload *d = &request->download;
    g_autoptr(GUri) uri = g_uri_parse (d->url, G_URI_FLAGS_NONE, NULL);
    const gchar *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
    Transfer *t = &self->transfer;
    g_autoptr(HenbDownloadDir) dir = NULL;
    g_autoptr(GError) error = NULL;
    guint64 room;

    if (!supported_file_type (d->file_type)) {
        g_autofree gchar *text = g_strdup_printf ("Invalid arguments: FileType '%s' is not supported", d->file_type);
        *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_INVALID_ARGUMENTS, text);
        return FALSE;
    }
    /* the name becomes a file: it must be one name in the download folder, nothing else */
    if (d->target_file_name != NULL && d->target_file_name[0] != '\0' &&
        !henb_safe_name_check (d->target_file_name, -1, &error)) {
        g_autofree gchar *head = g_strndup (d->target_file_name, 64);
        g_autofree gchar *shown = g_strescape (head, NULL);
        g_autofree gchar *text = g_strdup_printf ("Invalid arguments: TargetFileName '%s%s' %s", shown,
                                                  strlen (d->target_file_name) > 64 ? "..." : "", error->message);
        *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_INVALID_ARGUMENTS, text);
        return FALSE;
    }
    if (scheme == NULL || (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)) {
        g_autofree gchar *text = g_strdup_printf ("Unsupported protocol for file transfer: %s", d->url);
        *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_UNSUPPORTED_PROTOCOL, text);
        return FALSE;
    }
    dir = download_dir_open (self, TRUE, &error);
    room = dir != NULL ? download_room (self, dir, &error) : 0;
    if (error != NULL) {
        g_autofree gchar *text = g_strdup_printf ("Internal error: no folder for downloads: %s", error->message);
        *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_INTERNAL_ERROR, text);
        return FALSE;
    }
    if ((guint64) d->file_size > room || room == 0) {
        g_autofree gchar *text = g_strdup_printf (
            "Resources exceeded: FileSize %u bytes, but a download may take %" G_GUINT64_FORMAT " bytes here "
            "(DownloadMaxSize %" G_GUINT64_FORMAT ", less when the free space is short)",
            d->file_size, room, self->svc->config->download_max_size);
        *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_RESOURCES_EXCEEDED, text);
        return FALSE;
    }
    if (t->state != TRANSFER_NONE) {
        *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_RESOURCES_EXCEEDED,
                                          "Resources exceeded: a transfer is already pending");
        return FALSE;
    }
    t->state = TRANSFER_WAITING;
    t->command_key = g_strdup (request->command_key);
    t->file_type = g_strdup (d->file_type);
    t->url = g_strdup (d->url);
    t->username = g_strdup (d->username);
    t->password = g_strdup (d->password);
    t->file_size = d->file_size;
    t->target = g_strdup (d->target_file_name);
    t->delay = d->delay_seconds;
    transfer_save (self);
    g_message ("Download of %s (%s) accepted: after this session, in %u s", d->url, d->file_type, d->delay_seconds);
    /* 1: the transfer runs later and TransferComplete reports it */
    response->status = 1;
    response->start_time = g_strdup (HENB_CWMP_UNKNOWN_TIME);
    response->complete_time = g_strdup (HENB_CWMP_UNKNOWN_TIME);
    return TRUE;
}

static const HenbCwmpRpcActions agent_actions = {
    .reboot = action_reboot,
    .factory_reset = action_factory_reset,
    .schedule_inform = action_schedule_inform,
    .download = action_download,
};

/*
 * The Initial HeMS during discovery (5.1.2.2, 5.1.2.3) is reached before anything is known
 * about it: it may read the data model and set values (the Serving HeMS and SeGW among them),
 * nothing else. Everything else is the Serving HeMS's.
 */
static const HenbCwmpMethod discovery_methods[] = {
    HENB_CWMP_METHOD_GET_RPC_METHODS,
    HENB_CWMP_METHOD_GET_PARAMETER_NAMES,
    HENB_CWMP_METHOD_GET_PARAMETER_VALUES,
    HENB_CWMP_METHOD_GET_PARAMETER_ATTRIBUTES,
    HENB_CWMP_METHOD_SET_PARAMETER_VALUES,
};

static gboolean
discovery_permits (HenbCwmpMethod method, gpointer user_data, gchar **out_reason)
{
    for (guint i = 0; i < G_N_ELEMENTS (discovery_methods); i++) {
        if (discovery_methods[i] == method)
            return TRUE;
    }
    *out_reason = g_strdup ("is not allowed during discovery: the Initial HeMS may use only GetRPCMethods, "
                            "GetParameterNames, GetParameterValues, GetParameterAttributes and SetParameterValues");
    return FALSE;
}

static const HenbCwmpRpcActions discovery_actions = {
    .permitted = discovery_permits,
};

/* ------------------------------------------------------------------------------------------ */
/* Running a transfer */

static gchar *
now_iso8601 (void)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

static guint
fault_for_download_error (const GError *error)
{
    if (g_error_matches (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_AUTH_FAILED))
        return HENB_CWMP_FAULT_FILE_SERVER_AUTH;
    if (g_error_matches (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_HTTP_STATUS))
        return HENB_CWMP_FAULT_FILE_ACCESS;
    if (g_error_matches (error, HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_CONNECTION_LOST) ||
        g_error_matches (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_TOO_LARGE))
        return HENB_CWMP_FAULT_DOWNLOAD_INCOMPLETE;
    if (error->domain == HENB_NETWORK_ERROR || error->domain == HENB_SECURITY_ERROR)
        return HENB_CWMP_FAULT_FILE_SERVER_UNREACHABLE;
    return HENB_CWMP_FAULT_DOWNLOAD_FAILURE;
}

static void
transfer_finished (HenbAgent *self, guint fault_code, const gchar *fault_string)
{
    Transfer *t = &self->transfer;
    gboolean firmware = g_str_equal (t->file_type, "1 Firmware Upgrade Image");

    t->state = TRANSFER_DONE;
    g_free (t->complete_time);
    t->complete_time = now_iso8601 ();
    t->fault_code = fault_code;
    g_free (t->fault_string);
    t->fault_string = g_strdup (fault_string != NULL ? fault_string : "");
    henb_store_queue_event (self->svc->store, "7 TRANSFER COMPLETE", NULL);
    henb_store_queue_event (self->svc->store, "M Download", t->command_key);
    transfer_save (self);
    if (fault_code != 0) {
        g_message ("Download '%s' failed: %u %s", t->command_key, fault_code, fault_string);
    } else if (firmware) {
        /* a new firmware takes effect with a reboot; TransferComplete goes out after it */
        g_message ("Download '%s' installed: rebooting into it", t->command_key);
        self->reboot_wanted = TRUE;
        carry_out_requests (self);
        return;
    } else {
        g_message ("Download '%s' done", t->command_key);
    }
    self->session_wanted = TRUE;
    maybe_start_session (self);
}

/* One download under way: where it goes, until the transport is done with it. */
typedef struct {
    HenbAgent       *agent;
    guint            generation;      /* which start of the transfer this is */
    HenbDownloadDir *dir;
    HenbSafeFile    *file;
} Fetch;

static void
fetch_free (Fetch *f)
{
    /* a file never committed leaves nothing behind */
    g_clear_pointer (&f->file, henb_safe_file_free);
    g_clear_pointer (&f->dir, henb_download_dir_free);
    g_object_unref (f->agent);
    g_free (f);
}

static void
apply_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(HenbAgent) self = user_data;
    g_autoptr(GError) error = NULL;
    gboolean applied = g_subprocess_wait_check_finish (G_SUBPROCESS (source), res, &error);

    /* installed or not, the file has served its purpose */
    transfer_remove_file (self);
    if (!applied) {
        g_autofree gchar *text = g_strdup_printf ("Download failure: installing the file failed (%s)", error->message);
        transfer_finished (self, HENB_CWMP_FAULT_DOWNLOAD_FAILURE, text);
        return;
    }
    transfer_finished (self, 0, NULL);
}

static void
downloaded (GObject *source, GAsyncResult *res, gpointer user_data)
{
    Fetch *f = user_data;
    g_autoptr(HenbAgent) self = g_object_ref (f->agent);
    g_autoptr(GError) error = NULL;
    goffset size = henb_transport_factory_download_finish (HENB_TRANSPORT_FACTORY (source), res, &error);
    const gchar *name = transfer_file_name (&self->transfer);
    g_autofree gchar *path = g_build_filename (henb_download_dir_get_path (f->dir), name, NULL);
    g_autoptr(GSubprocess) proc = NULL;
    const gchar *apply = self->svc->config->apply_command;
    gboolean stored;

    /* a factory reset came first, or a stop and another start: this one is nobody's business */
    if (self->transfer.state != TRANSFER_RUNNING || f->generation != self->transfer_generation) {
        fetch_free (f);
        return;
    }
    if (size < 0) {
        gboolean too_large = g_error_matches (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_TOO_LARGE);
        /* more than the FileSize the HeMS announced: not the file it meant */
        guint code = too_large && self->transfer.file_size != 0 ? HENB_CWMP_FAULT_FILE_CORRUPTED
                                                                 : fault_for_download_error (error);
        g_autofree gchar *text = g_strdup_printf ("%s: %s%s", henb_cwmp_fault_code_to_string (code), error->message,
                                                  too_large && self->transfer.file_size == 0
                                                      ? " (the most a download may take here)" : "");

        fetch_free (f);
        transfer_finished (self, code, text);
        return;
    }
    if (self->transfer.file_size != 0 && (guint64) size != self->transfer.file_size) {
        g_autofree gchar *text = g_strdup_printf ("File corrupted: %" G_GOFFSET_FORMAT " bytes, FileSize said %u",
                                                  size, self->transfer.file_size);
        fetch_free (f);
        transfer_finished (self, HENB_CWMP_FAULT_FILE_CORRUPTED, text);
        return;
    }
    stored = henb_safe_file_commit (f->file, &error);
    fetch_free (f);
    if (!stored) {
        g_autofree gchar *text = g_strdup_printf ("Download failure: %s", error->message);
        transfer_finished (self, HENB_CWMP_FAULT_DOWNLOAD_FAILURE, text);
        return;
    }
    g_message ("Download '%s': %" G_GOFFSET_FORMAT " bytes in %s", self->transfer.command_key, size, path);
    /* without ApplyCommand the file stays until its TransferComplete is delivered */
    if (apply == NULL) {
        transfer_finished (self, 0, NULL);
        return;
    }
    proc = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, apply, path, self->transfer.file_type, NULL);
    if (proc == NULL) {
        g_autofree gchar *text = g_strdup_printf ("Download failure: %s", error->message);
        transfer_remove_file (self);
        transfer_finished (self, HENB_CWMP_FAULT_DOWNLOAD_FAILURE, text);
        return;
    }
    g_subprocess_wait_check_async (proc, NULL, apply_done, g_object_ref (self));
}

/* Where the transfer's body goes: a fresh file in the download folder, and how much it may take. */
static Fetch *
fetch_new (HenbAgent *self, goffset *out_max_size, GError **error)
{
    Transfer *t = &self->transfer;
    Fetch *f = g_new0 (Fetch, 1);
    g_autoptr(GError) error_local = NULL;
    guint64 room;
    gint fd;

    f->agent = g_object_ref (self);
    f->generation = ++self->transfer_generation;
    f->dir = download_dir_open (self, TRUE, error);
    if (f->dir == NULL) {
        fetch_free (f);
        return NULL;
    }
    /* one transfer at a time: whatever an earlier one left is stale */
    fd = henb_download_dir_get_fd (f->dir);
    henb_safe_dir_remove_temporaries (fd);
    if (!henb_safe_unlinkat (fd, transfer_file_name (t), &error_local))
        g_warning ("%s", error_local->message);
    room = download_room (self, f->dir, error);
    if (room == 0 || (guint64) t->file_size > room) {
        if (error != NULL && *error == NULL)
            g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                         "no room for %u bytes in %s: a download may take %" G_GUINT64_FORMAT " bytes now",
                         t->file_size, henb_download_dir_get_path (f->dir), room);
        fetch_free (f);
        return NULL;
    }
    f->file = henb_safe_file_create (fd, transfer_file_name (t), error);
    if (f->file == NULL) {
        fetch_free (f);
        return NULL;
    }
    /* FileSize 0 means unknown: the bound is what the folder may take */
    *out_max_size = t->file_size > 0 ? (goffset) t->file_size : (goffset) MIN (room, (guint64) G_MAXINT64);
    return f;
}

static gboolean
transfer_start (gpointer user_data)
{
    HenbAgent *self = user_data;
    const HenbServices *svc = self->svc;
    Transfer *t = &self->transfer;
    HenbDownloadOptions options = { 0 };
    g_autoptr(HenbTlsContext) tls = NULL;
    g_autoptr(GSocketConnectable) remote = NULL;
    g_autoptr(GError) error = NULL;
    HenbPlugin *factory;
    Fetch *f = NULL;

    self->transfer_timer = 0;
    factory = henb_plugin_manager_find (svc->plugins, HENB_TYPE_TRANSPORT_FACTORY, svc->config->transport, &error);
    if (factory != NULL && g_str_has_prefix (t->url, "https"))
        tls = henb_device_tls_context_new (svc, &error);
    if (factory != NULL && (!g_str_has_prefix (t->url, "https") || tls != NULL))
        f = fetch_new (self, &options.max_size, &error);
    if (f == NULL) {
        g_autofree gchar *text = g_strdup_printf ("Download failure: %s", error->message);
        transfer_finished (self, HENB_CWMP_FAULT_DOWNLOAD_FAILURE, text);
        return G_SOURCE_REMOVE;
    }
    t->state = TRANSFER_RUNNING;
    g_free (t->start_time);
    t->start_time = now_iso8601 ();
    options.url = t->url;
    options.tls = tls;
    options.username = t->username[0] != '\0' ? t->username : NULL;
    options.password = t->password;
    options.connect_timeout = svc->config->connect_timeout;
    options.timeout = svc->config->download_timeout;
    options.user_agent = "henbd/" PACKAGE_VERSION;
    if (svc->resolver != NULL)
        remote = henb_resolved_address_new_for_url (G_RESOLVER (svc->resolver), t->url);
    options.remote = remote;
    g_message ("Download '%s': fetching %s (at most %" G_GOFFSET_FORMAT " bytes)", t->command_key, t->url,
               options.max_size);
    henb_transport_factory_download_async (HENB_TRANSPORT_FACTORY (factory), &options,
                                           henb_safe_file_get_stream (f->file), NULL, downloaded, f);
    return G_SOURCE_REMOVE;
}

static void
transfer_complete_answered (const HenbCwmpMessage *request, guint fault_code, gpointer user_data)
{
    HenbAgent *self = user_data;

    /* 8005: the HeMS wants it again later, on the retry schedule; any other answer ends the matter */
    if (fault_code == HENB_CWMP_FAULT_ACS_RETRY_REQUEST) {
        self->retry_requested = TRUE;
        return;
    }
    if (self->transfer.state == TRANSFER_DONE &&
        g_strcmp0 (self->transfer.command_key, request->command_key) == 0) {
        /* reported: the file has nothing left to do */
        transfer_remove_file (self);
        transfer_clear (&self->transfer);
        transfer_save (self);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Sessions */

/* The "http" transport's URL: ManagementServer.ConnectionRequestURL. */
static const gchar *
cr_url (HenbAgent *self)
{
    for (guint i = 0; self->cr_transports != NULL && i < self->cr_transports->len; i++) {
        HenbCrTransport *transport = self->cr_transports->pdata[i];

        if (g_str_equal (henb_cr_transport_get_name (transport), "http") &&
            henb_cr_transport_get_state (transport) == HENB_CR_TRANSPORT_STATE_ACTIVE)
            return henb_cr_transport_get_detail (transport);
    }
    return NULL;
}

static gchar *
get_cr_url (const gchar *name, gpointer user_data)
{
    const gchar *url = cr_url (user_data);

    return g_strdup (url != NULL ? url : "");
}

static void
on_connection_request (HenbCrTransport *transport, HenbAgent *self)
{
    g_message ("Connection Request accepted (%s)", henb_cr_transport_get_name (transport));
    henb_agent_request_session (self, "6 CONNECTION REQUEST", NULL);
}

/* A transport wrote its status parameters (a new NAT mapping, a JID): the HeMS may want them. */
static void
on_cr_values_changed (HenbCrTransport *transport, HenbAgent *self)
{
    if (henb_data_model_check_value_changes (self->svc->dm))
        henb_agent_request_session (self, NULL, NULL);
}

static void
set_cr_busy (HenbAgent *self, gboolean busy)
{
    for (guint i = 0; self->cr_transports != NULL && i < self->cr_transports->len; i++)
        henb_cr_transport_set_busy (self->cr_transports->pdata[i], busy);
}

/* The address this host would use toward @remote: the management address without a tunnel. */
static GInetAddress *
local_address_toward (GInetAddress *remote)
{
    g_autoptr(GSocket) socket = g_socket_new (g_inet_address_get_family (remote), G_SOCKET_TYPE_DATAGRAM,
                                              G_SOCKET_PROTOCOL_UDP, NULL);
    g_autoptr(GSocketAddress) peer = g_inet_socket_address_new (remote, 9);
    g_autoptr(GSocketAddress) local = NULL;

    /* connecting a UDP socket only picks the route: nothing is sent */
    if (socket == NULL || !g_socket_connect (socket, peer, NULL, NULL))
        return NULL;
    local = g_socket_get_local_address (socket, NULL);
    return local != NULL ? g_object_ref (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local))) : NULL;
}

static GInetAddress *
management_address (HenbAgent *self, HenbTunnel *tunnel, const gchar *url)
{
    g_autoptr(GUri) uri = NULL;
    g_autolist (GInetAddress) addresses = NULL;

    if (tunnel != NULL && henb_tunnel_get_inner_address (tunnel) != NULL)
        return g_inet_address_new_from_string (henb_tunnel_get_inner_address (tunnel));
    if (self->svc->config->cr_address != NULL)
        return g_inet_address_new_from_string (self->svc->config->cr_address);
    uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
    if (uri == NULL || g_uri_get_host (uri) == NULL)
        return NULL;
    if (g_hostname_is_ip_address (g_uri_get_host (uri))) {
        g_autoptr(GInetAddress) hems = g_inet_address_new_from_string (g_uri_get_host (uri));
        return local_address_toward (hems);
    }
    /* registration pinned the HeMS address: this lookup asks nobody */
    addresses = g_resolver_lookup_by_name (self->svc->resolver != NULL ? G_RESOLVER (self->svc->resolver) : NULL,
                                           g_uri_get_host (uri), NULL, NULL);
    return addresses != NULL ? local_address_toward (addresses->data) : NULL;
}

/* One transport per plugin that provides one; a plugin that fails is left out, with a warning. */
static void
create_cr_transports (HenbAgent *self)
{
    g_autoptr(GPtrArray) factories = NULL;

    if (self->cr_transports != NULL)
        return;
    self->cr_transports = g_ptr_array_new_with_free_func (g_object_unref);
    /* a fleet HeNB without Connection Requests ([ConnectionRequest] Enabled=false) has none */
    if (!self->svc->config->cr_enabled)
        return;
    factories = henb_plugin_manager_find_all (self->svc->plugins, HENB_TYPE_CR_TRANSPORT_FACTORY);
    for (guint i = 0; i < factories->len; i++) {
        g_autoptr(GError) error = NULL;
        HenbCrTransport *transport = henb_cr_transport_factory_create (factories->pdata[i], self->svc, &error);

        if (transport == NULL) {
            g_warning ("plugin %s: no Connection Request transport: %s",
                       henb_plugin_get_name (factories->pdata[i]), error->message);
            continue;
        }
        henb_cr_transport_set_min_interval (transport, self->svc->config->cr_min_interval);
        henb_cr_transport_share_last_accepted (transport, &self->cr_last_accepted);
        henb_cr_transport_set_busy (transport, self->in_session);
        g_signal_connect (transport, "requested", G_CALLBACK (on_connection_request), self);
        g_signal_connect (transport, "values-changed", G_CALLBACK (on_cr_values_changed), self);
        /* state, detail, counters, mapping: the bus shows them */
        g_signal_connect_swapped (transport, "notify", G_CALLBACK (emit_changed), self);
        g_debug ("Connection Request transport %s from plugin %s", henb_cr_transport_get_name (transport),
                 henb_plugin_get_name (factories->pdata[i]));
        g_ptr_array_add (self->cr_transports, transport);
    }
}

static void
apply_cr_transports (HenbAgent *self)
{
    create_cr_transports (self);
    for (guint i = 0; i < self->cr_transports->len; i++)
        henb_cr_transport_apply (self->cr_transports->pdata[i], self->cr_address);
    emit_changed (self);
}

/* Hands every Connection Request transport the management address (and their parameters). */
static void
ensure_cr_transports (HenbAgent *self, HenbTunnel *tunnel, const gchar *url)
{
    g_autoptr(GInetAddress) address = management_address (self, tunnel, url);
    /* not known now: the transports keep the one they have */
    if (address != NULL)
        g_set_object (&self->cr_address, address);
    apply_cr_transports (self);
}

static void
henb_agent_prepare_session (HenbAgent *self, HenbCwmpSession *session, HenbHemsRole role)
{
    Transfer *t = &self->transfer;

    g_signal_emit (self, signals[SIGNAL_SESSION_STARTED], 0, session);
    if (role == HENB_HEMS_INITIAL) {
        /* and a TransferComplete is for the Serving HeMS: only it can have asked */
        henb_cwmp_session_set_actions (session, &discovery_actions, self);
        return;
    }
    henb_cwmp_session_set_actions (session, &agent_actions, self);
    if (t->state == TRANSFER_DONE) {
        HenbCwmpMessage *tc = henb_cwmp_message_new (HENB_CWMP_METHOD_TRANSFER_COMPLETE, HENB_CWMP_VERSION_1_2);

        tc->command_key = g_strdup (t->command_key);
        tc->transfer_fault_code = t->fault_code;
        tc->transfer_fault_string = g_strdup (t->fault_string);
        tc->start_time = g_strdup (t->start_time);
        tc->complete_time = g_strdup (t->complete_time);
        /* TR-069: these events come with every Inform until TransferComplete is delivered */
        henb_store_queue_event (self->svc->store, "7 TRANSFER COMPLETE", NULL);
        henb_store_queue_event (self->svc->store, "M Download", t->command_key);
        henb_cwmp_session_add_request (session, tc, transfer_complete_answered, self);
    }
}

static void
henb_agent_link_up (HenbAgent *self, HenbTunnel *tunnel, const gchar *url)
{
    ensure_cr_transports (self, tunnel, url);
}

guint
henb_agent_get_retry_count (HenbAgent *self)
{
    return self->retry_count;
}

static guint
henb_agent_get_inform_retry_count (HenbAgent *self)
{
    return self->failed_attempts;
}

static void
henb_agent_begin_attempt (HenbAgent *self)
{
    self->attempt_open = TRUE;
}

static void
henb_agent_session_completed (HenbAgent *self)
{
    self->attempt_open = FALSE;
    self->failed_attempts = 0;
}

typedef struct {
    HenbAgent         *agent;
    gchar             *url;
    gchar             *host;
    HenbTlsContext    *tls;
    HenbCwmpTransport *transport;
    HenbCwmpSession   *session;
    GPtrArray         *events;
    gboolean           value_change;  /* the Inform reports changed values */
    guint              timeout_id;
    gboolean           timed_out;
    GCancellable      *cancellable;
} Run;

static void
run_free (Run *r)
{
    if (r->timeout_id != 0)
        henb_source_remove (r->timeout_id);
    if (r->session != NULL)
        henb_cwmp_session_close (r->session);
    g_clear_object (&r->session);
    g_clear_object (&r->transport);
    g_clear_object (&r->tls);
    g_clear_pointer (&r->events, g_ptr_array_unref);
    g_clear_object (&r->cancellable);
    g_free (r->url);
    g_free (r->host);
    g_object_unref (r->agent);
    g_free (r);
}

static gboolean
session_timer_fired (gpointer user_data)
{
    HenbAgent *self = user_data;

    self->session_timer = 0;
    self->next_session = 0;
    /* a retry is due whether or not anything new happened */
    self->session_wanted = TRUE;
    emit_changed (self);
    maybe_start_session (self);
    return G_SOURCE_REMOVE;
}

/* The retry at @deadline (monotonic µs, from henb_agent_note_failure()). */
static void
plan_session (HenbAgent *self, gint64 deadline)
{
    g_clear_handle_id (&self->session_timer, henb_source_remove);
    self->session_timer = henb_timeout_add_deadline (deadline, session_timer_fired, self);
    emit_changed (self);
}

gint64
henb_agent_note_failure (HenbAgent *self, gint64 not_after)
{
    guint min_wait = henb_data_model_get_uint (self->svc->dm, HENB_DM_MS_RETRY_MIN_WAIT);
    guint multiplier = henb_data_model_get_uint (self->svc->dm, HENB_DM_MS_RETRY_MULTIPLIER);
    gint64 now = g_get_monotonic_time ();
    gint64 wait;

    if (self->retry_count < G_MAXUINT)
        self->retry_count++;
    /* a failure after a completed session (no S1 address, S1 set-up) was no failed attempt */
    if (self->attempt_open && self->failed_attempts < G_MAXUINT)
        self->failed_attempts++;
    self->attempt_open = FALSE;
    /* at most HENB_RETRY_WAIT_MAX_MS: neither the µs nor the sums below can overflow */
    wait = (gint64) henb_retry_wait_ms (self->retry_count, min_wait, multiplier, self->rand) * 1000;
    if (not_after < now + wait)
        wait = MAX (not_after - now, 0);
    /* the bus shows the wall clock; the timer runs on the monotonic one */
    self->next_session = g_get_real_time () + wait;
    g_message ("session retry %u in %.1f s (TR-069 retry policy, m=%u s, k=%.3f)", self->retry_count,
               wait / (gdouble) G_USEC_PER_SEC, min_wait, multiplier / 1000.0);
    emit_changed (self);
    return now + wait;
}

void
henb_agent_postpone_next_session (HenbAgent *self, gint64 deadline)
{
    self->next_session = g_get_real_time () + MAX (deadline - g_get_monotonic_time (), 0);
    emit_changed (self);
}

static void
session_done (HenbAgent *self, Run *r, GError *error)
{
    g_autoptr(GError) owned = error;
    g_autofree gchar *summary = NULL;

    if (r->timed_out) {
        /* our own deadline, not a cancellation: a failed session like any other */
        g_clear_error (&owned);
        owned = g_error_new (HENB_CORE_ERROR, HENB_CORE_ERROR_TIMEOUT, "the session with %s did not end within %u s",
                             r->url, self->svc->config->session_timeout);
    }
    /* the session may have changed their parameters; then what arrived during it */
    if (self->cr_transports != NULL)
        apply_cr_transports (self);
    set_cr_busy (self, FALSE);
    self->in_session = FALSE;
    self->session_count++;
    self->last_session_time = g_get_real_time ();
    g_free (self->last_result);
    if (owned == NULL) {
        self->last_result = g_strdup ("ok");
        self->retry_count = 0;
        henb_agent_session_completed (self);
        g_clear_pointer (&self->retry_causes, g_ptr_array_unref);
        if (self->retry_requested) {
            /* the HeMS refused what we asked in it (8005): as good as a failed attempt */
            self->retry_requested = FALSE;
            self->attempt_open = TRUE;
            plan_session (self, henb_agent_note_failure (self, G_MAXINT64));
        }
        self->version = henb_cwmp_session_get_version (r->session);
        self->version_known = TRUE;
        henb_hems_version_remember (self->svc->store, r->url, self->version);
        summary = henb_cwmp_session_describe (r->session);
        g_message ("session with %s done: %s", r->url, summary);
    } else if (g_error_matches (owned, HENB_CWMP_ERROR, HENB_CWMP_ERROR_UNSUPPORTED_VERSION)) {
        /* not a failure: the next Inform goes out in the HeMS's version, right away */
        self->version = henb_cwmp_session_get_fallback_version (r->session);
        self->version_known = TRUE;
        henb_hems_version_remember (self->svc->store, r->url, self->version);
        self->last_result = g_strdup (owned->message);
        g_message ("%s: trying again in %s", owned->message, henb_cwmp_version_namespace (self->version));
        self->session_wanted = TRUE;
    } else {
        self->last_result = g_strdup (owned->message);
        g_warning ("session with %s failed: %s", r->url, owned->message);
        if (self->running && !g_error_matches (owned, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            plan_session (self, henb_agent_note_failure (self, G_MAXINT64));
    }
    run_free (r);
    emit_changed (self);
    carry_out_requests (self);
    if (self->running)
        maybe_start_session (self);
}

static void
session_served (GObject *source, GAsyncResult *res, gpointer user_data)
{
    Run *r = user_data;
    HenbAgent *self = r->agent;
    GError *error = NULL;

    henb_cwmp_session_serve_finish (HENB_CWMP_SESSION (source), res, &error);
    session_done (self, r, error);
}

static void
session_informed (GObject *source, GAsyncResult *res, gpointer user_data)
{
    Run *r = user_data;
    HenbAgent *self = r->agent;
    g_autoptr(GError) error_save = NULL;
    GError *error = NULL;

    if (!henb_cwmp_session_inform_finish (HENB_CWMP_SESSION (source), res, &error)) {
        session_done (self, r, error);
        return;
    }
    /* the store logs a failed write once and retries it */
    if (!henb_store_retire_events (self->svc->store, r->events, &error_save))
        g_debug ("delivered events stay queued: %s", error_save->message);
    /* what a retry of this session says, should it fail now: its causes once more */
    g_clear_pointer (&self->retry_causes, g_ptr_array_unref);
    self->retry_causes = g_ptr_array_new_with_free_func (g_free);
    for (guint i = 0; i < r->events->len; i++) {
        const HenbCwmpEvent *ev = r->events->pdata[i];

        if (henb_cwmp_event_is_single (ev->code))
            g_ptr_array_add (self->retry_causes, g_strdup (ev->code));
    }
    if (r->value_change)
        g_ptr_array_add (self->retry_causes, g_strdup ("4 VALUE CHANGE"));
    henb_cwmp_session_serve_async (r->session, r->cancellable, session_served, r);
}

static void
trace_envelope (gboolean outgoing, const gchar *method, GBytes *envelope, gpointer user_data)
{
    henb_trace_envelope (HENB_TRACE (user_data), outgoing, method, envelope);
}

static void
session_connected (GObject *source, GAsyncResult *res, gpointer user_data)
{
    Run *r = user_data;
    HenbAgent *self = r->agent;
    g_autoptr(GPtrArray) changes = NULL;
    GError *error = NULL;

    if (!henb_cwmp_transport_connect_finish (HENB_CWMP_TRANSPORT (source), res, &error)) {
        session_done (self, r, error);
        return;
    }
    r->session = henb_cwmp_session_new (r->transport, self->svc->dm,
                                        henb_hems_version_lookup (self->svc->store, r->url, self->version));
    if (self->svc->trace != NULL)
        henb_cwmp_session_set_trace_func (r->session, trace_envelope, self->svc->trace);
    henb_agent_prepare_session (self, r->session, HENB_HEMS_SERVING);
    r->events = henb_store_dup_events (self->svc->store);
    /* No Inform without its cause (TR-069: at least one event). Nothing queued means a retry
     * of a session whose InformResponse came and took its events: the retry states the same
     * causes (6 CONNECTION REQUEST, 2 PERIODIC, ...), the "M" events were acknowledged. */
    if (r->events->len == 0 && self->retry_causes != NULL) {
        for (guint i = self->retry_causes->len; i > 0; i--)
            henb_store_events_ensure (r->events, self->retry_causes->pdata[i - 1]);
    }
    /* the session adds 4 VALUE CHANGE for changed values: a cause too */
    changes = henb_data_model_list_value_changes (self->svc->dm);
    r->value_change = changes->len > 0;
    henb_cwmp_session_inform_async (r->session, r->events, self->failed_attempts, r->cancellable,
                                    session_informed, r);
}

static void
session_connect (HenbAgent *self, Run *r)
{
    GError *error = NULL;

    if (g_str_has_prefix (r->url, "https")) {
        r->tls = henb_device_tls_context_new (self->svc, &error);
        if (r->tls == NULL) {
            session_done (self, r, error);
            return;
        }
    }
    r->transport = henb_hems_transport_new (self->svc, r->url, r->tls, &error);
    if (r->transport == NULL) {
        session_done (self, r, error);
        return;
    }
    henb_cwmp_transport_connect_async (r->transport, r->cancellable, session_connected, r);
}

static void
session_resolved (GObject *source, GAsyncResult *res, gpointer user_data)
{
    Run *r = user_data;
    HenbAgent *self = r->agent;
    GError *error = NULL;
    GList *addresses = henb_resolver_lookup_finish (HENB_RESOLVER (source), res, &error);

    if (addresses == NULL) {
        session_done (self, r, error);
        return;
    }
    henb_resolver_pin (HENB_RESOLVER (source), r->host, addresses);
    g_resolver_free_addresses (addresses);
    session_connect (self, r);
}

static gboolean
session_timed_out (gpointer user_data)
{
    Run *r = user_data;

    r->timeout_id = 0;
    r->timed_out = TRUE;
    g_cancellable_cancel (r->cancellable);
    return G_SOURCE_REMOVE;
}

/* Something to say: queued events, changed values, a transfer to report. */
static gboolean
has_news (HenbAgent *self)
{
    g_autoptr(GPtrArray) events = henb_store_dup_events (self->svc->store);
    g_autoptr(GPtrArray) changes = henb_data_model_list_value_changes (self->svc->dm);

    return events->len > 0 || changes->len > 0 || self->transfer.state == TRANSFER_DONE;
}

static void
start_session (HenbAgent *self)
{
    Run *r = g_new0 (Run, 1);
    g_autoptr(GUri) uri = NULL;

    self->session_wanted = FALSE;
    self->in_session = TRUE;
    henb_agent_begin_attempt (self);
    set_cr_busy (self, TRUE);
    r->url = henb_data_model_get (self->svc->dm, HENB_DM_MS_URL);
    r->agent = g_object_ref (self);
    r->cancellable = g_cancellable_new ();
    g_set_object (&self->cancellable, r->cancellable);
    /* a HeMS that never releases the session does not hold the HeNB forever */
    r->timeout_id = henb_timeout_add_seconds (self->svc->config->session_timeout, session_timed_out, r);
    emit_changed (self);

    uri = g_uri_parse (r->url, G_URI_FLAGS_NONE, NULL);
    if (uri == NULL || g_uri_get_host (uri) == NULL) {
        session_done (self, r, g_error_new (HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                                            "Serving HeMS URL '%s' is not a valid URL", r->url));
        return;
    }
    r->host = g_strdup (g_uri_get_host (uri));
    ensure_cr_transports (self, self->tunnel, r->url);
    if (g_hostname_is_ip_address (r->host)) {
        session_connect (self, r);
        return;
    }
    henb_resolver_lookup_async (self->svc->resolver, r->host,
                                self->tunnel != NULL ? henb_tunnel_get_dns_servers (self->tunnel) : NULL,
                                r->cancellable, session_resolved, r);
}

static void
maybe_start_session (HenbAgent *self)
{
    if (!self->running || self->in_session || self->session_timer != 0 || !self->session_wanted)
        return;
    /* with nothing to say there is no session, unless a failed one is due again: the HeMS
     * may have had more to do in it */
    if (!has_news (self) && self->retry_count == 0) {
        self->session_wanted = FALSE;
        return;
    }
    start_session (self);
}

void
henb_agent_request_session (HenbAgent *self, const gchar *event_code, const gchar *command_key)
{
    if (event_code != NULL) {
        henb_store_queue_event (self->svc->store, event_code, command_key);
        /* (6 CONNECTION REQUEST, 2 PERIODIC) the session starting now delivers and retires it:
         * written only if it is still owed a moment later; one lost to a crash before that
         * comes again (the HeMS's next request, the next period) */
        henb_store_save_soon (self->svc->store);
    }
    self->session_wanted = TRUE;
    maybe_start_session (self);
}

/* ------------------------------------------------------------------------------------------ */
/* Periodic Inform and value changes */

static gboolean periodic_due (gpointer user_data);

/* Seconds until the next periodic Inform: aligned to PeriodicInformTime when it is known. */
static guint
periodic_delay (HenbAgent *self)
{
    HenbDataModel *dm = self->svc->dm;
    guint interval = MAX (henb_data_model_get_uint (dm, HENB_DM_MS_PERIODIC_INTERVAL), 1);
    g_autofree gchar *reference = henb_data_model_get (dm, HENB_DM_MS_PERIODIC_TIME);
    g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
    g_autoptr(GDateTime) ref = g_date_time_new_from_iso8601 (reference, utc);

    /* the unknown time means "no particular alignment" */
    return henb_periodic_delay_s (g_get_real_time () / G_USEC_PER_SEC, interval,
                                  ref != NULL && g_date_time_get_year (ref) > 1 ? g_date_time_to_unix (ref) : -1);
}

static void
schedule_periodic (HenbAgent *self)
{
    g_clear_handle_id (&self->periodic_timer, henb_source_remove);
    if (!self->running || !henb_data_model_get_boolean (self->svc->dm, HENB_DM_MS_PERIODIC_ENABLE))
        return;
    self->periodic_timer = henb_timeout_add_seconds (periodic_delay (self), periodic_due, self);
}

static gboolean
periodic_due (gpointer user_data)
{
    HenbAgent *self = user_data;

    self->periodic_timer = 0;
    henb_agent_request_session (self, "2 PERIODIC", NULL);
    schedule_periodic (self);
    return G_SOURCE_REMOVE;
}

static gboolean
poll_value_changes (gpointer user_data)
{
    HenbAgent *self = user_data;

    if (henb_data_model_check_value_changes (self->svc->dm))
        henb_agent_request_session (self, NULL, NULL);
    return G_SOURCE_CONTINUE;
}

static void
on_parameters_changed (HenbDataModel *dm, GPtrArray *names, HenbAgent *self)
{
    for (guint i = 0; i < names->len; i++) {
        const gchar *name = names->pdata[i];

        if (g_str_has_prefix (name, HENB_DM_MS "PeriodicInform"))
            schedule_periodic (self);
        else if ((g_str_equal (name, HENB_DM_MS_CR_USERNAME) || g_str_equal (name, HENB_DM_MS_CR_PASSWORD)) &&
                 self->cr_transports != NULL)
            apply_cr_transports (self);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* After a session */

static gboolean
serving_values_changed (HenbAgent *self)
{
    g_autofree gchar *url = henb_data_model_get (self->svc->dm, HENB_DM_MS_URL);
    g_autofree gchar *segw = henb_data_model_get (self->svc->dm, HENB_DM_GW_SECGW1);

    return self->registered_url != NULL &&
           (g_strcmp0 (url, self->registered_url) != 0 || g_strcmp0 (segw, self->registered_segw) != 0);
}

/* What S1 Setup is handed (README: S1 hand-off). */
static const gchar *const s1_parameters[] = {
    HENB_DM_GW_S1_LIST, HENB_DM_GW_S1_PORT, HENB_DM_GW_S1_MODE, HENB_DM_GW_S1_IPSEC, NULL,
};

static GStrv
s1_values (HenbAgent *self)
{
    GPtrArray *values = g_ptr_array_new ();

    for (guint i = 0; s1_parameters[i] != NULL; i++)
        g_ptr_array_add (values, henb_data_model_get (self->svc->dm, s1_parameters[i]));
    g_ptr_array_add (values, NULL);
    return (GStrv) g_ptr_array_free (values, FALSE);
}

/* The names of the S1 parameters that changed since registration ("S1SigLinkServerList,
 * X_00005A_S1IPsecUsed"), or NULL. */
static gchar *
s1_values_changed (HenbAgent *self)
{
    g_auto(GStrv) now = NULL;
    g_autoptr(GString) changed = g_string_new (NULL);

    if (self->registered_s1 == NULL)
        return NULL;
    now = s1_values (self);
    for (guint i = 0; s1_parameters[i] != NULL; i++) {
        g_autofree gchar *path = NULL;

        if (g_strcmp0 (now[i], self->registered_s1[i]) == 0)
            continue;
        path = henb_data_model_path (self->svc->dm, s1_parameters[i]);
        g_string_append_printf (changed, "%s%s", changed->len > 0 ? ", " : "", strrchr (path, '.') + 1);
    }
    return changed->len > 0 ? g_string_free (g_steal_pointer (&changed), FALSE) : NULL;
}

/* Whatever the last session asked for, most drastic first. */
static void
carry_out_requests (HenbAgent *self)
{
    g_autofree gchar *s1_changed = NULL;

    if (self->in_session)
        return;
    if (self->factory_reset_wanted) {
        self->factory_reset_wanted = FALSE;
        self->reboot_wanted = FALSE;
        henb_agent_stop (self);
        /* what the HeMS asked for goes with the rest of its configuration */
        transfer_remove_file (self);
        transfer_clear (&self->transfer);
        scheduled_informs_clear (self);
        g_signal_emit (self, signals[SIGNAL_FACTORY_RESET], 0);
        return;
    }
    if (self->reboot_wanted) {
        self->reboot_wanted = FALSE;
        henb_agent_stop (self);
        g_signal_emit (self, signals[SIGNAL_REBOOT], 0);
        return;
    }
    if (self->running && serving_values_changed (self)) {
        g_message ("the HeMS changed the Serving HeMS or SeGW: registering again");
        henb_agent_stop (self);
        g_signal_emit (self, signals[SIGNAL_REREGISTER], 0);
        return;
    }
    if (self->running && (s1_changed = s1_values_changed (self)) != NULL) {
        g_autofree gchar *why = g_strdup_printf ("the HeMS changed %s", s1_changed);

        g_message ("%s: handing S1 off again", why);
        henb_agent_stop (self);
        g_signal_emit (self, signals[SIGNAL_S1_CHANGED], 0, why);
        return;
    }
    if (self->running && self->transfer.state == TRANSFER_WAITING && self->transfer_timer == 0)
        self->transfer_timer = henb_timeout_add_seconds (self->transfer.delay, transfer_start, self);
}

void
henb_agent_start (HenbAgent *self, HenbTunnel *tunnel)
{
    g_return_if_fail (HENB_IS_AGENT (self));

    g_set_object (&self->tunnel, tunnel);
    self->running = TRUE;
    self->retry_count = 0;
    g_clear_pointer (&self->retry_causes, g_ptr_array_unref);
    self->next_session = 0;
    g_free (self->registered_url);
    self->registered_url = henb_data_model_get (self->svc->dm, HENB_DM_MS_URL);
    g_free (self->registered_segw);
    self->registered_segw = henb_data_model_get (self->svc->dm, HENB_DM_GW_SECGW1);
    g_strfreev (self->registered_s1);
    self->registered_s1 = s1_values (self);
    if (!self->version_known)
        self->version = self->svc->config->cwmp_version;
    ensure_cr_transports (self, tunnel, self->registered_url);
    schedule_periodic (self);
    if (self->retry_requested) {
        self->retry_requested = FALSE;
        plan_session (self, henb_agent_note_failure (self, G_MAXINT64));
    }
    if (self->poll_timer == 0)
        self->poll_timer = henb_timeout_add_seconds (VALUE_CHANGE_POLL_S, poll_value_changes, self);
    emit_changed (self);
    carry_out_requests (self);
    /* events that came up during registration (a Connection Request, a value change) */
    if (self->running) {
        self->session_wanted = TRUE;
        maybe_start_session (self);
    }
}

void
henb_agent_stop (HenbAgent *self)
{
    g_return_if_fail (HENB_IS_AGENT (self));

    self->running = FALSE;
    g_clear_handle_id (&self->session_timer, henb_source_remove);
    g_clear_handle_id (&self->periodic_timer, henb_source_remove);
    g_clear_handle_id (&self->poll_timer, henb_source_remove);
    g_clear_handle_id (&self->transfer_timer, henb_source_remove);
    if (self->transfer.state == TRANSFER_RUNNING)
        self->transfer.state = TRANSFER_WAITING;
    self->next_session = 0;
    if (self->cancellable != NULL)
        g_cancellable_cancel (self->cancellable);
    g_clear_object (&self->tunnel);
    emit_changed (self);
}

gint64
henb_agent_get_next_session (HenbAgent *self)
{
    return self->next_session;
}

guint
henb_agent_get_session_count (HenbAgent *self)
{
    return self->session_count;
}

const gchar *
henb_agent_get_last_result (HenbAgent *self)
{
    return self->last_result != NULL ? self->last_result : "";
}

gint64
henb_agent_get_last_session_time (HenbAgent *self)
{
    return self->last_session_time;
}

const gchar *
henb_agent_get_connection_request_url (HenbAgent *self)
{
    const gchar *url = cr_url (self);

    return url != NULL ? url : "";
}

GPtrArray *
henb_agent_get_cr_transports (HenbAgent *self)
{
    g_return_val_if_fail (HENB_IS_AGENT (self), NULL);
    return self->cr_transports;
}

/* ------------------------------------------------------------------------------------------ */

static void
henb_agent_dispose (GObject *object)
{
    HenbAgent *self = HENB_AGENT (object);

    henb_agent_stop (self);
    scheduled_informs_clear (self);
    for (guint i = 0; self->cr_transports != NULL && i < self->cr_transports->len; i++) {
        g_signal_handlers_disconnect_by_data (self->cr_transports->pdata[i], self);
        henb_cr_transport_stop (self->cr_transports->pdata[i]);
    }
    g_clear_pointer (&self->cr_transports, g_ptr_array_unref);
    g_clear_object (&self->cr_address);
    if (self->svc != NULL && self->svc->dm != NULL)
        g_signal_handlers_disconnect_by_data (self->svc->dm, self);
    g_clear_object (&self->cancellable);
    G_OBJECT_CLASS (henb_agent_parent_class)->dispose (object);
}

static void
henb_agent_finalize (GObject *object)
{
    HenbAgent *self = HENB_AGENT (object);

    transfer_clear (&self->transfer);
    g_free (self->registered_url);
    g_free (self->registered_segw);
    g_strfreev (self->registered_s1);
    g_free (self->last_result);
    g_clear_pointer (&self->retry_causes, g_ptr_array_unref);
    g_rand_free (self->rand);
    G_OBJECT_CLASS (henb_agent_parent_class)->finalize (object);
}

static void
policy_prepare_session (HenbSessionPolicy *policy, HenbCwmpSession *session, HenbHemsRole role)
{
    henb_agent_prepare_session (HENB_AGENT (policy), session, role);
}

static void
policy_link_up (HenbSessionPolicy *policy, HenbTunnel *tunnel, const gchar *url)
{
    henb_agent_link_up (HENB_AGENT (policy), tunnel, url);
}

static guint
policy_get_inform_retry_count (HenbSessionPolicy *policy)
{
    return henb_agent_get_inform_retry_count (HENB_AGENT (policy));
}

static void
policy_begin_attempt (HenbSessionPolicy *policy)
{
    henb_agent_begin_attempt (HENB_AGENT (policy));
}

static void
policy_session_completed (HenbSessionPolicy *policy)
{
    henb_agent_session_completed (HENB_AGENT (policy));
}

static void
session_policy_iface_init (HenbSessionPolicyInterface *iface)
{
    iface->prepare_session = policy_prepare_session;
    iface->link_up = policy_link_up;
    iface->get_inform_retry_count = policy_get_inform_retry_count;
    iface->begin_attempt = policy_begin_attempt;
    iface->session_completed = policy_session_completed;
}

static void
henb_agent_class_init (HenbAgentClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS (klass);

    object_class->dispose = henb_agent_dispose;
    object_class->finalize = henb_agent_finalize;

    /* The HeMS asked for a reboot ("M Reboot" is queued); the agent has stopped. */
    signals[SIGNAL_REBOOT] = g_signal_new ("reboot", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 0);
    /* The HeMS asked for a factory reset; the agent has stopped. */
    signals[SIGNAL_FACTORY_RESET] = g_signal_new ("factory-reset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
    /* The HeMS changed the Serving HeMS or SeGW: registration must run again. */
    signals[SIGNAL_REREGISTER] = g_signal_new ("reregister", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                               NULL, NULL, NULL, G_TYPE_NONE, 0);
    /* The HeMS changed what S1 Setup is handed (the string says which parameters): S1 must be
     * handed off again. The agent has stopped; henb_agent_start() takes it up again. */
    signals[SIGNAL_S1_CHANGED] = g_signal_new ("s1-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                               NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
    /* Something the bus shows changed (next session, counters, last result). */
    signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                            NULL, NULL, NULL, G_TYPE_NONE, 0);
    /* every session with a HeMS, the procedure's too: its end is the session object's */
    signals[SIGNAL_SESSION_STARTED] = g_signal_new ("session-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, HENB_TYPE_CWMP_SESSION);
}

static void
henb_agent_init (HenbAgent *self)
{
    self->rand = g_rand_new ();
}

HenbAgent *
henb_agent_new (const HenbServices *services)
{
    HenbAgent *self = g_object_new (HENB_TYPE_AGENT, NULL);

    self->svc = services;
    transfer_load (self);
    /* a transfer cut short runs again, a finished one waits only for its report: either way
     * its file from before the restart is stale */
    transfer_remove_file (self);
    henb_data_model_set_getter (services->dm, HENB_DM_MS_CR_URL, get_cr_url, self);
    g_signal_connect (services->dm, "parameters-changed", G_CALLBACK (on_parameters_changed), self);
    return self;
}
