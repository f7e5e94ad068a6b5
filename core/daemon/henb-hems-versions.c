/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-hems-versions.h"

/* One store record; a field per HeMS: key = a digest of the URL (a URL is no key file key),
 * value "SEQ VERSION URL", SEQ growing so that the oldest can make room. */
#define VERSIONS_RECORD "cwmp-versions"

static gchar *
url_key (const gchar *url)
{
    g_autofree gchar *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, url, -1);

    return g_strndup (digest, 24);
}

/* Splits "SEQ VERSION URL"; FALSE for anything else (an older or edited file). */
static gboolean
parse_entry (const gchar *value, guint64 *out_seq, HenbCwmpVersion *out_version, const gchar **out_url)
{
    g_auto(GStrv) parts = value != NULL ? g_strsplit (value, " ", 3) : NULL;

    if (parts == NULL || g_strv_length (parts) != 3 ||
        !g_ascii_string_to_unsigned (parts[0], 10, 0, G_MAXUINT64, out_seq, NULL) ||
        !henb_cwmp_version_from_string (parts[1], out_version))
        return FALSE;
    *out_url = value + strlen (parts[0]) + 1 + strlen (parts[1]) + 1;
    return TRUE;
}

HenbCwmpVersion
henb_hems_version_lookup (HenbStore *store, const gchar *url, HenbCwmpVersion configured)
{
    g_autoptr(GHashTable) fields = henb_store_dup_record (store, VERSIONS_RECORD);
    g_autofree gchar *key = NULL;
    HenbCwmpVersion version;
    const gchar *stored_url;
    guint64 seq;

    if (fields == NULL || url == NULL)
        return configured;
    key = url_key (url);
    if (!parse_entry (g_hash_table_lookup (fields, key), &seq, &version, &stored_url) ||
        g_strcmp0 (stored_url, url) != 0)
        return configured;
    return MIN (version, configured);
}

void
henb_hems_version_remember (HenbStore *store, const gchar *url, HenbCwmpVersion version)
{
    g_autoptr(GHashTable) fields = henb_store_dup_record (store, VERSIONS_RECORD);
    g_autofree gchar *key = NULL;
    const gchar *oldest_key = NULL;
    guint64 next_seq = 1, oldest_seq = G_MAXUINT64;
    GHashTableIter iter;
    gpointer k, v;

    if (url == NULL)
        return;
    if (fields == NULL)
        fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    key = url_key (url);
    g_hash_table_iter_init (&iter, fields);
    while (g_hash_table_iter_next (&iter, &k, &v)) {
        HenbCwmpVersion known;
        const gchar *known_url;
        guint64 seq;

        if (!parse_entry (v, &seq, &known, &known_url)) {
            g_hash_table_iter_remove (&iter);
            continue;
        }
        if (g_str_equal (k, key) && g_str_equal (known_url, url) && known == version)
            return;
        next_seq = MAX (next_seq, seq + 1);
        if (!g_str_equal (k, key) && seq < oldest_seq) {
            oldest_seq = seq;
            oldest_key = k;
        }
    }
    if (!g_hash_table_contains (fields, key) && g_hash_table_size (fields) >= HENB_HEMS_VERSIONS_MAX &&
        oldest_key != NULL)
        g_hash_table_remove (fields, oldest_key);
    g_hash_table_insert (fields, g_strdup (key),
                         g_strdup_printf ("%" G_GUINT64_FORMAT " %s %s", next_seq,
                                          henb_cwmp_version_to_string (version), url));
    henb_store_set_record (store, VERSIONS_RECORD, fields);
    g_message ("CWMP %s for %s from now on", henb_cwmp_version_to_string (version), url);
    /* with the write that follows an Inform (its events retired), or on its own soon: a
     * version lost to a crash costs one fallback more */
    henb_store_save_soon (store);
}
