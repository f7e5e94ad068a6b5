/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "udp" transport over real loopback sockets against a STUN server written here, which
 * does what no packaged STUN server does for a Binding Request: it challenges with 401 until
 * the request carries MESSAGE-INTEGRITY keyed with STUNPassword, and it reports whatever
 * mapping the test wants (a NAT that moves). Checked: the challenge answered, the mapping in
 * UDPConnectionRequestAddress and NATDetected, BINDING-CHANGE after a move, the notification
 * limit holding a change back, and a UDP Connection Request on the same socket.
 */
#include "config.h"

#include <string.h>

#include "henb-cr-udp.h"
#include "henb-stun.h"
#include "henb-udp-cr.h"

#define MS "Device.ManagementServer."

typedef struct {
    GSocket  *socket;
    guint16   port;
    gchar    *mapped_ip;
    guint16   mapped_port;
    guint     challenged;
    guint     authenticated;
    guint     binding_changes;
    gboolean  last_had_crb;  /* CONNECTION-REQUEST-BINDING */
} StunServer;

static void
put16 (GByteArray *a, guint16 v)
{
    guint8 b[2] = { v >> 8, v & 0xff };
    g_byte_array_append (a, b, 2);
}

static void
answer (StunServer *s, GSocketAddress *to, const HenbStunMessage *request, gboolean challenge)
{
    g_autoptr(GByteArray) out = g_byte_array_new ();
    static const guint8 cookie[4] = { 0x21, 0x12, 0xa4, 0x42 };

    put16 (out, challenge ? HENB_STUN_BINDING_ERROR : HENB_STUN_BINDING_RESPONSE);
    put16 (out, challenge ? 8 : 12);
    g_byte_array_append (out, cookie, 4);
    g_byte_array_append (out, request->transaction_id, HENB_STUN_TRANSACTION_ID_SIZE);
    if (challenge) {
        static const guint8 error[] = { 0x00, 0x09, 0x00, 0x04, 0, 0, 4, 1 };
        g_byte_array_append (out, error, sizeof error);
    } else {
        g_autoptr(GInetAddress) ip = g_inet_address_new_from_string (s->mapped_ip);
        const guint8 *bytes = g_inet_address_to_bytes (ip);
        guint8 attr[12] = { 0x00, 0x20, 0x00, 0x08, 0x00, 0x01 };

        attr[6] = (s->mapped_port ^ 0x2112) >> 8;
        attr[7] = (s->mapped_port ^ 0x2112) & 0xff;
        for (guint i = 0; i < 4; i++)
            attr[8 + i] = bytes[i] ^ cookie[i];
        g_byte_array_append (out, attr, sizeof attr);
        if (request->has_integrity) {
            /* RFC 5389 15.4: an authenticated answer carries MESSAGE-INTEGRITY over what
             * precedes it, with the length already counting it */
            g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA1, (const guchar *) "stun-secret", 11);
            guint8 digest[20];
            gsize len = sizeof digest;

            out->data[2] = 0;
            out->data[3] = 12 + 24;
            g_hmac_update (hmac, out->data, out->len);
            g_hmac_get_digest (hmac, digest, &len);
            put16 (out, 0x0008);
            put16 (out, 20);
            g_byte_array_append (out, digest, sizeof digest);
        }
    }
    g_socket_send_to (s->socket, to, (const gchar *) out->data, out->len, NULL, NULL);
}

static gboolean
on_stun (GSocket *socket, GIOCondition condition, gpointer user_data)
{
    StunServer *s = user_data;
    guint8 buffer[600];
    g_autoptr(GSocketAddress) from = NULL;
    gssize got = g_socket_receive_from (socket, &from, (gchar *) buffer, sizeof buffer, NULL, NULL);
    g_autoptr(HenbStunMessage) m = got > 0 ? henb_stun_parse (buffer, got, "stun-secret", NULL) : NULL;

    if (m == NULL || m->type != HENB_STUN_BINDING_REQUEST)
        return G_SOURCE_CONTINUE;
    s->last_had_crb = m->connection_request_binding;
    if (m->binding_change)
        s->binding_changes++;
    if (!m->has_integrity || !m->integrity_ok || g_strcmp0 (m->username, "henb-stun") != 0) {
        s->challenged++;
        answer (s, from, m, TRUE);
        return G_SOURCE_CONTINUE;
    }
    s->authenticated++;
    answer (s, from, m, FALSE);
    return G_SOURCE_CONTINUE;
}

/* Iterates the main context until @condition holds; FALSE after @seconds. */
#define WAIT_UNTIL(condition, seconds)                                                            \
    ({                                                                                            \
        gint64 end_ = g_get_monotonic_time () + (seconds) * G_USEC_PER_SEC;                       \
        while (!(condition) && g_get_monotonic_time () < end_) {                                  \
            if (!g_main_context_iteration (NULL, FALSE))                                          \
                g_usleep (1000);                                                                  \
        }                                                                                         \
        (condition);                                                                              \
    })

static gchar *
dm_value (HenbDataModel *dm, const gchar *name)
{
    return henb_data_model_get (dm, name);
}

static gboolean
dm_is (HenbDataModel *dm, const gchar *name, const gchar *value)
{
    g_autofree gchar *v = dm_value (dm, name);
    return g_strcmp0 (v, value) == 0;
}

static void
set (HenbDataModel *dm, const gchar *name, const gchar *value)
{
    g_autoptr(GError) error = NULL;

    g_assert_true (henb_data_model_set (dm, name, value, &error));
    g_assert_no_error (error);
}

static void
count (gpointer instance, guint *counter)
{
    (*counter)++;
}

static void
test_stun_and_request (void)
{
    StunServer s = { .mapped_ip = g_strdup ("198.51.100.7"), .mapped_port = 40001 };
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
    g_autoptr(GSocketAddress) bound = NULL;
    g_autoptr(GSource) source = NULL;
    g_autoptr(HenbDataModel) dm = henb_data_model_new ("00005A");
    g_autofree gchar *port = NULL;
    g_autofree gchar *limit = henb_data_model_path (dm, HENB_DM_MS_UDP_CR_LIMIT);
    HenbServices svc = { .dm = dm };
    g_autoptr(HenbCrTransport) t = NULL;
    guint values = 0, requested = 0;
    gint64 active_at;

    s.socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
    g_assert_true (g_socket_bind (s.socket, any, FALSE, NULL));
    bound = g_socket_get_local_address (s.socket, NULL);
    s.port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
    source = g_socket_create_source (s.socket, G_IO_IN, NULL);
    g_source_set_callback (source, G_SOURCE_FUNC (on_stun), &s, NULL);
    g_source_attach (source, NULL);

    port = g_strdup_printf ("%u", s.port);
    set (dm, MS "ConnectionRequestUsername", "acs");
    set (dm, MS "ConnectionRequestPassword", "cr-secret");
    set (dm, HENB_DM_MS_STUN_ENABLE, "true");
    set (dm, HENB_DM_MS_STUN_ADDRESS, "127.0.0.1");
    set (dm, HENB_DM_MS_STUN_PORT, port);
    set (dm, HENB_DM_MS_STUN_USERNAME, "henb-stun");
    set (dm, HENB_DM_MS_STUN_PASSWORD, "stun-secret");
    set (dm, HENB_DM_MS_STUN_MAX_KEEPALIVE, "1");
    set (dm, HENB_DM_MS_STUN_MIN_KEEPALIVE, "1");
    set (dm, limit, "3");

    t = henb_cr_udp_new (&svc);
    g_signal_connect (t, "values-changed", G_CALLBACK (count), &values);
    g_signal_connect (t, "requested", G_CALLBACK (count), &requested);
    henb_cr_transport_apply (t, NULL);

    /* challenged once, then MESSAGE-INTEGRITY with STUNUsername/STUNPassword */
    g_assert_true (WAIT_UNTIL (henb_cr_transport_get_state (t) == HENB_CR_TRANSPORT_STATE_ACTIVE, 10));
    /* the mapping is published in the same turn of the main loop */
    active_at = g_get_monotonic_time ();
    g_assert_cmpuint (s.challenged, ==, 1);
    g_assert_cmpuint (s.authenticated, >=, 1);
    g_assert_true (s.last_had_crb);
    g_assert_true (dm_is (dm, HENB_DM_MS_UDP_CR_ADDRESS, "198.51.100.7:40001"));
    g_assert_true (dm_is (dm, HENB_DM_MS_NAT_DETECTED, "true"));
    g_assert_cmpuint (values, >=, 1);

    /* the same values again change nothing */
    henb_cr_transport_apply (t, NULL);
    g_assert_cmpint (henb_cr_transport_get_state (t), ==, HENB_CR_TRANSPORT_STATE_ACTIVE);

    /* the NAT moves: BINDING-CHANGE at once; the new address waits for the limit (3 s) */
    g_free (s.mapped_ip);
    s.mapped_ip = g_strdup ("198.51.100.8");
    {
        g_autofree gchar *mapped = NULL;

        g_assert_true (WAIT_UNTIL (s.binding_changes > 0, 10));
        g_object_get (t, "mapped-address", &mapped, NULL);
        g_assert_cmpstr (mapped, ==, "198.51.100.8:40001");
    }
    if (g_get_monotonic_time () - active_at < 2500 * 1000)
        g_assert_true (dm_is (dm, HENB_DM_MS_UDP_CR_ADDRESS, "198.51.100.7:40001"));
    g_assert_true (WAIT_UNTIL (dm_is (dm, HENB_DM_MS_UDP_CR_ADDRESS, "198.51.100.8:40001"), 10));
    /* not before 3 s after the first was published */
    g_assert_cmpint (g_get_monotonic_time () - active_at, >=, 2900 * 1000);

    /* a UDP Connection Request on the same socket */
    {
        g_autoptr(GSocketAddress) to = g_inet_socket_address_new (loopback, henb_cr_udp_get_local_port (HENB_CR_UDP (t)));
        g_autofree gchar *ts = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);
        g_autofree gchar *sig = henb_udp_cr_sign (ts, "42", "acs", "c0ffee", "cr-secret");
        g_autofree gchar *msg = g_strdup_printf ("GET http://198.51.100.8:40001?ts=%s&id=42&un=acs&cn=c0ffee&sig=%s HTTP/1.1\r\n"
                                                 "Host: 198.51.100.8:40001\r\n\r\n", ts, sig);

        g_assert_cmpint (g_socket_send_to (s.socket, to, msg, strlen (msg), NULL, NULL), ==, (gssize) strlen (msg));
        g_assert_true (WAIT_UNTIL (requested == 1, 10));
        g_assert_cmpuint (henb_cr_transport_get_accepted (t), ==, 1);
    }

    /* STUN off: no mapping, nothing listening */
    set (dm, HENB_DM_MS_STUN_ENABLE, "false");
    henb_cr_transport_apply (t, NULL);
    g_assert_cmpint (henb_cr_transport_get_state (t), ==, HENB_CR_TRANSPORT_STATE_DISABLED);
    g_assert_cmpuint (henb_cr_udp_get_local_port (HENB_CR_UDP (t)), ==, 0);
    g_assert_true (WAIT_UNTIL (dm_is (dm, HENB_DM_MS_UDP_CR_ADDRESS, ""), 10));
    g_assert_true (dm_is (dm, HENB_DM_MS_NAT_DETECTED, "false"));

    henb_cr_transport_stop (t);
    g_source_destroy (source);
    g_object_unref (s.socket);
    g_free (s.mapped_ip);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/cr-udp/stun-and-request", test_stun_and_request);
    return g_test_run ();
}
