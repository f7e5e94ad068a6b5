/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "henb-datamodel.h"

/*
 * Compares every parameter of the henbd data model with the Broadband Forum data-model XML:
 * Device:2.17 (TR-181 Issue 2) and FAPService:2.1 (TR-196 Issue 2), with the named data types
 * of TR-106. The BBF files are not part of the project: they live in shared/spec/bbf beside the
 * source tree (or in $HENB_BBF_DIR); without them the comparison is skipped.
 */

#define OUI "00005A"

#define TR181_FILE "tr-181-2-17-0-cwmp-full.xml"
#define TR196_FILE "tr-196-2-1-2-cwmp-full.xml"
#define TR106_FILE "tr-106-types.xml"

/* henbd mounts the FAPService:2 service model under Device.Services. */
#define SERVICES_PREFIX "Device.Services."
#define FAP_PREFIX      SERVICES_PREFIX "FAPService."

#define MIN_COMPARED 30

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlXPathContext, xmlXPathFreeContext)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlXPathObject, xmlXPathFreeObject)

/* ---- the BBF files ---- */

typedef struct {
    gchar      *file;       /* base name, for messages */
    xmlDoc     *doc;
    GHashTable *objects;    /* "Device.ManagementServer." -> <object> */
    GHashTable *data_types; /* "URL" -> <dataType name="URL"> */
} BbfDoc;

typedef struct {
    BbfDoc *tr181;
    BbfDoc *tr196;
    BbfDoc *tr106;
} Bbf;

static void
bbf_doc_free (BbfDoc *doc)
{
    if (doc == NULL)
        return;
    g_clear_pointer (&doc->objects, g_hash_table_unref);
    g_clear_pointer (&doc->data_types, g_hash_table_unref);
    g_clear_pointer (&doc->doc, xmlFreeDoc);
    g_free (doc->file);
    g_free (doc);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbfDoc, bbf_doc_free)

static void
bbf_clear (Bbf *bbf)
{
    g_clear_pointer (&bbf->tr181, bbf_doc_free);
    g_clear_pointer (&bbf->tr196, bbf_doc_free);
    g_clear_pointer (&bbf->tr106, bbf_doc_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Bbf, bbf_clear)

static gboolean
is_element (const xmlNode *node, const gchar *local_name)
{
    return node->type == XML_ELEMENT_NODE &&
           (local_name == NULL || g_strcmp0 ((const gchar *) node->name, local_name) == 0);
}

static gchar *
get_attr (xmlNode *node, const gchar *name)
{
    xmlChar *value = xmlGetProp (node, (const xmlChar *) name);
    gchar *copy = g_strdup ((const gchar *) value);

    xmlFree (value);
    return copy;
}

/* Fills @table with the elements @xpath selects, keyed by their @key_attr. */
static gboolean
index_nodes (xmlXPathContext *ctx,
             const gchar     *xpath,
             const gchar     *key_attr,
             GHashTable      *table,
             GError         **error)
{
    g_autoptr(xmlXPathObject) result = xmlXPathEvalExpression ((const xmlChar *) xpath, ctx);

    if (result == NULL || result->type != XPATH_NODESET) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "XPath %s failed", xpath);
        return FALSE;
    }
    for (gint i = 0; result->nodesetval != NULL && i < result->nodesetval->nodeNr; i++) {
        xmlNode *node = result->nodesetval->nodeTab[i];
        g_autofree gchar *key = get_attr (node, key_attr);

        /* the first definition wins; the full files define each name once */
        if (key != NULL && !g_hash_table_contains (table, key))
            g_hash_table_insert (table, g_steal_pointer (&key), node);
    }
    return TRUE;
}

static BbfDoc *
bbf_doc_load (const gchar *dir, const gchar *file, GError **error)
{
    g_autofree gchar *path = g_build_filename (dir, file, NULL);
    g_autoptr(BbfDoc) doc = g_new0 (BbfDoc, 1);
    g_autoptr(xmlXPathContext) ctx = NULL;

    doc->file = g_strdup (file);
    doc->objects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    doc->data_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    /* no network, no external entities; tr-106-types.xml has internal entities only */
    doc->doc = xmlReadFile (path, NULL, XML_PARSE_NONET | XML_PARSE_NOWARNING);
    if (doc->doc == NULL) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "cannot parse %s", path);
        return NULL;
    }
    ctx = xmlXPathNewContext (doc->doc);
    /* the root element is dm:document with a namespace that changes between issues */
    if (!index_nodes (ctx,
                      "/*[local-name()='document']/*[local-name()='model']"
                      "/*[local-name()='object']",
                      "name", doc->objects, error) ||
        !index_nodes (ctx, "/*[local-name()='document']/*[local-name()='dataType']", "name",
                      doc->data_types, error))
        return NULL;
    return g_steal_pointer (&doc);
}

static gchar *
bbf_dir (void)
{
    const gchar *env = g_getenv ("HENB_BBF_DIR");
    g_autofree gchar *srcdir = NULL;

    if (env != NULL && *env != '\0')
        return g_canonicalize_filename (env, NULL);
    /* G_TEST_SRCDIR is core/cwmp/tests; shared/ sits beside the source root */
    srcdir = g_canonicalize_filename (g_test_get_dir (G_TEST_DIST), NULL);
    return g_canonicalize_filename ("../../../../shared/spec/bbf", srcdir);
}

/* Loads the three files; FALSE with a skip message if the folder or a file is absent. */
static gboolean
bbf_load (Bbf *bbf, gchar **out_skip, GError **error)
{
    g_autofree gchar *dir = bbf_dir ();
    const gchar *files[] = { TR181_FILE, TR196_FILE, TR106_FILE };
    BbfDoc **slots[] = { &bbf->tr181, &bbf->tr196, &bbf->tr106 };

    if (!g_file_test (dir, G_FILE_TEST_IS_DIR)) {
        *out_skip = g_strdup_printf ("BBF data-model folder %s is missing (set HENB_BBF_DIR)", dir);
        return FALSE;
    }
    for (guint i = 0; i < G_N_ELEMENTS (files); i++) {
        g_autofree gchar *path = g_build_filename (dir, files[i], NULL);

        if (!g_file_test (path, G_FILE_TEST_IS_REGULAR)) {
            *out_skip = g_strdup_printf ("BBF file %s is missing in the folder %s", files[i], dir);
            return FALSE;
        }
    }
    for (guint i = 0; i < G_N_ELEMENTS (files); i++) {
        *slots[i] = bbf_doc_load (dir, files[i], error);
        if (*slots[i] == NULL)
            return FALSE;
    }
    return TRUE;
}

/* ---- BBF syntax, with named data types resolved ---- */

typedef struct {
    gboolean has_min, has_max;
    gint64   min, max;
    gint64   step;
} BbfRange;

typedef struct {
    gchar     *type;            /* base type element: "string", "unsignedInt", ... */
    gboolean   hidden;
    gboolean   is_list;
    guint      min_items;       /* lists */
    guint      list_max_length; /* lists: the whole list; 0 = none */
    guint      max_length;      /* the value, or each list item; 0 = none */
    GArray    *ranges;          /* BbfRange; NULL = none */
    GPtrArray *enumeration;     /* NULL = none */
    gboolean   enumeration_ref;
    GString   *via;             /* the data types resolved, for messages */
} BbfSyntax;

static void
bbf_syntax_clear (BbfSyntax *s)
{
    g_clear_pointer (&s->type, g_free);
    g_clear_pointer (&s->ranges, g_array_unref);
    g_clear_pointer (&s->enumeration, g_ptr_array_unref);
    if (s->via != NULL)
        g_string_free (g_steal_pointer (&s->via), TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BbfSyntax, bbf_syntax_clear)

static const struct {
    const gchar *bbf;
    HenbCwmpType type;
    gboolean     numeric;
    gboolean     sized;
    gint64       min, max; /* the type's own range */
} base_types[] = {
    { "string", HENB_CWMP_TYPE_STRING, FALSE, TRUE, 0, 0 },
    { "int", HENB_CWMP_TYPE_INT, TRUE, FALSE, G_MININT32, G_MAXINT32 },
    { "unsignedInt", HENB_CWMP_TYPE_UNSIGNED_INT, TRUE, FALSE, 0, G_MAXUINT32 },
    { "long", HENB_CWMP_TYPE_LONG, TRUE, FALSE, G_MININT64, G_MAXINT64 },
    /* henbd keeps bounds in a gint64: the top half of unsignedLong cannot be a bound */
    { "unsignedLong", HENB_CWMP_TYPE_UNSIGNED_LONG, TRUE, FALSE, 0, G_MAXINT64 },
    { "boolean", HENB_CWMP_TYPE_BOOLEAN, FALSE, FALSE, 0, 0 },
    { "dateTime", HENB_CWMP_TYPE_DATE_TIME, FALSE, FALSE, 0, 0 },
    { "base64", HENB_CWMP_TYPE_BASE64, FALSE, TRUE, 0, 0 },
    { "hexBinary", HENB_CWMP_TYPE_HEX_BINARY, FALSE, TRUE, 0, 0 },
    /* henbd has no decimal type: a decimal parameter is a mismatch */
    { "decimal", HENB_CWMP_TYPE_NONE, TRUE, FALSE, 0, 0 },
};

static gint
base_type_index (const gchar *name)
{
    for (guint i = 0; i < G_N_ELEMENTS (base_types); i++) {
        if (g_strcmp0 (base_types[i].bbf, name) == 0)
            return (gint) i;
    }
    return -1;
}

static const gchar *
henb_type_name (HenbCwmpType type)
{
    for (guint i = 0; i < G_N_ELEMENTS (base_types); i++) {
        if (base_types[i].type == type && type != HENB_CWMP_TYPE_NONE)
            return base_types[i].bbf;
    }
    return "none";
}

static gboolean
parse_int_attr (xmlNode *node, const gchar *name, gboolean *out_has, gint64 *out, GError **error)
{
    g_autofree gchar *text = get_attr (node, name);

    *out_has = text != NULL;
    if (text == NULL)
        return TRUE;
    /* unsignedLong bounds above G_MAXINT64 saturate, as henbd cannot hold them either */
    if (text[0] != '-' && g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, NULL, NULL)) {
        guint64 u = g_ascii_strtoull (text, NULL, 10);
        *out = u > G_MAXINT64 ? G_MAXINT64 : (gint64) u;
        return TRUE;
    }
    return g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, out, error);
}

static gboolean
parse_uint_attr (xmlNode *node, const gchar *name, guint *out, GError **error)
{
    gboolean has;
    gint64 value = 0;

    if (!parse_int_attr (node, name, &has, &value, error))
        return FALSE;
    if (has && (value < 0 || value > G_MAXUINT)) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s=%" G_GINT64_FORMAT
                     " out of range", name, value);
        return FALSE;
    }
    if (has)
        *out = (guint) value;
    return TRUE;
}

/*
 * Applies the facets that are direct children of @node: size, range, enumeration. Facets given
 * here replace those of a base data type (a derived type restricts its base).
 */
static gboolean
apply_facets (BbfSyntax *s, xmlNode *node, GError **error)
{
    gboolean seen_size = FALSE, size_unbounded = FALSE;
    guint max_length = 0;
    g_autoptr(GArray) ranges = NULL;
    g_autoptr(GPtrArray) enumeration = NULL;

    for (xmlNode *child = node->children; child != NULL; child = child->next) {
        if (is_element (child, "size")) {
            g_autofree gchar *max = get_attr (child, "maxLength");
            guint value = 0;

            seen_size = TRUE;
            if (max == NULL) {
                size_unbounded = TRUE;
                continue;
            }
            if (!parse_uint_attr (child, "maxLength", &value, error))
                return FALSE;
            /* several sizes are alternatives: the longest one bounds the value */
            max_length = MAX (max_length, value);
        } else if (is_element (child, "range")) {
            BbfRange range = { 0 };
            gboolean has_step;

            if (!parse_int_attr (child, "minInclusive", &range.has_min, &range.min, error) ||
                !parse_int_attr (child, "maxInclusive", &range.has_max, &range.max, error) ||
                !parse_int_attr (child, "step", &has_step, &range.step, error))
                return FALSE;
            if (!has_step)
                range.step = 1;
            if (ranges == NULL)
                ranges = g_array_new (FALSE, TRUE, sizeof (BbfRange));
            g_array_append_val (ranges, range);
        } else if (is_element (child, "enumeration")) {
            if (enumeration == NULL)
                enumeration = g_ptr_array_new_with_free_func (g_free);
            g_ptr_array_add (enumeration, get_attr (child, "value"));
        } else if (is_element (child, "enumerationRef")) {
            s->enumeration_ref = TRUE;
        }
    }
    if (seen_size)
        s->max_length = size_unbounded ? 0 : max_length;
    if (ranges != NULL) {
        g_clear_pointer (&s->ranges, g_array_unref);
        s->ranges = g_steal_pointer (&ranges);
    }
    if (enumeration != NULL) {
        g_clear_pointer (&s->enumeration, g_ptr_array_unref);
        s->enumeration = g_steal_pointer (&enumeration);
    }
    return TRUE;
}

/* <list minItems="1"><size maxLength="256"/></list>: the size bounds the whole list. */
static gboolean
apply_list (BbfSyntax *s, xmlNode *list, GError **error)
{
    s->is_list = TRUE;
    if (!parse_uint_attr (list, "minItems", &s->min_items, error))
        return FALSE;
    for (xmlNode *child = list->children; child != NULL; child = child->next) {
        if (is_element (child, "size")) {
            guint value = 0;

            if (!parse_uint_attr (child, "maxLength", &value, error))
                return FALSE;
            s->list_max_length = MAX (s->list_max_length, value);
        }
    }
    return TRUE;
}

static gboolean resolve_type_element (const Bbf *bbf, const BbfDoc *doc, BbfSyntax *s,
                                      xmlNode *node, guint depth, GError **error);

/* Resolves the named data type @name, looked up in @doc first, then in TR-106. */
static gboolean
resolve_named (const Bbf     *bbf,
               const BbfDoc  *doc,
               BbfSyntax     *s,
               const gchar   *name,
               guint          depth,
               GError       **error)
{
    const BbfDoc *found_in = doc;
    xmlNode *node = g_hash_table_lookup (doc->data_types, name);
    g_autofree gchar *base = NULL;

    if (node == NULL && doc != bbf->tr106) {
        found_in = bbf->tr106;
        node = g_hash_table_lookup (bbf->tr106->data_types, name);
    }
    if (node == NULL) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "dataType %s is defined neither "
                     "in %s nor in %s", name, doc->file, TR106_FILE);
        return FALSE;
    }
    if (depth > 16) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "dataType %s nests too deep",
                     name);
        return FALSE;
    }
    g_string_append_printf (s->via, "%s%s", s->via->len > 0 ? "->" : "", name);
    base = get_attr (node, "base");
    if (base != NULL && !resolve_named (bbf, found_in, s, base, depth + 1, error))
        return FALSE;
    for (xmlNode *child = node->children; child != NULL; child = child->next) {
        if (is_element (child, "list")) {
            if (!apply_list (s, child, error))
                return FALSE;
        } else if (is_element (child, "dataType") ||
                   (child->type == XML_ELEMENT_NODE &&
                    base_type_index ((const gchar *) child->name) >= 0)) {
            if (!resolve_type_element (bbf, found_in, s, child, depth + 1, error))
                return FALSE;
        }
    }
    /* facets written directly in the dataType restrict its base */
    return apply_facets (s, node, error);
}

/* A type element of a syntax: <string>...</string> or <dataType ref|base="..."/>. */
static gboolean
resolve_type_element (const Bbf     *bbf,
                      const BbfDoc  *doc,
                      BbfSyntax     *s,
                      xmlNode       *node,
                      guint          depth,
                      GError       **error)
{
    if (is_element (node, "dataType")) {
        g_autofree gchar *ref = get_attr (node, "ref");

        if (ref == NULL)
            ref = get_attr (node, "base");
        if (ref == NULL) {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         "dataType without ref or base in %s", doc->file);
            return FALSE;
        }
        if (!resolve_named (bbf, doc, s, ref, depth, error))
            return FALSE;
    } else {
        g_free (s->type);
        s->type = g_strdup ((const gchar *) node->name);
    }
    return apply_facets (s, node, error);
}

static gboolean
parse_syntax (const Bbf *bbf, const BbfDoc *doc, xmlNode *syntax, BbfSyntax *s, GError **error)
{
    g_autofree gchar *hidden = get_attr (syntax, "hidden");
    g_autofree gchar *secured = get_attr (syntax, "secured");

    s->via = g_string_new (NULL);

    /* TR-181 2.17 says secured="true" where older parameters say hidden="true" */
    s->hidden = g_strcmp0 (hidden, "true") == 0 || g_strcmp0 (secured, "true") == 0;
    for (xmlNode *child = syntax->children; child != NULL; child = child->next) {
        if (is_element (child, "list")) {
            if (!apply_list (s, child, error))
                return FALSE;
        } else if (is_element (child, "dataType") ||
                   (child->type == XML_ELEMENT_NODE &&
                    base_type_index ((const gchar *) child->name) >= 0)) {
            if (!resolve_type_element (bbf, doc, s, child, 0, error))
                return FALSE;
        }
    }
    if (s->type == NULL) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "syntax without a type in %s",
                     doc->file);
        return FALSE;
    }
    return TRUE;
}

/* ---- henbd names to BBF names ---- */

/* TR-106 3.3: a vendor-specific name element begins with X_<VENDOR>_. */
static gboolean
is_vendor_name (const gchar *name)
{
    g_auto(GStrv) segments = g_strsplit (name, ".", -1);

    for (guint i = 0; segments[i] != NULL; i++) {
        if (g_str_has_prefix (segments[i], "X_"))
            return TRUE;
    }
    return FALSE;
}

static gboolean
is_instance_number (const gchar *segment)
{
    if (*segment == '\0')
        return FALSE;
    for (const gchar *p = segment; *p != '\0'; p++) {
        if (!g_ascii_isdigit (*p))
            return FALSE;
    }
    return TRUE;
}

/*
 * Maps a henbd name to the BBF file, object and parameter that define it:
 * "Device.Services.FAPService.1.FAPControl.LTE.Gateway.SecGWServer1" is parameter
 * "SecGWServer1" of object "FAPService.{i}.FAPControl.LTE.Gateway." in TR-196.
 */
static const BbfDoc *
bbf_locate (const Bbf *bbf, const gchar *name, gchar **out_object, gchar **out_param)
{
    const BbfDoc *doc;
    const gchar *relative;
    g_auto(GStrv) segments = NULL;
    g_autoptr(GString) object = g_string_new (NULL);
    guint n;

    if (g_str_has_prefix (name, FAP_PREFIX)) {
        doc = bbf->tr196;
        relative = name + strlen (SERVICES_PREFIX);
    } else if (g_str_has_prefix (name, HENB_DM_ROOT)) {
        doc = bbf->tr181;
        relative = name;
    } else {
        return NULL;
    }
    segments = g_strsplit (relative, ".", -1);
    n = g_strv_length (segments);
    for (guint i = 0; i + 1 < n; i++) {
        g_string_append (object, is_instance_number (segments[i]) ? "{i}" : segments[i]);
        g_string_append_c (object, '.');
    }
    *out_object = g_string_free (g_steal_pointer (&object), FALSE);
    *out_param = g_strdup (segments[n - 1]);
    return doc;
}

static xmlNode *
find_child (xmlNode *parent, const gchar *local_name, const gchar *name)
{
    for (xmlNode *child = parent->children; child != NULL; child = child->next) {
        g_autofree gchar *child_name = NULL;

        if (!is_element (child, local_name))
            continue;
        if (name == NULL)
            return child;
        child_name = get_attr (child, "name");
        if (g_strcmp0 (child_name, name) == 0)
            return child;
    }
    return NULL;
}

/* ---- the comparison ---- */

static gchar *
format_range (gboolean has_range, gint64 min, gint64 max)
{
    if (!has_range)
        return g_strdup ("none");
    return g_strdup_printf ("[%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "]", min, max);
}

static gchar *
format_strv (const gchar *const *values)
{
    if (values == NULL)
        return g_strdup ("none");
    return g_strjoinv ("|", (gchar **) values);
}

static gboolean
strv_contains_all (const gchar *const *values, GPtrArray *wanted)
{
    for (guint i = 0; i < wanted->len; i++) {
        if (!g_strv_contains (values, g_ptr_array_index (wanted, i)))
            return FALSE;
    }
    return TRUE;
}

/* Compares one parameter with its BBF definition; appends a line per difference to @problems. */
/*
 * TR-196 types some integer lists as lists of strings ("N" or "L..U" items) and gives the
 * item range only in the description: "... with a numeric range between -60 and 50 inclusive".
 */
static gboolean
description_item_range (xmlNode *param, gint64 *out_min, gint64 *out_max)
{
    g_autoptr(GRegex) re = g_regex_new ("numeric\\s+range\\s+between\\s+(-?\\d+)\\s+and\\s+(-?\\d+)\\s+inclusive",
                                        0, 0, NULL);
    g_autoptr(GMatchInfo) match = NULL;
    g_autofree gchar *text = NULL;
    g_autofree gchar *lo = NULL;
    g_autofree gchar *hi = NULL;
    xmlNode *description = find_child (param, "description", NULL);
    xmlChar *content;

    if (description == NULL)
        return FALSE;
    content = xmlNodeGetContent (description);
    text = g_strdup ((const gchar *) content);
    xmlFree (content);
    if (text == NULL || strstr (text, "\"..\"") == NULL || !g_regex_match (re, text, 0, &match))
        return FALSE;
    lo = g_match_info_fetch (match, 1);
    hi = g_match_info_fetch (match, 2);
    *out_min = g_ascii_strtoll (lo, NULL, 10);
    *out_max = g_ascii_strtoll (hi, NULL, 10);
    return TRUE;
}

static void
compare_parameter (const HenbDmParamDef *def,
                   xmlNode              *param,
                   const BbfSyntax      *s,
                   GPtrArray            *problems)
{
    g_autofree gchar *access = get_attr (param, "access");
    g_autofree gchar *forced = get_attr (param, "forcedInform");
    gint bt = base_type_index (s->type);
    gboolean bbf_writable, henb_writable = (def->flags & HENB_DM_FLAG_WRITABLE) != 0;
    gboolean bbf_forced = g_strcmp0 (forced, "true") == 0;
    gboolean henb_forced = (def->flags & HENB_DM_FLAG_FORCED_INFORM) != 0;
    gboolean henb_hidden = (def->flags & HENB_DM_FLAG_HIDDEN) != 0;
    gboolean henb_list = (def->flags & HENB_DM_FLAG_LIST) != 0;
    g_autofree gchar *active_notify = get_attr (param, "activeNotify");
    /* the cell's status (TR-196 marks OpState, RFTxStatus and GPS LastScanTime so) is notified
     * when the HeMS asks for it: OpState follows registration until the radio stack reports,
     * and a default notification would add a session after every registration (README) */
    gboolean cell_status = (def->flags & HENB_DM_FLAG_RADIO_STATUS) != 0;
    /* ConnectionRequestURL is in every Inform; its default notification would come after each
     * registration at a time that depends on load, until henbd's change baseline is the value
     * of the last Inform (README) */
    gboolean in_every_inform = g_str_equal (def->path, "Device.ManagementServer.ConnectionRequestURL");
    gboolean bbf_active_default = g_strcmp0 (active_notify, "forceDefaultEnabled") == 0 && !cell_status &&
                                  !in_every_inform;
    gboolean henb_active_default = (def->flags & HENB_DM_FLAG_ACTIVE_NOTIFY_DEFAULT) != 0;

    /* type: a list is a string on the wire; its items have the BBF type */
    g_assert_cmpint (bt, >=, 0);
    if (henb_list) {
        HenbCwmpType item = def->item_type != HENB_CWMP_TYPE_NONE ? def->item_type : HENB_CWMP_TYPE_STRING;

        if (def->type != HENB_CWMP_TYPE_STRING || base_types[bt].type != item)
            g_ptr_array_add (problems, g_strdup_printf ("type: BBF list of %s, henbd %s of %s", s->type,
                                                        henb_type_name (def->type), henb_type_name (item)));
    } else if (base_types[bt].type == HENB_CWMP_TYPE_NONE || base_types[bt].type != def->type) {
        g_ptr_array_add (problems, g_strdup_printf ("type: BBF %s, henbd %s", s->type,
                                                    henb_type_name (def->type)));
    }

    /* access: writeOnceReadOnly is settable (once), so henbd must accept the write */
    bbf_writable = g_strcmp0 (access, "readWrite") == 0 ||
                   g_strcmp0 (access, "writeOnceReadOnly") == 0;
    if (bbf_writable != henb_writable)
        g_ptr_array_add (problems, g_strdup_printf ("access: BBF %s, henbd %s", access,
                                                    henb_writable ? "writable" : "read-only"));

    /* what the Inform carries and what reads as "" */
    if (bbf_forced != henb_forced)
        g_ptr_array_add (problems, g_strdup_printf ("forcedInform: BBF %s, henbd %s",
                                                    bbf_forced ? "true" : "false",
                                                    henb_forced ? "true" : "false"));
    if (bbf_active_default != henb_active_default)
        g_ptr_array_add (problems, g_strdup_printf ("activeNotify forceDefaultEnabled: BBF %s, henbd %s",
                                                    bbf_active_default ? "true" : "false",
                                                    henb_active_default ? "true" : "false"));
    if (s->hidden != henb_hidden)
        g_ptr_array_add (problems, g_strdup_printf ("hidden: BBF %s, henbd %s",
                                                    s->hidden ? "true" : "false",
                                                    henb_hidden ? "true" : "false"));

    /* lists: the whole-list maxLength is in <list> */
    if (s->is_list != henb_list)
        g_ptr_array_add (problems, g_strdup_printf ("list: BBF %s, henbd %s",
                                                    s->is_list ? "list" : "scalar",
                                                    henb_list ? "list" : "scalar"));
    if (s->is_list) {
        if (def->max_length != s->list_max_length)
            g_ptr_array_add (problems, g_strdup_printf ("list maxLength: BBF %u, henbd %u "
                                                        "(0 = unlimited)", s->list_max_length,
                                                        def->max_length));
        if (def->min_items != s->min_items)
            g_ptr_array_add (problems, g_strdup_printf ("list minItems: BBF %u, henbd %u",
                                                        s->min_items, def->min_items));
        if (def->item_max_length != s->max_length)
            g_ptr_array_add (problems, g_strdup_printf ("list item maxLength: BBF %u, henbd %u "
                                                        "(0 = unlimited)", s->max_length,
                                                        def->item_max_length));
    } else if (def->max_length != s->max_length) {
        /* henbd 0 means unlimited: a mismatch where BBF has a limit, and the other way */
        g_ptr_array_add (problems, g_strdup_printf ("maxLength: BBF %u, henbd %u "
                                                    "(0 = unlimited)", s->max_length,
                                                    def->max_length));
    }

    /* ranges: a missing bound is the type's own, and so is a missing henbd range */
    if (base_types[bt].numeric) {
        gint64 bbf_min = base_types[bt].min, bbf_max = base_types[bt].max;
        gint64 henb_min = def->has_range ? def->min_value : base_types[bt].min;
        gint64 henb_max = def->has_range ? def->max_value : base_types[bt].max;

        if (s->ranges != NULL && s->ranges->len > 1) {
            /* disjoint ranges: henbd holds each, and their hull as its range */
            gboolean same = def->n_ranges == s->ranges->len;

            bbf_min = G_MAXINT64;
            bbf_max = G_MININT64;
            for (guint i = 0; i < s->ranges->len; i++) {
                const BbfRange *r = &g_array_index (s->ranges, BbfRange, i);
                gint64 lo = r->has_min ? r->min : base_types[bt].min;
                gint64 hi = r->has_max ? r->max : base_types[bt].max;

                bbf_min = MIN (bbf_min, lo);
                bbf_max = MAX (bbf_max, hi);
                same = same && def->ranges[i].min == lo && def->ranges[i].max == hi;
                if (r->step != 1)
                    g_ptr_array_add (problems, g_strdup_printf ("range: BBF step %" G_GINT64_FORMAT
                                                                ", henbd has none", r->step));
            }
            if (!same)
                g_ptr_array_add (problems, g_strdup_printf ("range: BBF has %u disjoint ranges, "
                                                            "henbd %u that differ", s->ranges->len,
                                                            def->n_ranges));
        } else if (s->ranges != NULL) {
            const BbfRange *r = &g_array_index (s->ranges, BbfRange, 0);

            if (r->has_min)
                bbf_min = r->min;
            if (r->has_max)
                bbf_max = r->max;
            if (r->step != 1)
                g_ptr_array_add (problems, g_strdup_printf ("range: BBF step %" G_GINT64_FORMAT
                                                            ", henbd has none", r->step));
            if (def->n_ranges != 0)
                g_ptr_array_add (problems, g_strdup ("range: BBF has one range, henbd several"));
        } else if (def->n_ranges != 0) {
            g_ptr_array_add (problems, g_strdup ("range: BBF has none, henbd several"));
        }
        if (bbf_min != henb_min || bbf_max != henb_max) {
            g_autofree gchar *b = format_range (TRUE, bbf_min, bbf_max);
            g_autofree gchar *h = format_range (def->has_range, def->min_value, def->max_value);

            g_ptr_array_add (problems, g_strdup_printf ("range: BBF %s, henbd %s", b, h));
        }
    } else if (def->syntax == HENB_DM_SYNTAX_INT_OR_RANGE || def->has_range) {
        gint64 lo = 0, hi = 0;

        /* the item range the description gives, and only there */
        if (description_item_range (param, &lo, &hi)) {
            g_autofree gchar *h = format_range (def->has_range, def->min_value, def->max_value);

            if (def->syntax != HENB_DM_SYNTAX_INT_OR_RANGE || !def->has_range || def->min_value != lo ||
                def->max_value != hi)
                g_ptr_array_add (problems, g_strdup_printf ("item range: BBF description [%" G_GINT64_FORMAT
                                                            ",%" G_GINT64_FORMAT "] with \"..\", henbd "
                                                            "%s syntax %d", lo, hi, h, def->syntax));
        } else {
            g_autofree gchar *h = format_range (TRUE, def->min_value, def->max_value);

            g_ptr_array_add (problems, g_strdup_printf ("range: BBF none for %s, henbd %s", s->type,
                                                        h));
        }
    } else if (description_item_range (param, &(gint64) { 0 }, &(gint64) { 0 })) {
        g_ptr_array_add (problems, g_strdup ("item range: BBF description gives one, henbd has none"));
    }

    /* enumerations: the same set of values; henbd may not restrict where BBF does not */
    if (s->enumeration_ref) {
        g_test_message ("  %s: enumerationRef, values not compared", def->path);
    } else if (s->enumeration != NULL || def->enumeration != NULL) {
        g_autoptr(GPtrArray) bbf_values = g_ptr_array_new ();
        gboolean same;

        if (s->enumeration != NULL)
            g_ptr_array_extend (bbf_values, s->enumeration, NULL, NULL);
        g_ptr_array_add (bbf_values, NULL);
        same = def->enumeration != NULL && s->enumeration != NULL &&
               g_strv_length ((gchar **) def->enumeration) == s->enumeration->len &&
               strv_contains_all (def->enumeration, s->enumeration);
        if (!same) {
            g_autofree gchar *b = format_strv (s->enumeration != NULL ?
                                               (const gchar *const *) bbf_values->pdata : NULL);
            g_autofree gchar *h = format_strv (def->enumeration);

            g_ptr_array_add (problems, g_strdup_printf ("enumeration: BBF %s, henbd %s", b, h));
        }
    }
}

static gchar *
describe_bbf (xmlNode *param, const BbfSyntax *s)
{
    g_autofree gchar *access = get_attr (param, "access");
    GString *d = g_string_new (access);

    g_string_append_printf (d, " %s%s", s->is_list ? "list of " : "", s->type);
    if (s->via->len > 0)
        g_string_append_printf (d, " (dataType %s)", s->via->str);
    if (s->is_list && s->min_items > 0)
        g_string_append_printf (d, " minItems=%u", s->min_items);
    if (s->is_list && s->list_max_length > 0)
        g_string_append_printf (d, " list-maxLength=%u", s->list_max_length);
    if (s->max_length > 0)
        g_string_append_printf (d, " maxLength=%u", s->max_length);
    for (guint i = 0; s->ranges != NULL && i < s->ranges->len; i++) {
        const BbfRange *r = &g_array_index (s->ranges, BbfRange, i);

        g_string_append (d, " range=[");
        if (r->has_min)
            g_string_append_printf (d, "%" G_GINT64_FORMAT, r->min);
        g_string_append_c (d, ',');
        if (r->has_max)
            g_string_append_printf (d, "%" G_GINT64_FORMAT, r->max);
        g_string_append_c (d, ']');
    }
    if (s->enumeration != NULL) {
        g_string_append (d, " enum=");
        for (guint i = 0; i < s->enumeration->len; i++)
            g_string_append_printf (d, "%s%s", i > 0 ? "|" : "",
                                    (const gchar *) g_ptr_array_index (s->enumeration, i));
    }
    if (s->hidden)
        g_string_append (d, " hidden");
    return g_string_free (d, FALSE);
}

static void
test_vendor_prefix (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(GPtrArray) names = henb_data_model_list_parameters (dm);
    g_autofree gchar *prefix = g_strdup_printf ("X_%s_", henb_data_model_get_vendor_oui (dm));
    guint vendor = 0;

    for (guint i = 0; i < names->len; i++) {
        const gchar *name = g_ptr_array_index (names, i);
        g_auto(GStrv) segments = g_strsplit (name, ".", -1);

        for (guint j = 0; segments[j] != NULL; j++) {
            if (!g_str_has_prefix (segments[j], "X_"))
                continue;
            /* X_<ManufacturerOUI>_ followed by a name, never X_ alone or another vendor's */
            g_test_message ("vendor parameter %s", name);
            g_assert_true (g_str_has_prefix (segments[j], prefix));
            g_assert_cmpuint (strlen (segments[j]), >, strlen (prefix));
            vendor++;
        }
    }
    g_assert_cmpuint (vendor, >, 0);
}

static void
test_compare_with_bbf (void)
{
    g_auto(Bbf) bbf = { 0 };
    g_autofree gchar *skip = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbDataModel) dm = NULL;
    g_autoptr(GPtrArray) names = NULL;
    g_autoptr(GPtrArray) mismatches = g_ptr_array_new_with_free_func (g_free);
    guint compared = 0, skipped_vendor = 0, n_tables;
    const HenbDmTableDef *tables;

    if (!bbf_load (&bbf, &skip, &error)) {
        if (skip != NULL) {
            g_test_skip (skip);
            return;
        }
        g_assert_no_error (error);
    }

    dm = henb_data_model_new (OUI);
    /* an instance of every table, so that the parameters of table entries are compared too */
    tables = henb_dm_tables (&n_tables);
    for (guint i = 0; i < n_tables; i++) {
        g_autofree gchar *schema = g_strndup (tables[i].path, strlen (tables[i].path) - strlen ("{i}."));
        g_autofree gchar *object = henb_data_model_path (dm, schema);

        g_assert_true (henb_data_model_create_instance (dm, object, 1, &error));
        g_assert_no_error (error);
    }
    names = henb_data_model_list_parameters (dm);
    for (guint i = 0; i < names->len; i++) {
        const gchar *name = g_ptr_array_index (names, i);
        const HenbDmParamDef *def = henb_data_model_get_definition (dm, name);
        g_autofree gchar *object_name = NULL;
        g_autofree gchar *param_name = NULL;
        g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
        g_auto(BbfSyntax) syntax = { 0 };
        g_autofree gchar *bbf_text = NULL;
        g_autofree gchar *status = NULL;
        const BbfDoc *doc;
        xmlNode *object, *param, *syntax_node;

        g_assert_nonnull (def);
        if (is_vendor_name (name)) {
            /* not in BBF; test_vendor_prefix checks the X_<OUI>_ prefix */
            g_test_message ("SKIP     %s: vendor extension", name);
            skipped_vendor++;
            continue;
        }
        doc = bbf_locate (&bbf, name, &object_name, &param_name);
        if (doc == NULL) {
            g_ptr_array_add (mismatches, g_strdup_printf ("%s: outside the Device: root and "
                                                          "without the X_%s_ prefix", name, OUI));
            continue;
        }
        object = g_hash_table_lookup (doc->objects, object_name);
        param = object != NULL ? find_child (object, "parameter", param_name) : NULL;
        if (param == NULL) {
            g_ptr_array_add (mismatches, g_strdup_printf ("%s: %s%s is not defined in %s, and a "
                                                          "vendor parameter needs X_%s_", name,
                                                          object_name, param_name, doc->file,
                                                          OUI));
            g_test_message ("MISMATCH %s: not in %s", name, doc->file);
            continue;
        }
        syntax_node = find_child (param, "syntax", NULL);
        if (syntax_node == NULL || !parse_syntax (&bbf, doc, syntax_node, &syntax, &error)) {
            g_ptr_array_add (mismatches, g_strdup_printf ("%s: cannot read the BBF syntax: %s",
                                                          name, error != NULL ? error->message :
                                                          "no <syntax>"));
            g_clear_error (&error);
            continue;
        }
        /* a deprecated parameter is still part of the model; an obsoleted one is not */
        status = get_attr (param, "status");
        if (g_strcmp0 (status, "obsoleted") == 0 || g_strcmp0 (status, "deleted") == 0)
            g_ptr_array_add (problems, g_strdup_printf ("status: BBF %s", status));
        else if (status != NULL && g_strcmp0 (status, "current") != 0)
            g_test_message ("  %s is %s in %s", name, status, doc->file);

        compare_parameter (def, param, &syntax, problems);
        compared++;
        bbf_text = describe_bbf (param, &syntax);
        g_test_message ("%s %s [%s %s%s: %s]", problems->len == 0 ? "OK      " : "MISMATCH",
                        name, doc->file, object_name, param_name, bbf_text);
        for (guint j = 0; j < problems->len; j++) {
            const gchar *problem = g_ptr_array_index (problems, j);

            g_test_message ("           %s", problem);
            g_ptr_array_add (mismatches, g_strdup_printf ("%s: %s", name, problem));
        }
    }

    /* the test cannot pass by comparing nothing */
    if (compared < MIN_COMPARED)
        g_ptr_array_add (mismatches, g_strdup_printf ("only %u parameters compared, expected at "
                                                      "least %u", compared, MIN_COMPARED));
    g_test_message ("%u parameters compared with BBF, %u vendor parameters skipped, "
                    "%u mismatches", compared, skipped_vendor, mismatches->len);
    /* the figure README.md gives: every parameter name with one instance per table */
    g_test_message ("parameter count: %u (one instance of each of %u tables)", names->len, n_tables);
    g_print ("# parameter count: %u (one instance of each of %u tables)\n", names->len, n_tables);
    if (mismatches->len > 0) {
        g_autoptr(GString) all = g_string_new (NULL);

        for (guint i = 0; i < mismatches->len; i++)
            g_string_append_printf (all, "\n  %s", (const gchar *) g_ptr_array_index (mismatches,
                                                                                     i));
        g_test_fail_printf ("%u mismatches with the BBF data model:%s", mismatches->len,
                            all->str);
    }
}

/* The committed generated table is what the generator makes of the XML today. */
static void
test_generated_up_to_date (void)
{
    g_autofree gchar *dir = bbf_dir ();
    g_autofree gchar *srcdir = g_canonicalize_filename (g_test_get_dir (G_TEST_DIST), NULL);
    g_autofree gchar *cwmp_dir = g_canonicalize_filename ("..", srcdir);
    g_autofree gchar *script = g_build_filename (cwmp_dir, "gen-fap-model.py", NULL);
    g_autofree gchar *committed_path = g_build_filename (cwmp_dir, "henb-datamodel-fap.c", NULL);
    g_autofree gchar *python = g_find_program_in_path ("python3");
    g_autofree gchar *committed = NULL;
    g_autofree gchar *generated = NULL;
    g_autofree gchar *errors = NULL;
    g_autoptr(GError) error = NULL;
    gint status = 0;

    if (!g_file_test (dir, G_FILE_TEST_IS_DIR)) {
        g_autofree gchar *skip = g_strdup_printf ("BBF data-model folder %s is missing (set HENB_BBF_DIR)", dir);
        g_test_skip (skip);
        return;
    }
    g_assert_nonnull (python);
    {
        const gchar *argv[] = { python, script, "--bbf-dir", dir, NULL };

        g_assert_true (g_spawn_sync (NULL, (gchar **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &generated,
                                     &errors, &status, &error));
    }
    g_assert_no_error (error);
    g_test_message ("%s: %s", script, errors);
    g_assert_true (g_spawn_check_wait_status (status, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (committed_path, &committed, NULL, &error));
    g_assert_no_error (error);
    if (g_strcmp0 (committed, generated) != 0)
        g_test_fail_printf ("%s differs from what %s generates from %s: rerun it (see the file's head)",
                            committed_path, script, dir);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    xmlInitParser ();
    g_test_add_func ("/cwmp/datamodel-bbf/vendor-prefix", test_vendor_prefix);
    g_test_add_func ("/cwmp/datamodel-bbf/compare", test_compare_with_bbf);
    g_test_add_func ("/cwmp/datamodel-bbf/generated-up-to-date", test_generated_up_to_date);
    return g_test_run ();
}
