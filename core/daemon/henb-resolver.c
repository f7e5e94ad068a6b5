/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>

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

static QueryResult
query (struct __res_state *st, const gchar *host, int type, GList **out)
{
    guchar answer[NS_PACKETSZ * 8];
    ns_msg msg;
    int n = res_nquery (st, host, ns_c_in, type, answer, sizeof answer);

    if (n < 0) {
        switch (st->res_h_errno) {
        case HOST_NOT_FOUND:
            return QUERY_NXDOMAIN;
        case NO_DATA:
            return QUERY_NODATA;
        default:
            return QUERY_FAILED;
        }
    }
    if (ns_initparse (answer, n, &msg) < 0)
        return QUERY_FAILED;
    for (int i = 0; i < ns_msg_count (msg, ns_s_an); i++) {
        ns_rr rr;

        if (ns_parserr (&msg, ns_s_an, i, &rr) < 0)
            continue;
        if (type == ns_t_a && ns_rr_type (rr) == ns_t_a && ns_rr_rdlen (rr) == 4)
            *out = g_list_append (*out, g_inet_address_new_from_bytes (ns_rr_rdata (rr), G_SOCKET_FAMILY_IPV4));
        else if (type == ns_t_aaaa && ns_rr_type (rr) == ns_t_aaaa && ns_rr_rdlen (rr) == 16)
            *out = g_list_append (*out, g_inet_address_new_from_bytes (ns_rr_rdata (rr), G_SOCKET_FAMILY_IPV6));
    }
    return QUERY_OK;
}

/* Blocking; run in a worker thread. */
static GList *
dns_lookup (const gchar *const      *servers,
            const gchar              *host,
            GResolverNameLookupFlags  flags,
            guint                     timeout,
            GError                  **error)
{
    struct __res_state st;
    GList *addresses = NULL;
    QueryResult r4 = QUERY_NODATA, r6 = QUERY_NODATA;
    g_autofree gchar *described = henb_resolver_describe_servers (servers);

    memset (&st, 0, sizeof st);
    if (res_ninit (&st) != 0) {
        g_set_error_literal (error, HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_DNS_FAILED,
                             "cannot initialise the DNS resolver");
        return NULL;
    }
    st.nscount = 0;
    for (guint i = 0; servers[i] != NULL && st.nscount < MAXNS; i++) {
        if (!parse_server (servers[i], &st.nsaddr_list[st.nscount], error)) {
            res_nclose (&st);
            return NULL;
        }
        st.nscount++;
    }
    st.options &= ~(RES_DNSRCH | RES_DEFNAMES);
    st.retrans = (int) MAX (1, timeout / 4);
    st.retry = 2;

    if ((flags & G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY) == 0)
        r4 = query (&st, host, ns_t_a, &addresses);
    if ((flags & G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY) == 0 && r4 != QUERY_NXDOMAIN)
        r6 = query (&st, host, ns_t_aaaa, &addresses);
    res_nclose (&st);

    if (addresses != NULL)
        return addresses;
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
