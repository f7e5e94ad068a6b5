/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A host and port that a connection (libsoup's remote-connectable) reaches through one
 * HeNB's own resolver instead of the process's default one: several HeNBs in one process
 * (henb-fleet) each reach exactly the addresses their own resolve steps pinned. It is a
 * GNetworkAddress, so TLS takes its host name as the server identity (SNI, certificate check).
 */
#define HENB_TYPE_RESOLVED_ADDRESS (henb_resolved_address_get_type ())
G_DECLARE_FINAL_TYPE (HenbResolvedAddress, henb_resolved_address, HENB, RESOLVED_ADDRESS, GNetworkAddress)

GSocketConnectable *henb_resolved_address_new (GResolver *resolver, const gchar *host, guint16 port);
/* The resolver it looks its host up with (a redirect to another host keeps it). */
GResolver          *henb_resolved_address_get_resolver (HenbResolvedAddress *self);
/* The host and port of an http or https @url; NULL (no error) when @url does not parse: the
 * transport refuses it with its own error. */
GSocketConnectable *henb_resolved_address_new_for_url (GResolver *resolver, const gchar *url);

G_END_DECLS
