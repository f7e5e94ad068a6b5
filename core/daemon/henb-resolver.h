/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * henbd's resolver. Names outside a tunnel go to the public DNS servers of the configuration
 * (or the system resolver when none are set), names behind a tunnel to the servers the SeGW
 * assigned; the host's resolv.conf is never touched. Installed as the process's default
 * GResolver so that every connection (libsoup included) reaches exactly the address the
 * procedure's resolve step found: a resolved name is pinned until the next run.
 */
#define HENB_TYPE_RESOLVER (henb_resolver_get_type ())
G_DECLARE_FINAL_TYPE (HenbResolver, henb_resolver, HENB, RESOLVER, GResolver)

HenbResolver *henb_resolver_new (GResolver *fallback, const gchar *const *public_servers);
void          henb_resolver_set_timeout (HenbResolver *self, guint seconds);
const gchar *const *henb_resolver_get_public_servers (HenbResolver *self);
/* A human description of @servers ("192.0.2.53:53, ..." or "the system resolver"). */
gchar        *henb_resolver_describe_servers (const gchar *const *servers);

void          henb_resolver_pin (HenbResolver *self, const gchar *host, GList *addresses);
void          henb_resolver_unpin_all (HenbResolver *self);

/*
 * Resolves @host (A and AAAA) with @servers ("ip" or "ip:port", IPv4), or with the public
 * servers when @servers is NULL. Errors are in HENB_NETWORK_ERROR: NameNotFound for NXDOMAIN
 * or no address, DnsFailed when no server answered.
 */
void          henb_resolver_lookup_async (HenbResolver        *self,
                                          const gchar         *host,
                                          const gchar *const  *servers,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
GList        *henb_resolver_lookup_finish (HenbResolver *self, GAsyncResult *result, GError **error);

G_END_DECLS
