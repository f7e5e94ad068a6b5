/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * security-gnutls: TLS toward the HeMS with the operator root CA as the only trust anchor,
 * the device certificate as client certificate, TLS 1.2 or later, and the HeMS identity
 * matched in the form it was configured. The handshake itself is GnuTLS through GIO's TLS
 * backend (glib-networking); the peer verification is done here with GnuTLS directly.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include <gnutls/gnutls.h>

#include "henb-errors.h"
#include "henb-file.h"
#include "henb-gnutls-verify.h"
#include "henb-plugin.h"
#include "henb-tls.h"

/* TLS 1.2 is the floor (TR-069 Amd 6, RFC 7525); glib-networking reads this at first use */
#define PRIORITY_FLOOR "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:%COMPAT"

/* ------------------------------------------------------------------------------------------ */
/* A GTlsDatabase that trusts the operator root CA only */

#define HENB_TYPE_GNUTLS_DATABASE (henb_gnutls_database_get_type ())
G_DECLARE_FINAL_TYPE (HenbGnutlsDatabase, henb_gnutls_database, HENB, GNUTLS_DATABASE, GTlsDatabase)

struct _HenbGnutlsDatabase {
    GTlsDatabase     parent_instance;
    HenbGnutlsTrust *trust;
    GMutex           lock;
    GError          *last_error; /* why the last chain was refused */
};

G_DEFINE_TYPE (HenbGnutlsDatabase, henb_gnutls_database, G_TYPE_TLS_DATABASE)

static gchar *
identity_host (GSocketConnectable *identity)
{
    if (identity == NULL)
        return NULL;
    if (G_IS_NETWORK_ADDRESS (identity))
        return g_strdup (g_network_address_get_hostname (G_NETWORK_ADDRESS (identity)));
    if (G_IS_NETWORK_SERVICE (identity))
        return g_strdup (g_network_service_get_domain (G_NETWORK_SERVICE (identity)));
    if (G_IS_INET_SOCKET_ADDRESS (identity))
        return g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (identity)));
    return NULL;
}

static GTlsCertificateFlags
flags_for (const GError *error)
{
    switch (error->code) {
    case HENB_SECURITY_ERROR_UNKNOWN_CA:
        return G_TLS_CERTIFICATE_UNKNOWN_CA;
    case HENB_SECURITY_ERROR_IDENTITY_MISMATCH:
        return G_TLS_CERTIFICATE_BAD_IDENTITY;
    case HENB_SECURITY_ERROR_EXPIRED:
        return G_TLS_CERTIFICATE_EXPIRED;
    case HENB_SECURITY_ERROR_NOT_ACTIVATED:
        return G_TLS_CERTIFICATE_NOT_ACTIVATED;
    default:
        return G_TLS_CERTIFICATE_GENERIC_ERROR;
    }
}

static GTlsCertificateFlags
henb_gnutls_database_verify_chain (GTlsDatabase            *database,
                                   GTlsCertificate         *chain,
                                   const gchar             *purpose,
                                   GSocketConnectable      *identity,
                                   GTlsInteraction         *interaction,
                                   GTlsDatabaseVerifyFlags  flags,
                                   GCancellable            *cancellable,
                                   GError                 **error)
{
    HenbGnutlsDatabase *self = HENB_GNUTLS_DATABASE (database);
    g_autoptr(GPtrArray) der = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
    g_autofree gchar *host = identity_host (identity);
    g_autoptr(GError) verify_error = NULL;
    GTlsCertificateFlags result = 0;

    if (g_strcmp0 (purpose, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER) != 0) {
        g_set_error_literal (&verify_error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_BAD_CERTIFICATE,
                             "henbd verifies TLS servers only");
    } else {
        for (GTlsCertificate *c = chain; c != NULL; c = g_tls_certificate_get_issuer (c)) {
            g_autoptr(GByteArray) bytes = NULL;

            g_object_get (c, "certificate", &bytes, NULL);
            g_ptr_array_add (der, g_bytes_new (bytes->data, bytes->len));
        }
        henb_gnutls_verify_server (self->trust, der, host, 0, &verify_error);
    }

    g_mutex_lock (&self->lock);
    g_clear_error (&self->last_error);
    if (verify_error != NULL) {
        result = flags_for (verify_error);
        self->last_error = g_error_copy (verify_error);
    }
    g_mutex_unlock (&self->lock);
    if (verify_error != NULL)
        g_info ("refused the certificate of %s: %s", host, verify_error->message);
    return result;
}

/* Nothing to look up: the chain the peer sends is verified against the root CA alone. */
static GTlsCertificate *
henb_gnutls_database_lookup_certificate_issuer (GTlsDatabase *database, GTlsCertificate *certificate,
                                                GTlsInteraction *interaction,
                                                GTlsDatabaseLookupFlags flags,
                                                GCancellable *cancellable, GError **error)
{
    return NULL;
}

static GList *
henb_gnutls_database_lookup_certificates_issued_by (GTlsDatabase *database, GByteArray *issuer,
                                                    GTlsInteraction *interaction,
                                                    GTlsDatabaseLookupFlags flags,
                                                    GCancellable *cancellable, GError **error)
{
    return NULL;
}

static gchar *
henb_gnutls_database_create_certificate_handle (GTlsDatabase *database, GTlsCertificate *certificate)
{
    return NULL;
}

static GTlsCertificate *
henb_gnutls_database_lookup_certificate_for_handle (GTlsDatabase *database, const gchar *handle,
                                                    GTlsInteraction *interaction,
                                                    GTlsDatabaseLookupFlags flags,
                                                    GCancellable *cancellable, GError **error)
{
    return NULL;
}

static void
henb_gnutls_database_finalize (GObject *object)
{
    HenbGnutlsDatabase *self = HENB_GNUTLS_DATABASE (object);

    henb_gnutls_trust_free (self->trust);
    g_clear_error (&self->last_error);
    g_mutex_clear (&self->lock);
    G_OBJECT_CLASS (henb_gnutls_database_parent_class)->finalize (object);
}

static void
henb_gnutls_database_class_init (HenbGnutlsDatabaseClass *klass)
{
    GTlsDatabaseClass *db_class = G_TLS_DATABASE_CLASS (klass);

    G_OBJECT_CLASS (klass)->finalize = henb_gnutls_database_finalize;
    db_class->verify_chain = henb_gnutls_database_verify_chain;
    db_class->lookup_certificate_issuer = henb_gnutls_database_lookup_certificate_issuer;
    db_class->lookup_certificates_issued_by = henb_gnutls_database_lookup_certificates_issued_by;
    db_class->create_certificate_handle = henb_gnutls_database_create_certificate_handle;
    db_class->lookup_certificate_for_handle = henb_gnutls_database_lookup_certificate_for_handle;
}

static void
henb_gnutls_database_init (HenbGnutlsDatabase *self)
{
    g_mutex_init (&self->lock);
}

static GError *
henb_gnutls_database_take_error (HenbGnutlsDatabase *self)
{
    GError *error;

    g_mutex_lock (&self->lock);
    error = g_steal_pointer (&self->last_error);
    g_mutex_unlock (&self->lock);
    return error;
}

/* ------------------------------------------------------------------------------------------ */
/* The TLS context handed to transports */

#define HENB_TYPE_GNUTLS_CONTEXT (henb_gnutls_context_get_type ())
G_DECLARE_FINAL_TYPE (HenbGnutlsContext, henb_gnutls_context, HENB, GNUTLS_CONTEXT, HenbTlsContext)

struct _HenbGnutlsContext {
    HenbTlsContext      parent_instance;
    HenbGnutlsDatabase *database;
    GTlsCertificate    *client_certificate;
};

G_DEFINE_TYPE (HenbGnutlsContext, henb_gnutls_context, HENB_TYPE_TLS_CONTEXT)

static GTlsDatabase *
henb_gnutls_context_get_database (HenbTlsContext *ctx)
{
    return G_TLS_DATABASE (HENB_GNUTLS_CONTEXT (ctx)->database);
}

static GTlsCertificate *
henb_gnutls_context_get_client_certificate (HenbTlsContext *ctx)
{
    return HENB_GNUTLS_CONTEXT (ctx)->client_certificate;
}

static const gchar *
protocol_name (GTlsProtocolVersion version)
{
    switch (version) {
    case G_TLS_PROTOCOL_VERSION_SSL_3_0:
        return "SSL 3.0";
    case G_TLS_PROTOCOL_VERSION_TLS_1_0:
        return "TLS 1.0";
    case G_TLS_PROTOCOL_VERSION_TLS_1_1:
        return "TLS 1.1";
    case G_TLS_PROTOCOL_VERSION_TLS_1_2:
        return "TLS 1.2";
    case G_TLS_PROTOCOL_VERSION_TLS_1_3:
        return "TLS 1.3";
    case G_TLS_PROTOCOL_VERSION_DTLS_1_0:
    case G_TLS_PROTOCOL_VERSION_DTLS_1_2:
    case G_TLS_PROTOCOL_VERSION_UNKNOWN:
    default:
        return "an unknown protocol";
    }
}

static gboolean
henb_gnutls_context_check_connection (HenbTlsContext *ctx, GTlsConnection *connection, GError **error)
{
    GTlsProtocolVersion version = g_tls_connection_get_protocol_version (connection);

    if (version != G_TLS_PROTOCOL_VERSION_TLS_1_2 && version != G_TLS_PROTOCOL_VERSION_TLS_1_3) {
        g_set_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_PROTOCOL_VERSION,
                     "the peer negotiated %s; henbd requires TLS 1.2 or 1.3", protocol_name (version));
        return FALSE;
    }
    return TRUE;
}

static GError *
henb_gnutls_context_take_verify_error (HenbTlsContext *ctx)
{
    return henb_gnutls_database_take_error (HENB_GNUTLS_CONTEXT (ctx)->database);
}

static void
henb_gnutls_context_finalize (GObject *object)
{
    HenbGnutlsContext *self = HENB_GNUTLS_CONTEXT (object);

    g_clear_object (&self->database);
    g_clear_object (&self->client_certificate);
    G_OBJECT_CLASS (henb_gnutls_context_parent_class)->finalize (object);
}

static void
henb_gnutls_context_class_init (HenbGnutlsContextClass *klass)
{
    HenbTlsContextClass *ctx_class = HENB_TLS_CONTEXT_CLASS (klass);

    G_OBJECT_CLASS (klass)->finalize = henb_gnutls_context_finalize;
    ctx_class->get_database = henb_gnutls_context_get_database;
    ctx_class->get_client_certificate = henb_gnutls_context_get_client_certificate;
    ctx_class->check_connection = henb_gnutls_context_check_connection;
    ctx_class->take_verify_error = henb_gnutls_context_take_verify_error;
}

static void
henb_gnutls_context_init (HenbGnutlsContext *self)
{
}

/* ------------------------------------------------------------------------------------------ */
/* The plugin */

#define HENB_TYPE_SECURITY_GNUTLS (henb_security_gnutls_get_type ())
G_DECLARE_FINAL_TYPE (HenbSecurityGnutls, henb_security_gnutls, HENB, SECURITY_GNUTLS, HenbPlugin)

/*
 * The contexts made so far, by the paths of their three files: a context is kept across
 * sessions (reading and parsing the certificate, key and CA each time cost more than the
 * handshake's own CPU) and made afresh once any of the files changed (files_signature).
 */
struct _HenbSecurityGnutls {
    HenbPlugin  parent_instance;
};

/*
 * Process-wide, not per plugin object: a context is immutable (trust list, certificate and
 * key), so the HeNBs of henb-fleet that share their files share it too, rather than each
 * parsing the same PEM files. The module is resident; the main thread uses it, the lock is
 * for anyone else.
 */
G_LOCK_DEFINE_STATIC (contexts);
static GHashTable *contexts;            /* "ca\ncert\nkey" -> CachedContext */
static gchar      *default_database_ca; /* files_signature of the CA behind the default database */

typedef struct {
    gchar          *signature;
    HenbTlsContext *context;
} CachedContext;

static void
cached_context_free (CachedContext *c)
{
    g_free (c->signature);
    g_clear_object (&c->context);
    g_free (c);
}

static void henb_security_gnutls_tls_provider_init (HenbTlsProviderInterface *iface);

G_DEFINE_TYPE_WITH_CODE (HenbSecurityGnutls, henb_security_gnutls, HENB_TYPE_PLUGIN,
                         G_IMPLEMENT_INTERFACE (HENB_TYPE_TLS_PROVIDER, henb_security_gnutls_tls_provider_init))

/* The device certificate and key, read by henbd (regular files of bounded size, see
 * henb-file.h) and handed to GIO as one PEM; the key's copy is wiped once parsed. */
static GTlsCertificate *
load_client_certificate (const HenbTlsCredentials *creds, GError **error)
{
    g_autoptr(GError) error_local = NULL;
    g_autofree gchar *cert = NULL;
    g_autofree gchar *key = NULL;
    g_autoptr(GString) pem = NULL;
    GTlsCertificate *certificate;
    gsize cert_len = 0, key_len = 0;

    if (!henb_file_read (creds->certificate_file, "device certificate", HENB_FILE_MAX_CREDENTIAL,
                         HENB_FILE_FLAGS_NONE, &cert, &cert_len, &error_local) ||
        !henb_file_read (creds->key_file, "device key", HENB_FILE_MAX_CREDENTIAL, HENB_FILE_FLAGS_NONE,
                         &key, &key_len, &error_local)) {
        g_set_error_literal (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_CREDENTIALS, error_local->message);
        return NULL;
    }
    pem = g_string_sized_new (cert_len + key_len + 2);
    g_string_append_len (pem, cert, (gssize) cert_len);
    g_string_append_c (pem, '\n');
    g_string_append_len (pem, key, (gssize) key_len);
    certificate = g_tls_certificate_new_from_pem (pem->str, (gssize) pem->len, &error_local);
    explicit_bzero (key, key_len);
    explicit_bzero (pem->str, pem->len);
    if (certificate == NULL) {
        g_set_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_CREDENTIALS,
                     "device certificate %s / key %s: %s", creds->certificate_file, creds->key_file,
                     error_local->message);
        return NULL;
    }
    return certificate;
}

static HenbTlsContext *
load_context (const HenbTlsCredentials *creds, GError **error)
{
    g_autoptr(HenbGnutlsContext) ctx = g_object_new (HENB_TYPE_GNUTLS_CONTEXT, NULL);
    HenbGnutlsTrust *trust;

    trust = henb_gnutls_trust_new (creds->root_ca_file, error);
    if (trust == NULL)
        return NULL;
    ctx->database = g_object_new (HENB_TYPE_GNUTLS_DATABASE, NULL);
    ctx->database->trust = trust;
    ctx->client_certificate = load_client_certificate (creds, error);
    if (ctx->client_certificate == NULL)
        return NULL;
    return HENB_TLS_CONTEXT (g_steal_pointer (&ctx));
}

/* What identifies the files' contents without reading them: device, inode, size and
 * modification time of each (a file replaced by rename gets another inode); NULL when one
 * cannot be examined, and then nothing is kept. */
static gchar *
files_signature (const gchar *const *files, guint n_files)
{
    g_autoptr(GString) signature = g_string_new (NULL);

    for (guint i = 0; i < n_files; i++) {
        struct stat st;

        if (files[i] == NULL || stat (files[i], &st) != 0)
            return NULL;
        /* ctime too: a copy that keeps the mtime (cp -p, touch -r) still changes it */
        g_string_append_printf (signature, "%ju:%ju:%jd:%jd.%09ld:%jd.%09ld;", (uintmax_t) st.st_dev,
                                (uintmax_t) st.st_ino, (intmax_t) st.st_size, (intmax_t) st.st_mtim.tv_sec,
                                st.st_mtim.tv_nsec, (intmax_t) st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
    }
    return g_string_free (g_steal_pointer (&signature), FALSE);
}

/*
 * glib-networking gives a connection whose database is not one of its own (as
 * HenbGnutlsDatabase is not) the GnuTLS credentials of the TLS backend's default database,
 * built afresh for every connection: by default that is the host's whole CA bundle, read
 * and parsed each time (about half of a session's CPU, megabytes of heap). Those credentials
 * verify nothing here (HenbGnutlsDatabase does), so the default database becomes a file
 * database of the operator root CA: one small file instead of the bundle. It is the
 * process's default, and henbd has no other use for one.
 */
static void
use_operator_ca_as_default_database (const gchar *ca_file)
{
    g_autofree gchar *signature = files_signature (&ca_file, 1);
    g_autoptr(GTlsDatabase) database = NULL;
    g_autoptr(GError) error = NULL;

    if (signature == NULL || g_strcmp0 (signature, default_database_ca) == 0)
        return;
    database = g_tls_file_database_new (ca_file, &error);
    if (database == NULL) {
        g_debug ("%s as the default TLS database: %s", ca_file, error->message);
        return;
    }
    g_tls_backend_set_default_database (g_tls_backend_get_default (), database);
    g_free (default_database_ca);
    default_database_ca = g_steal_pointer (&signature);
}

static HenbTlsContext *
create_context_locked (const HenbTlsCredentials *creds, GError **error)
{
    const gchar *files[] = { creds->root_ca_file, creds->certificate_file, creds->key_file };
    g_autofree gchar *key = g_strdup_printf ("%s\n%s\n%s", files[0], files[1], files[2]);
    g_autofree gchar *signature = files_signature (files, G_N_ELEMENTS (files));
    CachedContext *cached;
    HenbTlsContext *ctx;

    if (contexts == NULL)
        contexts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) cached_context_free);
    cached = g_hash_table_lookup (contexts, key);
    if (cached != NULL && signature != NULL && g_strcmp0 (cached->signature, signature) == 0)
        return g_object_ref (cached->context);
    g_hash_table_remove (contexts, key);
    ctx = load_context (creds, error);
    if (ctx == NULL)
        return NULL;
    use_operator_ca_as_default_database (creds->root_ca_file);
    if (signature == NULL)
        return ctx;
    g_debug ("TLS context made from %s, %s and %s", files[0], files[1], files[2]);
    cached = g_new0 (CachedContext, 1);
    cached->signature = g_steal_pointer (&signature);
    cached->context = g_object_ref (ctx);
    g_hash_table_insert (contexts, g_steal_pointer (&key), cached);
    return ctx;
}

static HenbTlsContext *
create_context (HenbTlsProvider *provider, const HenbTlsCredentials *creds, GError **error)
{
    HenbTlsContext *ctx;

    G_LOCK (contexts);
    ctx = create_context_locked (creds, error);
    G_UNLOCK (contexts);
    return ctx;
}

static void
henb_security_gnutls_tls_provider_init (HenbTlsProviderInterface *iface)
{
    iface->create_context = create_context;
}

static void
henb_security_gnutls_class_init (HenbSecurityGnutlsClass *klass)
{
    /* before any TLS connection exists; an administrator's own setting wins. Once per
     * process, not per plugin object: setenv beside other threads' getenv is a race */
    g_setenv ("G_TLS_GNUTLS_PRIORITY", PRIORITY_FLOOR, FALSE);
}

static void
henb_security_gnutls_init (HenbSecurityGnutls *self)
{
}

HENB_PLUGIN_DEFINE (HENB_TYPE_SECURITY_GNUTLS, "security-gnutls")
