/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The STUN messages of TR-111 part 2: the Binding Request henbd sends, checked byte by byte
 * against RFC 5389 and TR-111, and answers as STUN servers write them (RFC 5769 test vector
 * for XOR-MAPPED-ADDRESS and MESSAGE-INTEGRITY), plus what a hostile server might send.
 */
#include "config.h"

#include <string.h>

#include "henb-stun.h"

static const guint8 tid[12] = { 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae };

/* RFC 5769 2.2: an IPv4 Binding Response with MESSAGE-INTEGRITY (password "VOkJxbRl1RmTxUk/WvJxBt") */
static const guint8 rfc5769_response[] = {
    0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87,
    0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63, 0x74, 0x6f, 0x72, 0x20,
    0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43, 0x00, 0x08, 0x00, 0x14, 0x2b, 0x91,
    0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3, 0x8c, 0x74, 0x89, 0xf9, 0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7,
    0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96,
};

static void
test_rfc5769_response (void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbStunMessage) m = henb_stun_parse (rfc5769_response, sizeof rfc5769_response,
                                                    "VOkJxbRl1RmTxUk/WvJxBt", &error);
    g_autofree gchar *ip = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (m->type, ==, HENB_STUN_BINDING_RESPONSE);
    g_assert_cmpmem (m->transaction_id, 12, tid, 12);
    g_assert_nonnull (m->mapped);
    ip = g_inet_address_to_string (g_inet_socket_address_get_address (m->mapped));
    g_assert_cmpstr (ip, ==, "192.0.2.1");
    g_assert_cmpuint (g_inet_socket_address_get_port (m->mapped), ==, 32853);
    g_assert_true (m->has_integrity);
    g_assert_true (m->integrity_ok);

    {
        g_autoptr(HenbStunMessage) wrong = henb_stun_parse (rfc5769_response, sizeof rfc5769_response, "guess", NULL);

        g_assert_true (wrong->has_integrity);
        g_assert_false (wrong->integrity_ok);
    }
}

static void
test_binding_request (void)
{
    g_autoptr(GBytes) plain = henb_stun_build_binding_request (tid, FALSE, NULL, NULL);
    g_autoptr(GBytes) change = henb_stun_build_binding_request (tid, TRUE, "henb", "pw");
    gsize size;
    const guint8 *data = g_bytes_get_data (plain, &size);
    g_autoptr(HenbStunMessage) m = NULL;
    g_autoptr(HenbStunMessage) c = NULL;
    g_autoptr(HenbStunMessage) w = NULL;

    /* header: Binding Request, length, magic cookie, our transaction id */
    g_assert_cmpuint (size, ==, 20 + 4 + 20);
    g_assert_cmpuint (data[0], ==, 0x00);
    g_assert_cmpuint (data[1], ==, 0x01);
    g_assert_cmpuint (data[2] << 8 | data[3], ==, 24);
    g_assert_cmpmem (data + 4, 4, "\x21\x12\xa4\x42", 4);
    g_assert_cmpmem (data + 8, 12, tid, 12);
    /* TR-111: CONNECTION-REQUEST-BINDING = "dslforum.org/TR-111 " */
    g_assert_cmpmem (data + 20, 4, "\xc0\x01\x00\x14", 4);
    g_assert_cmpmem (data + 24, 20, "dslforum.org/TR-111 ", 20);

    m = henb_stun_parse (data, size, NULL, NULL);
    g_assert_true (m->connection_request_binding);
    g_assert_false (m->binding_change);
    g_assert_false (m->has_integrity);

    data = g_bytes_get_data (change, &size);
    c = henb_stun_parse (data, size, "pw", NULL);
    g_assert_nonnull (c);
    g_assert_true (c->connection_request_binding);
    g_assert_true (c->binding_change);
    g_assert_cmpstr (c->username, ==, "henb");
    g_assert_true (c->has_integrity);
    g_assert_true (c->integrity_ok);
    w = henb_stun_parse (data, size, "other", NULL);
    g_assert_false (w->integrity_ok);
}

static GBytes *
response_with (guint16 type, const guint8 *attributes, gsize size)
{
    g_autoptr(GByteArray) out = g_byte_array_new ();
    guint8 header[20] = { type >> 8, type & 0xff, size >> 8, size & 0xff, 0x21, 0x12, 0xa4, 0x42 };

    memcpy (header + 8, tid, 12);
    g_byte_array_append (out, header, 20);
    g_byte_array_append (out, attributes, size);
    return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void
test_error_401 (void)
{
    static const guint8 attr[] = { 0x00, 0x09, 0x00, 0x10, 0, 0, 4, 1, 'U', 'n', 'a', 'u', 't', 'h', 'o', 'r',
                                   'i', 'z', 'e', 'd' };
    g_autoptr(GBytes) msg = response_with (HENB_STUN_BINDING_ERROR, attr, sizeof attr);
    g_autoptr(HenbStunMessage) m = henb_stun_parse (g_bytes_get_data (msg, NULL), g_bytes_get_size (msg), NULL, NULL);

    g_assert_nonnull (m);
    g_assert_cmpuint (m->type, ==, HENB_STUN_BINDING_ERROR);
    g_assert_cmpuint (m->error_code, ==, 401);
    g_assert_null (m->mapped);
}

static void
test_hostile (void)
{
    static const guint8 beyond[] = { 0x00, 0x20, 0x00, 0x40, 0, 1, 0, 0 };
    static const guint8 family[] = { 0x00, 0x20, 0x00, 0x08, 0, 9, 0, 0, 1, 2, 3, 4 };
    static const guint8 short6[] = { 0x00, 0x20, 0x00, 0x08, 0, 2, 0, 0, 1, 2, 3, 4 };
    static const guint8 bad_error[] = { 0x00, 0x09, 0x00, 0x04, 0, 0, 9, 1 };
    static const guint8 truncated[] = { 0x00, 0x20 };
    const struct { const guint8 *data; gsize size; } cases[] = {
        { beyond, sizeof beyond }, { family, sizeof family }, { short6, sizeof short6 },
        { bad_error, sizeof bad_error }, { truncated, sizeof truncated },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        g_autoptr(GBytes) msg = response_with (HENB_STUN_BINDING_RESPONSE, cases[i].data, cases[i].size);
        g_autoptr(GError) error = NULL;
        g_autoptr(HenbStunMessage) m = NULL;

        /* the header length says 4-aligned or not: either way refused */
        m = henb_stun_parse (g_bytes_get_data (msg, NULL), g_bytes_get_size (msg), NULL, &error);
        g_assert_null (m);
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
    /* every prefix and a longer datagram of the RFC 5769 vector */
    for (gsize n = 0; n < sizeof rfc5769_response; n++)
        g_assert_null (henb_stun_parse (rfc5769_response, n, NULL, NULL));
    g_assert_false (henb_stun_is_stun ((const guint8 *) "GET http://x HTTP/1.1\r\n\r\n", 25));
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/stun/rfc5769-response", test_rfc5769_response);
    g_test_add_func ("/stun/binding-request", test_binding_request);
    g_test_add_func ("/stun/error-401", test_error_401);
    g_test_add_func ("/stun/hostile", test_hostile);
    return g_test_run ();
}
