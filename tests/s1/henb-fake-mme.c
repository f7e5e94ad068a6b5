/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small MME for tests: usrsctp over UDP (RFC 6951), the S1AP codec's MME side. It accepts
 * one association at a time, logs every S1SetupRequest it decodes (one line, "request ...")
 * and answers as told:
 *   --answer response   S1SetupResponse (--mme-name, --capacity; PLMN of the request, group 2 code 1)
 *   --answer failure    S1SetupFailure (--cause misc value, --time-to-wait seconds)
 *   --answer garbage    bytes that are no S1AP
 *   --answer silent     nothing
 *   --answer failure-then-response   failure to the first request, response to the others
 * Lines go to stdout, each after the monotonic time in milliseconds: "listening", "association
 * up", "request plmn=.. enb_id=.. ...", "answered ...", "association closed".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <usrsctp.h>
#include <glib.h>

#include "henb-s1ap.h"

static gchar *opt_address = "127.0.0.1";
static gint opt_port = HENB_S1AP_SCTP_PORT;
static gint opt_udp_port = 9899;
static gchar *opt_answer = "response";
static gchar *opt_mme_name = "fake-mme";
static gint opt_capacity = 127;
static gint opt_cause = HENB_S1AP_CAUSE_MISC_UNKNOWN_PLMN;
static gint opt_time_to_wait = 0;

static const GOptionEntry entries[] = {
    { "address", 0, 0, G_OPTION_ARG_STRING, &opt_address, "SCTP address (127.0.0.1)", "IP" },
    { "port", 0, 0, G_OPTION_ARG_INT, &opt_port, "SCTP port (36412)", "PORT" },
    { "udp-port", 0, 0, G_OPTION_ARG_INT, &opt_udp_port, "UDP encapsulation port (9899)", "PORT" },
    { "answer", 0, 0, G_OPTION_ARG_STRING, &opt_answer, "response|failure|garbage|silent|failure-then-response", "HOW" },
    { "mme-name", 0, 0, G_OPTION_ARG_STRING, &opt_mme_name, "MMEname", "NAME" },
    { "capacity", 0, 0, G_OPTION_ARG_INT, &opt_capacity, "RelativeMMECapacity", "N" },
    { "cause", 0, 0, G_OPTION_ARG_INT, &opt_cause, "misc cause value of a failure", "N" },
    { "time-to-wait", 0, 0, G_OPTION_ARG_INT, &opt_time_to_wait, "TimeToWait of a failure (1, 2, 5, 10, 20, 60)", "S" },
    { NULL }
};

static void
say (const gchar *format, ...) G_GNUC_PRINTF (1, 2);

static void
say (const gchar *format, ...)
{
    va_list ap;

    printf ("%" G_GINT64_FORMAT " ", g_get_monotonic_time () / 1000);
    va_start (ap, format);
    vprintf (format, ap);
    va_end (ap);
    putchar ('\n');
    fflush (stdout);
}

static GBytes *
answer_for (const HenbS1apSetupRequest *req, guint n_requests, const gchar **what)
{
    g_autoptr(GError) error = NULL;
    GBytes *out = NULL;
    gboolean fail = g_str_equal (opt_answer, "failure") ||
                    (g_str_equal (opt_answer, "failure-then-response") && n_requests == 1);

    if (g_str_equal (opt_answer, "silent")) {
        *what = "nothing";
        return NULL;
    }
    if (g_str_equal (opt_answer, "garbage")) {
        static const guint8 garbage[] = { 0xff, 0x13, 0x37, 0x00, 0x42 };

        *what = "garbage";
        return g_bytes_new_static (garbage, sizeof garbage);
    }
    if (fail) {
        HenbS1apSetupFailure f = { .cause_group = HENB_S1AP_CAUSE_MISC, .cause_value = (guint) opt_cause,
                                   .time_to_wait_s = (guint) opt_time_to_wait };

        *what = "S1SetupFailure";
        out = henb_s1ap_encode_setup_failure (&f, &error);
    } else {
        g_autoptr(HenbS1apSetupResponse) resp = henb_s1ap_setup_response_new ();
        const gchar *plmns[] = { req->plmn, NULL };
        const guint16 groups[] = { 2 };
        const guint8 codes[] = { 1 };

        resp->mme_name = g_strdup (opt_mme_name);
        resp->relative_capacity = (guint) opt_capacity;
        henb_s1ap_setup_response_add_gummei (resp, plmns, groups, 1, codes, 1);
        *what = "S1SetupResponse";
        out = henb_s1ap_encode_setup_response (resp, &error);
    }
    if (out == NULL) {
        say ("error: cannot encode the answer: %s", error->message);
        exit (1);
    }
    return out;
}

static void
log_request (const HenbS1apSetupRequest *req)
{
    g_autoptr(GString) tas = g_string_new (NULL);

    for (guint i = 0; i < req->supported_tas->len; i++) {
        const HenbS1apSupportedTa *ta = req->supported_tas->pdata[i];
        g_autofree gchar *plmns = g_strjoinv ("+", ta->broadcast_plmns);

        g_string_append_printf (tas, "%s%u/%s", i > 0 ? "," : "", ta->tac, plmns);
    }
    say ("request plmn=%s enb_id=%u home=%d name=%s tas=%s drx=%u", req->plmn, req->enb_id, req->home,
         req->enb_name != NULL ? req->enb_name : "", tas->str, req->paging_drx);
}

/* over all associations: "failure-then-response" fails the first request henbd ever sends */
static guint n_requests;

static void
serve (struct socket *conn)
{
    say ("association up");
    for (;;) {
        guint8 buf[65536];
        struct sctp_rcvinfo info = { 0 };
        socklen_t infolen = sizeof info;
        unsigned int infotype = 0;
        int flags = 0;
        struct sockaddr_in from;
        socklen_t fromlen = sizeof from;
        ssize_t n = usrsctp_recvv (conn, buf, sizeof buf, (struct sockaddr *) &from, &fromlen, &info,
                                   &infolen, &infotype, &flags);
        g_autoptr(GError) error = NULL;
        g_autoptr(HenbS1apPdu) pdu = NULL;
        g_autoptr(GBytes) answer = NULL;
        const gchar *what = NULL;

        if (n <= 0) {
            say ("association closed");
            return;
        }
        if (infotype == SCTP_RECVV_RCVINFO && ntohl (info.rcv_ppid) != HENB_S1AP_SCTP_PPID) {
            say ("error: PPID %u, not %u", ntohl (info.rcv_ppid), HENB_S1AP_SCTP_PPID);
            continue;
        }
        pdu = henb_s1ap_decode (buf, (gsize) n, &error);
        if (pdu == NULL) {
            say ("error: undecodable S1AP: %s", error->message);
            continue;
        }
        if (pdu->kind != HENB_S1AP_PDU_SETUP_REQUEST) {
            say ("other %u", pdu->procedure_code);
            continue;
        }
        n_requests++;
        log_request (pdu->setup_request);
        answer = answer_for (pdu->setup_request, n_requests, &what);
        if (answer != NULL) {
            struct sctp_sndinfo snd = { .snd_sid = 0, .snd_ppid = htonl (HENB_S1AP_SCTP_PPID) };
            gsize len;
            gconstpointer data = g_bytes_get_data (answer, &len);

            if (usrsctp_sendv (conn, data, len, NULL, 0, &snd, sizeof snd, SCTP_SENDV_SNDINFO, 0) < 0) {
                say ("error: send: %s", g_strerror (errno));
                continue;
            }
        }
        say ("answered %s", what);
    }
}

int
main (int argc, char **argv)
{
    g_autoptr(GOptionContext) context = g_option_context_new ("- a fake MME for henbd's S1 tests");
    g_autoptr(GError) error = NULL;
    struct socket *sock;
    struct sockaddr_in addr = { .sin_family = AF_INET };
    const int on = 1;

    g_option_context_add_main_entries (context, entries, NULL);
    if (!g_option_context_parse (context, &argc, &argv, &error)) {
        g_printerr ("%s\n", error->message);
        return 2;
    }
    usrsctp_init ((uint16_t) opt_udp_port, NULL, NULL);
    sock = usrsctp_socket (AF_INET, SOCK_STREAM, IPPROTO_SCTP, NULL, NULL, 0, NULL);
    if (sock == NULL) {
        say ("error: socket: %s", g_strerror (errno));
        return 1;
    }
    usrsctp_setsockopt (sock, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof on);
    addr.sin_port = htons ((uint16_t) opt_port);
    if (inet_pton (AF_INET, opt_address, &addr.sin_addr) != 1 ||
        usrsctp_bind (sock, (struct sockaddr *) &addr, sizeof addr) != 0 || usrsctp_listen (sock, 1) != 0) {
        say ("error: cannot listen on %s:%d: %s", opt_address, opt_port, g_strerror (errno));
        return 1;
    }
    say ("listening on %s:%d (UDP %d)", opt_address, opt_port, opt_udp_port);
    for (;;) {
        struct socket *conn = usrsctp_accept (sock, NULL, NULL);

        if (conn == NULL) {
            say ("error: accept: %s", g_strerror (errno));
            continue;
        }
        usrsctp_setsockopt (conn, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof on);
        serve (conn);
        usrsctp_close (conn);
    }
}
