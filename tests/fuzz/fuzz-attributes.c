/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Attribute lists from a hostile HeMS: a SetParameterAttributes request (an envelope, or lines
 * "NAME", "FLAGS", then one AccessList entry per line) decoded and applied to a fresh data
 * model, then the same entries restored as from an old state file. Whatever comes in, every
 * access list holds only values TR-069 defines, each once (HENB_DM_ACCESS_LIST_MAX at most),
 * and the GetParameterAttributesResponse for the whole model stays within the envelope limit
 * and parses back.
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "henb-cwmp-codec.h"
#include "henb-cwmp-rpc.h"
#include "henb-datamodel.h"

/* Lines: NAME, then FLAGS (digits: NotificationChange, Notification, AccessListChange), then
 * AccessList entries. */
static HenbCwmpMessage *
request_from_lines (const gchar *data, gsize size)
{
    g_autofree gchar *text = g_strndup (data, size);
    g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
    HenbCwmpMessage *spa = henb_cwmp_message_new (HENB_CWMP_METHOD_SET_PARAMETER_ATTRIBUTES, HENB_CWMP_VERSION_1_2);
    const gchar *flags = lines[0] != NULL ? lines[1] : NULL;
    HenbCwmpParamAttr *pa;

    pa = henb_cwmp_message_add_attr (spa, lines[0] != NULL ? lines[0] : "Device.", 0);
    if (flags != NULL) {
        pa->notification_change = flags[0] == '1';
        pa->notification = flags[0] != '\0' && g_ascii_isdigit (flags[1]) ? flags[1] - '0' : 0;
        pa->access_list_change = flags[0] != '\0' && flags[1] != '\0' && flags[2] == '1';
        for (guint i = 2; lines[i] != NULL; i++)
            g_ptr_array_add (pa->access_list, g_strdup (lines[i]));
    }
    return spa;
}

static void
assert_bounded (HenbDataModel *dm)
{
    g_autoptr(GPtrArray) names = henb_data_model_list_parameters (dm);

    for (guint i = 0; i < names->len; i++) {
        g_auto(GStrv) access = henb_data_model_get_access_list (dm, names->pdata[i]);
        guint n = g_strv_length (access);

        henb_fuzz_check (n <= HENB_DM_ACCESS_LIST_MAX, "an access list outgrew its bound");
        for (guint j = 0; j < n; j++) {
            henb_fuzz_check (henb_data_model_access_list_value_is_valid (access[j]),
                             "an access list holds a value TR-069 does not define");
            for (guint k = 0; k < j; k++)
                henb_fuzz_check (!g_str_equal (access[j], access[k]), "an access list holds a value twice");
        }
    }
}

static void
assert_answer_bounded (HenbDataModel *dm)
{
    g_autoptr(HenbCwmpMessage) gpa = henb_cwmp_message_new (HENB_CWMP_METHOD_GET_PARAMETER_ATTRIBUTES,
                                                            HENB_CWMP_VERSION_1_2);
    g_autoptr(HenbCwmpMessage) reply = NULL;
    g_autoptr(HenbCwmpMessage) again = NULL;
    g_autoptr(GBytes) body = NULL;

    henb_cwmp_message_add_name (gpa, "Device.");
    reply = henb_cwmp_rpc_handle (dm, gpa, NULL, NULL, NULL);
    henb_fuzz_check (reply->method == HENB_CWMP_METHOD_GET_PARAMETER_ATTRIBUTES_RESPONSE,
                     "GetParameterAttributes of Device. failed");
    body = henb_cwmp_serialize (reply);
    henb_fuzz_check (g_bytes_get_size (body) <= HENB_CWMP_MAX_ENVELOPE_SIZE,
                     "the GetParameterAttributesResponse outgrew the envelope limit");
    again = henb_cwmp_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body), 0, NULL, NULL);
    henb_fuzz_check (again != NULL && again->attrs->len == reply->attrs->len,
                     "the GetParameterAttributesResponse does not parse back");
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    henb_fuzz_init_logging ();
    return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    g_autoptr(HenbCwmpMessage) request = NULL;
    g_autoptr(HenbCwmpMessage) reply = NULL;
    g_autoptr(HenbDataModel) dm = henb_data_model_new ("00005A");
    g_autofree gchar *argument_error = NULL;

    request = henb_cwmp_parse ((const gchar *) data, size, 0, &argument_error, NULL);
    if (request == NULL || request->method != HENB_CWMP_METHOD_SET_PARAMETER_ATTRIBUTES) {
        g_clear_pointer (&request, henb_cwmp_message_free);
        g_clear_pointer (&argument_error, g_free);
        request = request_from_lines ((const gchar *) data, size);
    }
    reply = henb_cwmp_rpc_handle (dm, request, argument_error, NULL, NULL);
    henb_fuzz_check (reply != NULL, "the dispatcher gave no answer");
    assert_bounded (dm);

    /* the same entries as a state file of an older henbd would restore them */
    for (guint i = 0; i < request->attrs->len; i++) {
        HenbCwmpParamAttr *pa = request->attrs->pdata[i];

        g_ptr_array_add (pa->access_list, NULL);
        henb_data_model_set_access_list (dm, pa->name, (const gchar *const *) pa->access_list->pdata);
        g_ptr_array_remove_index (pa->access_list, pa->access_list->len - 1);
    }
    assert_bounded (dm);
    assert_answer_bounded (dm);
    return 0;
}
