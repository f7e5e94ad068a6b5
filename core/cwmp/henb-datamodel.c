/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "henb-errors.h"
#include "henb-datamodel.h"
#include "henb-value-syntax.h"

typedef struct _Node Node;

struct _Node {
    gchar                *name;
    gboolean              is_object;
    const HenbDmParamDef *def;      /* parameters only */
    gchar                *value;    /* NULL: reads the default */
    gchar                *default_value;
    HenbDmGetter          getter;
    gpointer              getter_data;

    /* attributes (parameters) */
    gint                  notification;
    GPtrArray            *access_list;   /* strings; NULL when empty */
    gchar                *reported;      /* the value the HeMS last saw, for notification */
    gboolean              changed;       /* waiting for an Inform with 4 VALUE CHANGE */

    const HenbDmTableDef *table;         /* table objects ("A.B.") */
    guint                 next_instance; /* table objects: AddObject's next number */
    guint                 n_instances;   /* table objects */
    gboolean              is_instance;   /* instance objects ("A.B.3.") */
    Node                 *counted_table; /* NumberOfEntries parameters */
};

struct _HenbDataModel {
    GObject          parent_instance;
    gchar           *vendor_oui;
    GPtrArray       *nodes;  /* Node, objects before their children, in model order */
    GHashTable      *by_name;
    HenbDmCommitFunc commit_func;
    gpointer         commit_data;
    /* what SetParameterValues accepts as a HeMS URL */
    HenbDiscoveryVariant hems_variant;
    gboolean         hems_allow_plain_http;
    /* tolerant input */
    gboolean         strict;
    guint            tolerated_count;
    guint            tolerated_logged; /* HenbCwmpTolerance flags logged in this session */
    guint64          generation;       /* henb_data_model_get_generation() */
};

G_DEFINE_TYPE (HenbDataModel, henb_data_model, G_TYPE_OBJECT)

enum {
    SIGNAL_PARAMETERS_CHANGED,
    SIGNAL_TOLERATED,
    N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
node_free (Node *node)
{
    g_free (node->name);
    g_free (node->value);
    g_free (node->default_value);
    g_clear_pointer (&node->access_list, g_ptr_array_unref);
    g_free (node->reported);
    g_free (node);
}

/* The table whose instances hold the parameter @schema_path, if any. */
static const HenbDmTableDef *
table_of (const gchar *schema_path)
{
    const HenbDmTableDef *tables;
    guint n;

    tables = henb_dm_tables (&n);
    for (guint i = 0; i < n; i++) {
        if (g_str_has_prefix (schema_path, tables[i].path))
            return &tables[i];
    }
    return NULL;
}

static gchar *
expand_path (const gchar *schema_path, const gchar *vendor_oui)
{
    g_autoptr(GString) s = g_string_new (schema_path);
    g_autofree gchar *vendor = g_strdup_printf ("X_%s_", vendor_oui);

    /* only one FAPService instance: a HeNB runs one LTE cell */
    g_string_replace (s, "{i}", "1", 0);
    g_string_replace (s, HENB_DM_VENDOR_PLACEHOLDER, vendor, 0);
    return g_string_free (g_steal_pointer (&s), FALSE);
}

/* "A.{i}.B.{i}." -> "A.1.B.": the table's own "{i}." goes, the FAPService instance is 1 */
static gchar *
table_object_name (const HenbDmTableDef *table, const gchar *vendor_oui)
{
    g_autofree gchar *schema = g_strndup (table->path, strlen (table->path) - strlen ("{i}."));

    return expand_path (schema, vendor_oui);
}

/* Active for the parameters TR-181 enables it for by default; the first check of value
 * changes takes the value of then as the one the HeMS saw. */
static gint
default_notification (const Node *node)
{
    return node->def != NULL && (node->def->flags & HENB_DM_FLAG_ACTIVE_NOTIFY_DEFAULT) ? 2 : 0;
}

static void
add_objects_for (HenbDataModel *self, const gchar *param_name)
{
    for (const gchar *dot = strchr (param_name, '.'); dot != NULL; dot = strchr (dot + 1, '.')) {
        g_autofree gchar *object = g_strndup (param_name, dot - param_name + 1);
        Node *node;

        if (g_hash_table_contains (self->by_name, object))
            continue;
        node = g_new0 (Node, 1);
        node->name = g_steal_pointer (&object);
        node->is_object = TRUE;
        g_ptr_array_add (self->nodes, node);
        g_hash_table_insert (self->by_name, node->name, node);
    }
}

static void
henb_data_model_finalize (GObject *object)
{
    HenbDataModel *self = HENB_DATA_MODEL (object);

    g_hash_table_unref (self->by_name);
    g_ptr_array_unref (self->nodes);
    g_free (self->vendor_oui);
    G_OBJECT_CLASS (henb_data_model_parent_class)->finalize (object);
}

static void
henb_data_model_class_init (HenbDataModelClass *klass)
{
    G_OBJECT_CLASS (klass)->finalize = henb_data_model_finalize;

    /**
     * HenbDataModel::parameters-changed:
     * @names: (element-type utf8): the parameters SetParameterValues changed
     *
     * Emitted after a SetParameterValues was committed and applied.
     */
    signals[SIGNAL_PARAMETERS_CHANGED] =
        g_signal_new ("parameters-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                      NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);
    /**
     * HenbDataModel::tolerated:
     *
     * Emitted when an input outside the schema was accepted (the count grew).
     */
    signals[SIGNAL_TOLERATED] =
        g_signal_new ("tolerated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                      NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
henb_data_model_init (HenbDataModel *self)
{
    self->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) node_free);
    self->by_name = g_hash_table_new (g_str_hash, g_str_equal);
}

HenbDataModel *
henb_data_model_new (const gchar *vendor_oui)
{
    HenbDataModel *self = g_object_new (HENB_TYPE_DATA_MODEL, NULL);
    const HenbDmParamDef *defs;
    const HenbDmTableDef *tables;
    guint n, n_tables;

    g_return_val_if_fail (vendor_oui != NULL, NULL);
    self->vendor_oui = g_strdup (vendor_oui);
    defs = henb_dm_definitions (&n);
    for (guint i = 0; i < n; i++) {
        const HenbDmTableDef *table = table_of (defs[i].path);
        Node *node;

        if (table != NULL) {
            /* instances come with AddObject; the table object itself exists from the start */
            g_autofree gchar *object = table_object_name (table, vendor_oui);

            add_objects_for (self, object);
            node = g_hash_table_lookup (self->by_name, object);
            node->table = table;
            node->next_instance = MAX (node->next_instance, 1);
            continue;
        }
        node = g_new0 (Node, 1);
        node->name = expand_path (defs[i].path, vendor_oui);
        node->def = &defs[i];
        node->default_value = g_strdup (defs[i].default_value);
        node->notification = default_notification (node);
        add_objects_for (self, node->name);
        g_ptr_array_add (self->nodes, node);
        g_hash_table_insert (self->by_name, node->name, node);
    }
    tables = henb_dm_tables (&n_tables);
    for (guint i = 0; i < n_tables; i++) {
        g_autofree gchar *object = table_object_name (&tables[i], vendor_oui);
        g_autofree gchar *count_name = expand_path (tables[i].count_parameter, vendor_oui);
        Node *count = g_hash_table_lookup (self->by_name, count_name);

        if (count != NULL)
            count->counted_table = g_hash_table_lookup (self->by_name, object);
    }
    return self;
}

gchar *
henb_data_model_path (HenbDataModel *self, const gchar *path)
{
    g_return_val_if_fail (HENB_IS_DATA_MODEL (self), NULL);
    return expand_path (path, self->vendor_oui);
}

const gchar *
henb_data_model_get_vendor_oui (HenbDataModel *self)
{
    return self->vendor_oui;
}

static Node *
lookup_param (HenbDataModel *self, const gchar *name)
{
    Node *node;

    if (name == NULL)
        return NULL;
    node = g_hash_table_lookup (self->by_name, name);
    if (node == NULL && strstr (name, HENB_DM_VENDOR_PLACEHOLDER) != NULL) {
        g_autofree gchar *expanded = expand_path (name, self->vendor_oui);
        node = g_hash_table_lookup (self->by_name, expanded);
    }
    return node != NULL && !node->is_object ? node : NULL;
}

gboolean
henb_data_model_has_parameter (HenbDataModel *self, const gchar *name)
{
    return lookup_param (self, name) != NULL;
}

gboolean
henb_data_model_is_writable (HenbDataModel *self, const gchar *name)
{
    Node *node = lookup_param (self, name);

    return node != NULL && (node->def->flags & HENB_DM_FLAG_WRITABLE) != 0;
}

HenbCwmpType
henb_data_model_get_type_of (HenbDataModel *self, const gchar *name)
{
    Node *node = lookup_param (self, name);

    return node != NULL ? node->def->type : HENB_CWMP_TYPE_NONE;
}

const HenbDmParamDef *
henb_data_model_get_definition (HenbDataModel *self, const gchar *name)
{
    Node *node = lookup_param (self, name);

    return node != NULL ? node->def : NULL;
}

GPtrArray *
henb_data_model_list_parameters (HenbDataModel *self)
{
    GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 0; i < self->nodes->len; i++) {
        Node *node = g_ptr_array_index (self->nodes, i);
        if (!node->is_object)
            g_ptr_array_add (names, g_strdup (node->name));
    }
    return names;
}

void
henb_data_model_foreach_parameter (HenbDataModel *self, HenbDmFlags flags, HenbDmParameterFunc func,
                                   gpointer user_data)
{
    g_return_if_fail (HENB_IS_DATA_MODEL (self));

    for (guint i = 0; i < self->nodes->len; i++) {
        const Node *node = g_ptr_array_index (self->nodes, i);
        HenbDmParameterInfo info;

        if (node->is_object || (node->def->flags & flags) != flags)
            continue;
        info.name = node->name;
        info.def = node->def;
        info.is_set = node->value != NULL;
        info.notification = node->notification;
        info.default_notification = default_notification (node);
        info.n_access = node->access_list != NULL ? node->access_list->len : 0;
        func (self, &info, user_data);
    }
}

static const gchar *
type_zero (HenbCwmpType type)
{
    switch (type) {
    case HENB_CWMP_TYPE_BOOLEAN:
        return "false";
    case HENB_CWMP_TYPE_INT:
    case HENB_CWMP_TYPE_UNSIGNED_INT:
    case HENB_CWMP_TYPE_LONG:
    case HENB_CWMP_TYPE_UNSIGNED_LONG:
        return "0";
    case HENB_CWMP_TYPE_DATE_TIME:
        return "0001-01-01T00:00:00Z";
    case HENB_CWMP_TYPE_NONE:
    case HENB_CWMP_TYPE_STRING:
    case HENB_CWMP_TYPE_BASE64:
    case HENB_CWMP_TYPE_HEX_BINARY:
    case HENB_CWMP_TYPE_OTHER:
    default:
        return "";
    }
}

static guint count_instances (Node *table);

static gchar *
node_value (Node *node)
{
    if (node->counted_table != NULL)
        return g_strdup_printf ("%u", count_instances (node->counted_table));
    if (node->getter != NULL)
        return node->getter (node->name, node->getter_data);
    if (node->value != NULL)
        return g_strdup (node->value);
    if (node->default_value != NULL)
        return g_strdup (node->default_value);
    return g_strdup (type_zero (node->def->type));
}

gchar *
henb_data_model_get (HenbDataModel *self, const gchar *name)
{
    Node *node;

    g_return_val_if_fail (HENB_IS_DATA_MODEL (self), NULL);
    node = lookup_param (self, name);
    return node != NULL ? node_value (node) : NULL;
}

gboolean
henb_data_model_get_boolean (HenbDataModel *self, const gchar *name)
{
    g_autofree gchar *v = henb_data_model_get (self, name);

    return g_strcmp0 (v, "true") == 0 || g_strcmp0 (v, "1") == 0;
}

guint
henb_data_model_get_uint (HenbDataModel *self, const gchar *name)
{
    g_autofree gchar *v = henb_data_model_get (self, name);
    guint64 n = 0;

    if (v == NULL || !g_ascii_string_to_unsigned (v, 10, 0, G_MAXUINT32, &n, NULL))
        return 0;
    return (guint) n;
}

GStrv
henb_data_model_get_list (HenbDataModel *self, const gchar *name)
{
    g_autofree gchar *v = henb_data_model_get (self, name);
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
    g_auto(GStrv) items = NULL;

    if (v == NULL)
        return g_strv_builder_end (builder);
    items = g_strsplit (v, ",", -1);
    for (guint i = 0; items[i] != NULL; i++) {
        g_strstrip (items[i]);
        if (items[i][0] != '\0')
            g_strv_builder_add (builder, items[i]);
    }
    return g_strv_builder_end (builder);
}

void
henb_data_model_set_default (HenbDataModel *self, const gchar *name, const gchar *value)
{
    Node *node = lookup_param (self, name);

    g_return_if_fail (node != NULL);
    g_free (node->default_value);
    node->default_value = g_strdup (value);
    self->generation++;
}

gboolean
henb_data_model_set (HenbDataModel *self, const gchar *name, const gchar *value, GError **error)
{
    Node *node = lookup_param (self, name);
    g_autofree gchar *normalized = NULL;
    g_autofree gchar *reason = NULL;

    if (node == NULL) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                     "%s is not a parameter of the data model", name);
        return FALSE;
    }
    if (henb_data_model_validate (self, node->name, value, HENB_CWMP_TYPE_NONE, &normalized,
                                  &reason) != 0) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS, "%s: %s", node->name,
                     reason);
        return FALSE;
    }
    g_free (node->value);
    node->value = g_steal_pointer (&normalized);
    self->generation++;
    return TRUE;
}

void
henb_data_model_reset (HenbDataModel *self, const gchar *name)
{
    Node *node = lookup_param (self, name);

    g_return_if_fail (node != NULL);
    g_clear_pointer (&node->value, g_free);
    self->generation++;
}

guint64
henb_data_model_get_generation (HenbDataModel *self)
{
    g_return_val_if_fail (HENB_IS_DATA_MODEL (self), 0);
    return self->generation;
}

gboolean
henb_data_model_is_set (HenbDataModel *self, const gchar *name)
{
    Node *node = lookup_param (self, name);

    return node != NULL && node->value != NULL;
}

void
henb_data_model_set_getter (HenbDataModel *self,
                            const gchar   *name,
                            HenbDmGetter   getter,
                            gpointer       user_data)
{
    Node *node = lookup_param (self, name);

    g_return_if_fail (node != NULL);
    /* the state file holds stored values, and its writer trusts the generation */
    g_return_if_fail (!(node->def->flags & HENB_DM_FLAG_PERSISTENT));
    node->getter = getter;
    node->getter_data = user_data;
    self->generation++;
}

void
henb_data_model_set_hems_url_policy (HenbDataModel *self, HenbDiscoveryVariant variant, gboolean allow_plain_http)
{
    g_return_if_fail (HENB_IS_DATA_MODEL (self));
    self->hems_variant = variant;
    self->hems_allow_plain_http = allow_plain_http;
}

void
henb_data_model_set_commit_func (HenbDataModel *self, HenbDmCommitFunc func, gpointer user_data)
{
    self->commit_func = func;
    self->commit_data = user_data;
}

/* ------------------------------------------------------------------------------------------ */
/* Validation */

/* "'VALUE' REST": the value escaped and cut, as a reason may end up in a log line. */
static gchar *value_reason (const gchar *value, const gchar *format, ...) G_GNUC_PRINTF (2, 3);

static gchar *
value_reason (const gchar *value, const gchar *format, ...)
{
    g_autofree gchar *shown = henb_value_escape (value, 96);
    g_autofree gchar *rest = NULL;
    va_list args;

    va_start (args, format);
    rest = g_strdup_vprintf (format, args);
    va_end (args);
    return g_strdup_printf ("'%s' %s", shown, rest);
}

/* "A.B.*.C" or "A.B.": dot-separated names, "*" only as a whole instance segment. */
static gboolean
is_valid_pattern (const gchar *value)
{
    g_auto(GStrv) segments = g_strsplit (value, ".", -1);
    guint n = g_strv_length (segments);

    for (guint i = 0; i < n; i++) {
        const gchar *seg = segments[i];

        /* a trailing dot names an object */
        if (seg[0] == '\0')
            return i == n - 1 && i > 0;
        if (g_str_equal (seg, "*"))
            continue;
        for (const gchar *c = seg; *c != '\0'; c++) {
            if (!g_ascii_isalnum (*c) && *c != '_' && *c != '-')
                return FALSE;
        }
    }
    return n > 0;
}

/* In the definition's range, and in one of its disjoint ranges if it has several. */
static gboolean
in_ranges (const HenbDmParamDef *def, gint64 v)
{
    if (!def->has_range)
        return TRUE;
    if (v < def->min_value || v > def->max_value)
        return FALSE;
    if (def->n_ranges == 0)
        return TRUE;
    for (guint i = 0; i < def->n_ranges; i++) {
        if (v >= def->ranges[i].min && v <= def->ranges[i].max)
            return TRUE;
    }
    return FALSE;
}

static gchar *
describe_ranges (const HenbDmParamDef *def)
{
    GString *d = g_string_new (NULL);

    if (def->n_ranges == 0) {
        g_string_append_printf (d, "[%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]", def->min_value,
                                def->max_value);
        return g_string_free (d, FALSE);
    }
    for (guint i = 0; i < def->n_ranges; i++) {
        if (def->ranges[i].min == def->ranges[i].max)
            g_string_append_printf (d, "%s%" G_GINT64_FORMAT, i > 0 ? "|" : "", def->ranges[i].min);
        else
            g_string_append_printf (d, "%s[%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]", i > 0 ? "|" : "",
                                    def->ranges[i].min, def->ranges[i].max);
    }
    return g_string_free (d, FALSE);
}

/*
 * A decimal number of @type in the definition's range(s); @out_normalized gets it without
 * blanks or leading zeros.
 */
static guint
validate_number (const HenbDmParamDef *def, HenbCwmpType type, const gchar *value,
                 gchar **out_normalized, gchar **out_reason)
{
    g_autofree gchar *stripped = g_strstrip (g_strdup (value));
    gboolean is_signed = type == HENB_CWMP_TYPE_INT || type == HENB_CWMP_TYPE_LONG;
    gint64 lo = type == HENB_CWMP_TYPE_INT ? G_MININT32 : type == HENB_CWMP_TYPE_LONG ? G_MININT64 : 0;
    guint64 hi = type == HENB_CWMP_TYPE_INT ? G_MAXINT32 : type == HENB_CWMP_TYPE_LONG ? G_MAXINT64
                 : type == HENB_CWMP_TYPE_UNSIGNED_INT ? G_MAXUINT32 : G_MAXUINT64;
    gboolean ok;
    gint64 sv = 0;
    guint64 uv = 0;

    if (is_signed) {
        ok = g_ascii_string_to_signed (stripped, 10, lo, (gint64) hi, &sv, NULL);
    } else {
        ok = g_ascii_string_to_unsigned (stripped, 10, 0, hi, &uv, NULL);
        /* bounds are gint64: the top half of unsignedLong is above any bound */
        sv = (gint64) MIN (uv, (guint64) G_MAXINT64);
    }
    if (ok && !in_ranges (def, sv))
        ok = FALSE;
    if (!ok) {
        g_autofree gchar *allowed = def->has_range ? describe_ranges (def)
            : is_signed ? g_strdup_printf ("[%" G_GINT64_FORMAT ", %" G_GUINT64_FORMAT "]", lo, hi)
                        : g_strdup_printf ("[0, %" G_GUINT64_FORMAT "]", hi);

        *out_reason = value_reason (value, "is not %s integer in %s", is_signed ? "an" : "an unsigned",
                                    allowed);
        return HENB_CWMP_FAULT_INVALID_PARAMETER_VALUE;
    }
    *out_normalized = is_signed ? g_strdup_printf ("%" G_GINT64_FORMAT, sv)
                                : g_strdup_printf ("%" G_GUINT64_FORMAT, uv);
    return 0;
}

/* TR-196: MCC of three digits and MNC of two or three, so 5 or 6 decimal digits. */
static gboolean
is_plmn_id (const gchar *value)
{
    gsize len = strlen (value);

    if (len != 5 && len != 6)
        return FALSE;
    for (gsize i = 0; i < len; i++) {
        if (!g_ascii_isdigit (value[i]))
            return FALSE;
    }
    return TRUE;
}

/* "N" or "L..U" with L <= U, each in the definition's range. */
static gboolean
check_int_or_range (const HenbDmParamDef *def, const gchar *value, gchar **out_reason)
{
    const gchar *dots = strstr (value, "..");
    g_autofree gchar *lower = dots != NULL ? g_strndup (value, dots - value) : g_strdup (value);
    const gchar *bounds[] = { lower, dots != NULL ? dots + 2 : NULL };
    gint64 v[2] = { 0, 0 };

    for (guint i = 0; i < G_N_ELEMENTS (bounds) && bounds[i] != NULL; i++) {
        if (!g_ascii_string_to_signed (bounds[i], 10, G_MININT64, G_MAXINT64, &v[i], NULL) ||
            !in_ranges (def, v[i])) {
            g_autofree gchar *allowed = describe_ranges (def);

            *out_reason = value_reason (value, "is not an integer or \"lower..upper\" in %s", allowed);
            return FALSE;
        }
    }
    if (dots != NULL && v[0] > v[1]) {
        *out_reason = value_reason (value, "is a range whose lower bound exceeds its upper bound");
        return FALSE;
    }
    return TRUE;
}

static gboolean check_syntax (HenbDataModel *self, HenbDmSyntax syntax, const gchar *value, gchar **out_reason);

/* A string value or list item: its enumeration, then its syntax. */
static gboolean
check_string_item (HenbDataModel *self, const HenbDmParamDef *def, const gchar *value, gchar **out_reason)
{
    if (def->enumeration != NULL && !g_strv_contains (def->enumeration, value)) {
        g_autofree gchar *allowed = g_strjoinv ("|", (GStrv) def->enumeration);
        *out_reason = value_reason (value, "is not one of %s", allowed);
        return FALSE;
    }
    switch (def->syntax) {
    case HENB_DM_SYNTAX_PLMNID:
        /* empty: not configured yet (the factory value) */
        if (value[0] == '\0' || is_plmn_id (value))
            return TRUE;
        *out_reason = value_reason (value, "is not a PLMN ID (MCC and MNC: 5 or 6 digits)");
        return FALSE;
    case HENB_DM_SYNTAX_INT_OR_RANGE:
        return check_int_or_range (def, value, out_reason);
    default:
        return check_syntax (self, def->syntax, value, out_reason);
    }
}

static gboolean
check_syntax (HenbDataModel *self, HenbDmSyntax syntax, const gchar *value, gchar **out_reason)
{
    switch (syntax) {
    case HENB_DM_SYNTAX_PARAMETER_PATTERN: {
        Node *node;

        if (value[0] == '\0')
            return TRUE;
        if (!is_valid_pattern (value)) {
            *out_reason = value_reason (value, "is not a parameter path (\"*\" only for instance numbers)");
            return FALSE;
        }
        /* TR-181: forced Inform parameters are in every Inform already */
        node = g_hash_table_lookup (self->by_name, value);
        if (node != NULL && !node->is_object && (node->def->flags & HENB_DM_FLAG_FORCED_INFORM)) {
            *out_reason = g_strdup_printf ("%s is a forced Inform parameter", value);
            return FALSE;
        }
        return TRUE;
    }
    case HENB_DM_SYNTAX_EVENT_CODE:
        if (g_str_equal (value, "4 VALUE CHANGE")) {
            *out_reason = g_strdup ("\"4 VALUE CHANGE\" may not trigger extra Inform parameters");
            return FALSE;
        }
        if (g_utf8_strlen (value, -1) > 64) {
            *out_reason = value_reason (value, "is an event code longer than 64 characters");
            return FALSE;
        }
        return TRUE;
    case HENB_DM_SYNTAX_URL:
    case HENB_DM_SYNTAX_HEMS_URL:
    case HENB_DM_SYNTAX_HOST: {
        g_autoptr(GError) error = NULL;

        if (syntax == HENB_DM_SYNTAX_HOST ? henb_value_check_host (value, &error)
                                          : henb_value_check_url (value, NULL, &error))
            return TRUE;
        *out_reason = g_strdup (error->message);
        return FALSE;
    }
    case HENB_DM_SYNTAX_OUI:
        if (strlen (value) == 6) {
            gboolean ok = TRUE;
            for (guint i = 0; i < 6; i++)
                ok = ok && (g_ascii_isdigit (value[i]) || (value[i] >= 'A' && value[i] <= 'F'));
            if (ok)
                return TRUE;
        }
        *out_reason = value_reason (value, "is not six upper-case hex digits");
        return FALSE;
    case HENB_DM_SYNTAX_PLAIN:
    default:
        return TRUE;
    }
}

static guint
validate_string (HenbDataModel *self, const HenbDmParamDef *def, const gchar *value,
                 gchar **out_normalized, gchar **out_reason)
{
    glong chars;

    if (!g_utf8_validate (value, -1, NULL)) {
        *out_reason = g_strdup ("not valid UTF-8");
        return HENB_CWMP_FAULT_INVALID_PARAMETER_VALUE;
    }
    chars = g_utf8_strlen (value, -1);
    if (def->max_length > 0 && chars > (glong) def->max_length) {
        *out_reason = g_strdup_printf ("%ld characters, at most %u allowed", chars, def->max_length);
        return HENB_CWMP_FAULT_INVALID_PARAMETER_VALUE;
    }
    if (def->flags & HENB_DM_FLAG_LIST) {
        g_auto(GStrv) items = g_strsplit (value, ",", -1);
        g_autoptr(GString) normalized = g_string_new (NULL);
        guint n_items = 0;

        for (guint i = 0; items[i] != NULL; i++) {
            g_strstrip (items[i]);
            if (items[i][0] == '\0') {
                if (value[0] != '\0') {
                    *out_reason = g_strdup ("empty list item");
                    return HENB_CWMP_FAULT_INVALID_PARAMETER_VALUE;
                }
                continue;
            }
            if (def->item_type != HENB_CWMP_TYPE_NONE && def->item_type != HENB_CWMP_TYPE_STRING) {
                g_autofree gchar *number = NULL;

                if (validate_number (def, def->item_type, items[i], &number, out_reason) != 0)
                    return HENB_CWMP_FAULT_INVALID_PARAMETER_VALUE;
                g_free (items[i]);
                items[i] = g_steal_pointer (&number);
            } else {
                if (def->item_max_length > 0 && g_utf8_strlen (items[i], -1) > (glong) def->item_max_length) {
                    *out_reason = value_reason (items[i], "is a list item longer than %u characters",
                                                def->item_max_length);
                    return HENB_CWMP_FAULT_INVALID_PARAMETER_VALUE;
                }
                if (!check_string_item (self, def, items[i], out_reason))
                    return HENB_CWMP_FAULT_INVALID_PARAMETER_VALUE;
            }
            if (normalized->len > 0)
                g_string_append_c (normalized, ',');
            g_string_append (normalized, items[i]);
            n_items++;
        }
        if (n_items < def->min_items) {
            *out_reason = g_strdup_printf ("at least %u item(s) required", def->min_items);
            return HENB_CWMP_FAULT_INVALID_PARAMETER_VALUE;
        }
        *out_normalized = g_string_free (g_steal_pointer (&normalized), FALSE);
        return 0;
    }
    if (!check_string_item (self, def, value, out_reason))
        return HENB_CWMP_FAULT_INVALID_PARAMETER_VALUE;
    *out_normalized = g_strdup (value);
    return 0;
}

void
henb_data_model_set_strict (HenbDataModel *self, gboolean strict)
{
    g_return_if_fail (HENB_IS_DATA_MODEL (self));
    self->strict = strict;
}

gboolean
henb_data_model_get_strict (HenbDataModel *self)
{
    g_return_val_if_fail (HENB_IS_DATA_MODEL (self), TRUE);
    return self->strict;
}

void
henb_data_model_tolerate (HenbDataModel *self, HenbCwmpTolerance tolerance, const gchar *detail)
{
    g_return_if_fail (HENB_IS_DATA_MODEL (self));

    if (self->tolerated_count < G_MAXUINT)
        self->tolerated_count++;
    if ((self->tolerated_logged & tolerance) == 0) {
        self->tolerated_logged |= tolerance;
        g_message ("tolerating %s (%s); [CWMP] Strict=true would refuse it",
                   henb_cwmp_tolerance_describe (tolerance), detail != NULL ? detail : "-");
    }
    g_signal_emit (self, signals[SIGNAL_TOLERATED], 0);
}

void
henb_data_model_begin_session (HenbDataModel *self)
{
    g_return_if_fail (HENB_IS_DATA_MODEL (self));
    self->tolerated_logged = 0;
}

guint
henb_data_model_get_tolerated_count (HenbDataModel *self)
{
    g_return_val_if_fail (HENB_IS_DATA_MODEL (self), 0);
    return self->tolerated_count;
}

/* @out_tolerated (NULL: strict) collects the HenbCwmpTolerance flags the value needed. */
static guint
validate_value (HenbDataModel *self,
                const gchar   *name,
                const gchar   *value,
                HenbCwmpType   type,
                guint         *out_tolerated,
                gchar        **out_normalized,
                gchar        **out_reason)
{
    Node *node = lookup_param (self, name);
    const HenbDmParamDef *def;
    g_autofree gchar *stripped = NULL;

    g_return_val_if_fail (out_normalized != NULL && out_reason != NULL, HENB_CWMP_FAULT_INTERNAL_ERROR);

    if (node == NULL) {
        *out_reason = g_strdup_printf ("%s is not a parameter of this device", name);
        return HENB_CWMP_FAULT_INVALID_PARAMETER_NAME;
    }
    def = node->def;
    if (type != HENB_CWMP_TYPE_NONE && type != def->type) {
        g_autofree gchar *reason = NULL;
        guint code = 1;

        /* a known xsd type (not a foreign one) for a value that is valid as ours */
        if (out_tolerated != NULL && type != HENB_CWMP_TYPE_OTHER)
            code = validate_value (self, name, value, HENB_CWMP_TYPE_NONE, out_tolerated, out_normalized, &reason);
        if (code == 0) {
            *out_tolerated |= HENB_CWMP_TOLERANCE_XSI_TYPE;
            return 0;
        }
        g_clear_pointer (out_normalized, g_free);
        *out_reason = g_strdup_printf ("%s is xsd:%s, not xsd:%s", name,
                                       henb_cwmp_type_to_xsd (def->type),
                                       henb_cwmp_type_to_xsd (type) != NULL
                                           ? henb_cwmp_type_to_xsd (type) : "(unknown)");
        return HENB_CWMP_FAULT_INVALID_PARAMETER_TYPE;
    }
    if (value == NULL)
        value = "";

    switch (def->type) {
    case HENB_CWMP_TYPE_STRING:
        return validate_string (self, def, value, out_normalized, out_reason);
    case HENB_CWMP_TYPE_UNSIGNED_INT:
    case HENB_CWMP_TYPE_UNSIGNED_LONG:
    case HENB_CWMP_TYPE_INT:
    case HENB_CWMP_TYPE_LONG:
        return validate_number (def, def->type, value, out_normalized, out_reason);
    case HENB_CWMP_TYPE_BOOLEAN: {
        gboolean b, tolerated = FALSE;

        if (henb_cwmp_parse_boolean (value, &b, &tolerated) && (!tolerated || out_tolerated != NULL)) {
            if (tolerated)
                *out_tolerated |= HENB_CWMP_TOLERANCE_BOOLEAN_CASE;
            *out_normalized = g_strdup (b ? "true" : "false");
            return 0;
        }
        *out_reason = value_reason (value, "is not a boolean");
        return HENB_CWMP_FAULT_INVALID_PARAMETER_VALUE;
    }
    case HENB_CWMP_TYPE_DATE_TIME: {
        g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
        g_autoptr(GDateTime) dt = NULL;

        stripped = g_strstrip (g_strdup (value));
        dt = g_date_time_new_from_iso8601 (stripped, utc);
        if (dt == NULL) {
            *out_reason = value_reason (value, "is not an ISO 8601 dateTime");
            return HENB_CWMP_FAULT_INVALID_PARAMETER_VALUE;
        }
        *out_normalized = g_steal_pointer (&stripped);
        return 0;
    }
    case HENB_CWMP_TYPE_NONE:
    case HENB_CWMP_TYPE_BASE64:
    case HENB_CWMP_TYPE_HEX_BINARY:
    case HENB_CWMP_TYPE_OTHER:
    default:
        *out_normalized = g_strdup (value);
        return 0;
    }
}

guint
henb_data_model_validate (HenbDataModel *self,
                          const gchar   *name,
                          const gchar   *value,
                          HenbCwmpType   type,
                          gchar        **out_normalized,
                          gchar        **out_reason)
{
    return validate_value (self, name, value, type, NULL, out_normalized, out_reason);
}

/* ------------------------------------------------------------------------------------------ */
/* RPCs */

gboolean
henb_data_model_set_parameter_values (HenbDataModel  *self,
                                      GPtrArray      *params,
                                      const gchar    *parameter_key,
                                      guint          *out_status,
                                      HenbCwmpFault **out_fault)
{
    g_autoptr(HenbCwmpFault) fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_INVALID_ARGUMENTS, NULL);
    g_autoptr(GHashTable) changes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr(GPtrArray) changed_names = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) tolerated = g_ptr_array_new (); /* HenbCwmpParamValue needing tolerance */
    g_autoptr(GArray) tolerated_flags = g_array_new (FALSE, FALSE, sizeof (guint));
    gboolean deferred = FALSE;
    GHashTableIter iter;
    gpointer key, val;

    g_return_val_if_fail (HENB_IS_DATA_MODEL (self), FALSE);
    g_return_val_if_fail (out_status != NULL && out_fault != NULL, FALSE);

    if (parameter_key != NULL && g_utf8_strlen (parameter_key, -1) > 32) {
        *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_INVALID_ARGUMENTS,
                                          "ParameterKey longer than 32 characters");
        return FALSE;
    }

    /* validate everything first: one bad parameter means nothing is applied */
    for (guint i = 0; i < params->len; i++) {
        const HenbCwmpParamValue *pv = g_ptr_array_index (params, i);
        g_autofree gchar *normalized = NULL;
        g_autofree gchar *reason = NULL;
        Node *node = lookup_param (self, pv->name);
        guint code, flags = 0;

        if (g_hash_table_contains (seen, pv->name)) {
            henb_cwmp_fault_add_param (fault, pv->name, HENB_CWMP_FAULT_INVALID_ARGUMENTS,
                                       "Parameter appears more than once");
            continue;
        }
        g_hash_table_add (seen, pv->name);
        if (node == NULL) {
            henb_cwmp_fault_add_param (fault, pv->name, HENB_CWMP_FAULT_INVALID_PARAMETER_NAME, NULL);
            continue;
        }
        if ((node->def->flags & HENB_DM_FLAG_WRITABLE) == 0) {
            henb_cwmp_fault_add_param (fault, pv->name, HENB_CWMP_FAULT_NON_WRITABLE_PARAMETER, NULL);
            continue;
        }
        code = validate_value (self, pv->name, pv->value, pv->type, self->strict ? NULL : &flags, &normalized,
                               &reason);
        /* a HeMS URL henbd would refuse to reach must not be stored: it would strand the HeNB */
        if (code == 0 && node->def->syntax == HENB_DM_SYNTAX_HEMS_URL &&
            !henb_value_check_hems_url (normalized, self->hems_variant, self->hems_allow_plain_http, &error)) {
            code = HENB_CWMP_FAULT_INVALID_PARAMETER_VALUE;
            reason = g_strdup (error->message);
            g_clear_error (&error);
        }
        if (code != 0) {
            g_autofree gchar *text = g_strdup_printf ("%s: %s", henb_cwmp_fault_code_to_string (code),
                                                      reason);
            henb_cwmp_fault_add_param (fault, pv->name, code, text);
            continue;
        }
        g_hash_table_insert (changes, g_strdup (node->name), g_steal_pointer (&normalized));
        if (flags != 0) {
            g_ptr_array_add (tolerated, (gpointer) pv);
            g_array_append_val (tolerated_flags, flags);
        }
    }
    if (fault->param_faults->len > 0) {
        *out_fault = g_steal_pointer (&fault);
        return FALSE;
    }

    g_hash_table_insert (changes, g_strdup (HENB_DM_MS_PARAMETER_KEY),
                         g_strdup (parameter_key != NULL ? parameter_key : ""));
    if (self->commit_func != NULL &&
        !self->commit_func (changes, parameter_key, self->commit_data, &error)) {
        g_warning ("SetParameterValues not committed: %s", error->message);
        *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_INTERNAL_ERROR, error->message);
        return FALSE;
    }

    g_hash_table_iter_init (&iter, changes);
    while (g_hash_table_iter_next (&iter, &key, &val)) {
        Node *node = lookup_param (self, key);
        g_autofree gchar *old = node_value (node);

        if (g_strcmp0 (old, val) != 0) {
            if (node->def->flags & HENB_DM_FLAG_DEFERRED)
                deferred = TRUE;
            g_ptr_array_add (changed_names, g_strdup (node->name));
        }
        g_free (node->value);
        node->value = g_strdup (val);
        self->generation++;
        /* the HeMS made this change: it is not notified back to it */
        if (node->notification > 0) {
            g_free (node->reported);
            node->reported = g_strdup (val);
            node->changed = FALSE;
        }
    }
    *out_status = deferred ? 1 : 0;
    /* accepted: now the tolerances count */
    for (guint i = 0; i < tolerated->len; i++) {
        const HenbCwmpParamValue *pv = tolerated->pdata[i];
        guint flags = g_array_index (tolerated_flags, guint, i);
        /* escaped: the log shows what the HeMS sent on one line */
        g_autofree gchar *value = g_strescape (pv->value != NULL ? pv->value : "", NULL);
        g_autofree gchar *type = g_strescape (pv->type_name != NULL ? pv->type_name : "untyped", NULL);
        g_autofree gchar *detail = g_strdup_printf ("%s = %s %s", pv->name, type, value);

        for (guint bit = 1; bit <= HENB_CWMP_TOLERANCE_ALL; bit <<= 1) {
            if (flags & bit)
                henb_data_model_tolerate (self, (HenbCwmpTolerance) bit, detail);
        }
    }
    g_signal_emit (self, signals[SIGNAL_PARAMETERS_CHANGED], 0, changed_names);
    return TRUE;
}

static gboolean
is_under (const gchar *name, const gchar *object_path)
{
    return g_str_has_prefix (name, object_path);
}

static void
add_value (HenbDataModel *self, Node *node, GPtrArray *out_params)
{
    HenbCwmpParamValue *pv = g_new0 (HenbCwmpParamValue, 1);

    pv->name = g_strdup (node->name);
    pv->value = (node->def->flags & HENB_DM_FLAG_HIDDEN) ? g_strdup ("") : node_value (node);
    pv->type = node->def->type;
    g_ptr_array_add (out_params, pv);
}

gboolean
henb_data_model_get_parameter_values (HenbDataModel  *self,
                                      GPtrArray      *names,
                                      GPtrArray      *out_params,
                                      HenbCwmpFault **out_fault)
{
    g_autoptr(GPtrArray) result =
        g_ptr_array_new_with_free_func ((GDestroyNotify) henb_cwmp_param_value_free);

    for (guint i = 0; i < names->len; i++) {
        const gchar *name = g_ptr_array_index (names, i);
        Node *node = g_hash_table_lookup (self->by_name, name);

        if (name[0] == '\0' || (node != NULL && node->is_object)) {
            for (guint j = 0; j < self->nodes->len; j++) {
                Node *n = g_ptr_array_index (self->nodes, j);
                if (!n->is_object && is_under (n->name, name))
                    add_value (self, n, result);
            }
        } else if (node != NULL) {
            add_value (self, node, result);
        } else {
            g_autofree gchar *text = g_strdup_printf ("Invalid parameter name: %s", name);
            *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_INVALID_PARAMETER_NAME, text);
            return FALSE;
        }
    }
    for (guint i = 0; i < result->len; i++)
        g_ptr_array_add (out_params, g_steal_pointer (&result->pdata[i]));
    g_ptr_array_set_free_func (result, NULL);
    return TRUE;
}

static guint
depth_of (const gchar *name)
{
    guint dots = 0;

    for (const gchar *p = name; *p != '\0'; p++)
        dots += *p == '.';
    /* an object "A.B." is one level below "A." like the parameter "A.p" */
    return g_str_has_suffix (name, ".") ? dots - 1 : dots;
}

gboolean
henb_data_model_get_parameter_names (HenbDataModel  *self,
                                     const gchar    *path,
                                     gboolean        next_level,
                                     GPtrArray      *out_infos,
                                     HenbCwmpFault **out_fault)
{
    Node *node;
    guint base_depth;

    if (path == NULL)
        path = "";
    node = g_hash_table_lookup (self->by_name, path);
    if (path[0] != '\0' && node == NULL) {
        g_autofree gchar *text = g_strdup_printf ("Invalid parameter name: %s", path);
        *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_INVALID_PARAMETER_NAME, text);
        return FALSE;
    }
    if (node != NULL && !node->is_object) {
        HenbCwmpParamInfo *pi;

        if (next_level) {
            *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_INVALID_ARGUMENTS,
                                              "NextLevel is true for a parameter name");
            return FALSE;
        }
        pi = g_new0 (HenbCwmpParamInfo, 1);
        pi->name = g_strdup (node->name);
        pi->writable = (node->def->flags & HENB_DM_FLAG_WRITABLE) != 0;
        g_ptr_array_add (out_infos, pi);
        return TRUE;
    }

    /* the empty path stands for the root object one level up */
    base_depth = path[0] == '\0' ? 0 : depth_of (path) + 1;
    for (guint i = 0; i < self->nodes->len; i++) {
        Node *n = g_ptr_array_index (self->nodes, i);
        HenbCwmpParamInfo *pi;

        if (!is_under (n->name, path))
            continue;
        if (next_level && depth_of (n->name) != base_depth)
            continue;
        pi = g_new0 (HenbCwmpParamInfo, 1);
        pi->name = g_strdup (n->name);
        /* for objects: AddObject (tables) or DeleteObject (instances) allowed */
        pi->writable = n->is_object ? (n->table != NULL || n->is_instance)
                                    : (n->def->flags & HENB_DM_FLAG_WRITABLE) != 0;
        g_ptr_array_add (out_infos, pi);
    }
    return TRUE;
}

void
henb_data_model_add_forced_inform (HenbDataModel *self, HenbCwmpMessage *msg)
{
    for (guint i = 0; i < self->nodes->len; i++) {
        Node *node = g_ptr_array_index (self->nodes, i);
        g_autofree gchar *value = NULL;

        if (node->is_object || (node->def->flags & HENB_DM_FLAG_FORCED_INFORM) == 0)
            continue;
        value = node_value (node);
        henb_cwmp_message_add_param (msg, node->name, value, node->def->type);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Tables: AddObject and DeleteObject */

static Node *
lookup_table (HenbDataModel *self, const gchar *object_name)
{
    Node *node = object_name != NULL ? g_hash_table_lookup (self->by_name, object_name) : NULL;

    return node != NULL && node->table != NULL ? node : NULL;
}

static guint
count_instances (Node *table)
{
    return table->n_instances;
}

/* Where the next node under @prefix goes: after the last one already there. */
static guint
insertion_index (HenbDataModel *self, const gchar *prefix)
{
    guint index = self->nodes->len;

    for (guint i = 0; i < self->nodes->len; i++) {
        Node *n = g_ptr_array_index (self->nodes, i);
        if (g_str_has_prefix (n->name, prefix))
            index = i + 1;
    }
    return index;
}

static void
insert_node (HenbDataModel *self, guint index, Node *node)
{
    g_ptr_array_insert (self->nodes, (gint) index, node);
    g_hash_table_insert (self->by_name, node->name, node);
    self->generation++;
}

static void
create_instance_nodes (HenbDataModel *self, Node *table, guint instance)
{
    g_autofree gchar *prefix = g_strdup_printf ("%s%u.", table->name, instance);
    const HenbDmParamDef *defs;
    guint n, index = insertion_index (self, table->name);
    Node *object = g_new0 (Node, 1);

    object->name = g_strdup (prefix);
    object->is_object = TRUE;
    object->is_instance = TRUE;
    insert_node (self, index++, object);
    defs = henb_dm_definitions (&n);
    for (guint i = 0; i < n; i++) {
        g_autofree gchar *relative = NULL;
        Node *node;

        if (!g_str_has_prefix (defs[i].path, table->table->path))
            continue;
        relative = g_strconcat (prefix, defs[i].path + strlen (table->table->path), NULL);
        node = g_new0 (Node, 1);
        node->name = expand_path (relative, self->vendor_oui);
        node->def = &defs[i];
        node->default_value = g_strdup (defs[i].default_value);
        node->notification = default_notification (node);
        insert_node (self, index++, node);
    }
    table->n_instances++;
    table->next_instance = MAX (table->next_instance, instance + 1);
}

/* Takes the nodes of an instance out of the model; they go back with restore_nodes(). */
static GPtrArray *
detach_instance (HenbDataModel *self, Node *table, const gchar *prefix, guint *out_index)
{
    GPtrArray *detached = g_ptr_array_new ();

    *out_index = 0;
    for (guint i = 0; i < self->nodes->len;) {
        Node *n = g_ptr_array_index (self->nodes, i);

        if (!g_str_has_prefix (n->name, prefix)) {
            i++;
            continue;
        }
        if (detached->len == 0)
            *out_index = i;
        g_hash_table_remove (self->by_name, n->name);
        g_ptr_array_add (detached, g_ptr_array_steal_index (self->nodes, i));
    }
    table->n_instances--;
    self->generation++;
    return detached;
}

static void
restore_nodes (HenbDataModel *self, Node *table, GPtrArray *detached, guint index)
{
    for (guint i = 0; i < detached->len; i++)
        insert_node (self, index + i, detached->pdata[i]);
    table->n_instances++;
}

gboolean
henb_data_model_is_table (HenbDataModel *self, const gchar *object_name)
{
    return lookup_table (self, object_name) != NULL;
}

GArray *
henb_data_model_list_instances (HenbDataModel *self, const gchar *object_name)
{
    GArray *out = g_array_new (FALSE, FALSE, sizeof (guint));
    Node *table = lookup_table (self, object_name);
    gsize prefix_len = object_name != NULL ? strlen (object_name) : 0;

    for (guint i = 0; table != NULL && i < self->nodes->len; i++) {
        Node *n = g_ptr_array_index (self->nodes, i);
        g_autofree gchar *number = NULL;
        guint64 instance;
        guint value;

        if (!n->is_instance || !g_str_has_prefix (n->name, object_name))
            continue;
        /* "A.B.3." -> "3" */
        number = g_strndup (n->name + prefix_len, strlen (n->name + prefix_len) - 1);
        if (g_ascii_string_to_unsigned (number, 10, 1, G_MAXUINT32, &instance, NULL)) {
            value = (guint) instance;
            g_array_append_val (out, value);
        }
    }
    return out;
}

gboolean
henb_data_model_create_instance (HenbDataModel *self, const gchar *object_name, guint instance,
                                 GError **error)
{
    Node *table = lookup_table (self, object_name);
    g_autofree gchar *prefix = NULL;

    if (table == NULL || instance == 0) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                     "%s is not a table of the data model", object_name);
        return FALSE;
    }
    prefix = g_strdup_printf ("%s%u.", object_name, instance);
    if (g_hash_table_contains (self->by_name, prefix))
        return TRUE;
    if (table->n_instances >= table->table->max_instances) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                     "%s has its maximum of %u instances", object_name, table->table->max_instances);
        return FALSE;
    }
    create_instance_nodes (self, table, instance);
    return TRUE;
}

guint
henb_data_model_get_next_instance (HenbDataModel *self, const gchar *object_name)
{
    Node *table = lookup_table (self, object_name);

    return table != NULL ? table->next_instance : 0;
}

void
henb_data_model_set_next_instance (HenbDataModel *self, const gchar *object_name, guint next)
{
    Node *table = lookup_table (self, object_name);

    if (table != NULL && next > table->next_instance) {
        table->next_instance = next;
        self->generation++;
    }
}

/* Persists a change already made in memory; FALSE (and a 9002 fault) when that failed. */
static gboolean
commit_applied (HenbDataModel *self, const gchar *parameter_key, HenbCwmpFault **out_fault)
{
    g_autoptr(GHashTable) changes = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr(GError) error = NULL;

    if (parameter_key != NULL)
        g_hash_table_insert (changes, (gpointer) HENB_DM_MS_PARAMETER_KEY, (gpointer) parameter_key);
    if (self->commit_func != NULL && !self->commit_func (changes, parameter_key, self->commit_data, &error)) {
        g_warning ("change not committed: %s", error->message);
        *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_INTERNAL_ERROR, error->message);
        return FALSE;
    }
    return TRUE;
}

static gboolean
check_parameter_key (const gchar *parameter_key, HenbCwmpFault **out_fault)
{
    if (parameter_key != NULL && g_utf8_strlen (parameter_key, -1) > 32) {
        *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_INVALID_ARGUMENTS,
                                          "ParameterKey longer than 32 characters");
        return FALSE;
    }
    return TRUE;
}

static void
set_parameter_key (HenbDataModel *self, const gchar *parameter_key)
{
    Node *node = lookup_param (self, HENB_DM_MS_PARAMETER_KEY);

    g_free (node->value);
    node->value = g_strdup (parameter_key != NULL ? parameter_key : "");
    self->generation++;
}

gboolean
henb_data_model_add_object (HenbDataModel  *self,
                            const gchar    *object_name,
                            const gchar    *parameter_key,
                            guint          *out_instance,
                            HenbCwmpFault **out_fault)
{
    Node *table = lookup_table (self, object_name);
    g_autofree gchar *old_key = NULL;
    g_autofree gchar *prefix = NULL;
    g_autoptr(GPtrArray) detached = NULL;
    guint instance, old_next, index;

    g_return_val_if_fail (HENB_IS_DATA_MODEL (self), FALSE);
    if (!check_parameter_key (parameter_key, out_fault))
        return FALSE;
    if (table == NULL) {
        g_autofree gchar *text = g_strdup_printf ("Invalid parameter name: %s is not a multi-instance object",
                                                  object_name);
        *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_INVALID_PARAMETER_NAME, text);
        return FALSE;
    }
    if (table->n_instances >= table->table->max_instances) {
        g_autofree gchar *text = g_strdup_printf ("Resources exceeded: %s holds at most %u instances",
                                                  object_name, table->table->max_instances);
        *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_RESOURCES_EXCEEDED, text);
        return FALSE;
    }
    /* instance numbers are never reused, so the HeMS never confuses an old one with a new one */
    old_next = table->next_instance;
    instance = table->next_instance;
    old_key = henb_data_model_get (self, HENB_DM_MS_PARAMETER_KEY);
    create_instance_nodes (self, table, instance);
    set_parameter_key (self, parameter_key);
    if (!commit_applied (self, parameter_key, out_fault)) {
        prefix = g_strdup_printf ("%s%u.", object_name, instance);
        detached = detach_instance (self, table, prefix, &index);
        g_ptr_array_set_free_func (detached, (GDestroyNotify) node_free);
        table->next_instance = old_next;
        set_parameter_key (self, old_key);
        return FALSE;
    }
    *out_instance = instance;
    return TRUE;
}

static gboolean
split_instance (HenbDataModel *self, const gchar *object_name, Node **out_table)
{
    g_autofree gchar *trimmed = NULL;
    const gchar *last_dot;
    Node *node = object_name != NULL ? g_hash_table_lookup (self->by_name, object_name) : NULL;

    if (node == NULL || !node->is_instance)
        return FALSE;
    trimmed = g_strndup (object_name, strlen (object_name) - 1);
    last_dot = strrchr (trimmed, '.');
    if (last_dot == NULL)
        return FALSE;
    {
        g_autofree gchar *table_name = g_strndup (trimmed, last_dot - trimmed + 1);
        *out_table = lookup_table (self, table_name);
    }
    return *out_table != NULL;
}

gboolean
henb_data_model_delete_object (HenbDataModel  *self,
                               const gchar    *object_name,
                               const gchar    *parameter_key,
                               HenbCwmpFault **out_fault)
{
    g_autoptr(GPtrArray) detached = NULL;
    g_autofree gchar *old_key = NULL;
    Node *table = NULL;
    guint index;

    g_return_val_if_fail (HENB_IS_DATA_MODEL (self), FALSE);
    if (!check_parameter_key (parameter_key, out_fault))
        return FALSE;
    if (!split_instance (self, object_name, &table)) {
        g_autofree gchar *text = g_strdup_printf ("Invalid parameter name: %s is not an object instance",
                                                  object_name);
        *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_INVALID_PARAMETER_NAME, text);
        return FALSE;
    }
    old_key = henb_data_model_get (self, HENB_DM_MS_PARAMETER_KEY);
    detached = detach_instance (self, table, object_name, &index);
    set_parameter_key (self, parameter_key);
    if (!commit_applied (self, parameter_key, out_fault)) {
        restore_nodes (self, table, detached, index);
        set_parameter_key (self, old_key);
        return FALSE;
    }
    g_ptr_array_set_free_func (detached, (GDestroyNotify) node_free);
    return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Attributes */

/* The parameters @name stands for: itself, or every parameter under an object path. */
static gboolean
expand_name (HenbDataModel *self, const gchar *name, GPtrArray *out_nodes)
{
    Node *node = g_hash_table_lookup (self->by_name, name);

    if (name[0] != '\0' && node == NULL)
        return FALSE;
    if (node != NULL && !node->is_object) {
        g_ptr_array_add (out_nodes, node);
        return TRUE;
    }
    for (guint i = 0; i < self->nodes->len; i++) {
        Node *n = g_ptr_array_index (self->nodes, i);
        if (!n->is_object && g_str_has_prefix (n->name, name))
            g_ptr_array_add (out_nodes, n);
    }
    return TRUE;
}

static void
set_notification (Node *node, gint notification)
{
    if (notification > 0 && node->notification == 0) {
        /* from now on, changes against the value the HeMS can see now */
        g_free (node->reported);
        node->reported = node_value (node);
        node->changed = FALSE;
    }
    node->notification = notification;
    if (notification == 0) {
        g_clear_pointer (&node->reported, g_free);
        node->changed = FALSE;
    }
}

/* TR-069 A.3.2.4 (and the cwmp XSD's AccessListValueType) defines one AccessList value. */
static const gchar *const access_list_values[HENB_DM_ACCESS_LIST_MAX] = { "Subscriber" };

gboolean
henb_data_model_access_list_value_is_valid (const gchar *value)
{
    for (guint i = 0; i < G_N_ELEMENTS (access_list_values); i++) {
        if (g_strcmp0 (value, access_list_values[i]) == 0)
            return TRUE;
    }
    return FALSE;
}

/* Each defined value once, in a fixed order, whatever @list repeats: an access list has at
 * most HENB_DM_ACCESS_LIST_MAX entries, in memory, in the state file and in answers. Values
 * TR-069 does not define are dropped (the RPC refuses them before this). */
static void
set_access_list (Node *node, const gchar *const *list)
{
    g_clear_pointer (&node->access_list, g_ptr_array_unref);
    for (guint i = 0; i < G_N_ELEMENTS (access_list_values); i++) {
        if (list == NULL || !g_strv_contains (list, access_list_values[i]))
            continue;
        if (node->access_list == NULL)
            node->access_list = g_ptr_array_new_with_free_func (g_free);
        g_ptr_array_add (node->access_list, g_strdup (access_list_values[i]));
    }
}

typedef struct {
    Node      *node;
    gint       notification;
    GPtrArray *access_list;
} AttrUndo;

static void
attr_undo_free (AttrUndo *u)
{
    g_clear_pointer (&u->access_list, g_ptr_array_unref);
    g_free (u);
}

gboolean
henb_data_model_set_parameter_attributes (HenbDataModel *self, GPtrArray *attrs, HenbCwmpFault **out_fault)
{
    g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
    g_autoptr(GPtrArray) undo = g_ptr_array_new_with_free_func ((GDestroyNotify) attr_undo_free);

    g_return_val_if_fail (HENB_IS_DATA_MODEL (self), FALSE);

    /* check all first: SetParameterAttributes applies completely or not at all */
    for (guint i = 0; i < attrs->len; i++) {
        const HenbCwmpParamAttr *pa = g_ptr_array_index (attrs, i);
        GPtrArray *nodes = g_ptr_array_new ();

        g_ptr_array_add (targets, nodes);
        if (!expand_name (self, pa->name, nodes)) {
            g_autofree gchar *text = g_strdup_printf ("Invalid parameter name: %s", pa->name);
            *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_INVALID_PARAMETER_NAME, text);
            return FALSE;
        }
        if (pa->notification_change && (pa->notification < 0 || pa->notification > 2)) {
            g_autofree gchar *text = g_strdup_printf ("Invalid arguments: notification %d of %s is reserved",
                                                      pa->notification, pa->name);
            *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_INVALID_ARGUMENTS, text);
            return FALSE;
        }
        /* the schema allows no other value, whether AccessListChange applies the list or not */
        for (guint j = 0; j < pa->access_list->len; j++) {
            if (!henb_data_model_access_list_value_is_valid (pa->access_list->pdata[j])) {
                g_autofree gchar *text = g_strdup_printf ("Invalid arguments: access list entry '%s'",
                                                          (const gchar *) pa->access_list->pdata[j]);
                *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_INVALID_ARGUMENTS, text);
                return FALSE;
            }
        }
        for (guint j = 0; pa->notification_change && pa->notification == 2 && j < nodes->len; j++) {
            Node *n = nodes->pdata[j];

            if (n->def->flags & HENB_DM_FLAG_NO_ACTIVE_NOTIFY) {
                g_autofree gchar *text = g_strdup_printf ("Notification request rejected: %s changes "
                                                          "too often for active notification", n->name);
                *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_NOTIFICATION_REJECTED, text);
                return FALSE;
            }
        }
    }

    for (guint i = 0; i < attrs->len; i++) {
        const HenbCwmpParamAttr *pa = g_ptr_array_index (attrs, i);
        GPtrArray *nodes = targets->pdata[i];

        for (guint j = 0; j < nodes->len; j++) {
            Node *n = nodes->pdata[j];
            AttrUndo *u = g_new0 (AttrUndo, 1);

            u->node = n;
            u->notification = n->notification;
            u->access_list = n->access_list != NULL ? g_ptr_array_ref (n->access_list) : NULL;
            g_ptr_array_add (undo, u);
            if (pa->notification_change)
                set_notification (n, pa->notification);
            if (pa->access_list_change) {
                g_ptr_array_add (pa->access_list, NULL);
                set_access_list (n, (const gchar *const *) pa->access_list->pdata);
                g_ptr_array_remove_index (pa->access_list, pa->access_list->len - 1);
            }
        }
    }
    self->generation++;
    if (!commit_applied (self, NULL, out_fault)) {
        /* newest first, so a parameter named twice ends with its original attributes */
        for (guint i = undo->len; i > 0; i--) {
            AttrUndo *u = undo->pdata[i - 1];

            set_notification (u->node, u->notification);
            g_clear_pointer (&u->node->access_list, g_ptr_array_unref);
            u->node->access_list = g_steal_pointer (&u->access_list);
        }
        return FALSE;
    }
    return TRUE;
}

gboolean
henb_data_model_get_parameter_attributes (HenbDataModel  *self,
                                          GPtrArray      *names,
                                          GPtrArray      *out_attrs,
                                          HenbCwmpFault **out_fault)
{
    g_autoptr(HenbCwmpMessage) collect = henb_cwmp_message_new (HENB_CWMP_METHOD_GET_PARAMETER_ATTRIBUTES_RESPONSE,
                                                                HENB_CWMP_VERSION_1_2);

    for (guint i = 0; i < names->len; i++) {
        const gchar *name = g_ptr_array_index (names, i);
        g_autoptr(GPtrArray) nodes = g_ptr_array_new ();

        if (!expand_name (self, name, nodes)) {
            g_autofree gchar *text = g_strdup_printf ("Invalid parameter name: %s", name);
            *out_fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_INVALID_PARAMETER_NAME, text);
            return FALSE;
        }
        for (guint j = 0; j < nodes->len; j++) {
            Node *n = nodes->pdata[j];
            HenbCwmpParamAttr *pa = henb_cwmp_message_add_attr (collect, n->name, n->notification);

            for (guint k = 0; n->access_list != NULL && k < n->access_list->len; k++)
                g_ptr_array_add (pa->access_list, g_strdup (n->access_list->pdata[k]));
        }
    }
    /* hand the entries over: out_attrs frees them now */
    g_ptr_array_set_free_func (collect->attrs, NULL);
    for (guint i = 0; i < collect->attrs->len; i++)
        g_ptr_array_add (out_attrs, collect->attrs->pdata[i]);
    g_ptr_array_set_size (collect->attrs, 0);
    return TRUE;
}

gint
henb_data_model_get_notification (HenbDataModel *self, const gchar *name)
{
    Node *node = lookup_param (self, name);

    return node != NULL ? node->notification : 0;
}

gint
henb_data_model_get_default_notification (HenbDataModel *self, const gchar *name)
{
    Node *node = lookup_param (self, name);

    return node != NULL ? default_notification (node) : 0;
}

gboolean
henb_data_model_set_notification (HenbDataModel *self, const gchar *name, gint notification, GError **error)
{
    Node *node = lookup_param (self, name);

    if (node == NULL || notification < 0 || notification > 2 ||
        (notification == 2 && (node->def->flags & HENB_DM_FLAG_NO_ACTIVE_NOTIFY))) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                     "notification %d is not possible for %s", notification, name);
        return FALSE;
    }
    set_notification (node, notification);
    self->generation++;
    return TRUE;
}

GPtrArray *
henb_data_model_list_notified (HenbDataModel *self)
{
    GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 0; i < self->nodes->len; i++) {
        Node *n = g_ptr_array_index (self->nodes, i);
        if (!n->is_object && n->notification > 0)
            g_ptr_array_add (names, g_strdup (n->name));
    }
    return names;
}

GStrv
henb_data_model_get_access_list (HenbDataModel *self, const gchar *name)
{
    Node *node = lookup_param (self, name);
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

    for (guint i = 0; node != NULL && node->access_list != NULL && i < node->access_list->len; i++)
        g_strv_builder_add (builder, node->access_list->pdata[i]);
    return g_strv_builder_end (builder);
}

void
henb_data_model_set_access_list (HenbDataModel *self, const gchar *name, const gchar *const *list)
{
    Node *node = lookup_param (self, name);

    if (node != NULL) {
        set_access_list (node, list);
        self->generation++;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Value-change notification */

gboolean
henb_data_model_check_value_changes (HenbDataModel *self)
{
    gboolean active = FALSE;

    for (guint i = 0; i < self->nodes->len; i++) {
        Node *n = g_ptr_array_index (self->nodes, i);
        g_autofree gchar *value = NULL;

        if (n->is_object || n->notification == 0)
            continue;
        value = node_value (n);
        if (n->reported == NULL)
            n->reported = g_steal_pointer (&value);
        else if (!n->changed && g_strcmp0 (value, n->reported) != 0)
            n->changed = TRUE;
        active = active || (n->changed && n->notification == 2);
    }
    return active;
}

GPtrArray *
henb_data_model_list_value_changes (HenbDataModel *self)
{
    GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 0; i < self->nodes->len; i++) {
        Node *n = g_ptr_array_index (self->nodes, i);
        if (!n->is_object && n->notification > 0 && n->changed)
            g_ptr_array_add (names, g_strdup (n->name));
    }
    return names;
}

void
henb_data_model_value_changes_reported (HenbDataModel *self, GPtrArray *names)
{
    for (guint i = 0; i < names->len; i++) {
        Node *n = lookup_param (self, names->pdata[i]);

        if (n == NULL)
            continue;
        g_free (n->reported);
        n->reported = node_value (n);
        n->changed = FALSE;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* InformParameter */

/* "A.*.C" against "A.3.C": "*" stands for one instance number; an object path for all below. */
static gboolean
pattern_matches (const gchar *pattern, const gchar *name)
{
    g_auto(GStrv) p = g_strsplit (pattern, ".", -1);
    g_auto(GStrv) n = g_strsplit (name, ".", -1);
    guint np = g_strv_length (p), nn = g_strv_length (n);
    gboolean object = g_str_has_suffix (pattern, ".");

    if (object ? nn < np : nn != np)
        return FALSE;
    for (guint i = 0; i < np; i++) {
        if (object && i == np - 1)
            return TRUE;
        if (g_str_equal (p[i], "*")) {
            if (!g_ascii_isdigit (n[i][0]))
                return FALSE;
        } else if (!g_str_equal (p[i], n[i])) {
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean
wants_events (GStrv event_list, const HenbCwmpMessage *msg)
{
    for (guint i = 0; i < msg->events->len; i++) {
        const gchar *code = ((const HenbCwmpEvent *) msg->events->pdata[i])->code;

        if (g_strv_length (event_list) == 0) {
            if (!g_str_equal (code, "4 VALUE CHANGE"))
                return TRUE;
        } else if (g_strv_contains ((const gchar *const *) event_list, code)) {
            return TRUE;
        }
    }
    return FALSE;
}

void
henb_data_model_add_inform_parameters (HenbDataModel *self, HenbCwmpMessage *msg)
{
    g_autoptr(GArray) instances = henb_data_model_list_instances (self, HENB_DM_MS_INFORM_PARAMETER);

    for (guint i = 0; i < instances->len; i++) {
        guint instance = g_array_index (instances, guint, i);
        g_autofree gchar *enable = g_strdup_printf ("%s%u.Enable", HENB_DM_MS_INFORM_PARAMETER, instance);
        g_autofree gchar *pname = g_strdup_printf ("%s%u.ParameterName", HENB_DM_MS_INFORM_PARAMETER, instance);
        g_autofree gchar *elist = g_strdup_printf ("%s%u.EventList", HENB_DM_MS_INFORM_PARAMETER, instance);
        g_autofree gchar *pattern = henb_data_model_get (self, pname);
        g_auto(GStrv) events = henb_data_model_get_list (self, elist);

        if (!henb_data_model_get_boolean (self, enable) || pattern == NULL || pattern[0] == '\0' ||
            !wants_events (events, msg))
            continue;
        for (guint j = 0; j < self->nodes->len; j++) {
            Node *n = g_ptr_array_index (self->nodes, j);
            g_autofree gchar *value = NULL;

            if (n->is_object || !pattern_matches (pattern, n->name) ||
                henb_cwmp_message_find_param (msg, n->name) != NULL)
                continue;
            value = (n->def->flags & HENB_DM_FLAG_HIDDEN) ? g_strdup ("") : node_value (n);
            henb_cwmp_message_add_param (msg, n->name, value, n->def->type);
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Factory reset */

void
henb_data_model_reset_all (HenbDataModel *self)
{
    g_return_if_fail (HENB_IS_DATA_MODEL (self));

    self->generation++;
    for (guint i = 0; i < self->nodes->len;) {
        Node *n = g_ptr_array_index (self->nodes, i);

        if (n->is_instance || (!n->is_object && n->def != NULL && table_of (n->def->path) != NULL)) {
            g_hash_table_remove (self->by_name, n->name);
            node_free (g_ptr_array_steal_index (self->nodes, i));
            continue;
        }
        if (n->table != NULL) {
            n->next_instance = 1;
            n->n_instances = 0;
        }
        g_clear_pointer (&n->value, g_free);
        set_notification (n, 0);
        n->notification = default_notification (n);
        g_clear_pointer (&n->access_list, g_ptr_array_unref);
        i++;
    }
}
