/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * TR-181 ManagementServer.ConnReqAllowedJabberIDs: does the sender @from (a full JID as the
 * server stamped it) match the list entry @entry? A full JID entry matches exactly, a bare
 * one (local@domain) any resource. The domain compares without case (RFC 7622 3.2), the
 * local part and the resource exactly. Empty strings match nothing.
 */
gboolean henb_xmpp_jid_allowed (const gchar *entry, const gchar *from);

G_END_DECLS
