/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * henbctl: control and watch henbd.
 *
 *   henbctl [--session] status [--json]
 *   henbctl [--session] monitor [--timeout SECONDS]
 *   henbctl [--session] wait [--timeout SECONDS]
 *   henbctl [--session] start | rediscover | cancel
 *   henbctl [--session] cell [--json]
 *   henbctl [--session] cell report NAME=VALUE...
 *
 * Exit status: 0 success (monitor, wait: registered), 1 failure (monitor: failed or stopped;
 * wait: not registered by the deadline), 2 usage error, 3 monitor timed out, 4 henbd not
 * running (wait: not on the bus at the deadline).
 */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "libhenb-glib.h"

enum {
    EXIT_OK = 0,
    EXIT_FAILED = 1,
    EXIT_USAGE = 2,
    EXIT_TIMEOUT = 3,
    EXIT_NOT_RUNNING = 4,
};

static gboolean opt_session = FALSE;
static gboolean opt_json = FALSE;
static gint     opt_timeout = -1;  /* -1: not given */

/* wait without --timeout gives up after this long, as nm-online does */
#define WAIT_DEFAULT_TIMEOUT 30

/* ------------------------------------------------------------------------------------------ */
/* Output helpers */

static gchar *
format_wall (gint64 usec)
{
    g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
    g_autoptr(GDateTime) dt = seconds != NULL ? g_date_time_add (seconds, usec % G_USEC_PER_SEC) : NULL;

    return dt != NULL ? g_date_time_format (dt, "%H:%M:%S.%f") : g_strdup ("?");
}

/* A C1 control character (U+0080..U+009F) in UTF-8: 0xC2 then 0x80..0x9F. */
static gboolean
is_c1_control (const gchar *p)
{
    return (guchar) p[0] == 0xc2 && (guchar) p[1] >= 0x80 && (guchar) p[1] <= 0x9f;
}

/*
 * Every value in a human line comes from the network or from henbd: control characters
 * (C0, DEL, C1) and backslashes are written C-style (\n, \r, \t, \\, \xNN), so no value can
 * end a line, forge another one or drive the terminal.
 */
static gchar *
escape_line (const gchar *s)
{
    GString *out = g_string_new (NULL);

    for (const gchar *p = s; *p != '\0'; p++) {
        guchar c = (guchar) *p;

        switch (c) {
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\\': g_string_append (out, "\\\\"); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                g_string_append_printf (out, "\\x%02x", c);
            } else if (is_c1_control (p)) {
                g_string_append_printf (out, "\\x%02x\\x%02x", c, (guchar) p[1]);
                p++;
            } else {
                g_string_append_c (out, (gchar) c);
            }
        }
    }
    return g_string_free (out, FALSE);
}

/* Prints one human line: FORMAT has no newline; the arguments are escaped with the rest. */
static void print_line (const gchar *format, ...) G_GNUC_PRINTF (1, 2);

static void
print_line (const gchar *format, ...)
{
    g_autofree gchar *line = NULL;
    g_autofree gchar *escaped = NULL;
    va_list args;

    va_start (args, format);
    line = g_strdup_vprintf (format, args);
    va_end (args);
    escaped = escape_line (line);
    g_print ("%s\n", escaped);
}

static void
json_string (GString *out, const gchar *s)
{
    g_string_append_c (out, '"');
    for (const gchar *p = s != NULL ? s : ""; *p != '\0'; p++) {
        guchar c = (guchar) *p;

        switch (c) {
        case '"':
            g_string_append (out, "\\\"");
            break;
        case '\\':
            g_string_append (out, "\\\\");
            break;
        case '\n':
            g_string_append (out, "\\n");
            break;
        case '\r':
            g_string_append (out, "\\r");
            break;
        case '\t':
            g_string_append (out, "\\t");
            break;
        default:
            /* JSON needs only C0 escaped; DEL and C1 are, too, for whoever prints it raw */
            if (c < 0x20 || c == 0x7f) {
                g_string_append_printf (out, "\\u%04x", c);
            } else if (is_c1_control (p)) {
                g_string_append_printf (out, "\\u%04x", (guchar) p[1]);
                p++;
            } else {
                g_string_append_c (out, (gchar) c);
            }
        }
    }
    g_string_append_c (out, '"');
}

static void
json_strv (GString *out, const gchar *const *v)
{
    g_string_append_c (out, '[');
    for (guint i = 0; v != NULL && v[i] != NULL; i++) {
        if (i > 0)
            g_string_append (out, ", ");
        json_string (out, v[i]);
    }
    g_string_append_c (out, ']');
}

static void
print_json (HenbClient *client)
{
    g_autoptr(GString) out = g_string_new ("{\n");
    g_autoptr(GPtrArray) steps = henb_client_dup_completed_steps (client);
    const gchar *err_name, *err_message;

    henb_client_get_last_error_name (client, &err_name, &err_message);
    g_string_append (out, "  \"running\": ");
    g_string_append (out, henb_client_is_running (client) ? "true" : "false");
    g_string_append (out, ",\n  \"version\": ");
    json_string (out, henb_client_get_version (client));
    g_string_append (out, ",\n  \"state\": ");
    json_string (out, henb_state_to_string (henb_client_get_state (client)));
    g_string_append_printf (out, ",\n  \"state_value\": %d", henb_client_get_state (client));
    g_string_append (out, ",\n  \"state_failed_reason\": ");
    json_string (out, henb_state_failed_reason_to_string (henb_client_get_state_failed_reason (client)));
    g_string_append (out, ",\n  \"discovery_variant\": ");
    json_string (out, henb_discovery_variant_to_string (henb_client_get_discovery_variant (client)));
    g_string_append (out, ",\n  \"last_error\": {\"name\": ");
    json_string (out, err_name);
    g_string_append (out, ", \"message\": ");
    json_string (out, err_message);
    henb_client_get_state_file_write_error_name (client, &err_name, &err_message);
    g_string_append (out, "},\n  \"state_file_write_error\": {\"name\": ");
    json_string (out, err_name);
    g_string_append (out, ", \"message\": ");
    json_string (out, err_message);
    g_string_append (out, "},\n  \"current_step\": {\"id\": ");
    json_string (out, henb_client_get_current_step_id (client));
    g_string_append (out, ", \"name\": ");
    json_string (out, henb_client_get_current_step_name (client));
    g_string_append_printf (out, "},\n  \"percentage\": %u,\n  \"step_count\": %u,\n  \"steps\": [",
                            henb_client_get_percentage (client), henb_client_get_step_count (client));
    for (guint i = 0; i < steps->len; i++) {
        HenbStepInfo *s = steps->pdata[i];

        g_string_append (out, i > 0 ? ",\n    {\"id\": " : "\n    {\"id\": ");
        json_string (out, henb_step_info_get_id (s));
        g_string_append (out, ", \"name\": ");
        json_string (out, henb_step_info_get_name (s));
        g_string_append (out, ", \"result\": ");
        json_string (out, henb_step_result_to_string (henb_step_info_get_result (s)));
        g_string_append_printf (out, ", \"start_us\": %" G_GINT64_FORMAT ", \"duration_us\": %" G_GUINT64_FORMAT,
                                henb_step_info_get_start_time (s), henb_step_info_get_duration (s));
        g_string_append (out, ", \"detail\": ");
        json_string (out, henb_step_info_get_detail (s));
        g_string_append_c (out, '}');
    }
    g_string_append (out, steps->len > 0 ? "\n  ],\n" : "],\n");
    g_string_append (out, "  \"serving\": {\"hems_url\": ");
    json_string (out, henb_client_get_serving_hems_url (client));
    g_string_append (out, ", \"security_gateways\": ");
    json_strv (out, henb_client_get_security_gateways (client));
    g_string_append (out, ", \"s1_addresses\": ");
    json_strv (out, henb_client_get_s1_addresses (client));
    g_string_append_printf (out, ", \"s1_port\": %u, \"s1_connection_mode\": ", henb_client_get_s1_port (client));
    json_string (out, henb_client_get_s1_connection_mode (client));
    g_string_append_printf (out, ", \"s1_ipsec\": %s", henb_client_get_s1_ipsec (client) ? "true" : "false");
    g_string_append (out, ", \"s1_link\": ");
    json_string (out, henb_client_get_s1_link (client));
    g_string_append (out, ", \"s1_link_detail\": ");
    json_string (out, henb_client_get_s1_link_detail (client));
    g_string_append (out, ", \"s1_far_end\": ");
    json_string (out, henb_client_get_s1_far_end (client));
    g_string_append (out, ", \"mme_name\": ");
    json_string (out, henb_client_get_mme_name (client));
    g_string_append (out, ", \"served_gummeis\": ");
    json_strv (out, henb_client_get_served_gummeis (client));
    g_string_append_printf (out, ", \"mme_relative_capacity\": %u},\n",
                            henb_client_get_mme_relative_capacity (client));
    g_string_append_printf (out, "  \"tunnel\": {\"active\": %s, \"purpose\": ",
                            henb_client_get_tunnel_active (client) ? "true" : "false");
    json_string (out, henb_client_get_tunnel_purpose (client));
    g_string_append (out, ", \"backend\": ");
    json_string (out, henb_client_get_tunnel_backend (client));
    g_string_append (out, ", \"security_gateway\": ");
    json_string (out, henb_client_get_tunnel_security_gateway (client));
    g_string_append (out, ", \"gateway_address\": ");
    json_string (out, henb_client_get_tunnel_gateway_address (client));
    g_string_append (out, ", \"inner_address\": ");
    json_string (out, henb_client_get_tunnel_inner_address (client));
    g_string_append (out, ", \"dns_servers\": ");
    json_strv (out, henb_client_get_tunnel_dns_servers (client));
    g_string_append_printf (out, ", \"up_since_us\": %" G_GINT64_FORMAT "},\n",
                            henb_client_get_tunnel_up_since (client));
    {
        g_auto(GStrv) pending = henb_client_dup_pending_events (client);

        g_string_append_printf (out, "  \"management\": {\"retry_count\": %u, \"next_attempt_us\": %" G_GINT64_FORMAT
                                ", \"session_count\": %u, \"last_session_result\": ",
                                henb_client_get_retry_count (client), henb_client_get_next_attempt (client),
                                henb_client_get_session_count (client));
        json_string (out, henb_client_get_last_session_result (client));
        g_string_append (out, ", \"pending_events\": ");
        json_strv (out, (const gchar *const *) pending);
        g_string_append (out, ", \"connection_request_url\": ");
        json_string (out, henb_client_get_connection_request_url (client));
        g_string_append_printf (out, ", \"tolerated_inputs\": %u", henb_client_get_tolerated_inputs (client));
        g_string_append (out, "},\n");
    }
    {
        g_autoptr(GVariant) transports = henb_client_dup_cr_transports (client);
        GVariantIter iter;
        const gchar *name, *state, *detail;
        gboolean active;
        gboolean first = TRUE;

        g_string_append (out, "  \"connection_request\": {\"transports\": [");
        g_variant_iter_init (&iter, transports);
        while (g_variant_iter_next (&iter, "(&sb&s&s)", &name, &active, &state, &detail)) {
            g_string_append (out, first ? "{\"name\": " : ", {\"name\": ");
            json_string (out, name);
            g_string_append_printf (out, ", \"active\": %s, \"state\": ", active ? "true" : "false");
            json_string (out, state);
            g_string_append (out, ", \"detail\": ");
            json_string (out, detail);
            g_string_append_c (out, '}');
            first = FALSE;
        }
        g_string_append_printf (out, "], \"nat_detected\": %s, \"udp_connection_request_address\": ",
                                henb_client_get_nat_detected (client) ? "true" : "false");
        json_string (out, henb_client_get_udp_connection_request_address (client));
        g_string_append (out, ", \"stun_server\": ");
        json_string (out, henb_client_get_stun_server (client));
        g_string_append (out, ", \"xmpp_state\": ");
        json_string (out, henb_client_get_xmpp_state (client));
        g_string_append (out, ", \"xmpp_jabber_id\": ");
        json_string (out, henb_client_get_xmpp_jabber_id (client));
        g_string_append (out, ", \"xmpp_server\": ");
        json_string (out, henb_client_get_xmpp_server (client));
        g_string_append (out, "}\n}\n");
    }
    g_print ("%s", out->str);
}

static gchar *
join_or_none (const gchar *const *v)
{
    return v != NULL && v[0] != NULL ? g_strjoinv (", ", (GStrv) v) : g_strdup ("-");
}

static void
print_step (HenbStepInfo *s, guint index, guint count)
{
    g_autofree gchar *start = format_wall (henb_step_info_get_start_time (s));

    print_line ("  [%2u/%u] %-16s %-26s %-8s %s  %8.3f s", index, count, henb_step_info_get_id (s),
             henb_step_info_get_name (s), henb_step_result_to_string (henb_step_info_get_result (s)),
             start, henb_step_info_get_duration (s) / 1e6);
    if (henb_step_info_get_detail (s)[0] != '\0')
        print_line ("          %s", henb_step_info_get_detail (s));
}

/* One line per Connection Request transport, then what STUN and XMPP found. */
static void
print_cr_transports (HenbClient *client)
{
    g_autoptr(GVariant) transports = henb_client_dup_cr_transports (client);
    GVariantIter iter;
    const gchar *name, *state, *detail;
    gboolean active;
    const gchar *udp = henb_client_get_udp_connection_request_address (client);
    const gchar *stun = henb_client_get_stun_server (client);
    const gchar *jid = henb_client_get_xmpp_jabber_id (client);

    g_variant_iter_init (&iter, transports);
    while (g_variant_iter_next (&iter, "(&sb&s&s)", &name, &active, &state, &detail))
        print_line ("connection request transport %s: %s%s%s", name, state, detail[0] != '\0' ? ", " : "", detail);
    if (stun[0] != '\0' || udp[0] != '\0')
        print_line ("NAT: %s; STUN server %s; UDP connection requests at %s",
                    henb_client_get_nat_detected (client) ? "detected" : "none", stun[0] != '\0' ? stun : "-",
                    udp[0] != '\0' ? udp : "-");
    if (g_strcmp0 (henb_client_get_xmpp_state (client), "") != 0 &&
        g_strcmp0 (henb_client_get_xmpp_state (client), "disabled") != 0)
        print_line ("XMPP: %s, %s at %s", henb_client_get_xmpp_state (client), jid[0] != '\0' ? jid : "-",
                    henb_client_get_xmpp_server (client)[0] != '\0' ? henb_client_get_xmpp_server (client) : "-");
}

static void
print_status (HenbClient *client)
{
    g_autoptr(GPtrArray) steps = henb_client_dup_completed_steps (client);
    g_autofree gchar *segw = join_or_none (henb_client_get_security_gateways (client));
    g_autofree gchar *s1 = join_or_none (henb_client_get_s1_addresses (client));
    const gchar *err_name, *err_message;
    const gchar *url = henb_client_get_serving_hems_url (client);
    HenbState state = henb_client_get_state (client);

    print_line ("state: %s", henb_state_to_string (state));
    if (state == HENB_STATE_FAILED)
        print_line ("failed reason: %s",
                 henb_state_failed_reason_to_string (henb_client_get_state_failed_reason (client)));
    print_line ("discovery variant: %s",
             henb_discovery_variant_to_string (henb_client_get_discovery_variant (client)));
    if (henb_client_get_current_step_id (client)[0] != '\0')
        print_line ("current step: %s %s", henb_client_get_current_step_id (client),
                 henb_client_get_current_step_name (client));
    print_line ("progress: %u%% (%u of %u steps)", henb_client_get_percentage (client), steps->len,
             henb_client_get_step_count (client));
    if (henb_client_get_last_error_name (client, &err_name, &err_message))
        print_line ("last error: %s: %s", err_name, err_message);
    if (henb_client_get_state_file_write_error_name (client, &err_name, &err_message))
        print_line ("state file not saved: %s: %s", err_name, err_message);
    print_line ("serving HeMS: %s", url[0] != '\0' ? url : "-");
    print_line ("serving SeGW: %s", segw);
    print_line ("S1 addresses: %s", s1);
    print_line ("S1 port: %u", henb_client_get_s1_port (client));
    print_line ("S1 connection mode: %s", henb_client_get_s1_connection_mode (client));
    print_line ("S1 over IPsec: %s", henb_client_get_s1_ipsec (client) ? "yes" : "no");
    if (henb_client_get_s1_link (client)[0] != '\0') {
        const gchar *detail = henb_client_get_s1_link_detail (client);

        print_line ("S1 link: %s%s%s", henb_client_get_s1_link (client),
                    detail[0] != '\0' ? "; last failure: " : "", detail);
    }
    if (g_strcmp0 (henb_client_get_s1_link (client), "up") == 0) {
        g_autofree gchar *gummeis = join_or_none (henb_client_get_served_gummeis (client));

        print_line ("MME: %s at %s, relative capacity %u, served GUMMEIs %s",
                    henb_client_get_mme_name (client)[0] != '\0' ? henb_client_get_mme_name (client) : "(no name)",
                    henb_client_get_s1_far_end (client), henb_client_get_mme_relative_capacity (client), gummeis);
    }
    if (henb_client_get_tunnel_active (client)) {
        g_autofree gchar *dns = join_or_none (henb_client_get_tunnel_dns_servers (client));
        g_autofree gchar *since = format_wall (henb_client_get_tunnel_up_since (client));

        print_line ("tunnel: %s SeGW %s (%s) via %s, inner address %s, DNS %s, up since %s",
                 henb_client_get_tunnel_purpose (client), henb_client_get_tunnel_security_gateway (client),
                 henb_client_get_tunnel_gateway_address (client), henb_client_get_tunnel_backend (client),
                 henb_client_get_tunnel_inner_address (client), dns, since);
    } else {
        print_line ("tunnel: none");
    }
    {
        g_auto(GStrv) pending = henb_client_dup_pending_events (client);
        g_autofree gchar *events = join_or_none ((const gchar *const *) pending);
        const gchar *cr = henb_client_get_connection_request_url (client);
        const gchar *last = henb_client_get_last_session_result (client);

        print_line ("sessions after registration: %u, last: %s", henb_client_get_session_count (client),
                 last[0] != '\0' ? last : "-");
        print_line ("pending events: %s", events);
        if (henb_client_get_next_attempt (client) != 0) {
            g_autofree gchar *next = format_wall (henb_client_get_next_attempt (client));
            print_line ("retry %u at %s", henb_client_get_retry_count (client), next);
        }
        print_line ("connection requests: %s", cr[0] != '\0' ? cr : "-");
        print_line ("tolerated inputs: %u", henb_client_get_tolerated_inputs (client));
    }
    print_cr_transports (client);
    if (steps->len > 0)
        print_line ("steps:");
    for (guint i = 0; i < steps->len; i++)
        print_step (steps->pdata[i], i + 1, henb_client_get_step_count (client));
}

static gint report_error (const gchar *what, GError *error);

/* ------------------------------------------------------------------------------------------ */
/* cell */

static GPtrArray *
sorted_names (GHashTable *table)
{
    GPtrArray *names = g_ptr_array_new ();
    GHashTableIter iter;
    gpointer name;

    g_hash_table_iter_init (&iter, table);
    while (g_hash_table_iter_next (&iter, &name, NULL))
        g_ptr_array_add (names, name);
    return names;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
    return g_strcmp0 (*(const gchar *const *) a, *(const gchar *const *) b);
}

static void
print_table (GHashTable *table)
{
    g_autoptr(GPtrArray) names = sorted_names (table);

    g_ptr_array_sort (names, compare_names);
    for (guint i = 0; i < names->len; i++)
        print_line ("  %s = %s", (gchar *) names->pdata[i], (gchar *) g_hash_table_lookup (table, names->pdata[i]));
    if (names->len == 0)
        print_line ("  -");
}

static void
json_table (GString *out, GHashTable *table)
{
    g_autoptr(GPtrArray) names = sorted_names (table);

    g_ptr_array_sort (names, compare_names);
    g_string_append_c (out, '{');
    for (guint i = 0; i < names->len; i++) {
        g_string_append (out, i > 0 ? ",\n    " : "\n    ");
        json_string (out, names->pdata[i]);
        g_string_append (out, ": ");
        json_string (out, g_hash_table_lookup (table, names->pdata[i]));
    }
    g_string_append (out, names->len > 0 ? "\n  }" : "}");
}

static void
print_cell (HenbClient *client)
{
    g_autoptr(GHashTable) configuration = henb_client_dup_cell_configuration (client);
    g_autoptr(GHashTable) status = henb_client_dup_cell_status (client);
    const gchar *backend = henb_client_get_radio_backend (client);

    if (opt_json) {
        g_autoptr(GString) out = g_string_new ("{\n  \"configuration_key\": ");

        json_string (out, henb_client_get_cell_configuration_key (client));
        g_string_append_printf (out, ",\n  \"admin_state\": %s,\n  \"backend\": ",
                                henb_client_get_cell_admin_state (client) ? "true" : "false");
        json_string (out, backend);
        g_string_append (out, ",\n  \"configuration\": ");
        json_table (out, configuration);
        g_string_append (out, ",\n  \"status\": ");
        json_table (out, status);
        g_string_append (out, "\n}\n");
        g_print ("%s", out->str);
        return;
    }
    print_line ("admin state: %s", henb_client_get_cell_admin_state (client) ? "true" : "false");
    print_line ("radio backend: %s", backend[0] != '\0' ? backend : "- (D-Bus only)");
    print_line ("configuration key: %s", henb_client_get_cell_configuration_key (client));
    print_line ("configuration:");
    print_table (configuration);
    print_line ("status:");
    print_table (status);
}

typedef struct {
    GMainLoop *loop;
    GError    *error;
} Call;

static void
reported (GObject *source, GAsyncResult *res, gpointer user_data)
{
    Call *call = user_data;

    henb_client_report_status_finish (HENB_CLIENT (source), res, &call->error);
    g_main_loop_quit (call->loop);
}

/* cell report NAME=VALUE...: one ReportStatus with all of them */
static gint
run_report (HenbClient *client, gchar **assignments)
{
    g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
    Call call = { loop, NULL };
    gint code;

    for (guint i = 0; assignments[i] != NULL; i++) {
        const gchar *eq = strchr (assignments[i], '=');

        if (eq == NULL || eq == assignments[i]) {
            g_autofree gchar *shown = escape_line (assignments[i]);

            g_printerr ("henbctl: cell report: '%s' is not NAME=VALUE\n", shown);
            return EXIT_USAGE;
        }
        g_hash_table_insert (values, g_strndup (assignments[i], eq - assignments[i]), g_strdup (eq + 1));
    }
    if (g_hash_table_size (values) == 0) {
        g_printerr ("henbctl: cell report: NAME=VALUE expected\n");
        return EXIT_USAGE;
    }
    henb_client_report_status (client, values, NULL, reported, &call);
    g_main_loop_run (loop);
    if (call.error == NULL)
        return EXIT_OK;
    code = report_error ("ReportStatus", call.error);
    g_error_free (call.error);
    return code;
}

/* ------------------------------------------------------------------------------------------ */
/* monitor */

typedef struct {
    GMainLoop  *loop;
    HenbClient *client;
    guint       printed;   /* steps already printed */
    gint        exit_code;
    gboolean    wait;      /* henbctl wait: follow failures and retries until registered */
    guint       timeout;   /* seconds, 0: none */
} Monitor;

/* After a failure henbd plans the retry before it announces the state: NextAttempt is set. */
static void
print_retry (HenbClient *client)
{
    gint64 next = henb_client_get_next_attempt (client);
    g_autofree gchar *at = NULL;

    if (next == 0) {
        print_line ("no retry planned");
        return;
    }
    at = format_wall (next);
    print_line ("retry %u scheduled at %s (in %.1f s)", henb_client_get_retry_count (client), at,
                MAX (next - g_get_real_time (), 0) / 1e6);
}

static void
monitor_print_new_steps (Monitor *m)
{
    g_autoptr(GPtrArray) steps = henb_client_dup_completed_steps (m->client);

    /* a new run starts over */
    if (steps->len < m->printed)
        m->printed = 0;
    for (; m->printed < steps->len; m->printed++)
        print_step (steps->pdata[m->printed], m->printed + 1, henb_client_get_step_count (m->client));
}

static gboolean
monitor_check_done (Monitor *m)
{
    HenbState state = henb_client_get_state (m->client);
    const gchar *err_name, *err_message;

    if (state == HENB_STATE_REGISTERED) {
        monitor_print_new_steps (m);
        print_line ("registered with %s", henb_client_get_serving_hems_url (m->client));
        m->exit_code = EXIT_OK;
        g_main_loop_quit (m->loop);
        return TRUE;
    }
    if (state == HENB_STATE_FAILED || state == HENB_STATE_IDLE) {
        monitor_print_new_steps (m);
        if (state == HENB_STATE_FAILED)
            print_line ("failed: %s",
                     henb_state_failed_reason_to_string (henb_client_get_state_failed_reason (m->client)));
        else
            print_line ("stopped: henbd is idle");
        if (henb_client_get_last_error_name (m->client, &err_name, &err_message))
            print_line ("  %s: %s", err_name, err_message);
        if (state == HENB_STATE_FAILED)
            print_retry (m->client);
        /* wait follows the retry, or a Start, until its deadline */
        if (m->wait)
            return FALSE;
        m->exit_code = EXIT_FAILED;
        g_main_loop_quit (m->loop);
        return TRUE;
    }
    return FALSE;
}

static void
on_state_changed (HenbClient *client, gint old, gint new_state, guint reason, Monitor *m)
{
    monitor_print_new_steps (m);
    print_line ("state: %s", henb_state_to_string (new_state));
    monitor_check_done (m);
}

static void
on_steps_changed (GObject *object, GParamSpec *pspec, Monitor *m)
{
    monitor_print_new_steps (m);
}

static void
on_current_step (GObject *object, GParamSpec *pspec, Monitor *m)
{
    const gchar *id = henb_client_get_current_step_id (m->client);

    if (id[0] != '\0')
        print_line ("  ...     %-16s %s", id, henb_client_get_current_step_name (m->client));
}

static void
on_name_owner (GObject *object, GParamSpec *pspec, Monitor *m)
{
    if (henb_client_is_running (m->client)) {
        /* henbd (re)appeared: a new run, whatever it has done */
        m->printed = 0;
        print_line ("henbd is on the bus, state: %s", henb_state_to_string (henb_client_get_state (m->client)));
        monitor_check_done (m);
        return;
    }
    print_line ("henbd left the bus");
    /* a service manager may start it again before the deadline */
    if (m->wait)
        return;
    m->exit_code = EXIT_NOT_RUNNING;
    g_main_loop_quit (m->loop);
}

static void
on_cell_configuration_changed (HenbClient *client, const gchar *parameter_key, GHashTable *configuration,
                               Monitor *m)
{
    print_line ("cell configuration applied: ParameterKey '%s', %u parameters", parameter_key,
                g_hash_table_size (configuration));
}

static gboolean
on_timeout (gpointer user_data)
{
    Monitor *m = user_data;

    if (m->wait && !henb_client_is_running (m->client)) {
        print_line ("timed out after %u s: henbd is not on the bus", m->timeout);
        m->exit_code = EXIT_NOT_RUNNING;
    } else if (m->wait) {
        print_line ("timed out after %u s in state %s", m->timeout,
                    henb_state_to_string (henb_client_get_state (m->client)));
        m->exit_code = EXIT_FAILED;
    } else {
        print_line ("timed out in state %s", henb_state_to_string (henb_client_get_state (m->client)));
        m->exit_code = EXIT_TIMEOUT;
    }
    g_main_loop_quit (m->loop);
    return G_SOURCE_REMOVE;
}

static gboolean
on_interrupt (gpointer user_data)
{
    Monitor *m = user_data;

    m->exit_code = EXIT_FAILED;
    g_main_loop_quit (m->loop);
    return G_SOURCE_REMOVE;
}

/*
 * monitor: the steps live until registered or failed. wait (like nm-online): until henbd is
 * on the bus and registered, following failures and retries, or until the deadline.
 */
static gint
run_monitor (HenbClient *client, gboolean wait)
{
    g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
    Monitor m = { loop, client, 0, EXIT_FAILED, wait, 0 };
    guint timeout_id = 0;

    m.timeout = opt_timeout >= 0 ? (guint) opt_timeout : wait ? WAIT_DEFAULT_TIMEOUT : 0;
    if (!henb_client_is_running (client)) {
        print_line ("waiting for henbd to appear on the %s bus", opt_session ? "session" : "system");
    } else {
        print_line ("state: %s", henb_state_to_string (henb_client_get_state (client)));
        monitor_print_new_steps (&m);
        on_current_step (NULL, NULL, &m);
        if (monitor_check_done (&m))
            return m.exit_code;
    }
    g_signal_connect (client, "state-changed", G_CALLBACK (on_state_changed), &m);
    g_signal_connect (client, "notify::completed-steps", G_CALLBACK (on_steps_changed), &m);
    g_signal_connect (client, "notify::current-step-id", G_CALLBACK (on_current_step), &m);
    g_signal_connect (client, "notify::running", G_CALLBACK (on_name_owner), &m);
    g_signal_connect (client, "cell-configuration-changed", G_CALLBACK (on_cell_configuration_changed), &m);
    if (m.timeout > 0)
        timeout_id = g_timeout_add_seconds (m.timeout, on_timeout, &m);
    g_unix_signal_add (SIGINT, on_interrupt, &m);
    g_unix_signal_add (SIGTERM, on_interrupt, &m);
    g_main_loop_run (loop);
    g_signal_handlers_disconnect_by_data (client, &m);
    g_clear_handle_id (&timeout_id, g_source_remove);
    return m.exit_code;
}

/* ------------------------------------------------------------------------------------------ */

static gint
report_error (const gchar *what, GError *error)
{
    g_autofree gchar *name = g_dbus_error_encode_gerror (error);
    g_autofree gchar *message = escape_line (error->message);
    g_autofree gchar *name_escaped = escape_line (name);

    g_printerr ("henbctl: %s failed: %s (%s)\n", what, message, name_escaped);
    return EXIT_FAILED;
}

static void
usage (GOptionContext *context)
{
    g_autofree gchar *help = g_option_context_get_help (context, TRUE, NULL);

    g_printerr ("%s", help);
}

int
main (int argc, char **argv)
{
    const GOptionEntry entries[] = {
        { "session", 0, 0, G_OPTION_ARG_NONE, &opt_session, N_("Talk to henbd on the session bus"), NULL },
        { "json", 'j', 0, G_OPTION_ARG_NONE, &opt_json, N_("status, cell: print JSON"), NULL },
        { "timeout", 't', 0, G_OPTION_ARG_INT, &opt_timeout,
          N_("monitor, wait: give up after SECONDS (wait: 30 by default; 0: never)"), N_("SECONDS") },
        { NULL }
    };
    g_autoptr(GOptionContext) context = g_option_context_new (N_("status|monitor|wait|start|rediscover|cancel|cell [report NAME=VALUE...]"));
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) bus = NULL;
    g_autoptr(HenbClient) client = NULL;
    const gchar *command;

    setlocale (LC_ALL, "");
    bindtextdomain (GETTEXT_PACKAGE, HENB_LOCALEDIR);
    bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
    textdomain (GETTEXT_PACKAGE);

    g_option_context_set_summary (context, _("Control and watch henbd, the HeNB management agent."));
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
    if (!g_option_context_parse (context, &argc, &argv, &error)) {
        g_printerr ("henbctl: %s\n", error->message);
        return EXIT_USAGE;
    }
    if (argc < 2) {
        usage (context);
        return EXIT_USAGE;
    }
    command = argv[1];
    /* only cell takes more: "cell report NAME=VALUE..." */
    if (argc > 2 && !(g_str_equal (command, "cell") && argc > 3 && g_str_equal (argv[2], "report"))) {
        usage (context);
        return EXIT_USAGE;
    }
    if (!g_strv_contains ((const gchar *const[]) { "status", "monitor", "wait", "start", "rediscover", "cancel", "cell",
                                                   NULL },
                          command)) {
        g_autofree gchar *shown = escape_line (command);

        g_printerr ("henbctl: unknown command '%s'\n", shown);
        usage (context);
        return EXIT_USAGE;
    }

    bus = g_bus_get_sync (opt_session ? G_BUS_TYPE_SESSION : G_BUS_TYPE_SYSTEM, NULL, &error);
    if (bus == NULL) {
        g_printerr ("henbctl: cannot connect to the %s bus: %s\n", opt_session ? "session" : "system",
                    error->message);
        return EXIT_FAILED;
    }
    client = henb_client_new_sync (bus, NULL, &error);
    if (client == NULL)
        return report_error ("connecting to henbd", error);
    /* wait waits for henbd to appear; Start may activate it */
    if (!henb_client_is_running (client) && !g_str_equal (command, "start") && !g_str_equal (command, "wait")) {
        g_printerr ("henbctl: henbd is not running on the %s bus\n", opt_session ? "session" : "system");
        return EXIT_NOT_RUNNING;
    }

    if (g_str_equal (command, "status")) {
        if (opt_json)
            print_json (client);
        else
            print_status (client);
        return EXIT_OK;
    }
    if (g_str_equal (command, "cell") && argc > 2)
        return run_report (client, argv + 3);
    if (g_str_equal (command, "cell")) {
        print_cell (client);
        return EXIT_OK;
    }
    if (g_str_equal (command, "monitor") || g_str_equal (command, "wait"))
        return run_monitor (client, g_str_equal (command, "wait"));
    if (g_str_equal (command, "start") && !henb_client_start_sync (client, NULL, &error))
        return report_error ("Start", error);
    if (g_str_equal (command, "rediscover") && !henb_client_rediscover_sync (client, NULL, &error))
        return report_error ("Rediscover", error);
    if (g_str_equal (command, "cancel") && !henb_client_cancel_sync (client, NULL, &error))
        return report_error ("Cancel", error);
    return EXIT_OK;
}
