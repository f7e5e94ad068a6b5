/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policy HenbCrTransport keeps for every Connection Request transport: one rate limit the
 * agent shares among them, requests during a session served once after it, the state shown on
 * the bus, the signals. A minimal subclass stands in for a transport: the policy is the base
 * class's alone (the transports themselves are tested over the network in their plugins).
 */
#include "config.h"

#include <string.h>

#include "henb-cr-transport.h"

#define TEST_TYPE_TRANSPORT (test_transport_get_type ())
G_DECLARE_FINAL_TYPE (TestTransport, test_transport, TEST, TRANSPORT, HenbCrTransport)

struct _TestTransport {
    HenbCrTransport parent_instance;
    guint           applied;
    gchar          *address;
};

G_DEFINE_FINAL_TYPE (TestTransport, test_transport, HENB_TYPE_CR_TRANSPORT)

static void
test_transport_apply (HenbCrTransport *transport, GInetAddress *address)
{
    TestTransport *self = TEST_TRANSPORT (transport);

    self->applied++;
    g_free (self->address);
    self->address = address != NULL ? g_inet_address_to_string (address) : NULL;
}

static void
test_transport_stop (HenbCrTransport *transport)
{
    henb_cr_transport_set_state (transport, HENB_CR_TRANSPORT_STATE_DISABLED, NULL);
}

static void
test_transport_finalize (GObject *object)
{
    g_free (TEST_TRANSPORT (object)->address);
    G_OBJECT_CLASS (test_transport_parent_class)->finalize (object);
}

static void
test_transport_class_init (TestTransportClass *klass)
{
    G_OBJECT_CLASS (klass)->finalize = test_transport_finalize;
    HENB_CR_TRANSPORT_CLASS (klass)->apply = test_transport_apply;
    HENB_CR_TRANSPORT_CLASS (klass)->stop = test_transport_stop;
}

static void
test_transport_init (TestTransport *self)
{
}

static HenbCrTransport *
transport_new (const gchar *name)
{
    return g_object_new (TEST_TYPE_TRANSPORT, "name", name, NULL);
}

static void
count (gpointer instance, guint *counter)
{
    (*counter)++;
}

static void
count_notify (GObject *object, GParamSpec *pspec, guint *counter)
{
    (*counter)++;
}

static void
test_shared_rate_limit (void)
{
    g_autoptr(HenbCrTransport) http = transport_new ("http");
    g_autoptr(HenbCrTransport) udp = transport_new ("udp");
    gint64 last_accepted = 0;

    henb_cr_transport_share_last_accepted (http, &last_accepted);
    henb_cr_transport_share_last_accepted (udp, &last_accepted);
    henb_cr_transport_set_min_interval (http, 60);
    henb_cr_transport_set_min_interval (udp, 60);

    g_assert_cmpint (henb_cr_transport_admit (udp), ==, HENB_CR_ADMISSION_ACCEPT);
    g_assert_cmpint (last_accepted, >, 0);
    g_assert_cmpint (henb_cr_transport_get_last_accepted_time (udp), >, 0);
    /* the HeMS asking the other way right after is still within the one limit */
    g_assert_cmpint (henb_cr_transport_admit (http), ==, HENB_CR_ADMISSION_RATE_LIMITED);
    g_assert_cmpuint (henb_cr_transport_get_accepted (udp), ==, 1);
    g_assert_cmpuint (henb_cr_transport_get_rate_limited (http), ==, 1);
    g_assert_cmpuint (henb_cr_transport_get_accepted (http), ==, 0);
    g_assert_cmpint (henb_cr_transport_get_last_accepted_time (http), ==, 0);

    /* without the shared time a transport keeps its own */
    henb_cr_transport_share_last_accepted (http, NULL);
    g_assert_cmpint (henb_cr_transport_admit (http), ==, HENB_CR_ADMISSION_ACCEPT);
    g_assert_cmpint (henb_cr_transport_admit (http), ==, HENB_CR_ADMISSION_RATE_LIMITED);
    henb_cr_transport_set_min_interval (http, 0);
    g_assert_cmpint (henb_cr_transport_admit (http), ==, HENB_CR_ADMISSION_ACCEPT);
}

static void
test_busy (void)
{
    g_autoptr(HenbCrTransport) t = transport_new ("udp");
    guint requested = 0;

    g_signal_connect (t, "requested", G_CALLBACK (count), &requested);
    henb_cr_transport_report_accepted (t);
    g_assert_cmpuint (requested, ==, 1);

    henb_cr_transport_set_busy (t, TRUE);
    henb_cr_transport_report_accepted (t);
    henb_cr_transport_report_accepted (t);
    g_assert_cmpuint (requested, ==, 1);
    henb_cr_transport_set_busy (t, FALSE);
    g_assert_cmpuint (requested, ==, 2);
    /* nothing pending: the next session end says nothing */
    henb_cr_transport_set_busy (t, TRUE);
    henb_cr_transport_set_busy (t, FALSE);
    g_assert_cmpuint (requested, ==, 2);
}

static void
test_state_and_signals (void)
{
    g_autoptr(HenbCrTransport) t = transport_new ("xmpp");
    g_autoptr(GInetAddress) address = g_inet_address_new_from_string ("192.0.2.7");
    guint state_notes = 0, detail_notes = 0, values = 0;

    g_assert_cmpstr (henb_cr_transport_get_name (t), ==, "xmpp");
    g_assert_null (henb_cr_transport_get_services (t));
    g_assert_cmpint (henb_cr_transport_get_state (t), ==, HENB_CR_TRANSPORT_STATE_DISABLED);
    g_assert_cmpstr (henb_cr_transport_get_detail (t), ==, "");
    g_signal_connect (t, "notify::state", G_CALLBACK (count_notify), &state_notes);
    g_signal_connect (t, "notify::detail", G_CALLBACK (count_notify), &detail_notes);
    g_signal_connect (t, "values-changed", G_CALLBACK (count), &values);

    henb_cr_transport_set_state (t, HENB_CR_TRANSPORT_STATE_STARTING, "connecting");
    henb_cr_transport_set_state (t, HENB_CR_TRANSPORT_STATE_STARTING, "connecting");
    g_assert_cmpuint (state_notes, ==, 1);
    g_assert_cmpuint (detail_notes, ==, 1);
    henb_cr_transport_set_state (t, HENB_CR_TRANSPORT_STATE_STARTING, "authenticating");
    g_assert_cmpuint (state_notes, ==, 1);
    g_assert_cmpuint (detail_notes, ==, 2);
    g_assert_cmpstr (henb_cr_transport_state_to_string (henb_cr_transport_get_state (t)), ==, "starting");

    /* without services apply() reads no parameters: the credentials stay as set */
    henb_cr_transport_set_credentials (t, "acs", "secret");
    henb_cr_transport_apply (t, address);
    henb_cr_transport_apply (t, NULL);
    g_assert_cmpuint (TEST_TRANSPORT (t)->applied, ==, 2);
    g_assert_null (TEST_TRANSPORT (t)->address);
    g_assert_cmpstr (henb_cr_transport_get_username (t), ==, "acs");
    g_assert_cmpstr (henb_cr_transport_get_password (t), ==, "secret");

    henb_cr_transport_values_changed (t);
    g_assert_cmpuint (values, ==, 1);
    henb_cr_transport_count_rejected (t);
    g_assert_cmpuint (henb_cr_transport_get_rejected (t), ==, 1);
    henb_cr_transport_stop (t);
    g_assert_cmpint (henb_cr_transport_get_state (t), ==, HENB_CR_TRANSPORT_STATE_DISABLED);
}

static void
test_random_bytes (void)
{
    guint8 a[32] = { 0 }, b[32] = { 0 };

    g_assert_true (henb_cr_transport_random_bytes (a, sizeof a, NULL));
    g_assert_true (henb_cr_transport_random_bytes (b, sizeof b, NULL));
    g_assert_true (memcmp (a, b, sizeof a) != 0);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/cr-transport/shared-rate-limit", test_shared_rate_limit);
    g_test_add_func ("/cr-transport/busy", test_busy);
    g_test_add_func ("/cr-transport/state-and-signals", test_state_and_signals);
    g_test_add_func ("/cr-transport/random-bytes", test_random_bytes);
    return g_test_run ();
}
