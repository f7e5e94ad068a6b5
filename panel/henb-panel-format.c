/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "henb-panel-format.h"

const gchar *
henb_panel_format_state (HenbState state)
{
    switch (state) {
    case HENB_STATE_FAILED:
        return _("Failed");
    case HENB_STATE_IDLE:
        return _("Idle");
    case HENB_STATE_DISCOVERING:
        return _("Discovering the Serving HeMS");
    case HENB_STATE_CONNECTING:
        return _("Connecting to the Serving HeMS");
    case HENB_STATE_REGISTERING:
        return _("Registering");
    case HENB_STATE_S1_SETUP:
        return _("Setting up S1");
    case HENB_STATE_REGISTERED:
        return _("Registered");
    case HENB_STATE_UNKNOWN:
    default:
        return _("Unknown");
    }
}

const gchar *
henb_panel_format_failed_reason (HenbStateFailedReason reason)
{
    switch (reason) {
    case HENB_STATE_FAILED_REASON_NONE:
        return "";
    case HENB_STATE_FAILED_REASON_CONFIGURATION:
        return _("The factory configuration is not usable");
    case HENB_STATE_FAILED_REASON_DNS:
        return _("A name could not be resolved");
    case HENB_STATE_FAILED_REASON_UNREACHABLE:
        return _("A server could not be reached");
    case HENB_STATE_FAILED_REASON_TLS:
        return _("The TLS connection was refused");
    case HENB_STATE_FAILED_REASON_IPSEC:
        return _("The IPsec tunnel could not be set up");
    case HENB_STATE_FAILED_REASON_HTTP:
        return _("The HeMS answered with an HTTP error");
    case HENB_STATE_FAILED_REASON_HEMS_PROTOCOL:
        return _("The HeMS broke the CWMP protocol");
    case HENB_STATE_FAILED_REASON_NO_SERVING_HEMS:
        return _("The Initial HeMS set no Serving HeMS");
    case HENB_STATE_FAILED_REASON_NO_S1_ADDRESS:
        return _("No HeMS set the S1 far-end address");
    case HENB_STATE_FAILED_REASON_S1_SETUP:
        return _("S1 Setup with the MME failed");
    case HENB_STATE_FAILED_REASON_TIMEOUT:
        return _("A step took too long");
    case HENB_STATE_FAILED_REASON_UNKNOWN:
    default:
        return _("Unknown reason");
    }
}

const gchar *
henb_panel_format_step_result (HenbStepResult result)
{
    switch (result) {
    case HENB_STEP_RESULT_OK:
        return _("done");
    case HENB_STEP_RESULT_SKIPPED:
        return _("skipped");
    case HENB_STEP_RESULT_FAILED:
    default:
        return _("failed");
    }
}

gchar *
henb_panel_format_duration (guint64 usec)
{
    if (usec < 1000)
        /* TRANSLATORS: a duration in microseconds */
        return g_strdup_printf (_("%u µs"), (guint) usec);
    if (usec < G_USEC_PER_SEC)
        /* TRANSLATORS: a duration in milliseconds */
        return g_strdup_printf (_("%u ms"), (guint) (usec / 1000));
    /* TRANSLATORS: a duration in seconds, with one decimal */
    return g_strdup_printf (_("%.1f s"), (gdouble) usec / G_USEC_PER_SEC);
}

/* The wait until henbd's next attempt, in whole seconds rounded up (a countdown that shows
 * 0 while time is left would look stuck). */
gchar *
henb_panel_format_countdown (gint64 next_attempt_usec, gint64 now_usec)
{
    gint64 left;

    if (next_attempt_usec <= 0)
        return g_strdup (_("No retry planned"));
    if (next_attempt_usec <= now_usec)
        return g_strdup (_("Retrying now"));
    left = (next_attempt_usec - now_usec + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
    if (left < 60)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Next attempt in %u second",
                                             "Next attempt in %u seconds", (gulong) left),
                                (guint) left);
    if (left < 3600)
        /* TRANSLATORS: minutes and seconds until the next attempt */
        return g_strdup_printf (_("Next attempt in %u min %02u s"), (guint) (left / 60), (guint) (left % 60));
    /* TRANSLATORS: hours and minutes until the next attempt */
    return g_strdup_printf (_("Next attempt in %u h %02u min"), (guint) (left / 3600),
                            (guint) (left % 3600 / 60));
}

/* A list of values for one row: comma-separated, or an em dash for none */
gchar *
henb_panel_format_list (const gchar *const *items)
{
    if (items == NULL || items[0] == NULL)
        return g_strdup ("—");
    return g_strjoinv (", ", (gchar **) items);
}

/* A Connection Request transport's or the XMPP connection's state in words; a state this
 * panel does not know is henbd's word, shown as it is. */
const gchar *
henb_panel_format_cr_state (const gchar *state)
{
    if (g_strcmp0 (state, "disabled") == 0)
        /* TRANSLATORS: a Connection Request transport's state */
        return C_("transport", "disabled");
    if (g_strcmp0 (state, "starting") == 0)
        return C_("transport", "starting");
    if (g_strcmp0 (state, "active") == 0)
        return C_("transport", "active");
    if (g_strcmp0 (state, "failed") == 0)
        return C_("transport", "failed");
    return state != NULL ? state : "";
}

/* A Connection Request transport's title: its protocol as people know it */
const gchar *
henb_panel_format_cr_transport_name (const gchar *name)
{
    if (g_strcmp0 (name, "http") == 0)
        return _("HTTP (TR-069)");
    if (g_strcmp0 (name, "udp") == 0)
        return _("UDP (TR-069 Annex G)");
    if (g_strcmp0 (name, "xmpp") == 0)
        return _("XMPP (TR-069 Annex K)");
    return name != NULL ? name : "";
}

/* A transport's row: its state, then henbd's detail (the URL, the NAT mapping, an error) */
gchar *
henb_panel_format_cr_transport (const gchar *state, const gchar *detail)
{
    if (detail == NULL || detail[0] == '\0')
        return g_strdup (henb_panel_format_cr_state (state));
    /* TRANSLATORS: a Connection Request transport's state, then henbd's detail (its URL) */
    return g_strdup_printf (_("%s: %s"), henb_panel_format_cr_state (state), detail);
}
