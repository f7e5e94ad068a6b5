/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "henb-xmpp-jid.h"

/* The parts of a JID: local@domain/resource, each NULL-free slice of the string. */
typedef struct {
    const gchar *local;
    gsize        local_len;  /* 0: none */
    const gchar *domain;
    gsize        domain_len;
    const gchar *resource;   /* NULL: bare */
} JidParts;

static gboolean
split (const gchar *jid, JidParts *parts)
{
    const gchar *slash = strchr (jid, '/');
    gsize bare = slash != NULL ? (gsize) (slash - jid) : strlen (jid);
    const gchar *at = memchr (jid, '@', bare);

    parts->local = jid;
    parts->local_len = at != NULL ? (gsize) (at - jid) : 0;
    parts->domain = at != NULL ? at + 1 : jid;
    parts->domain_len = bare - (gsize) (parts->domain - jid);
    parts->resource = slash != NULL ? slash + 1 : NULL;
    /* "@d", "l@", "/r": not JIDs */
    return parts->domain_len > 0 && (at == NULL || parts->local_len > 0) &&
           (parts->resource == NULL || parts->resource[0] != '\0');
}

gboolean
henb_xmpp_jid_allowed (const gchar *entry, const gchar *from)
{
    JidParts e, f;

    if (entry == NULL || from == NULL || !split (entry, &e) || !split (from, &f))
        return FALSE;
    if (e.local_len != f.local_len || strncmp (e.local, f.local, e.local_len) != 0)
        return FALSE;
    if (e.domain_len != f.domain_len || g_ascii_strncasecmp (e.domain, f.domain, e.domain_len) != 0)
        return FALSE;
    return e.resource == NULL || (f.resource != NULL && strcmp (e.resource, f.resource) == 0);
}
