/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-hems-log.h"

static void
log_line (FILE *log, const gchar *prefix, const gchar *format, va_list args) G_GNUC_PRINTF (3, 0);

static FILE *unflushed;
static guint flush_source;

static gboolean
flush_log (gpointer user_data)
{
    flush_source = 0;
    if (unflushed != NULL)
        fflush (unflushed);
    unflushed = NULL;
    return G_SOURCE_REMOVE;
}

static void
log_line (FILE *log, const gchar *prefix, const gchar *format, va_list args)
{
    /* the zone once (the HeMS logs from its main thread only): g_date_time_new_now_local()
     * reads /etc/localtime at every call */
    static GTimeZone *local;
    g_autofree gchar *line = g_strdup_vprintf (format, args);
    g_autoptr(GDateTime) now = NULL;
    g_autofree gchar *stamp = NULL;

    if (local == NULL)
        local = g_time_zone_new_local ();
    now = g_date_time_new_now (local);
    stamp = g_date_time_format (now, "%H:%M:%S.%f");
    fprintf (log, "%.12s %s%s\n", stamp, prefix, line);
    /* tests read the log while the HeMS runs: out once the main loop has dispatched what is due
     * (a message's dozen lines in one write), or at once without a main loop running */
    if (unflushed != NULL && unflushed != log)
        fflush (unflushed);
    unflushed = log;
    if (flush_source == 0 && g_main_depth () > 0)
        flush_source = g_idle_add_full (G_PRIORITY_DEFAULT, flush_log, NULL, NULL);
    else if (g_main_depth () == 0)
        flush_log (NULL);
}

void
hems_log (FILE *log, const gchar *format, ...)
{
    va_list args;

    va_start (args, format);
    log_line (log, "", format, args);
    va_end (args);
}

void
hems_log_session (FILE *log, guint session, const gchar *format, ...)
{
    va_list args;
    g_autofree gchar *prefix = g_strdup_printf ("[session %u] ", session);

    va_start (args, format);
    log_line (log, prefix, format, args);
    va_end (args);
}

/* "a, b, c" from an array of strings; @empty when there are none */
static gchar *
join (GPtrArray *strings, const gchar *separator, const gchar *empty)
{
    GString *s = g_string_new (NULL);

    for (guint i = 0; i < strings->len; i++)
        g_string_append_printf (s, "%s%s", i > 0 ? separator : "", (const gchar *) strings->pdata[i]);
    if (strings->len == 0)
        g_string_append (s, empty);
    return g_string_free (s, FALSE);
}

static void
log_param_values (FILE *log, guint session, GPtrArray *params, const gchar *verb)
{
    for (guint i = 0; i < params->len; i++) {
        const HenbCwmpParamValue *pv = params->pdata[i];
        hems_log_session (log, session, "   %s%s = %s", verb, pv->name, pv->value);
    }
}

void
hems_log_inform (FILE *log, guint session, const gchar *peer, const HenbCwmpMessage *inform)
{
    g_autoptr(GString) events = g_string_new (NULL);

    for (guint i = 0; i < inform->events->len; i++) {
        const HenbCwmpEvent *ev = inform->events->pdata[i];
        g_string_append_printf (events, "%s%s", i > 0 ? ", " : "", ev->code);
    }
    hems_log_session (log, session,
                      "from %s: Inform (%s) DeviceId %s-%s-%s events: %s; RetryCount %u; %u parameters",
                      peer != NULL ? peer : "?", henb_cwmp_version_namespace (inform->version),
                      inform->device_id.oui, inform->device_id.product_class,
                      inform->device_id.serial_number, events->str, inform->retry_count,
                      inform->params->len);
    /* command keys separately, so that the summary line keeps its form */
    for (guint i = 0; i < inform->events->len; i++) {
        const HenbCwmpEvent *ev = inform->events->pdata[i];
        if (ev->command_key != NULL && ev->command_key[0] != '\0')
            hems_log_session (log, session, "   event %s key %s", ev->code, ev->command_key);
    }
    if (inform->supported_versions != NULL)
        hems_log_session (log, session, "   SupportedCWMPVersions %s", inform->supported_versions);
    log_param_values (log, session, inform->params, "");
}

static void
log_fault (FILE *log, guint session, const HenbCwmpFault *fault)
{
    hems_log_session (log, session, "<- Fault %u %s", fault->code, fault->string);
    for (guint i = 0; i < fault->param_faults->len; i++) {
        const HenbCwmpParamFault *pf = fault->param_faults->pdata[i];
        hems_log_session (log, session, "   %s: %u %s", pf->name, pf->code, pf->string);
    }
}

void
hems_log_from_cpe (FILE *log, guint session, const HenbCwmpMessage *msg)
{
    switch (msg->method) {
    case HENB_CWMP_METHOD_FAULT:
        log_fault (log, session, msg->fault);
        break;
    case HENB_CWMP_METHOD_SET_PARAMETER_VALUES_RESPONSE:
        hems_log_session (log, session, "<- SetParameterValuesResponse Status %u", msg->status);
        break;
    case HENB_CWMP_METHOD_GET_PARAMETER_VALUES_RESPONSE:
        hems_log_session (log, session, "<- GetParameterValuesResponse %u parameters", msg->params->len);
        log_param_values (log, session, msg->params, "");
        break;
    case HENB_CWMP_METHOD_GET_PARAMETER_NAMES_RESPONSE:
        hems_log_session (log, session, "<- GetParameterNamesResponse %u parameters", msg->param_infos->len);
        for (guint i = 0; i < msg->param_infos->len; i++) {
            const HenbCwmpParamInfo *pi = msg->param_infos->pdata[i];
            hems_log_session (log, session, "   %s %s", pi->name, pi->writable ? "writable" : "read-only");
        }
        break;
    case HENB_CWMP_METHOD_GET_PARAMETER_ATTRIBUTES_RESPONSE:
        hems_log_session (log, session, "<- GetParameterAttributesResponse %u parameters", msg->attrs->len);
        for (guint i = 0; i < msg->attrs->len; i++) {
            const HenbCwmpParamAttr *pa = msg->attrs->pdata[i];
            g_autofree gchar *access = join (pa->access_list, ",", "-");
            hems_log_session (log, session, "   %s notification %d access-list %s", pa->name,
                              pa->notification, access);
        }
        break;
    case HENB_CWMP_METHOD_GET_RPC_METHODS_RESPONSE: {
        g_autofree gchar *methods = join (msg->names, ", ", "(none)");
        hems_log_session (log, session, "<- GetRPCMethodsResponse %s", methods);
        break;
    }
    case HENB_CWMP_METHOD_ADD_OBJECT_RESPONSE:
        hems_log_session (log, session, "<- AddObjectResponse instance %u status %u", msg->instance_number,
                          msg->status);
        break;
    case HENB_CWMP_METHOD_DELETE_OBJECT_RESPONSE:
        hems_log_session (log, session, "<- DeleteObjectResponse status %u", msg->status);
        break;
    case HENB_CWMP_METHOD_DOWNLOAD_RESPONSE:
        hems_log_session (log, session, "<- DownloadResponse status %u start %s complete %s", msg->status,
                          msg->start_time, msg->complete_time);
        break;
    case HENB_CWMP_METHOD_TRANSFER_COMPLETE:
        if (msg->transfer_fault_code == 0)
            hems_log_session (log, session, "<- TransferComplete key %s fault 0 start %s complete %s",
                              msg->command_key, msg->start_time, msg->complete_time);
        else
            hems_log_session (log, session, "<- TransferComplete key %s fault %u (%s) start %s complete %s",
                              msg->command_key, msg->transfer_fault_code, msg->transfer_fault_string,
                              msg->start_time, msg->complete_time);
        break;
    case HENB_CWMP_METHOD_SET_PARAMETER_ATTRIBUTES_RESPONSE:
    case HENB_CWMP_METHOD_REBOOT_RESPONSE:
    case HENB_CWMP_METHOD_FACTORY_RESET_RESPONSE:
    case HENB_CWMP_METHOD_SCHEDULE_INFORM_RESPONSE:
    case HENB_CWMP_METHOD_GET_RPC_METHODS:
        hems_log_session (log, session, "<- %s", msg->method_name);
        break;
    default:
        hems_log_session (log, session, "<- %s (not handled)", msg->method_name);
        break;
    }
}

void
hems_log_to_cpe (FILE *log, guint session, const HenbCwmpMessage *request)
{
    g_autofree gchar *names = join (request->names, " ", "(none)");
    const HenbCwmpDownload *d = &request->download;

    switch (request->method) {
    case HENB_CWMP_METHOD_SET_PARAMETER_VALUES:
        log_param_values (log, session, request->params, "set ");
        hems_log_session (log, session, "-> SetParameterValues (%u parameters, key %s)", request->params->len,
                          request->parameter_key);
        break;
    case HENB_CWMP_METHOD_GET_PARAMETER_VALUES:
    case HENB_CWMP_METHOD_GET_PARAMETER_ATTRIBUTES:
        hems_log_session (log, session, "-> %s %s", request->method_name, names);
        break;
    case HENB_CWMP_METHOD_GET_PARAMETER_NAMES:
        hems_log_session (log, session, "-> GetParameterNames %s next-level %s", request->parameter_path,
                          request->next_level ? "true" : "false");
        break;
    case HENB_CWMP_METHOD_SET_PARAMETER_ATTRIBUTES:
        for (guint i = 0; i < request->attrs->len; i++) {
            const HenbCwmpParamAttr *pa = request->attrs->pdata[i];
            g_autofree gchar *access = join (pa->access_list, ",", "-");
            g_autofree gchar *notification = g_strdup_printf ("%d", pa->notification);

            hems_log_session (log, session, "   set %s notification %s access-list %s", pa->name,
                              pa->notification_change ? notification : "unchanged",
                              pa->access_list_change ? access : "unchanged");
        }
        hems_log_session (log, session, "-> SetParameterAttributes (%u parameters)", request->attrs->len);
        break;
    case HENB_CWMP_METHOD_ADD_OBJECT:
    case HENB_CWMP_METHOD_DELETE_OBJECT:
        hems_log_session (log, session, "-> %s %s key %s", request->method_name, request->object_name,
                          request->parameter_key);
        break;
    case HENB_CWMP_METHOD_REBOOT:
        hems_log_session (log, session, "-> Reboot key %s", request->command_key);
        break;
    case HENB_CWMP_METHOD_SCHEDULE_INFORM:
        hems_log_session (log, session, "-> ScheduleInform delay %u key %s", request->delay_seconds,
                          request->command_key);
        break;
    case HENB_CWMP_METHOD_DOWNLOAD:
        hems_log_session (log, session, "-> Download key %s type %s url %s size %u", request->command_key,
                          d->file_type, d->url, d->file_size);
        break;
    case HENB_CWMP_METHOD_FAULT:
        hems_log_session (log, session, "-> Fault %u %s", request->fault->code, request->fault->string);
        break;
    default:
        hems_log_session (log, session, "-> %s", request->method_name);
        break;
    }
}
