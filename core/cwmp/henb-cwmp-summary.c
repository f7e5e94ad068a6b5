/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "henb-cwmp-summary.h"

/* how many of each kind the text names before it only counts */
#define SHOWN_METHODS      8
#define SHOWN_PARAMETERS   8
#define SHOWN_FAULTS       8
#define SHOWN_PARAM_FAULTS 4
/* a name from the network may be as long as an envelope: the text keeps its start */
#define SHOWN_NAME_BYTES   128

struct _HenbCwmpSummary {
    guint       requests;
    GPtrArray  *methods;       /* method names, in order of first use */
    GArray     *method_counts; /* guint, beside methods */
    guint       other_methods; /* requests of methods beyond SHOWN_METHODS */
    GPtrArray  *parameters;    /* names set, first SHOWN_PARAMETERS */
    GHashTable *parameter_set; /* every name set, to count each once */
    GPtrArray  *faults;        /* descriptions, first SHOWN_FAULTS */
    guint       fault_count;
};

HenbCwmpSummary *
henb_cwmp_summary_new (void)
{
    HenbCwmpSummary *self = g_new0 (HenbCwmpSummary, 1);

    self->methods = g_ptr_array_new_with_free_func (g_free);
    self->method_counts = g_array_new (FALSE, TRUE, sizeof (guint));
    self->parameters = g_ptr_array_new_with_free_func (g_free);
    self->parameter_set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    self->faults = g_ptr_array_new_with_free_func (g_free);
    return self;
}

void
henb_cwmp_summary_free (HenbCwmpSummary *self)
{
    if (self == NULL)
        return;
    g_ptr_array_unref (self->methods);
    g_array_unref (self->method_counts);
    g_ptr_array_unref (self->parameters);
    g_hash_table_unref (self->parameter_set);
    g_ptr_array_unref (self->faults);
    g_free (self);
}

/* At most SHOWN_NAME_BYTES of @name, cut at a character boundary. */
static void
append_name (GString *out, const gchar *name)
{
    const gchar *end;

    if (name == NULL || name[0] == '\0') {
        g_string_append (out, "(no name)");
        return;
    }
    if (strlen (name) <= SHOWN_NAME_BYTES || !g_utf8_validate (name, -1, NULL)) {
        g_string_append_len (out, name, MIN (strlen (name), SHOWN_NAME_BYTES));
        return;
    }
    end = g_utf8_find_prev_char (name, name + SHOWN_NAME_BYTES + 1);
    g_string_append_len (out, name, end - name);
    g_string_append (out, "...");
}

static void
count_method (HenbCwmpSummary *self, const gchar *method)
{
    for (guint i = 0; i < self->methods->len; i++) {
        if (g_str_equal (self->methods->pdata[i], method)) {
            g_array_index (self->method_counts, guint, i)++;
            return;
        }
    }
    if (self->methods->len >= SHOWN_METHODS) {
        self->other_methods++;
        return;
    }
    {
        g_autoptr(GString) shown = g_string_new (NULL);
        guint one = 1;

        append_name (shown, method);
        g_ptr_array_add (self->methods, g_string_free (g_steal_pointer (&shown), FALSE));
        g_array_append_val (self->method_counts, one);
    }
}

static void
add_fault (HenbCwmpSummary *self, const gchar *method, const HenbCwmpFault *fault)
{
    GString *text;

    self->fault_count++;
    if (self->faults->len >= SHOWN_FAULTS)
        return;
    text = g_string_new (NULL);
    g_string_append_printf (text, "%u to ", fault->code);
    append_name (text, method);
    if (fault->param_faults != NULL && fault->param_faults->len > 0) {
        g_string_append (text, " (");
        for (guint i = 0; i < fault->param_faults->len && i < SHOWN_PARAM_FAULTS; i++) {
            const HenbCwmpParamFault *pf = fault->param_faults->pdata[i];

            g_string_append_printf (text, "%s%u for ", i > 0 ? ", " : "", pf->code);
            append_name (text, pf->name);
        }
        if (fault->param_faults->len > SHOWN_PARAM_FAULTS)
            g_string_append_printf (text, " and %u more", fault->param_faults->len - SHOWN_PARAM_FAULTS);
        g_string_append_c (text, ')');
    }
    g_ptr_array_add (self->faults, g_string_free (text, FALSE));
}

void
henb_cwmp_summary_add (HenbCwmpSummary *self, const HenbCwmpMessage *request, const HenbCwmpMessage *reply)
{
    const gchar *method = request != NULL ? request->method_name : "an unreadable request";

    g_return_if_fail (self != NULL && reply != NULL);
    self->requests++;
    count_method (self, method);
    if (reply->method == HENB_CWMP_METHOD_FAULT && reply->fault != NULL) {
        add_fault (self, method, reply->fault);
        return;
    }
    if (request == NULL || request->method != HENB_CWMP_METHOD_SET_PARAMETER_VALUES || request->params == NULL)
        return;
    for (guint i = 0; i < request->params->len; i++) {
        const HenbCwmpParamValue *pv = request->params->pdata[i];

        if (!g_hash_table_add (self->parameter_set, g_strdup (pv->name)))
            continue;
        if (self->parameters->len < SHOWN_PARAMETERS) {
            g_autoptr(GString) shown = g_string_new (NULL);

            append_name (shown, pv->name);
            g_ptr_array_add (self->parameters, g_string_free (g_steal_pointer (&shown), FALSE));
        }
    }
}

guint
henb_cwmp_summary_get_request_count (const HenbCwmpSummary *self)
{
    return self->requests;
}

guint
henb_cwmp_summary_get_fault_count (const HenbCwmpSummary *self)
{
    return self->fault_count;
}

static void
append_list (GString *out, GPtrArray *shown, guint total)
{
    if (total == 0) {
        g_string_append (out, "none");
        return;
    }
    for (guint i = 0; i < shown->len; i++)
        g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", (const gchar *) shown->pdata[i]);
    if (total > shown->len)
        g_string_append_printf (out, " and %u more", total - shown->len);
}

gchar *
henb_cwmp_summary_describe (const HenbCwmpSummary *self)
{
    GString *out = g_string_new (NULL);

    if (self->requests == 0)
        g_string_append (out, "no request");
    else
        g_string_append_printf (out, "%u request%s: ", self->requests, self->requests == 1 ? "" : "s");
    for (guint i = 0; i < self->methods->len; i++) {
        guint count = g_array_index (self->method_counts, guint, i);

        g_string_append (out, i > 0 ? ", " : "");
        if (count > 1)
            g_string_append_printf (out, "%u ", count);
        g_string_append (out, self->methods->pdata[i]);
    }
    if (self->other_methods > 0)
        g_string_append_printf (out, " and %u of other methods", self->other_methods);
    g_string_append (out, "; parameters set: ");
    append_list (out, self->parameters, g_hash_table_size (self->parameter_set));
    g_string_append (out, "; faults returned: ");
    append_list (out, self->faults, self->fault_count);
    return g_string_free (out, FALSE);
}
