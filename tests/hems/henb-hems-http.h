/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reference HeMS's plain HTTP parts: authentication domains, the file server for Download
 * tests and the Connection Request client.
 */
#pragma once

#include <stdio.h>

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define HEMS_REALM "henb-ref-hems"

/* Basic or Digest (@kind "basic" or "digest") with one user, for the paths added to it. */
SoupAuthDomain *hems_auth_domain_new (const gchar *kind,
                                      const gchar *realm,
                                      const gchar *username,
                                      const gchar *password,
                                      GError     **error);
/* The WWW-Authenticate value of a fresh challenge; Digest ones say stale=true so that a client
 * that already authenticated answers with the same credentials. */
gchar          *hems_auth_challenge (const gchar *kind, const gchar *realm);

/* Serves the files of @dir under /files/NAME on @server, logging every request. */
void hems_file_server_attach (SoupServer *server, const gchar *dir, SoupAuthDomain *auth, FILE *log);

/*
 * Connection Requests (TR-069 3.2.2): HTTP GETs with Digest authentication to the CPE.
 * @url may be "auto": the ConnectionRequestURL of the last Inform, given to _schedule().
 */
typedef struct _HemsConnectionRequester HemsConnectionRequester;

HemsConnectionRequester *hems_connection_requester_new (const gchar *url,
                                                        const gchar *username,
                                                        const gchar *password,
                                                        guint        delay_ms,
                                                        FILE        *log);
void                     hems_connection_requester_free (HemsConnectionRequester *cr);
/* After the delay, sends @count requests one after the other, logging each status. */
void                     hems_connection_requester_schedule (HemsConnectionRequester *cr,
                                                             const gchar             *inform_url,
                                                             guint                    count);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HemsConnectionRequester, hems_connection_requester_free)

G_END_DECLS
