/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "henb-xmpp-client.h"

/*
 * The XMPP client of the cr-xmpp plugin on its own, and a sender of Connection Requests, for
 * tests against a real XMPP server. One line on stdout per event.
 *
 *   xmpp-probe client JID RESOURCE PASSWORD ADDRESS PORT CA-FILE REQUIRE-TLS(0|1) CR-USER CR-PASS ALLOWED
 *     connects; prints "online FULL-JID tls=0|1", "request FROM -> ANSWER" and, when the session
 *     ends, "offline REASON DETAIL" and exits. ALLOWED: the one bare JID allowed to ask, "" all.
 *   xmpp-probe send JID PASSWORD ADDRESS PORT TO CR-USER CR-PASS
 *     logs in (TLS without verification: a test tool), sends one connectionRequest IQ to TO,
 *     prints "result" or "error CONDITION" (or "timeout") and exits. CR-USER "--ping" sends a
 *     XEP-0199 ping instead, "--version" a XEP-0092 version query.
 */

static const gchar *const reasons[] = { "closed", "unreachable", "tls", "authentication", "error" };
static const gchar *cr_user, *cr_pass, *allowed;
static GMainLoop *loop;

static void
on_online (HenbXmppClient *client, gpointer user_data)
{
    printf ("online %s tls=%d\n", henb_xmpp_client_get_bound_jid (client),
            henb_xmpp_client_get_tls_established (client));
    fflush (stdout);
}

static void
on_offline (HenbXmppClient *client, gint reason, const gchar *detail, gpointer user_data)
{
    printf ("offline %s %s\n", reasons[reason], detail);
    fflush (stdout);
    g_main_loop_quit (loop);
}

static gint
on_request (HenbXmppClient *client, const gchar *from, const gchar *username, const gchar *password,
            gpointer user_data)
{
    g_autofree gchar *bare = g_strndup (from, strcspn (from, "/"));
    gint answer;

    if (allowed[0] != '\0' && g_strcmp0 (bare, allowed) != 0)
        answer = HENB_XMPP_CR_SERVICE_UNAVAILABLE;
    else if (g_strcmp0 (username, cr_user) != 0 || g_strcmp0 (password, cr_pass) != 0)
        answer = HENB_XMPP_CR_NOT_AUTHORIZED;
    else
        answer = HENB_XMPP_CR_ACCEPT;
    printf ("request %s -> %s\n", from, answer == HENB_XMPP_CR_ACCEPT ? "accept"
                                        : answer == HENB_XMPP_CR_NOT_AUTHORIZED ? "not-authorized"
                                                                                : "service-unavailable");
    fflush (stdout);
    return answer;
}

static int
run_client (gchar **argv)
{
    g_autoptr(HenbXmppClient) client = henb_xmpp_client_new ();
    g_autoptr(GError) error = NULL;
    HenbXmppClientOptions options = {
        .jid = argv[0], .resource = argv[1], .password = argv[2], .address = argv[3],
        .port = (guint16) atoi (argv[4]), .ca_file = argv[5], .require_tls = atoi (argv[6]) != 0,
    };

    /* HENB_XMPP_SETUP_TIMEOUT: seconds from connect to bound (default the client's) */
    if (g_getenv ("HENB_XMPP_SETUP_TIMEOUT") != NULL)
        options.setup_timeout = (guint) atoi (g_getenv ("HENB_XMPP_SETUP_TIMEOUT"));
    cr_user = argv[7];
    cr_pass = argv[8];
    allowed = argv[9];
    g_signal_connect (client, "online", G_CALLBACK (on_online), NULL);
    g_signal_connect (client, "offline", G_CALLBACK (on_offline), NULL);
    g_signal_connect (client, "connection-request", G_CALLBACK (on_request), NULL);
    if (!henb_xmpp_client_connect (client, &options, &error)) {
        printf ("offline error %s\n", error->message);
        return 1;
    }
    g_main_loop_run (loop);
    return 0;
}

/* --- the sender ------------------------------------------------------------------------- */

static const gchar *send_to;

static int
on_reply (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *user_data)
{
    xmpp_stanza_t *error = xmpp_stanza_get_child_by_name (stanza, "error");

    if (g_strcmp0 (xmpp_stanza_get_type (stanza), "result") == 0)
        printf ("result\n");
    else if (error != NULL && xmpp_stanza_get_children (error) != NULL)
        printf ("error %s\n", xmpp_stanza_get_name (xmpp_stanza_get_children (error)));
    else
        printf ("error (none)\n");
    xmpp_disconnect (conn);
    return 0;
}

static int
on_timeout (xmpp_conn_t *conn, void *user_data)
{
    printf ("timeout\n");
    xmpp_disconnect (conn);
    return 0;
}

static void
on_sender_event (xmpp_conn_t *conn, xmpp_conn_event_t event, int error, xmpp_stream_error_t *stream_error,
                 void *user_data)
{
    xmpp_ctx_t *ctx = xmpp_conn_get_context (conn);

    if (event == XMPP_CONN_CONNECT) {
        xmpp_stanza_t *iq = xmpp_iq_new (ctx, "get", "cr1");
        xmpp_stanza_t *cr = xmpp_stanza_new (ctx);
        const gchar *names[] = { "username", "password" };
        const gchar *values[] = { cr_user, cr_pass };
        /* CR-USER "--ping": a XEP-0199 ping; "--version": a XEP-0092 query, which has no handler */
        gboolean other = g_str_equal (cr_user, "--ping") || g_str_equal (cr_user, "--version");

        xmpp_stanza_set_to (iq, send_to);
        xmpp_stanza_set_name (cr, other ? (g_str_equal (cr_user, "--ping") ? "ping" : "query") : "connectionRequest");
        xmpp_stanza_set_ns (cr, !other ? HENB_XMPP_CONN_REQ_NS
                                : g_str_equal (cr_user, "--ping") ? "urn:xmpp:ping" : "jabber:iq:version");
        for (guint i = 0; i < 2 && !other; i++) {
            xmpp_stanza_t *e = xmpp_stanza_new (ctx), *t = xmpp_stanza_new (ctx);

            xmpp_stanza_set_name (e, names[i]);
            xmpp_stanza_set_text (t, values[i]);
            xmpp_stanza_add_child (e, t);
            xmpp_stanza_add_child (cr, e);
            xmpp_stanza_release (t);
            xmpp_stanza_release (e);
        }
        xmpp_stanza_add_child (iq, cr);
        xmpp_stanza_release (cr);
        xmpp_id_handler_add (conn, on_reply, "cr1", NULL);
        xmpp_timed_handler_add (conn, on_timeout, 10000, NULL);
        xmpp_send (conn, iq);
        xmpp_stanza_release (iq);
    } else {
        if (event != XMPP_CONN_DISCONNECT || error != 0)
            printf ("sender failed (event %d, error %d)\n", event, error);
        xmpp_stop (ctx);
    }
}

static int
run_sender (gchar **argv)
{
    xmpp_ctx_t *ctx;
    xmpp_conn_t *conn;

    send_to = argv[4];
    cr_user = argv[5];
    cr_pass = argv[6];
    xmpp_initialize ();
    ctx = xmpp_ctx_new (NULL, NULL);
    conn = xmpp_conn_new (ctx);
    xmpp_conn_set_jid (conn, argv[0]);
    xmpp_conn_set_pass (conn, argv[1]);
    xmpp_conn_set_flags (conn, XMPP_CONN_FLAG_TRUST_TLS | XMPP_CONN_FLAG_DISABLE_SM);
    if (xmpp_connect_client (conn, argv[2], (unsigned short) atoi (argv[3]), on_sender_event, NULL) != XMPP_EOK) {
        printf ("sender failed (connect)\n");
        return 1;
    }
    xmpp_run (ctx);
    fflush (stdout);
    xmpp_conn_release (conn);
    xmpp_ctx_free (ctx);
    xmpp_shutdown ();
    return 0;
}

int
main (int argc, char **argv)
{
    setvbuf (stdout, NULL, _IOLBF, 0);
    loop = g_main_loop_new (NULL, FALSE);
    if (argc == 12 && strcmp (argv[1], "client") == 0)
        return run_client (argv + 2);
    if (argc == 9 && strcmp (argv[1], "send") == 0)
        return run_sender (argv + 2);
    fprintf (stderr, "usage: see the comment at the top of xmpp-probe.c\n");
    return 2;
}
