/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>

#include <ares.h>

#include "henb-errors.h"
#include "henb-resolver.h"

struct _HenbResolver {
    GResolver   parent_instance;
    GResolver  *fallback;
    GStrv       public_servers;
    guint       timeout;
    GMutex      lock;
    GHashTable *pinned; /* host (lower case) -> GList of GInetAddress */
};

G_DEFINE_TYPE (HenbResolver, henb_resolver, G_TYPE_RESOLVER)

static void
free_addresses (gpointer list)
{
    g_resolver_free_addresses (list);
}

static GList *
copy_addresses (GList *list, GResolverNameLookupFlags flags)
{
    GList *out = NULL;

    for (GList *l = list; l != NULL; l = l->next) {
        GSocketFamily family = g_inet_address_get_family (l->data);

        if ((flags & G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY) && family != G_SOCKET_FAMILY_IPV4)
            continue;
        if ((flags & G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY) && family != G_SOCKET_FAMILY_IPV6)
            continue;
        out = g_list_prepend (out, g_object_ref (l->data));
    }
    return g_list_reverse (out);
}

/* ------------------------------------------------------------------------------------------ */
/* DNS queries to given servers (glibc's resolver state, never its resolv.conf servers) */

static gboolean
parse_server (const gchar *spec, struct sockaddr_in *sin, GError **error)
{
    g_autofree gchar *host = NULL;
    guint64 port = 53;
    const gchar *colon = strrchr (spec, ':');

    memset (sin, 0, sizeof *sin);
    if (colon != NULL && strchr (spec, ':') == colon) {
        host = g_strndup (spec, colon - spec);
        if (!g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &port, NULL)) {
            g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                         "DNS server '%s' has an invalid port", spec);
            return FALSE;
        }
    } else {
        host = g_strdup (spec);
    }
    sin->sin_family = AF_INET;
    sin->sin_port = htons ((guint16) port);
    if (inet_pton (AF_INET, host, &sin->sin_addr) != 1) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                     "DNS server '%s' is not an IPv4 address", spec);
        return FALSE;
    }
    return TRUE;
}

gchar *
henb_resolver_describe_servers (const gchar *const *servers)
{
    if (servers == NULL || servers[0] == NULL)
        return g_strdup ("the system resolver");
    return g_strjoinv (", ", (GStrv) servers);
}

typedef enum {
    QUERY_OK,
    QUERY_NXDOMAIN,
    QUERY_NODATA,
    QUERY_FAILED,
} QueryResult;

/* One of the two queries (A, AAAA) of a lookup, answered by c-ares. */
typedef struct {
    int          type;
    QueryResult  result;
    GList      **out;
} Query;

static void
query_answered (void *arg, int status, int timeouts, unsigned char *answer, int len)
{
    Query *q = arg;
    struct hostent *host = NULL;
    int r;

    switch (status) {
    case ARES_SUCCESS:
        break;
    case ARES_ENOTFOUND:
        q->result = QUERY_NXDOMAIN;
        return;
    case ARES_ENODATA:
        q->result = QUERY_NODATA;
        return;
    default:
        q->result = QUERY_FAILED;
        return;
    }
    /* a hostile answer is parsed by c-ares, bounded; only well-formed records are taken */
    r = q->type == ns_t_a ? ares_parse_a_reply (answer, len, &host, NULL, NULL)
                          : ares_parse_aaaa_reply (answer, len, &host, NULL, NULL);
    if (r == ARES_ENODATA) {
        q->result = QUERY_NODATA;
        return;
    }
    if (r != ARES_SUCCESS) {
        q->result = QUERY_FAILED;
        return;
    }
    for (int i = 0; host->h_addr_list[i] != NULL; i++) {
        if (q->type == ns_t_a && host->h_addrtype == AF_INET && host->h_length == 4)
            *q->out = g_list_append (*q->out, g_inet_address_new_from_bytes ((const guint8 *) host->h_addr_list[i],
                                                                             G_SOCKET_FAMILY_IPV4));
        else if (q->type == ns_t_aaaa && host->h_addrtype == AF_INET6 && host->h_length == 16)
            *q->out = g_list_append (*q->out, g_inet_address_new_from_bytes ((const guint8 *) host->h_addr_list[i],
                                                                             G_SOCKET_FAMILY_IPV6));
    }
    ares_free_hostent (host);
    q->result = QUERY_OK;
}

/* Runs the channel's queries to their end, waiting on its sockets. */
static void
run_channel (ares_channel channel)
{
    for (;;) {
        ares_socket_t socks[ARES_GETSOCK_MAXNUM];
        struct pollfd fds[ARES_GETSOCK_MAXNUM];
        struct timeval tv, *tvp;
        /* unsigned: c-ares's ARES_GETSOCK_WRITABLE shifts an int 1 by up to 31 places */
        guint bits = (guint) ares_getsock (channel, socks, ARES_GETSOCK_MAXNUM);
        nfds_t n = 0;
        int ready;

        for (guint i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
            short events = ((bits & (1u << i)) != 0 ? POLLIN : 0) |
                           ((bits & (1u << (i + ARES_GETSOCK_MAXNUM))) != 0 ? POLLOUT : 0);
            if (events != 0)
                fds[n++] = (struct pollfd) { .fd = socks[i], .events = events };
        }
        if (n == 0)
            return;
        tvp = ares_timeout (channel, NULL, &tv);
        ready = poll (fds, n, tvp != NULL ? (int) (tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000) : -1);
        if (ready < 0 && errno != EINTR)
            return;
        if (ready <= 0) {
            ares_process_fd (channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
            continue;
        }
        for (nfds_t i = 0; i < n; i++) {
            if (fds[i].revents == 0)
                continue;
            ares_process_fd (channel, fds[i].revents & (POLLIN | POLLERR | POLLHUP) ? fds[i].fd : ARES_SOCKET_BAD,
                             fds[i].revents & POLLOUT ? fds[i].fd : ARES_SOCKET_BAD);
        }
    }
}

static gpointer
init_cares (gpointer data)
{
    return GINT_TO_POINTER (ares_library_init (ARES_LIB_INIT_ALL));
}

/*
 * Blocking; run in a worker thread. The A and AAAA queries go out together (one round trip
 * for both), to the given servers only, with c-ares.
 */
static GList *
dns_lookup (const gchar *const      *servers,
            const gchar              *host,
            GResolverNameLookupFlags  flags,
            guint                     timeout,
            GError                  **error)
{
    static GOnce cares_once = G_ONCE_INIT;
    struct ares_options options = { 0 };
    struct ares_addr_port_node nodes[16];
    ares_channel channel;
    GList *a = NULL, *aaaa = NULL;
    Query q4 = { ns_t_a, QUERY_NODATA, &a }, q6 = { ns_t_aaaa, QUERY_NODATA, &aaaa };
    QueryResult r4, r6;
    guint n_nodes = 0;
    g_autofree gchar *described = henb_resolver_describe_servers (servers);

    memset (nodes, 0, sizeof nodes);
    for (guint i = 0; servers[i] != NULL && n_nodes < G_N_ELEMENTS (nodes); i++) {
        struct sockaddr_in sin;

        if (!parse_server (servers[i], &sin, error))
            return NULL;
        nodes[n_nodes].family = AF_INET;
        nodes[n_nodes].addr.addr4 = sin.sin_addr;
        nodes[n_nodes].udp_port = ntohs (sin.sin_port);
        nodes[n_nodes].tcp_port = ntohs (sin.sin_port);
        if (n_nodes > 0)
            nodes[n_nodes - 1].next = &nodes[n_nodes];
        n_nodes++;
    }
    /* each try waits timeout/4 s, two tries per server, as before */
    options.timeout = (int) MAX (1, timeout / 4) * 1000;
    options.tries = 2;
    options.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
    options.ndomains = 0;
    /* everything /etc/resolv.conf and nsswitch.conf could say is given (the servers come
     * next): c-ares reads neither for each lookup then */
    options.ndots = 1;
    options.lookups = (char *) "b";
    options.nservers = 0;
    options.nsort = 0;
    if (GPOINTER_TO_INT (g_once (&cares_once, init_cares, NULL)) != ARES_SUCCESS ||
        ares_init_options (&channel, &options,
                           ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS | ARES_OPT_DOMAINS |
                               ARES_OPT_NDOTS | ARES_OPT_LOOKUPS | ARES_OPT_SERVERS |
                               ARES_OPT_SORTLIST) != ARES_SUCCESS) {
        g_set_error_literal (error, HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_DNS_FAILED,
                             "cannot initialise the DNS resolver");
        return NULL;
    }
    if (ares_set_servers_ports (channel, n_nodes > 0 ? nodes : NULL) != ARES_SUCCESS) {
        ares_destroy (channel);
        g_set_error_literal (error, HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_DNS_FAILED,
                             "cannot initialise the DNS resolver");
        return NULL;
    }
    if ((flags & G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY) == 0)
        ares_query (channel, host, ns_c_in, ns_t_a, query_answered, &q4);
    if ((flags & G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY) == 0)
        ares_query (channel, host, ns_c_in, ns_t_aaaa, query_answered, &q6);
    run_channel (channel);
    ares_destroy (channel);
    r4 = q4.result;
    r6 = q6.result;

    /* IPv4 first, as before */
    if (a != NULL || aaaa != NULL)
        return g_list_concat (a, aaaa);
    if (r4 == QUERY_NXDOMAIN || r6 == QUERY_NXDOMAIN) {
        g_set_error (error, HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_NAME_NOT_FOUND,
                     "%s does not exist (NXDOMAIN from %s)", host, described);
    } else if (r4 == QUERY_FAILED || r6 == QUERY_FAILED) {
        g_set_error (error, HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_DNS_FAILED,
                     "no answer for %s from %s", host, described);
    } else {
        g_set_error (error, HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_NAME_NOT_FOUND,
                     "%s has no address record at %s", host, described);
    }
    return NULL;
}

/* ------------------------------------------------------------------------------------------ */

typedef struct {
    gchar                   *host;
    GStrv                    servers; /* NULL: the fallback resolver */
    GResolverNameLookupFlags flags;
    guint                    timeout;
} Lookup;

static void
lookup_free (Lookup *l)
{
    g_free (l->host);
    g_strfreev (l->servers);
    g_free (l);
}

static GList *
lookup_pinned (HenbResolver *self, const gchar *host, GResolverNameLookupFlags flags, gboolean *found)
{
    g_autofree gchar *key = g_ascii_strdown (host, -1);
    GList *pinned;
    GList *result = NULL;

    g_mutex_lock (&self->lock);
    pinned = g_hash_table_lookup (self->pinned, key);
    *found = pinned != NULL;
    if (pinned != NULL)
        result = copy_addresses (pinned, flags);
    g_mutex_unlock (&self->lock);
    return result;
}

/* For GResolver callers (libsoup through GNetworkAddress): errors in G_RESOLVER_ERROR. */
static GList *
resolve_for_gio (HenbResolver *self, Lookup *l, GCancellable *cancellable, GError **error)
{
    g_autoptr(GError) error_local = NULL;
    gboolean pinned;
    GList *result = lookup_pinned (self, l->host, l->flags, &pinned);

    if (pinned) {
        if (result == NULL)
            g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                         "%s has no address of the requested family", l->host);
        return result;
    }
    if (l->servers == NULL)
        return g_resolver_lookup_by_name_with_flags (self->fallback, l->host, l->flags, cancellable, error);
    result = dns_lookup ((const gchar *const *) l->servers, l->host, l->flags, l->timeout, &error_local);
    if (result == NULL)
        g_set_error_literal (error, G_RESOLVER_ERROR,
                             g_error_matches (error_local, HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_NAME_NOT_FOUND)
                                 ? G_RESOLVER_ERROR_NOT_FOUND : G_RESOLVER_ERROR_TEMPORARY_FAILURE,
                             error_local->message);
    return result;
}

static Lookup *
lookup_new (HenbResolver *self, const gchar *host, const gchar *const *servers,
            GResolverNameLookupFlags flags)
{
    Lookup *l = g_new0 (Lookup, 1);

    l->host = g_strdup (host);
    if (servers != NULL && servers[0] != NULL)
        l->servers = g_strdupv ((GStrv) servers);
    l->flags = flags;
    l->timeout = self->timeout;
    return l;
}

static void
gio_lookup_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    GError *error = NULL;
    GList *result = resolve_for_gio (source, data, cancellable, &error);

    if (result == NULL && error != NULL)
        g_task_return_error (task, error);
    else
        g_task_return_pointer (task, result, free_addresses);
}

static GList *
henb_resolver_lookup_by_name_with_flags (GResolver               *resolver,
                                         const gchar             *hostname,
                                         GResolverNameLookupFlags flags,
                                         GCancellable            *cancellable,
                                         GError                 **error)
{
    HenbResolver *self = HENB_RESOLVER (resolver);
    Lookup *l = lookup_new (self, hostname, (const gchar *const *) self->public_servers, flags);
    GList *result = resolve_for_gio (self, l, cancellable, error);

    lookup_free (l);
    return result;
}

static GList *
henb_resolver_lookup_by_name (GResolver *resolver, const gchar *hostname, GCancellable *cancellable,
                              GError **error)
{
    return henb_resolver_lookup_by_name_with_flags (resolver, hostname,
                                                    G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT,
                                                    cancellable, error);
}

static void
henb_resolver_lookup_by_name_with_flags_async (GResolver               *resolver,
                                               const gchar             *hostname,
                                               GResolverNameLookupFlags flags,
                                               GCancellable            *cancellable,
                                               GAsyncReadyCallback      callback,
                                               gpointer                 user_data)
{
    HenbResolver *self = HENB_RESOLVER (resolver);
    g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);

    g_task_set_source_tag (task, henb_resolver_lookup_by_name_with_flags_async);
    g_task_set_task_data (task, lookup_new (self, hostname, (const gchar *const *) self->public_servers, flags),
                          (GDestroyNotify) lookup_free);
    g_task_run_in_thread (task, gio_lookup_thread);
}

static GList *
henb_resolver_lookup_by_name_with_flags_finish (GResolver *resolver, GAsyncResult *result, GError **error)
{
    return g_task_propagate_pointer (G_TASK (result), error);
}

static void
henb_resolver_lookup_by_name_async (GResolver          *resolver,
                                    const gchar        *hostname,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
    henb_resolver_lookup_by_name_with_flags_async (resolver, hostname,
                                                   G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT,
                                                   cancellable, callback, user_data);
}

/* Reverse, SRV and other record lookups are not henbd's business: the system resolver. */
static gchar *
henb_resolver_lookup_by_address (GResolver *resolver, GInetAddress *address,
                                 GCancellable *cancellable, GError **error)
{
    return g_resolver_lookup_by_address (HENB_RESOLVER (resolver)->fallback, address, cancellable, error);
}

static void
henb_resolver_lookup_by_address_async (GResolver *resolver, GInetAddress *address,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data)
{
    g_resolver_lookup_by_address_async (HENB_RESOLVER (resolver)->fallback, address, cancellable,
                                        callback, user_data);
}

static gchar *
henb_resolver_lookup_by_address_finish (GResolver *resolver, GAsyncResult *result, GError **error)
{
    return g_resolver_lookup_by_address_finish (HENB_RESOLVER (resolver)->fallback, result, error);
}

static GList *
henb_resolver_lookup_records (GResolver *resolver, const gchar *rrname, GResolverRecordType type,
                              GCancellable *cancellable, GError **error)
{
    return g_resolver_lookup_records (HENB_RESOLVER (resolver)->fallback, rrname, type, cancellable, error);
}

static void
henb_resolver_lookup_records_async (GResolver *resolver, const gchar *rrname,
                                    GResolverRecordType type, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
    g_resolver_lookup_records_async (HENB_RESOLVER (resolver)->fallback, rrname, type, cancellable,
                                     callback, user_data);
}

static GList *
henb_resolver_lookup_records_finish (GResolver *resolver, GAsyncResult *result, GError **error)
{
    return g_resolver_lookup_records_finish (HENB_RESOLVER (resolver)->fallback, result, error);
}

static GList *
henb_resolver_lookup_service (GResolver *resolver, const gchar *rrname, GCancellable *cancellable,
                              GError **error)
{
    GResolver *fallback = HENB_RESOLVER (resolver)->fallback;

    return G_RESOLVER_GET_CLASS (fallback)->lookup_service (fallback, rrname, cancellable, error);
}

static void
henb_resolver_lookup_service_async (GResolver *resolver, const gchar *rrname,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data)
{
    GResolver *fallback = HENB_RESOLVER (resolver)->fallback;

    G_RESOLVER_GET_CLASS (fallback)->lookup_service_async (fallback, rrname, cancellable, callback,
                                                           user_data);
}

static GList *
henb_resolver_lookup_service_finish (GResolver *resolver, GAsyncResult *result, GError **error)
{
    GResolver *fallback = HENB_RESOLVER (resolver)->fallback;

    return G_RESOLVER_GET_CLASS (fallback)->lookup_service_finish (fallback, result, error);
}

static void
henb_resolver_finalize (GObject *object)
{
    HenbResolver *self = HENB_RESOLVER (object);

    g_clear_object (&self->fallback);
    g_strfreev (self->public_servers);
    g_hash_table_unref (self->pinned);
    g_mutex_clear (&self->lock);
    G_OBJECT_CLASS (henb_resolver_parent_class)->finalize (object);
}

static void
henb_resolver_class_init (HenbResolverClass *klass)
{
    GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

    G_OBJECT_CLASS (klass)->finalize = henb_resolver_finalize;
    resolver_class->lookup_by_name = henb_resolver_lookup_by_name;
    resolver_class->lookup_by_name_async = henb_resolver_lookup_by_name_async;
    resolver_class->lookup_by_name_finish = henb_resolver_lookup_by_name_with_flags_finish;
    resolver_class->lookup_by_name_with_flags = henb_resolver_lookup_by_name_with_flags;
    resolver_class->lookup_by_name_with_flags_async = henb_resolver_lookup_by_name_with_flags_async;
    resolver_class->lookup_by_name_with_flags_finish = henb_resolver_lookup_by_name_with_flags_finish;
    resolver_class->lookup_by_address = henb_resolver_lookup_by_address;
    resolver_class->lookup_by_address_async = henb_resolver_lookup_by_address_async;
    resolver_class->lookup_by_address_finish = henb_resolver_lookup_by_address_finish;
    resolver_class->lookup_service = henb_resolver_lookup_service;
    resolver_class->lookup_service_async = henb_resolver_lookup_service_async;
    resolver_class->lookup_service_finish = henb_resolver_lookup_service_finish;
    resolver_class->lookup_records = henb_resolver_lookup_records;
    resolver_class->lookup_records_async = henb_resolver_lookup_records_async;
    resolver_class->lookup_records_finish = henb_resolver_lookup_records_finish;
}

static void
henb_resolver_init (HenbResolver *self)
{
    g_mutex_init (&self->lock);
    self->pinned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, free_addresses);
    self->timeout = 10;
}

HenbResolver *
henb_resolver_new (GResolver *fallback, const gchar *const *public_servers)
{
    HenbResolver *self;

    g_return_val_if_fail (G_IS_RESOLVER (fallback), NULL);
    self = g_object_new (HENB_TYPE_RESOLVER, NULL);
    self->fallback = g_object_ref (fallback);
    if (public_servers != NULL && public_servers[0] != NULL)
        self->public_servers = g_strdupv ((GStrv) public_servers);
    return self;
}

void
henb_resolver_set_timeout (HenbResolver *self, guint seconds)
{
    self->timeout = MAX (seconds, 1);
}

const gchar *const *
henb_resolver_get_public_servers (HenbResolver *self)
{
    return (const gchar *const *) self->public_servers;
}

void
henb_resolver_pin (HenbResolver *self, const gchar *host, GList *addresses)
{
    g_return_if_fail (HENB_IS_RESOLVER (self));
    g_mutex_lock (&self->lock);
    g_hash_table_insert (self->pinned, g_ascii_strdown (host, -1),
                         copy_addresses (addresses, G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT));
    g_mutex_unlock (&self->lock);
}

void
henb_resolver_unpin_all (HenbResolver *self)
{
    g_mutex_lock (&self->lock);
    g_hash_table_remove_all (self->pinned);
    g_mutex_unlock (&self->lock);
}

/* The procedure's own lookups: errors in HENB_NETWORK_ERROR, pinned names not consulted. */
static void
step_lookup_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    HenbResolver *self = source;
    Lookup *l = data;
    GError *error = NULL;
    GList *result;

    if (l->servers != NULL) {
        result = dns_lookup ((const gchar *const *) l->servers, l->host, l->flags, l->timeout, &error);
    } else {
        g_autoptr(GError) error_local = NULL;

        result = g_resolver_lookup_by_name (self->fallback, l->host, cancellable, &error_local);
        if (result == NULL) {
            gboolean not_found = g_error_matches (error_local, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND);
            g_set_error (&error, HENB_NETWORK_ERROR,
                         not_found ? HENB_NETWORK_ERROR_NAME_NOT_FOUND : HENB_NETWORK_ERROR_DNS_FAILED,
                         "%s: %s (system resolver)", l->host, error_local->message);
        }
    }
    if (result == NULL)
        g_task_return_error (task, error);
    else
        g_task_return_pointer (task, result, free_addresses);
}

void
henb_resolver_lookup_async (HenbResolver        *self,
                            const gchar         *host,
                            const gchar *const  *servers,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
    g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

    g_task_set_source_tag (task, henb_resolver_lookup_async);
    if (servers == NULL)
        servers = (const gchar *const *) self->public_servers;
    g_task_set_task_data (task, lookup_new (self, host, servers, G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT),
                          (GDestroyNotify) lookup_free);
    g_task_run_in_thread (task, step_lookup_thread);
}

GList *
henb_resolver_lookup_finish (HenbResolver *self, GAsyncResult *result, GError **error)
{
    return g_task_propagate_pointer (G_TASK (result), error);
}
