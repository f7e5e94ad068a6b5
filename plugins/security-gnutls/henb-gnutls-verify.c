/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "henb-errors.h"
#include "henb-file.h"
#include "henb-gnutls-verify.h"

/* Chains verified already (a HeMS shows the same one at every session), by a digest of the
 * host and every certificate's DER, with the wall-clock seconds they are good between: the
 * chain's latest start and its (or the CA's) earliest expiry, an hour from now at most. The
 * TLS handshake still checks that the peer holds the key; what is skipped is the chain's
 * signatures and checks, which cannot come out otherwise for the same bytes in that window
 * (henbd checks no revocation). Contexts, and so trusts, are shared by henb-fleet's
 * threads: the lock. */
#define VERIFIED_MAX         64
#define VERIFIED_MAX_SECONDS 3600

struct _HenbGnutlsTrust {
    gnutls_x509_trust_list_t list;
    gchar                   *ca_file;
    gint64                   anchors_expire; /* the earliest expiry of the CA file's certificates */
    GMutex                   lock;
    GHashTable              *verified; /* digest -> gint64[2] good from, until (unix seconds) */
};

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)

HenbGnutlsTrust *
henb_gnutls_trust_new (const gchar *ca_file, GError **error)
{
    HenbGnutlsTrust *trust = g_new0 (HenbGnutlsTrust, 1);
    g_autoptr(GError) error_local = NULL;
    g_autofree gchar *pem = NULL;
    gnutls_datum_t datum;
    gsize len = 0;
    int n;

    trust->ca_file = g_strdup (ca_file);
    g_mutex_init (&trust->lock);
    trust->verified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    if (gnutls_x509_trust_list_init (&trust->list, 0) < 0) {
        g_set_error_literal (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_CREDENTIALS,
                             "cannot create a GnuTLS trust list");
        henb_gnutls_trust_free (trust);
        return NULL;
    }
    /* read by henbd, not GnuTLS: a FIFO or /dev/zero in its place must not hang or fill memory */
    if (!henb_file_read (ca_file, "operator root CA", HENB_FILE_MAX_CREDENTIAL, HENB_FILE_FLAGS_NONE,
                         &pem, &len, &error_local)) {
        g_set_error_literal (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_CREDENTIALS, error_local->message);
        henb_gnutls_trust_free (trust);
        return NULL;
    }
    datum.data = (unsigned char *) pem;
    datum.size = (unsigned int) len;
    n = gnutls_x509_trust_list_add_trust_mem (trust->list, &datum, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
    if (n <= 0) {
        g_set_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_CREDENTIALS,
                     "operator root CA %s: %s", ca_file,
                     n < 0 ? gnutls_strerror (n) : "no certificate in the file");
        henb_gnutls_trust_free (trust);
        return NULL;
    }
    trust->anchors_expire = G_MAXINT64;
    {
        gnutls_x509_crt_t *anchors = NULL;
        unsigned int n_anchors = 0;

        /* unparsable here (it parsed above): nothing verified is remembered */
        if (gnutls_x509_crt_list_import2 (&anchors, &n_anchors, &datum, GNUTLS_X509_FMT_PEM, 0) < 0)
            trust->anchors_expire = 0;
        for (unsigned int i = 0; i < n_anchors; i++) {
            trust->anchors_expire = MIN (trust->anchors_expire, (gint64) gnutls_x509_crt_get_expiration_time (anchors[i]));
            gnutls_x509_crt_deinit (anchors[i]);
        }
        gnutls_free (anchors);
    }
    return trust;
}

void
henb_gnutls_trust_free (HenbGnutlsTrust *trust)
{
    if (trust == NULL)
        return;
    if (trust->list != NULL)
        gnutls_x509_trust_list_deinit (trust->list, 1);
    g_hash_table_unref (trust->verified);
    g_mutex_clear (&trust->lock);
    g_free (trust->ca_file);
    g_free (trust);
}

/* The host and each certificate, length first: no two (host, chain) give the same input. */
static gchar *
chain_digest (GPtrArray *chain, const gchar *host)
{
    g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
    /* no host (no identity check) is not the empty host */
    g_autofree gchar *host_len = host != NULL ? g_strdup_printf ("%zu:", strlen (host)) : g_strdup ("-:");

    g_checksum_update (sum, (const guchar *) host_len, -1);
    if (host != NULL)
        g_checksum_update (sum, (const guchar *) host, -1);
    for (guint i = 0; i < chain->len; i++) {
        gsize len;
        const guchar *data = g_bytes_get_data (chain->pdata[i], &len);
        g_autofree gchar *prefix = g_strdup_printf (";%zu:", len);

        g_checksum_update (sum, (const guchar *) prefix, -1);
        g_checksum_update (sum, data, (gssize) len);
    }
    return g_strdup (g_checksum_get_string (sum));
}

static gboolean
verified_already (HenbGnutlsTrust *trust, const gchar *digest)
{
    gint64 *window; /* from, until */
    gint64 now = g_get_real_time () / G_USEC_PER_SEC;
    gboolean good;

    g_mutex_lock (&trust->lock);
    window = g_hash_table_lookup (trust->verified, digest);
    /* a clock set back before a certificate's start is a new verification */
    good = window != NULL && window[0] <= now && now < window[1];
    if (window != NULL && !good)
        g_hash_table_remove (trust->verified, digest);
    g_mutex_unlock (&trust->lock);
    return good;
}

static void
remember_verified (HenbGnutlsTrust *trust, gchar *digest, gnutls_x509_crt_t *crts, guint n)
{
    gint64 window[2] = { 0, MIN (g_get_real_time () / G_USEC_PER_SEC + VERIFIED_MAX_SECONDS, trust->anchors_expire) };

    for (guint i = 0; i < n; i++) {
        window[0] = MAX (window[0], (gint64) gnutls_x509_crt_get_activation_time (crts[i]));
        window[1] = MIN (window[1], (gint64) gnutls_x509_crt_get_expiration_time (crts[i]));
    }
    g_mutex_lock (&trust->lock);
    if (g_hash_table_size (trust->verified) >= VERIFIED_MAX)
        g_hash_table_remove_all (trust->verified);
    g_hash_table_insert (trust->verified, digest, g_memdup2 (window, sizeof window));
    g_mutex_unlock (&trust->lock);
}

static gnutls_x509_crt_t
import_der (GBytes *der, GError **error)
{
    gnutls_x509_crt_t crt = NULL;
    gnutls_datum_t datum;
    gsize len;
    int r;

    datum.data = (unsigned char *) g_bytes_get_data (der, &len);
    datum.size = (unsigned int) len;
    if (gnutls_x509_crt_init (&crt) < 0 ||
        (r = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER)) < 0) {
        g_set_error_literal (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_BAD_CERTIFICATE,
                             "the peer sent a certificate that cannot be parsed");
        if (crt != NULL)
            gnutls_x509_crt_deinit (crt);
        return NULL;
    }
    return crt;
}

static gchar *
dn_of (gnutls_x509_crt_t crt, gboolean issuer)
{
    gnutls_datum_t dn = { NULL, 0 };
    gchar *ret;

    if ((issuer ? gnutls_x509_crt_get_issuer_dn3 (crt, &dn, 0) : gnutls_x509_crt_get_dn3 (crt, &dn, 0)) < 0)
        return g_strdup ("?");
    ret = g_strndup ((const gchar *) dn.data, dn.size);
    gnutls_free (dn.data);
    return ret;
}

static gchar *
format_time (time_t t)
{
    g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);

    return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S UTC") : g_strdup ("?");
}

static gboolean
has_server_auth (gnutls_x509_crt_t crt)
{
    for (unsigned int i = 0;; i++) {
        gchar oid[128];
        size_t size = sizeof oid;
        int r = gnutls_x509_crt_get_key_purpose_oid (crt, i, oid, &size, NULL);

        if (r < 0)
            return FALSE;
        if (strcmp (oid, GNUTLS_KP_TLS_WWW_SERVER) == 0)
            return TRUE;
    }
}

typedef struct {
    GPtrArray *dns;  /* gchar* */
    GPtrArray *ips;  /* GInetAddress */
} Sans;

static void
sans_clear (Sans *s)
{
    g_ptr_array_unref (s->dns);
    g_ptr_array_unref (s->ips);
}

static void
collect_sans (gnutls_x509_crt_t crt, Sans *s)
{
    s->dns = g_ptr_array_new_with_free_func (g_free);
    s->ips = g_ptr_array_new_with_free_func (g_object_unref);
    for (unsigned int i = 0;; i++) {
        guchar buf[512];
        size_t size = sizeof buf;
        int type = gnutls_x509_crt_get_subject_alt_name (crt, i, buf, &size, NULL);

        if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
            break;
        if (type == GNUTLS_SAN_DNSNAME)
            g_ptr_array_add (s->dns, g_strndup ((const gchar *) buf, size));
        else if (type == GNUTLS_SAN_IPADDRESS && (size == 4 || size == 16))
            g_ptr_array_add (s->ips, g_inet_address_new_from_bytes (buf, size == 4 ? G_SOCKET_FAMILY_IPV4
                                                                                   : G_SOCKET_FAMILY_IPV6));
    }
}

static gchar *
join_dns (GPtrArray *dns)
{
    g_ptr_array_add (dns, NULL);
    {
        gchar *joined = g_strjoinv (", ", (gchar **) dns->pdata);
        g_ptr_array_remove_index (dns, dns->len - 1);
        return joined;
    }
}

static gchar *
join_ips (GPtrArray *ips)
{
    GString *s = g_string_new (NULL);

    for (guint i = 0; i < ips->len; i++) {
        g_autofree gchar *a = g_inet_address_to_string (ips->pdata[i]);
        g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", a);
    }
    return g_string_free (s, FALSE);
}

static gboolean
match_identity (gnutls_x509_crt_t crt, const gchar *host, GError **error)
{
    Sans s;
    g_autofree gchar *dns = NULL;
    g_autofree gchar *ips = NULL;
    gboolean ok = FALSE;

    collect_sans (crt, &s);
    dns = join_dns (s.dns);
    ips = join_ips (s.ips);

    if (g_hostname_is_ip_address (host)) {
        g_autoptr(GInetAddress) want = g_inet_address_new_from_string (host);

        for (guint i = 0; want != NULL && i < s.ips->len && !ok; i++)
            ok = g_inet_address_equal (want, s.ips->pdata[i]);
        if (!ok && s.ips->len == 0)
            g_set_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_IDENTITY_MISMATCH,
                         "identity %s is configured as an IP address, but the certificate carries "
                         "no IP address SAN, only DNS names (%s); an IP address matches only an "
                         "iPAddress SAN", host, s.dns->len > 0 ? dns : "none");
        else if (!ok)
            g_set_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_IDENTITY_MISMATCH,
                         "identity %s is configured as an IP address; the certificate is for the "
                         "IP address(es) %s", host, ips);
    } else {
        g_autofree gchar *want = g_strdup (host);
        gsize len = strlen (want);

        if (len > 0 && want[len - 1] == '.')
            want[len - 1] = '\0';
        for (guint i = 0; i < s.dns->len && !ok; i++)
            ok = g_ascii_strcasecmp (want, s.dns->pdata[i]) == 0;
        if (!ok && s.dns->len == 0)
            g_set_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_IDENTITY_MISMATCH,
                         "identity %s is configured as an FQDN, but the certificate carries no DNS "
                         "name SAN, only IP addresses (%s); an FQDN matches only a dNSName SAN",
                         host, s.ips->len > 0 ? ips : "none");
        else if (!ok)
            g_set_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_IDENTITY_MISMATCH,
                         "identity %s is configured as an FQDN; the certificate is for the DNS "
                         "name(s) %s", host, dns);
    }
    sans_clear (&s);
    return ok;
}

gboolean
henb_gnutls_match_identity (GBytes *der, const gchar *host, GError **error)
{
    g_auto(gnutls_x509_crt_t) crt = import_der (der, error);

    return crt != NULL && match_identity (crt, host, error);
}

gboolean
henb_gnutls_verify_server (HenbGnutlsTrust *trust,
                           GPtrArray       *chain,
                           const gchar     *host,
                           gint64           now,
                           GError         **error)
{
    g_autofree gnutls_x509_crt_t *crts = NULL;
    g_autofree gchar *digest = NULL;
    unsigned int status = 0;
    gnutls_typed_vdata_st vdata = {
        .type = GNUTLS_DT_KEY_PURPOSE_OID,
        .data = (unsigned char *) GNUTLS_KP_TLS_WWW_SERVER,
    };
    unsigned int flags = 0;
    gboolean ok = FALSE;
    guint n = chain->len;
    int r;

    if (n == 0) {
        g_set_error_literal (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_BAD_CERTIFICATE,
                             "the peer sent no certificate");
        return FALSE;
    }
    /* with the clock pinned (tests), always in full */
    if (now == 0) {
        digest = chain_digest (chain, host);
        if (verified_already (trust, digest))
            return TRUE;
    }
    crts = g_new0 (gnutls_x509_crt_t, n);
    for (guint i = 0; i < n; i++) {
        crts[i] = import_der (chain->pdata[i], error);
        if (crts[i] == NULL)
            goto out;
    }
    if (now != 0) {
        /* tests pin the clock; GnuTLS then checks validity against a time we pass ourselves */
        flags |= GNUTLS_VERIFY_DISABLE_TIME_CHECKS;
    }
    r = gnutls_x509_trust_list_verify_crt2 (trust->list, crts, n, &vdata, 1, flags, &status, NULL);
    if (r < 0) {
        g_set_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_FAILED,
                     "certificate verification failed: %s", gnutls_strerror (r));
        goto out;
    }
    if (now != 0) {
        time_t t = (time_t) now;
        if (gnutls_x509_crt_get_expiration_time (crts[0]) < t)
            status |= GNUTLS_CERT_EXPIRED | GNUTLS_CERT_INVALID;
        if (gnutls_x509_crt_get_activation_time (crts[0]) > t)
            status |= GNUTLS_CERT_NOT_ACTIVATED | GNUTLS_CERT_INVALID;
    }
    if (status & GNUTLS_CERT_SIGNER_NOT_FOUND) {
        g_autofree gchar *issuer = dn_of (crts[n - 1], TRUE);
        g_set_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_UNKNOWN_CA,
                     "the certificate is not issued by the operator root CA %s (issuer: %s)",
                     trust->ca_file, issuer);
        goto out;
    }
    if (status & GNUTLS_CERT_EXPIRED) {
        g_autofree gchar *when = format_time (gnutls_x509_crt_get_expiration_time (crts[0]));
        g_set_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_EXPIRED,
                     "a certificate of the chain has expired (the peer's on %s)", when);
        goto out;
    }
    if (status & GNUTLS_CERT_NOT_ACTIVATED) {
        g_autofree gchar *when = format_time (gnutls_x509_crt_get_activation_time (crts[0]));
        g_set_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_NOT_ACTIVATED,
                     "a certificate of the chain is not valid yet (the peer's from %s)", when);
        goto out;
    }
    if (status != 0) {
        gnutls_datum_t text = { NULL, 0 };
        g_autofree gchar *message = NULL;

        gnutls_certificate_verification_status_print (status, GNUTLS_CRT_X509, &text, 0);
        message = g_strndup ((const gchar *) text.data, text.size);
        gnutls_free (text.data);
        g_set_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_BAD_CERTIFICATE,
                     "the certificate is not acceptable: %s", message);
        goto out;
    }
    /* GnuTLS accepts a certificate without extended key usage for any purpose; a HeMS must
     * be certified for TLS server use */
    if (!has_server_auth (crts[0])) {
        g_set_error_literal (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_BAD_CERTIFICATE,
                             "the certificate lacks the serverAuth extended key usage");
        goto out;
    }
    if (host != NULL && !match_identity (crts[0], host, error))
        goto out;
    ok = TRUE;
    if (digest != NULL)
        remember_verified (trust, g_steal_pointer (&digest), crts, n);
out:
    for (guint i = 0; i < n; i++) {
        if (crts[i] != NULL)
            gnutls_x509_crt_deinit (crts[i]);
    }
    return ok;
}
