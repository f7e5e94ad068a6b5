/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * henbctl: control and watch henbd.
 *
 *   henbctl [--session] status [--json] [--fields FIELDS [--terse]]
 *   henbctl [--session] monitor [--timeout SECONDS] [--json]
 *   henbctl [--session] wait [--timeout SECONDS] [--state STATE] [--json]
 *   henbctl [--session] start | rediscover | cancel [--json]
 *   henbctl [--session] cell [--json]
 *   henbctl [--session] cell report NAME=VALUE...
 *   henbctl [--session] logging LEVEL
 *   henbctl help [COMMAND] | --version
 *
 * Exit status: 0 success, 1 failed, 2 usage error, 3 timed out, 4 henbd not running,
 * 5 not authorised (exit_codes_help).
 */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "libhenb-glib.h"

/* documented in README.md and in --help (exit_codes_help) */
enum {
    EXIT_OK = 0,
    EXIT_FAILED = 1,
    EXIT_USAGE = 2,
    EXIT_TIMEOUT = 3,
    EXIT_NOT_RUNNING = 4,
    EXIT_REFUSED = 5,
};

static gboolean opt_session = FALSE;
static gboolean opt_json = FALSE;
static gboolean opt_terse = FALSE;
static gboolean opt_version = FALSE;
static gboolean opt_help = FALSE;
static gchar   *opt_fields = NULL;
static gchar   *opt_state = NULL;
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

/* monitor --json and wait --json: one JSON object a line, {"event": NAME, ...} */
static GString *
json_event_new (const gchar *event)
{
    GString *out = g_string_new ("{\"event\": ");

    json_string (out, event);
    return out;
}

static void
json_event_add (GString *out, const gchar *key, const gchar *value)
{
    g_string_append (out, ", ");
    json_string (out, key);
    g_string_append (out, ": ");
    json_string (out, value);
}

static void
json_event_print (GString *out)
{
    g_string_append (out, "}\n");
    g_print ("%s", out->str);
    g_string_free (out, TRUE);
}

static void
print_step (HenbStepInfo *s, guint index, guint count)
{
    g_autofree gchar *start = format_wall (henb_step_info_get_start_time (s));

    if (opt_json) {
        GString *out = json_event_new ("step");

        g_string_append_printf (out, ", \"index\": %u, \"count\": %u", index, count);
        json_event_add (out, "id", henb_step_info_get_id (s));
        json_event_add (out, "name", henb_step_info_get_name (s));
        json_event_add (out, "result", henb_step_result_to_string (henb_step_info_get_result (s)));
        g_string_append_printf (out, ", \"start_us\": %" G_GINT64_FORMAT ", \"duration_us\": %" G_GUINT64_FORMAT,
                                henb_step_info_get_start_time (s), henb_step_info_get_duration (s));
        json_event_add (out, "detail", henb_step_info_get_detail (s));
        json_event_print (out);
        return;
    }
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

    print_line (_("state: %s"), henb_state_to_string (state));
    if (state == HENB_STATE_FAILED)
        print_line (_("failed reason: %s"),
                 henb_state_failed_reason_to_string (henb_client_get_state_failed_reason (client)));
    print_line (_("discovery variant: %s"),
             henb_discovery_variant_to_string (henb_client_get_discovery_variant (client)));
    if (henb_client_get_current_step_id (client)[0] != '\0')
        print_line (_("current step: %s %s"), henb_client_get_current_step_id (client),
                 henb_client_get_current_step_name (client));
    print_line (_("progress: %u%% (%u of %u steps)"), henb_client_get_percentage (client), steps->len,
             henb_client_get_step_count (client));
    if (henb_client_get_last_error_name (client, &err_name, &err_message))
        print_line (_("last error: %s: %s"), err_name, err_message);
    if (henb_client_get_state_file_write_error_name (client, &err_name, &err_message))
        print_line (_("state file not saved: %s: %s"), err_name, err_message);
    print_line (_("serving HeMS: %s"), url[0] != '\0' ? url : "-");
    print_line (_("serving SeGW: %s"), segw);
    print_line (_("S1 addresses: %s"), s1);
    print_line (_("S1 port: %u"), henb_client_get_s1_port (client));
    print_line (_("S1 connection mode: %s"), henb_client_get_s1_connection_mode (client));
    print_line (_("S1 over IPsec: %s"), henb_client_get_s1_ipsec (client) ? _("yes") : _("no"));
    if (henb_client_get_s1_link (client)[0] != '\0') {
        const gchar *detail = henb_client_get_s1_link_detail (client);

        print_line (_("S1 link: %s%s%s"), henb_client_get_s1_link (client),
                    detail[0] != '\0' ? _("; last failure: ") : "", detail);
    }
    if (g_strcmp0 (henb_client_get_s1_link (client), "up") == 0) {
        g_autofree gchar *gummeis = join_or_none (henb_client_get_served_gummeis (client));

        print_line (_("MME: %s at %s, relative capacity %u, served GUMMEIs %s"),
                    henb_client_get_mme_name (client)[0] != '\0' ? henb_client_get_mme_name (client) : _("(no name)"),
                    henb_client_get_s1_far_end (client), henb_client_get_mme_relative_capacity (client), gummeis);
    }
    if (henb_client_get_tunnel_active (client)) {
        g_autofree gchar *dns = join_or_none (henb_client_get_tunnel_dns_servers (client));
        g_autofree gchar *since = format_wall (henb_client_get_tunnel_up_since (client));

        print_line (_("tunnel: %s SeGW %s (%s) via %s, inner address %s, DNS %s, up since %s"),
                 henb_client_get_tunnel_purpose (client), henb_client_get_tunnel_security_gateway (client),
                 henb_client_get_tunnel_gateway_address (client), henb_client_get_tunnel_backend (client),
                 henb_client_get_tunnel_inner_address (client), dns, since);
    } else {
        print_line (_("tunnel: none"));
    }
    {
        g_auto(GStrv) pending = henb_client_dup_pending_events (client);
        g_autofree gchar *events = join_or_none ((const gchar *const *) pending);
        const gchar *cr = henb_client_get_connection_request_url (client);
        const gchar *last = henb_client_get_last_session_result (client);

        print_line (_("sessions after registration: %u, last: %s"), henb_client_get_session_count (client),
                 last[0] != '\0' ? last : "-");
        print_line (_("pending events: %s"), events);
        if (henb_client_get_next_attempt (client) != 0) {
            g_autofree gchar *next = format_wall (henb_client_get_next_attempt (client));
            print_line (_("retry %u at %s"), henb_client_get_retry_count (client), next);
        }
        print_line (_("connection requests: %s"), cr[0] != '\0' ? cr : "-");
        print_line (_("tolerated inputs: %u"), henb_client_get_tolerated_inputs (client));
    }
    print_cr_transports (client);
    if (steps->len > 0)
        print_line (_("steps:"));
    for (guint i = 0; i < steps->len; i++)
        print_step (steps->pdata[i], i + 1, henb_client_get_step_count (client));
}

static gint report_error (const gchar *what, GError *error);
static void print_json_result (gint code, const gchar *error_name, const gchar *message);

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
    print_line (_("admin state: %s"), henb_client_get_cell_admin_state (client) ? "true" : "false");
    print_line (_("radio backend: %s"), backend[0] != '\0' ? backend : _("- (D-Bus only)"));
    print_line (_("configuration key: %s"), henb_client_get_cell_configuration_key (client));
    print_line (_("configuration:"));
    print_table (configuration);
    print_line (_("status:"));
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

            g_printerr (_("henbctl: cell report: '%s' is not NAME=VALUE\n"), shown);
            return EXIT_USAGE;
        }
        g_hash_table_insert (values, g_strndup (assignments[i], eq - assignments[i]), g_strdup (eq + 1));
    }
    if (g_hash_table_size (values) == 0) {
        g_printerr (_("henbctl: cell report: NAME=VALUE expected\n"));
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
/* monitor and wait */

typedef struct {
    GMainLoop  *loop;
    HenbClient *client;
    guint       printed;   /* steps already printed */
    gint        exit_code;
    gboolean    wait;      /* henbctl wait: follow failures and retries until the target state */
    HenbState   target;    /* wait: the state to reach (registered unless --state) */
    guint       timeout;   /* seconds, 0: none */
} Monitor;

/* After a failure henbd plans the retry before it announces the state: NextAttempt is set. */
static void
print_retry (HenbClient *client)
{
    gint64 next = henb_client_get_next_attempt (client);
    g_autofree gchar *at = NULL;

    if (next == 0) {
        print_line (_("no retry planned"));
        return;
    }
    at = format_wall (next);
    print_line (_("retry %u scheduled at %s (in %.1f s)"), henb_client_get_retry_count (client), at,
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

static void
monitor_print_state (HenbState state)
{
    if (opt_json) {
        GString *out = json_event_new ("state");

        json_event_add (out, "state", henb_state_to_string (state));
        json_event_print (out);
        return;
    }
    print_line (_("state: %s"), henb_state_to_string (state));
}

static void
monitor_print_stop (Monitor *m, HenbState state)
{
    const gchar *err_name = "", *err_message = "";
    gboolean has_error = henb_client_get_last_error_name (m->client, &err_name, &err_message);

    if (opt_json) {
        GString *out = json_event_new (state == HENB_STATE_FAILED ? "failed" : "stopped");

        if (state == HENB_STATE_FAILED)
            json_event_add (out, "reason",
                            henb_state_failed_reason_to_string (henb_client_get_state_failed_reason (m->client)));
        g_string_append (out, ", \"last_error\": {\"name\": ");
        json_string (out, has_error ? err_name : "");
        g_string_append (out, ", \"message\": ");
        json_string (out, has_error ? err_message : "");
        g_string_append_printf (out, "}, \"retry_count\": %u, \"next_attempt_us\": %" G_GINT64_FORMAT,
                                henb_client_get_retry_count (m->client), henb_client_get_next_attempt (m->client));
        json_event_print (out);
        return;
    }
    if (state == HENB_STATE_FAILED)
        print_line (_("failed: %s"),
                    henb_state_failed_reason_to_string (henb_client_get_state_failed_reason (m->client)));
    else
        print_line (_("stopped: henbd is idle"));
    if (has_error)
        print_line ("  %s: %s", err_name, err_message);
    if (state == HENB_STATE_FAILED)
        print_retry (m->client);
}

static void
monitor_finish (Monitor *m, gint exit_code)
{
    m->exit_code = exit_code;
    g_main_loop_quit (m->loop);
}

static gboolean
monitor_check_done (Monitor *m)
{
    HenbState state = henb_client_get_state (m->client);

    if (state == HENB_STATE_REGISTERED && (!m->wait || m->target == HENB_STATE_REGISTERED)) {
        monitor_print_new_steps (m);
        if (opt_json) {
            GString *out = json_event_new ("registered");

            json_event_add (out, "hems_url", henb_client_get_serving_hems_url (m->client));
            json_event_print (out);
        } else {
            print_line (_("registered with %s"), henb_client_get_serving_hems_url (m->client));
        }
        monitor_finish (m, EXIT_OK);
        return TRUE;
    }
    if (m->wait && state == m->target) {
        if (opt_json) {
            GString *out = json_event_new ("reached");

            json_event_add (out, "state", henb_state_to_string (state));
            json_event_print (out);
        } else {
            print_line (_("reached state %s"), henb_state_to_string (state));
        }
        monitor_finish (m, EXIT_OK);
        return TRUE;
    }
    if (state == HENB_STATE_FAILED || state == HENB_STATE_IDLE) {
        monitor_print_new_steps (m);
        monitor_print_stop (m, state);
        /* wait follows the retry, or a Start, until its deadline */
        if (m->wait)
            return FALSE;
        monitor_finish (m, EXIT_FAILED);
        return TRUE;
    }
    return FALSE;
}

static void
on_state_changed (HenbClient *client, gint old, gint new_state, guint reason, Monitor *m)
{
    monitor_print_new_steps (m);
    monitor_print_state (new_state);
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

    if (id[0] == '\0')
        return;
    if (opt_json) {
        GString *out = json_event_new ("current-step");

        json_event_add (out, "id", id);
        json_event_add (out, "name", henb_client_get_current_step_name (m->client));
        json_event_print (out);
        return;
    }
    print_line ("  ...     %-16s %s", id, henb_client_get_current_step_name (m->client));
}

static void
on_name_owner (GObject *object, GParamSpec *pspec, Monitor *m)
{
    gboolean running = henb_client_is_running (m->client);

    if (opt_json) {
        GString *out = json_event_new (running ? "henbd-appeared" : "henbd-left");

        if (running)
            json_event_add (out, "state", henb_state_to_string (henb_client_get_state (m->client)));
        json_event_print (out);
    }
    if (running) {
        /* henbd (re)appeared: a new run, whatever it has done */
        m->printed = 0;
        if (!opt_json)
            print_line (_("henbd is on the bus, state: %s"), henb_state_to_string (henb_client_get_state (m->client)));
        monitor_check_done (m);
        return;
    }
    if (!opt_json)
        print_line (_("henbd left the bus"));
    /* a service manager may start it again before the deadline */
    if (m->wait)
        return;
    monitor_finish (m, EXIT_NOT_RUNNING);
}

static void
on_cell_configuration_changed (HenbClient *client, const gchar *parameter_key, GHashTable *configuration,
                               Monitor *m)
{
    if (opt_json) {
        GString *out = json_event_new ("cell-configuration-applied");

        json_event_add (out, "parameter_key", parameter_key);
        g_string_append_printf (out, ", \"parameters\": %u", g_hash_table_size (configuration));
        json_event_print (out);
        return;
    }
    print_line (_("cell configuration applied: ParameterKey '%s', %u parameters"), parameter_key,
                g_hash_table_size (configuration));
}

static gboolean
on_timeout (gpointer user_data)
{
    Monitor *m = user_data;
    gboolean running = henb_client_is_running (m->client);
    const gchar *state = henb_state_to_string (henb_client_get_state (m->client));

    if (opt_json) {
        GString *out = json_event_new ("timeout");

        g_string_append_printf (out, ", \"seconds\": %u, \"running\": %s", m->timeout, running ? "true" : "false");
        json_event_add (out, "state", running ? state : "");
        json_event_print (out);
    } else if (!running) {
        print_line (_("timed out after %u s: henbd is not on the bus"), m->timeout);
    } else {
        print_line (_("timed out after %u s in state %s"), m->timeout, state);
    }
    monitor_finish (m, running ? EXIT_TIMEOUT : EXIT_NOT_RUNNING);
    return G_SOURCE_REMOVE;
}

static gboolean
on_interrupt (gpointer user_data)
{
    Monitor *m = user_data;

    monitor_finish (m, EXIT_FAILED);
    return G_SOURCE_REMOVE;
}

/*
 * monitor: the steps live until registered or failed. wait (like nm-online): until henbd is
 * on the bus and in the target state (registered), following failures and retries, or until
 * the deadline.
 */
static gint
run_monitor (HenbClient *client, gboolean wait, HenbState target)
{
    g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
    Monitor m = { loop, client, 0, EXIT_FAILED, wait, target, 0 };
    guint timeout_id = 0;

    m.timeout = opt_timeout >= 0 ? (guint) opt_timeout : wait ? WAIT_DEFAULT_TIMEOUT : 0;
    if (!henb_client_is_running (client)) {
        if (opt_json) {
            GString *out = json_event_new ("waiting-for-henbd");

            json_event_add (out, "bus", opt_session ? "session" : "system");
            json_event_print (out);
        } else {
            print_line ("%s", opt_session ? _("waiting for henbd to appear on the session bus")
                                          : _("waiting for henbd to appear on the system bus"));
        }
    } else {
        monitor_print_state (henb_client_get_state (client));
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
/* status --fields and --terse: single values for scripts, like nmcli -t -f */

typedef gchar *(*FieldGetter) (HenbClient *client);

static gchar *
field_running (HenbClient *c)
{
    return g_strdup (henb_client_is_running (c) ? "yes" : "no");
}

static gchar *
field_version (HenbClient *c)
{
    return g_strdup (henb_client_get_version (c));
}

static gchar *
field_state (HenbClient *c)
{
    return g_strdup (henb_state_to_string (henb_client_get_state (c)));
}

static gchar *
field_state_value (HenbClient *c)
{
    return g_strdup_printf ("%d", henb_client_get_state (c));
}

static gchar *
field_failed_reason (HenbClient *c)
{
    return g_strdup (henb_state_failed_reason_to_string (henb_client_get_state_failed_reason (c)));
}

static gchar *
field_variant (HenbClient *c)
{
    return g_strdup (henb_discovery_variant_to_string (henb_client_get_discovery_variant (c)));
}

static gchar *
field_current_step (HenbClient *c)
{
    return g_strdup (henb_client_get_current_step_id (c));
}

static gchar *
field_percentage (HenbClient *c)
{
    return g_strdup_printf ("%u", henb_client_get_percentage (c));
}

static gchar *
field_steps (HenbClient *c)
{
    g_autoptr(GPtrArray) steps = henb_client_dup_completed_steps (c);

    return g_strdup_printf ("%u", steps->len);
}

static gchar *
field_step_count (HenbClient *c)
{
    return g_strdup_printf ("%u", henb_client_get_step_count (c));
}

static gchar *
field_last_error (HenbClient *c)
{
    const gchar *name = "", *message;

    henb_client_get_last_error_name (c, &name, &message);
    return g_strdup (name);
}

static gchar *
field_hems_url (HenbClient *c)
{
    return g_strdup (henb_client_get_serving_hems_url (c));
}

static gchar *
join_commas (const gchar *const *v)
{
    return v != NULL ? g_strjoinv (",", (GStrv) v) : g_strdup ("");
}

static gchar *
field_segw (HenbClient *c)
{
    return join_commas (henb_client_get_security_gateways (c));
}

static gchar *
field_s1_addresses (HenbClient *c)
{
    return join_commas (henb_client_get_s1_addresses (c));
}

static gchar *
field_s1_port (HenbClient *c)
{
    return g_strdup_printf ("%u", henb_client_get_s1_port (c));
}

static gchar *
field_s1_link (HenbClient *c)
{
    return g_strdup (henb_client_get_s1_link (c));
}

static gchar *
field_tunnel (HenbClient *c)
{
    return g_strdup (henb_client_get_tunnel_active (c) ? henb_client_get_tunnel_purpose (c) : "");
}

static gchar *
field_inner_address (HenbClient *c)
{
    return g_strdup (henb_client_get_tunnel_active (c) ? henb_client_get_tunnel_inner_address (c) : "");
}

static gchar *
field_retry_count (HenbClient *c)
{
    return g_strdup_printf ("%u", henb_client_get_retry_count (c));
}

static gchar *
field_next_attempt (HenbClient *c)
{
    return g_strdup_printf ("%" G_GINT64_FORMAT, henb_client_get_next_attempt (c));
}

static gchar *
field_pending_events (HenbClient *c)
{
    g_auto(GStrv) pending = henb_client_dup_pending_events (c);

    return join_commas ((const gchar *const *) pending);
}

static const struct {
    const gchar *name;
    FieldGetter  get;
} status_fields[] = {
    { "running", field_running },
    { "version", field_version },
    { "state", field_state },
    { "state-value", field_state_value },
    { "failed-reason", field_failed_reason },
    { "variant", field_variant },
    { "current-step", field_current_step },
    { "percentage", field_percentage },
    { "steps", field_steps },
    { "step-count", field_step_count },
    { "last-error", field_last_error },
    { "hems-url", field_hems_url },
    { "segw", field_segw },
    { "s1-addresses", field_s1_addresses },
    { "s1-port", field_s1_port },
    { "s1-link", field_s1_link },
    { "tunnel", field_tunnel },
    { "inner-address", field_inner_address },
    { "retry-count", field_retry_count },
    { "next-attempt", field_next_attempt },
    { "pending-events", field_pending_events },
};

static gchar *
field_names (void)
{
    GString *out = g_string_new (NULL);

    for (guint i = 0; i < G_N_ELEMENTS (status_fields); i++)
        g_string_append_printf (out, "%s%s", i > 0 ? "," : "", status_fields[i].name);
    return g_string_free (out, FALSE);
}

/* FIELDS: comma-separated names, or "all"; NULL and a message for an unknown one */
static GArray *
parse_fields (const gchar *fields)
{
    g_autoptr(GArray) chosen = g_array_new (FALSE, FALSE, sizeof (guint));
    g_auto(GStrv) names = g_strsplit (fields != NULL ? fields : "all", ",", -1);

    for (guint n = 0; names[n] != NULL; n++) {
        gboolean found = FALSE;

        for (guint i = 0; i < G_N_ELEMENTS (status_fields); i++) {
            if (g_str_equal (names[n], "all") || g_str_equal (names[n], status_fields[i].name)) {
                g_array_append_val (chosen, i);
                found = TRUE;
            }
        }
        if (!found) {
            g_autofree gchar *shown = escape_line (names[n]);
            g_autofree gchar *known = field_names ();

            g_printerr (_("henbctl: unknown field '%s' (fields: %s)\n"), shown, known);
            return NULL;
        }
    }
    return g_steal_pointer (&chosen);
}

/* --terse: VALUE:VALUE..., ':' and '\' in a value escaped with '\' as nmcli does */
static void
print_fields (HenbClient *client, GArray *chosen)
{
    g_autoptr(GString) out = g_string_new (NULL);

    for (guint n = 0; n < chosen->len; n++) {
        guint i = g_array_index (chosen, guint, n);
        g_autofree gchar *value = status_fields[i].get (client);
        g_autofree gchar *escaped = escape_line (value);

        if (opt_json) {
            g_string_append (out, n > 0 ? ", " : "{");
            json_string (out, status_fields[i].name);
            g_string_append (out, ": ");
            json_string (out, value);
        } else if (opt_terse) {
            g_autofree gchar *colons = NULL;
            g_auto(GStrv) parts = g_strsplit (escaped, ":", -1);

            colons = g_strjoinv ("\\:", parts);
            g_string_append_printf (out, "%s%s", n > 0 ? ":" : "", colons);
        } else {
            g_string_append_printf (out, "%s: %s\n", status_fields[i].name, escaped);
        }
    }
    if (opt_json)
        g_string_append (out, chosen->len > 0 ? "}\n" : "{}\n");
    else if (opt_terse)
        g_string_append_c (out, '\n');
    g_print ("%s", out->str);
}

/* ------------------------------------------------------------------------------------------ */
/* Results of the requests */

static gint
exit_code_of (GError *error)
{
    if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
        g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
        g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND))
        return EXIT_NOT_RUNNING;
    if (g_error_matches (error, HENB_CORE_ERROR, HENB_CORE_ERROR_UNAUTHORIZED) ||
        g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED) ||
        g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_AUTH_FAILED))
        return EXIT_REFUSED;
    return EXIT_FAILED;
}

/* --json: what a request came to, on stdout */
static void
print_json_result (gint code, const gchar *error_name, const gchar *message)
{
    g_autoptr(GString) out = g_string_new (NULL);

    g_string_append_printf (out, "{\"ok\": %s, \"exit_code\": %d", code == EXIT_OK ? "true" : "false", code);
    if (code != EXIT_OK) {
        g_string_append (out, ", \"error\": {\"name\": ");
        json_string (out, error_name);
        g_string_append (out, ", \"message\": ");
        json_string (out, message);
        g_string_append_c (out, '}');
    }
    g_string_append (out, "}\n");
    g_print ("%s", out->str);
}

static gint
report_error (const gchar *what, GError *error)
{
    g_autofree gchar *name = g_dbus_error_encode_gerror (error);
    g_autofree gchar *message = escape_line (error->message);
    g_autofree gchar *name_escaped = escape_line (name);
    gint code = exit_code_of (error);

    /* TRANSLATORS: the first %s is a D-Bus method, e.g. Start */
    g_printerr (_("henbctl: %s failed: %s (%s)\n"), what, message, name_escaped);
    if (opt_json)
        print_json_result (code, name, error->message);
    return code;
}

/* ERROR is read only after OK: the call that sets it is an argument evaluated with it */
static gint
request_done (const gchar *what, gboolean ok, GError **error)
{
    if (!ok)
        return report_error (what, *error);
    if (opt_json)
        print_json_result (EXIT_OK, NULL, NULL);
    return EXIT_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Commands and their help */

typedef struct {
    const gchar *name;
    const gchar *synopsis;
    const gchar *help;      /* N_(): translated when shown */
    guint        min_args;  /* after the command */
    guint        max_args;  /* G_MAXUINT: any */
} Command;

static const Command commands[] = {
    { "status", "status [--json] [--fields FIELDS [--terse]]",
      N_("Show henbd's state, progress, serving values, tunnel, events and steps.\n"
         "--fields picks values (comma-separated, \"all\"; \"help\" lists them), one\n"
         "\"name: value\" a line; with --terse only the values, separated by ':' (a ':' in a\n"
         "value as '\\:'), like nmcli -t -f; with --json one flat JSON object."), 0, 0 },
    { "monitor", "monitor [--timeout SECONDS] [--json]",
      N_("Follow the steps live until registered (exit 0), failed or stopped (1), henbd leaves\n"
         "the bus (4) or the timeout (3). --json: one JSON object a line, {\"event\": ...}."), 0, 0 },
    { "wait", "wait [--timeout SECONDS] [--state STATE] [--json]",
      N_("Like nm-online: wait for henbd to appear on the bus and follow failures and retries\n"
         "until registered (or STATE: idle, discovering, connecting, registering, s1-setup,\n"
         "failed) (exit 0), or the deadline (default 30 s, 0: none): exit 3, or 4 when henbd is\n"
         "not on the bus."), 0, 0 },
    { "start", "start [--json]", N_("Start the bootstrap (org.henbd.HeNB1.Start)."), 0, 0 },
    { "rediscover", "rediscover [--json]",
      N_("Forget the Serving HeMS and run discovery again (org.henbd.HeNB1.Rediscover)."), 0, 0 },
    { "cancel", "cancel [--json]", N_("Stop the running procedure or the planned retry."), 0, 0 },
    { "cell", "cell [--json] | cell report NAME=VALUE...",
      N_("Show the cell: configuration, key, admin state, status. \"cell report\" reports the\n"
         "radio stack's status (Radio.ReportStatus)."), 0, G_MAXUINT },
    { "logging", "logging LEVEL [--json]",
      N_("Set henbd's log level until it stops: error, warning, message (the default), info or\n"
         "debug (org.henbd.HeNB1.SetLogging; authorised like start)."), 1, 1 },
    { "help", "help [COMMAND]", N_("Show the help of COMMAND, or of henbctl."), 0, 1 },
};

static const gchar exit_codes_help[] =
    N_("Exit status: 0 success; 1 failed (henbd refused the request, or monitor: failed or\n"
       "stopped); 2 usage error; 3 timed out (monitor, wait); 4 henbd not running (not on the\n"
       "bus); 5 not authorised (polkit or the bus policy refused).");

static const Command *
find_command (const gchar *name)
{
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++) {
        if (g_str_equal (commands[i].name, name))
            return &commands[i];
    }
    return NULL;
}

static gchar *
commands_help (void)
{
    GString *out = g_string_new (_("Commands:"));

    g_string_append_c (out, '\n');
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
        g_string_append_printf (out, "  %s\n", commands[i].synopsis);
    g_string_append_printf (out, "\n%s\n\n%s", _("\"henbctl help COMMAND\" or \"henbctl COMMAND --help\" explains one."),
                            _(exit_codes_help));
    return g_string_free (out, FALSE);
}

static void
print_command_help (const Command *command)
{
    g_print ("%s\n  henbctl [--session] %s\n\n%s\n\n%s\n", _("Usage:"), command->synopsis, _(command->help),
             _(exit_codes_help));
}

static void
usage (GOptionContext *context)
{
    g_autofree gchar *help = g_option_context_get_help (context, TRUE, NULL);

    g_printerr ("%s", help);
}

static gboolean
parse_state (const gchar *name, HenbState *state)
{
    static const HenbState states[] = {
        HENB_STATE_FAILED, HENB_STATE_IDLE, HENB_STATE_DISCOVERING, HENB_STATE_CONNECTING,
        HENB_STATE_REGISTERING, HENB_STATE_S1_SETUP, HENB_STATE_REGISTERED,
    };

    for (guint i = 0; i < G_N_ELEMENTS (states); i++) {
        if (g_strcmp0 (name, henb_state_to_string (states[i])) == 0) {
            *state = states[i];
            return TRUE;
        }
    }
    return FALSE;
}

int
main (int argc, char **argv)
{
    const GOptionEntry entries[] = {
        { "session", 0, 0, G_OPTION_ARG_NONE, &opt_session, N_("Talk to henbd on the session bus"), NULL },
        { "json", 'j', 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON (every command)"), NULL },
        { "fields", 'f', 0, G_OPTION_ARG_STRING, &opt_fields,
          N_("status: print only these fields (comma-separated, or \"all\")"), N_("FIELDS") },
        { "terse", 0, 0, G_OPTION_ARG_NONE, &opt_terse, N_("status: print only the values, ':'-separated"), NULL },
        { "timeout", 't', 0, G_OPTION_ARG_INT, &opt_timeout,
          N_("monitor, wait: give up after SECONDS (wait: 30 by default; 0: never)"), N_("SECONDS") },
        { "state", 's', 0, G_OPTION_ARG_STRING, &opt_state, N_("wait: for this state instead of registered"),
          N_("STATE") },
        { "version", 'V', 0, G_OPTION_ARG_NONE, &opt_version, N_("Print henbctl's version and exit"), NULL },
        { "help", 'h', 0, G_OPTION_ARG_NONE, &opt_help, N_("Show help (with a command: its help)"), NULL },
        { NULL }
    };
    g_autoptr(GOptionContext) context = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) bus = NULL;
    g_autoptr(HenbClient) client = NULL;
    g_autofree gchar *description = NULL;
    g_autoptr(GArray) chosen = NULL;
    const gchar *localedir = g_getenv ("HENB_LOCALEDIR");
    const Command *command;
    HenbState target = HENB_STATE_REGISTERED;
    guint n_args;

    setlocale (LC_ALL, "");
    /* HENB_LOCALEDIR: the catalogs of a build tree (tests) */
    bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && localedir[0] != '\0' ? localedir : HENB_LOCALEDIR);
    bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
    textdomain (GETTEXT_PACKAGE);

    context = g_option_context_new (_("COMMAND [ARGUMENTS]"));
    g_option_context_set_help_enabled (context, FALSE);
    g_option_context_set_summary (context, _("Control and watch henbd, the HeNB management agent."));
    description = commands_help ();
    g_option_context_set_description (context, description);
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
    if (!g_option_context_parse (context, &argc, &argv, &error)) {
        g_printerr ("henbctl: %s\n", error->message);
        return EXIT_USAGE;
    }
    if (opt_version) {
        if (opt_json)
            g_print ("{\"version\": \"%s\"}\n", PACKAGE_VERSION);
        else
            g_print ("henbctl %s\n", PACKAGE_VERSION);
        return EXIT_OK;
    }
    if (argc < 2) {
        if (opt_help) {
            g_autofree gchar *help = g_option_context_get_help (context, TRUE, NULL);

            g_print ("%s", help);
            return EXIT_OK;
        }
        usage (context);
        return EXIT_USAGE;
    }
    command = find_command (argv[1]);
    if (command == NULL) {
        g_autofree gchar *shown = escape_line (argv[1]);

        g_printerr (_("henbctl: unknown command '%s'\n"), shown);
        usage (context);
        return EXIT_USAGE;
    }
    n_args = (guint) argc - 2;
    if (n_args > command->max_args) {
        g_printerr (_("henbctl: wrong arguments for %s; usage: henbctl %s\n"), command->name, command->synopsis);
        return EXIT_USAGE;
    }
    if (g_str_equal (command->name, "help") && n_args == 1) {
        const Command *about = find_command (argv[2]);

        if (about == NULL) {
            g_autofree gchar *shown = escape_line (argv[2]);

            g_printerr (_("henbctl: unknown command '%s'\n"), shown);
            return EXIT_USAGE;
        }
        print_command_help (about);
        return EXIT_OK;
    }
    if (g_str_equal (command->name, "help")) {
        g_autofree gchar *help = g_option_context_get_help (context, TRUE, NULL);

        g_print ("%s", help);
        return EXIT_OK;
    }
    if (opt_help) {
        print_command_help (command);
        return EXIT_OK;
    }
    /* only cell takes more: "cell report NAME=VALUE..." */
    if (n_args < command->min_args || n_args > command->max_args ||
        (g_str_equal (command->name, "cell") && n_args > 0 && !(n_args > 1 && g_str_equal (argv[2], "report")))) {
        g_printerr (_("henbctl: wrong arguments for %s; usage: henbctl %s\n"), command->name, command->synopsis);
        return EXIT_USAGE;
    }
    /* an option meant for another command is a mistake, not something to ignore */
    {
        const gchar *misplaced = NULL;
        gboolean follows = g_str_equal (command->name, "monitor") || g_str_equal (command->name, "wait");

        if (opt_timeout >= 0 && !follows)
            misplaced = "--timeout";
        else if (opt_state != NULL && !g_str_equal (command->name, "wait"))
            misplaced = "--state";
        else if ((opt_fields != NULL || opt_terse) && !g_str_equal (command->name, "status"))
            misplaced = opt_fields != NULL ? "--fields" : "--terse";
        if (misplaced != NULL) {
            /* TRANSLATORS: an option, then a command, e.g. "--state is not an option of start" */
            g_printerr (_("henbctl: %s is not an option of %s; usage: henbctl %s\n"), misplaced, command->name,
                        command->synopsis);
            return EXIT_USAGE;
        }
    }
    if (opt_state != NULL && !parse_state (opt_state, &target)) {
        g_autofree gchar *shown = escape_line (opt_state);

        g_printerr (_("henbctl: unknown state '%s'\n"), shown);
        return EXIT_USAGE;
    }
    if (g_str_equal (command->name, "logging") &&
        !g_strv_contains ((const gchar *const[]) { "error", "warning", "message", "info", "debug", NULL }, argv[2])) {
        g_autofree gchar *shown = escape_line (argv[2]);

        g_printerr (_("henbctl: unknown log level '%s' (error, warning, message, info or debug)\n"), shown);
        return EXIT_USAGE;
    }
    if (opt_terse && opt_fields == NULL)
        opt_fields = g_strdup ("all");
    if (g_strcmp0 (opt_fields, "help") == 0) {
        g_autofree gchar *known = field_names ();

        g_print ("%s\n", known);
        return EXIT_OK;
    }
    /* a usage error, before any bus */
    if (opt_fields != NULL) {
        chosen = parse_fields (opt_fields);
        if (chosen == NULL)
            return EXIT_USAGE;
    }

    bus = g_bus_get_sync (opt_session ? G_BUS_TYPE_SESSION : G_BUS_TYPE_SYSTEM, NULL, &error);
    if (bus == NULL) {
        g_printerr (opt_session ? _("henbctl: cannot connect to the session bus: %s\n")
                                : _("henbctl: cannot connect to the system bus: %s\n"),
                    error->message);
        if (opt_json)
            print_json_result (EXIT_NOT_RUNNING, "org.freedesktop.DBus.Error.NoServer", error->message);
        return EXIT_NOT_RUNNING;
    }
    client = henb_client_new_sync (bus, NULL, &error);
    if (client == NULL)
        return report_error ("connecting to henbd", error);
    /* wait waits for henbd to appear; Start may activate it */
    if (!henb_client_is_running (client) && !g_str_equal (command->name, "start") &&
        !g_str_equal (command->name, "wait")) {
        const gchar *message = opt_session ? _("henbctl: henbd is not running on the session bus")
                                           : _("henbctl: henbd is not running on the system bus");

        g_printerr ("%s\n", message);
        if (opt_json)
            print_json_result (EXIT_NOT_RUNNING, "org.freedesktop.DBus.Error.ServiceUnknown", message);
        return EXIT_NOT_RUNNING;
    }

    if (g_str_equal (command->name, "status") && chosen != NULL) {
        print_fields (client, chosen);
        return EXIT_OK;
    }
    if (g_str_equal (command->name, "status")) {
        if (opt_json)
            print_json (client);
        else
            print_status (client);
        return EXIT_OK;
    }
    if (g_str_equal (command->name, "cell") && n_args > 0)
        return run_report (client, argv + 3);
    if (g_str_equal (command->name, "cell")) {
        print_cell (client);
        return EXIT_OK;
    }
    if (g_str_equal (command->name, "monitor") || g_str_equal (command->name, "wait"))
        return run_monitor (client, g_str_equal (command->name, "wait"), target);
    if (g_str_equal (command->name, "start"))
        return request_done ("Start", henb_client_start_sync (client, NULL, &error), &error);
    if (g_str_equal (command->name, "rediscover"))
        return request_done ("Rediscover", henb_client_rediscover_sync (client, NULL, &error), &error);
    if (g_str_equal (command->name, "cancel"))
        return request_done ("Cancel", henb_client_cancel_sync (client, NULL, &error), &error);
    if (g_str_equal (command->name, "logging"))
        return request_done ("SetLogging", henb_client_set_logging_sync (client, argv[2], NULL, &error), &error);
    g_return_val_if_reached (EXIT_USAGE);
}
