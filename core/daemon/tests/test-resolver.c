/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "henb-errors.h"
#include "henb-resolver.h"

/* A real dnsmasq on an address of its own, so that it can run beside the integration tests. */
#define DNS_IP      "127.0.3.53"
#define DNS_PORT    5353
#define DNS_SERVER  DNS_IP ":5353"
/* nothing listens here: the kernel refuses at once */
#define DEAD_SERVER "127.0.3.54:5353"
/* a socket that takes queries and never answers */
#define MUTE_IP     "127.0.3.55"

#define DNSMASQ "/usr/sbin/dnsmasq"

static GSubprocess *dnsmasq;

/* HENB_TIMEOUT_SCALE (tests/lib/common.sh): deadlines stretch under sanitizers and valgrind */
static guint
timeout_scale (void)
{
    const gchar *value = g_getenv ("HENB_TIMEOUT_SCALE");
    guint64 scale = value != NULL ? g_ascii_strtoull (value, NULL, 10) : 1;

    return (guint) CLAMP (scale, 1, 100);
}
static gchar *dnsmasq_log;
static gchar *skip_reason;

static const gchar *const dns_servers[] = { DNS_SERVER, NULL };

static gboolean
have_dns (void)
{
    if (dnsmasq == NULL) {
        g_test_skip (skip_reason);
        return FALSE;
    }
    return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* dnsmasq */

static void
child_setup (gpointer data)
{
    /* never outlive a test that aborted */
    prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* One hand-made query for a.henb.test A: whether dnsmasq answers, without the code under test. */
static gboolean
dns_answers (void)
{
    static const guint8 query[] = {
        0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        1, 'a', 4, 'h', 'e', 'n', 'b', 4, 't', 'e', 's', 't', 0,
        0x00, 0x01, 0x00, 0x01,
    };
    g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                            G_SOCKET_PROTOCOL_UDP, NULL);
    g_autoptr(GInetAddress) ip = g_inet_address_new_from_string (DNS_IP);
    g_autoptr(GSocketAddress) to = g_inet_socket_address_new (ip, DNS_PORT);
    guint8 reply[512];

    if (sock == NULL ||
        g_socket_send_to (sock, to, (const gchar *) query, sizeof query, NULL, NULL) < 0)
        return FALSE;
    if (!g_socket_condition_timed_wait (sock, G_IO_IN, 200 * 1000, NULL, NULL))
        return FALSE;
    return g_socket_receive (sock, (gchar *) reply, sizeof reply, NULL, NULL) >= 12 &&
           reply[0] == 0x12 && reply[1] == 0x34;
}

static void
start_dnsmasq (void)
{
    g_autoptr(GSubprocessLauncher) launcher = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree gchar *user = g_strdup_printf ("--user=%s", g_get_user_name ());
    struct group *gr = getgrgid (getgid ());
    /* our own user and group: dnsmasq then changes no credentials, which would cancel
     * the parent-death signal below */
    g_autofree gchar *group = g_strdup_printf ("--group=%s", gr != NULL ? gr->gr_name : "nogroup");
    gint64 deadline;

    if (!g_file_test (DNSMASQ, G_FILE_TEST_IS_EXECUTABLE)) {
        skip_reason = g_strdup (DNSMASQ " is not installed");
        return;
    }
    {
        gint fd = g_file_open_tmp ("henb-test-dnsmasq-XXXXXX.log", &dnsmasq_log, &error);
        g_assert_no_error (error);
        close (fd);
    }
    launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
    g_subprocess_launcher_set_stderr_file_path (launcher, dnsmasq_log);
    g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
    dnsmasq = g_subprocess_launcher_spawn (launcher, &error, DNSMASQ,
                                           "--keep-in-foreground", "--bind-interfaces",
                                           "--listen-address=" DNS_IP, "--port=5353",
                                           "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
                                           "--local=/henb.test/",
                                           "--host-record=a.henb.test,192.0.2.10",
                                           "--host-record=v6.henb.test,2001:db8::10",
                                           user, group, "--pid-file=", NULL);
    g_assert_no_error (error);

    deadline = g_get_monotonic_time () + 10 * timeout_scale () * G_USEC_PER_SEC;
    while (!dns_answers ()) {
        if (g_subprocess_get_identifier (dnsmasq) == NULL || g_get_monotonic_time () > deadline) {
            g_autofree gchar *log = NULL;

            g_file_get_contents (dnsmasq_log, &log, NULL, NULL);
            g_error ("dnsmasq did not start: %s", log != NULL ? log : "");
        }
        g_usleep (50 * 1000);
    }
}

static void
stop_dnsmasq (void)
{
    if (dnsmasq != NULL) {
        g_subprocess_send_signal (dnsmasq, SIGTERM);
        g_subprocess_wait (dnsmasq, NULL, NULL);
        g_clear_object (&dnsmasq);
    }
    if (dnsmasq_log != NULL) {
        g_unlink (dnsmasq_log);
        g_clear_pointer (&dnsmasq_log, g_free);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* helpers */

static void
got_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
    GAsyncResult **slot = user_data;

    *slot = g_object_ref (result);
    g_main_context_wakeup (NULL);
}

static gboolean
deadline_reached (gpointer user_data)
{
    g_error ("no result within %u s", 30 * timeout_scale ());
    return G_SOURCE_REMOVE;
}

/* Runs the main context until the async call storing into @slot has finished. */
static void
wait_for (GAsyncResult **slot)
{
    guint guard = g_timeout_add_seconds (30 * timeout_scale (), deadline_reached, NULL);

    while (*slot == NULL)
        g_main_context_iteration (NULL, TRUE);
    g_source_remove (guard);
}

static GList *
lookup (HenbResolver *resolver, const gchar *host, const gchar *const *servers, gint64 *out_ms,
        GError **error)
{
    g_autoptr(GAsyncResult) result = NULL;
    gint64 start = g_get_monotonic_time ();

    henb_resolver_lookup_async (resolver, host, servers, NULL, got_result, &result);
    wait_for (&result);
    if (out_ms != NULL)
        *out_ms = (g_get_monotonic_time () - start) / 1000;
    return henb_resolver_lookup_finish (resolver, result, error);
}

/* The addresses of @list as "a, b" (in the order given). */
static gchar *
addresses_string (GList *list)
{
    GString *s = g_string_new (NULL);

    for (GList *l = list; l != NULL; l = l->next) {
        g_autofree gchar *a = g_inet_address_to_string (l->data);
        g_string_append_printf (s, "%s%s", s->len > 0 ? ", " : "", a);
    }
    return g_string_free (s, FALSE);
}

static void
assert_addresses (GList *list, const gchar *expected)
{
    g_autofree gchar *got = addresses_string (list);

    g_assert_cmpstr (got, ==, expected);
}

static HenbResolver *
resolver_new (const gchar *const *public_servers)
{
    g_autoptr(GResolver) system = g_resolver_get_default ();

    return henb_resolver_new (system, public_servers);
}

/* ------------------------------------------------------------------------------------------ */
/* the procedure's own lookups */

static void
test_lookup_a (void)
{
    g_autoptr(HenbResolver) resolver = NULL;
    g_autoptr(GError) error = NULL;
    GList *list;

    if (!have_dns ())
        return;
    resolver = resolver_new (NULL);
    list = lookup (resolver, "a.henb.test", dns_servers, NULL, &error);
    g_assert_no_error (error);
    assert_addresses (list, "192.0.2.10");
    g_resolver_free_addresses (list);

    /* names are case-insensitive */
    list = lookup (resolver, "A.HeNB.Test", dns_servers, NULL, &error);
    g_assert_no_error (error);
    assert_addresses (list, "192.0.2.10");
    g_resolver_free_addresses (list);
}

static void
test_lookup_public_servers (void)
{
    g_autoptr(HenbResolver) resolver = NULL;
    g_autoptr(GError) error = NULL;
    const gchar *const *got;
    GList *list;

    if (!have_dns ())
        return;
    /* no servers given: the configured public ones, not the system's */
    resolver = resolver_new (dns_servers);
    got = henb_resolver_get_public_servers (resolver);
    g_assert_nonnull (got);
    g_assert_cmpstr (got[0], ==, DNS_SERVER);
    g_assert_null (got[1]);
    list = lookup (resolver, "a.henb.test", NULL, NULL, &error);
    g_assert_no_error (error);
    assert_addresses (list, "192.0.2.10");
    g_resolver_free_addresses (list);
}

static void
test_lookup_aaaa_only (void)
{
    g_autoptr(HenbResolver) resolver = NULL;
    g_autoptr(GError) error = NULL;
    GList *list;

    if (!have_dns ())
        return;
    resolver = resolver_new (NULL);
    list = lookup (resolver, "v6.henb.test", dns_servers, NULL, &error);
    g_assert_no_error (error);
    assert_addresses (list, "2001:db8::10");
    g_resolver_free_addresses (list);
}

static void
test_lookup_nxdomain (void)
{
    g_autoptr(HenbResolver) resolver = NULL;
    g_autoptr(GError) error = NULL;
    GList *list;

    if (!have_dns ())
        return;
    resolver = resolver_new (NULL);
    list = lookup (resolver, "missing.henb.test", dns_servers, NULL, &error);
    g_assert_null (list);
    g_assert_error (error, HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_NAME_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "missing.henb.test"));
    g_assert_nonnull (strstr (error->message, "NXDOMAIN"));
    g_assert_nonnull (strstr (error->message, DNS_SERVER));
}

static void
test_lookup_dead_server (void)
{
    static const gchar *const dead[] = { DEAD_SERVER, NULL };
    g_autoptr(HenbResolver) resolver = NULL;
    g_autoptr(GError) error = NULL;
    gint64 ms = 0;
    GList *list;

    resolver = resolver_new (NULL);
    henb_resolver_set_timeout (resolver, 2);
    list = lookup (resolver, "a.henb.test", dead, &ms, &error);
    g_assert_null (list);
    g_assert_error (error, HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_DNS_FAILED);
    g_assert_nonnull (strstr (error->message, DEAD_SERVER));
    g_test_message ("refused after %" G_GINT64_FORMAT " ms", ms);
    g_assert_cmpint (ms, <, 5000);
}

/*
 * A server that swallows the queries: the lookup must give up within the resolve timeout (the
 * resolve step waits 5 s longer); failing later turns a precise "no answer from <server>" into
 * a bare step timeout.
 */
static void
test_lookup_mute_server (void)
{
    g_autoptr(HenbResolver) resolver = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocket) sock = NULL;
    g_autoptr(GInetAddress) ip = g_inet_address_new_from_string (MUTE_IP);
    g_autoptr(GSocketAddress) bind_to = g_inet_socket_address_new (ip, 0);
    g_autoptr(GSocketAddress) bound = NULL;
    g_autofree gchar *spec = NULL;
    const gchar *mute[] = { NULL, NULL };
    const guint timeout = 4;
    gint64 ms = 0;
    GList *list;

    sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP,
                         &error);
    g_assert_no_error (error);
    g_assert_true (g_socket_bind (sock, bind_to, FALSE, &error));
    g_assert_no_error (error);
    bound = g_socket_get_local_address (sock, &error);
    g_assert_no_error (error);
    spec = g_strdup_printf ("%s:%u", MUTE_IP,
                            g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
    mute[0] = spec;

    resolver = resolver_new (NULL);
    henb_resolver_set_timeout (resolver, timeout);
    list = lookup (resolver, "a.henb.test", mute, &ms, &error);
    g_assert_null (list);
    g_assert_error (error, HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_DNS_FAILED);
    g_test_message ("gave up after %" G_GINT64_FORMAT " ms (timeout %u s)", ms, timeout);
    g_assert_cmpint (ms, >=, 1000);
    /* the margin is the main loop's lateness, which sanitizers and a busy machine stretch
     * (HENB_TIMEOUT_SCALE); below one more timeout, it still catches a second full wait */
    g_assert_cmpint (ms, <=, timeout * 1000 + MIN (1500 * timeout_scale (), timeout * 1000 - 500));
}

static void
test_lookup_bad_server_spec (void)
{
    static const gchar *const specs[] = { "not-an-ip", "127.0.0.1:99999", "127.0.0.1:", "::1", "" };
    g_autoptr(HenbResolver) resolver = resolver_new (NULL);

    for (guint i = 0; i < G_N_ELEMENTS (specs); i++) {
        const gchar *servers[] = { specs[i], NULL };
        g_autoptr(GError) error = NULL;
        GList *list = lookup (resolver, "a.henb.test", servers, NULL, &error);

        g_test_message ("'%s': %s", specs[i], error != NULL ? error->message : "(no error)");
        g_assert_null (list);
        g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION);
    }
}

static void
test_describe_servers (void)
{
    static const gchar *const two[] = { "192.0.2.53", "198.51.100.53:5353", NULL };
    static const gchar *const none[] = { NULL };
    g_autofree gchar *d1 = henb_resolver_describe_servers (two);
    g_autofree gchar *d2 = henb_resolver_describe_servers (none);
    g_autofree gchar *d3 = henb_resolver_describe_servers (NULL);
    g_autoptr(HenbResolver) resolver = resolver_new (none);

    g_assert_cmpstr (d1, ==, "192.0.2.53, 198.51.100.53:5353");
    g_assert_cmpstr (d2, ==, "the system resolver");
    g_assert_cmpstr (d3, ==, "the system resolver");
    g_assert_null (henb_resolver_get_public_servers (resolver));
}

/* ------------------------------------------------------------------------------------------ */
/* as GIO's resolver (what libsoup uses) */

static GList *
addresses_of (const gchar *first, ...)
{
    GList *list = NULL;
    const gchar *a = first;
    va_list ap;

    va_start (ap, first);
    while (a != NULL) {
        list = g_list_append (list, g_inet_address_new_from_string (a));
        a = va_arg (ap, const gchar *);
    }
    va_end (ap);
    return list;
}

static void
test_pin (void)
{
    /* the public server is dead: whatever resolves here did not ask DNS */
    static const gchar *const dead[] = { DEAD_SERVER, NULL };
    g_autoptr(HenbResolver) resolver = resolver_new (dead);
    g_autoptr(GResolver) previous = g_resolver_get_default ();
    g_autoptr(GResolver) as_default = NULL;
    g_autoptr(GError) error = NULL;
    GList *pinned = addresses_of ("198.51.100.7", NULL);
    GList *list;

    henb_resolver_set_timeout (resolver, 2);
    henb_resolver_pin (resolver, "Pinned.HeNB.test", pinned);
    /* the resolver keeps its own copy */
    g_resolver_free_addresses (pinned);

    g_resolver_set_default (G_RESOLVER (resolver));
    as_default = g_resolver_get_default ();
    g_assert_true (as_default == G_RESOLVER (resolver));

    list = g_resolver_lookup_by_name (as_default, "pinned.henb.test", NULL, &error);
    g_assert_no_error (error);
    assert_addresses (list, "198.51.100.7");
    g_resolver_free_addresses (list);

    list = g_resolver_lookup_by_name_with_flags (as_default, "pinned.henb.test",
                                                 G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY, NULL,
                                                 &error);
    g_assert_no_error (error);
    assert_addresses (list, "198.51.100.7");
    g_resolver_free_addresses (list);

    /* pinned, but not in that family: not found, and still no DNS */
    list = g_resolver_lookup_by_name_with_flags (as_default, "pinned.henb.test",
                                                 G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY, NULL,
                                                 &error);
    g_assert_null (list);
    g_assert_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND);
    g_clear_error (&error);

    /* asynchronously too */
    {
        g_autoptr(GAsyncResult) result = NULL;

        g_resolver_lookup_by_name_async (as_default, "PINNED.henb.test", NULL, got_result, &result);
        wait_for (&result);
        list = g_resolver_lookup_by_name_finish (as_default, result, &error);
        g_assert_no_error (error);
        assert_addresses (list, "198.51.100.7");
        g_resolver_free_addresses (list);
    }

    /* the way a connection finds its peer: through GNetworkAddress */
    {
        g_autoptr(GSocketConnectable) address = g_network_address_new ("pinned.henb.test", 7548);
        g_autoptr(GSocketAddressEnumerator) enumerator = g_socket_connectable_enumerate (address);
        g_autoptr(GSocketAddress) sa = g_socket_address_enumerator_next (enumerator, NULL, &error);
        g_autofree gchar *ip = NULL;

        g_assert_no_error (error);
        g_assert_true (G_IS_INET_SOCKET_ADDRESS (sa));
        GInetSocketAddress *isa = G_INET_SOCKET_ADDRESS (sa);

        ip = g_inet_address_to_string (g_inet_socket_address_get_address (isa));
        g_assert_cmpstr (ip, ==, "198.51.100.7");
        g_assert_cmpuint (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (sa)), ==, 7548);
    }

    /* unpinned, the name goes to the (dead) public server again */
    henb_resolver_unpin_all (resolver);
    list = g_resolver_lookup_by_name (as_default, "pinned.henb.test", NULL, &error);
    g_assert_null (list);
    g_assert_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE);
    g_assert_nonnull (strstr (error->message, DEAD_SERVER));

    g_resolver_set_default (previous);
}

/* Pins are for GIO's callers; the procedure's own resolve step always asks DNS. */
static void
test_pin_not_used_by_procedure (void)
{
    g_autoptr(HenbResolver) resolver = NULL;
    g_autoptr(GError) error = NULL;
    GList *pinned = NULL;
    GList *list;

    if (!have_dns ())
        return;
    resolver = resolver_new (dns_servers);
    pinned = addresses_of ("198.51.100.7", "2001:db8::7", NULL);
    henb_resolver_pin (resolver, "a.henb.test", pinned);
    g_resolver_free_addresses (pinned);

    list = lookup (resolver, "a.henb.test", NULL, NULL, &error);
    g_assert_no_error (error);
    assert_addresses (list, "192.0.2.10");
    g_resolver_free_addresses (list);

    list = g_resolver_lookup_by_name (G_RESOLVER (resolver), "a.henb.test", NULL, &error);
    g_assert_no_error (error);
    assert_addresses (list, "198.51.100.7, 2001:db8::7");
    g_resolver_free_addresses (list);

    /* unpinned, GIO's callers get what DNS says again */
    henb_resolver_unpin_all (resolver);
    list = g_resolver_lookup_by_name (G_RESOLVER (resolver), "a.henb.test", NULL, &error);
    g_assert_no_error (error);
    assert_addresses (list, "192.0.2.10");
    g_resolver_free_addresses (list);
}

static void
test_gio_public_servers (void)
{
    g_autoptr(HenbResolver) resolver = NULL;
    g_autoptr(GError) error = NULL;
    GList *list;

    if (!have_dns ())
        return;
    resolver = resolver_new (dns_servers);
    list = g_resolver_lookup_by_name (G_RESOLVER (resolver), "a.henb.test", NULL, &error);
    g_assert_no_error (error);
    assert_addresses (list, "192.0.2.10");
    g_resolver_free_addresses (list);

    list = g_resolver_lookup_by_name_with_flags (G_RESOLVER (resolver), "v6.henb.test",
                                                 G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY, NULL,
                                                 &error);
    g_assert_no_error (error);
    assert_addresses (list, "2001:db8::10");
    g_resolver_free_addresses (list);

    /* only AAAA exists: an IPv4-only lookup finds nothing */
    list = g_resolver_lookup_by_name_with_flags (G_RESOLVER (resolver), "v6.henb.test",
                                                 G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY, NULL,
                                                 &error);
    g_assert_null (list);
    g_assert_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND);
    g_clear_error (&error);

    /* GIO callers get GIO's error domain */
    list = g_resolver_lookup_by_name (G_RESOLVER (resolver), "missing.henb.test", NULL, &error);
    g_assert_null (list);
    g_assert_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "NXDOMAIN"));
    g_clear_error (&error);

    {
        g_autoptr(GAsyncResult) result = NULL;

        g_resolver_lookup_by_name_async (G_RESOLVER (resolver), "a.henb.test", NULL, got_result,
                                         &result);
        wait_for (&result);
        list = g_resolver_lookup_by_name_finish (G_RESOLVER (resolver), result, &error);
        g_assert_no_error (error);
        assert_addresses (list, "192.0.2.10");
        g_resolver_free_addresses (list);
    }
}

static void
test_reverse_lookup (void)
{
    g_autoptr(HenbResolver) resolver = resolver_new (dns_servers);
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GError) error = NULL;
    g_autoptr(GAsyncResult) result = NULL;
    g_autofree gchar *name = NULL;
    g_autofree gchar *name_async = NULL;

    /* delegated to the system resolver: a name or an error, but an answer */
    name = g_resolver_lookup_by_address (G_RESOLVER (resolver), loopback, NULL, &error);
    g_assert_true ((name != NULL) != (error != NULL));
    g_test_message ("127.0.0.1 is %s", name != NULL ? name : error->message);
    g_clear_error (&error);

    g_resolver_lookup_by_address_async (G_RESOLVER (resolver), loopback, NULL, got_result, &result);
    wait_for (&result);
    name_async = g_resolver_lookup_by_address_finish (G_RESOLVER (resolver), result, &error);
    g_assert_true ((name_async != NULL) != (error != NULL));
    g_assert_cmpstr (name_async, ==, name);
}

int
main (int argc, char **argv)
{
    int ret;

    g_test_init (&argc, &argv, NULL);
    start_dnsmasq ();

    g_test_add_func ("/resolver/lookup/a", test_lookup_a);
    g_test_add_func ("/resolver/lookup/public-servers", test_lookup_public_servers);
    g_test_add_func ("/resolver/lookup/aaaa-only", test_lookup_aaaa_only);
    g_test_add_func ("/resolver/lookup/nxdomain", test_lookup_nxdomain);
    g_test_add_func ("/resolver/lookup/dead-server", test_lookup_dead_server);
    g_test_add_func ("/resolver/lookup/mute-server", test_lookup_mute_server);
    g_test_add_func ("/resolver/lookup/bad-server-spec", test_lookup_bad_server_spec);
    g_test_add_func ("/resolver/describe-servers", test_describe_servers);
    g_test_add_func ("/resolver/gio/pin", test_pin);
    g_test_add_func ("/resolver/gio/pin-not-used-by-procedure", test_pin_not_used_by_procedure);
    g_test_add_func ("/resolver/gio/public-servers", test_gio_public_servers);
    g_test_add_func ("/resolver/gio/reverse", test_reverse_lookup);
    ret = g_test_run ();
    stop_dnsmasq ();
    g_free (skip_reason);
    return ret;
}
