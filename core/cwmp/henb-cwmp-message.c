/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "henb-cwmp-message.h"

static const gchar *const version_namespaces[] = {
    [HENB_CWMP_VERSION_1_0] = "urn:dslforum-org:cwmp-1-0",
    [HENB_CWMP_VERSION_1_1] = "urn:dslforum-org:cwmp-1-1",
    [HENB_CWMP_VERSION_1_2] = "urn:dslforum-org:cwmp-1-2",
    [HENB_CWMP_VERSION_1_3] = "urn:dslforum-org:cwmp-1-3",
    [HENB_CWMP_VERSION_1_4] = "urn:dslforum-org:cwmp-1-4",
};

static const gchar *const version_strings[] = {
    [HENB_CWMP_VERSION_1_0] = "1.0",
    [HENB_CWMP_VERSION_1_1] = "1.1",
    [HENB_CWMP_VERSION_1_2] = "1.2",
    [HENB_CWMP_VERSION_1_3] = "1.3",
    [HENB_CWMP_VERSION_1_4] = "1.4",
};

const gchar *
henb_cwmp_version_namespace (HenbCwmpVersion version)
{
    g_return_val_if_fail (version <= HENB_CWMP_VERSION_LAST, NULL);
    return version_namespaces[version];
}

const gchar *
henb_cwmp_version_to_string (HenbCwmpVersion version)
{
    g_return_val_if_fail (version <= HENB_CWMP_VERSION_LAST, NULL);
    return version_strings[version];
}

gboolean
henb_cwmp_version_from_namespace (const gchar *ns, HenbCwmpVersion *out_version)
{
    for (guint i = 0; ns != NULL && i < G_N_ELEMENTS (version_namespaces); i++) {
        if (g_strcmp0 (ns, version_namespaces[i]) == 0) {
            *out_version = (HenbCwmpVersion) i;
            return TRUE;
        }
    }
    return FALSE;
}

gboolean
henb_cwmp_version_from_string (const gchar *str, HenbCwmpVersion *out_version)
{
    for (guint i = 0; str != NULL && i < G_N_ELEMENTS (version_strings); i++) {
        if (g_strcmp0 (str, version_strings[i]) == 0) {
            *out_version = (HenbCwmpVersion) i;
            return TRUE;
        }
    }
    return FALSE;
}

const gchar *
henb_cwmp_tolerance_describe (HenbCwmpTolerance tolerance)
{
    switch (tolerance) {
    case HENB_CWMP_TOLERANCE_NO_PARAMETER_KEY:
        return "a request without ParameterKey, taken as \"\"";
    case HENB_CWMP_TOLERANCE_XSI_TYPE:
        return "a value whose xsi:type differs from the parameter's type";
    case HENB_CWMP_TOLERANCE_BOOLEAN_CASE:
        return "a boolean not spelled true, false, 1 or 0";
    case HENB_CWMP_TOLERANCE_INFORM_RESPONSE_ID:
        return "an InformResponse without the Inform's cwmp:ID";
    case HENB_CWMP_TOLERANCE_NONE:
    default:
        return "nothing";
    }
}

gboolean
henb_cwmp_parse_boolean (const gchar *text, gboolean *out_value, gboolean *out_tolerated)
{
    g_autofree gchar *stripped = NULL;
    gboolean tolerated = FALSE;

    if (text == NULL)
        return FALSE;
    stripped = g_strstrip (g_strdup (text));
    if (g_str_equal (stripped, "true") || g_str_equal (stripped, "1")) {
        *out_value = TRUE;
    } else if (g_str_equal (stripped, "false") || g_str_equal (stripped, "0")) {
        *out_value = FALSE;
    } else if (g_ascii_strcasecmp (stripped, "true") == 0 || g_ascii_strcasecmp (stripped, "false") == 0) {
        *out_value = g_ascii_tolower (stripped[0]) == 't';
        tolerated = TRUE;
    } else {
        return FALSE;
    }
    if (out_tolerated != NULL)
        *out_tolerated = tolerated;
    return TRUE;
}

static const struct {
    HenbCwmpMethod method;
    const gchar   *name;
    gboolean       request;
} method_table[] = {
    { HENB_CWMP_METHOD_FAULT, "Fault", FALSE },
    { HENB_CWMP_METHOD_INFORM, "Inform", TRUE },
    { HENB_CWMP_METHOD_INFORM_RESPONSE, "InformResponse", FALSE },
    { HENB_CWMP_METHOD_GET_RPC_METHODS, "GetRPCMethods", TRUE },
    { HENB_CWMP_METHOD_GET_RPC_METHODS_RESPONSE, "GetRPCMethodsResponse", FALSE },
    { HENB_CWMP_METHOD_SET_PARAMETER_VALUES, "SetParameterValues", TRUE },
    { HENB_CWMP_METHOD_SET_PARAMETER_VALUES_RESPONSE, "SetParameterValuesResponse", FALSE },
    { HENB_CWMP_METHOD_GET_PARAMETER_VALUES, "GetParameterValues", TRUE },
    { HENB_CWMP_METHOD_GET_PARAMETER_VALUES_RESPONSE, "GetParameterValuesResponse", FALSE },
    { HENB_CWMP_METHOD_GET_PARAMETER_NAMES, "GetParameterNames", TRUE },
    { HENB_CWMP_METHOD_GET_PARAMETER_NAMES_RESPONSE, "GetParameterNamesResponse", FALSE },
    { HENB_CWMP_METHOD_SET_PARAMETER_ATTRIBUTES, "SetParameterAttributes", TRUE },
    { HENB_CWMP_METHOD_SET_PARAMETER_ATTRIBUTES_RESPONSE, "SetParameterAttributesResponse", FALSE },
    { HENB_CWMP_METHOD_GET_PARAMETER_ATTRIBUTES, "GetParameterAttributes", TRUE },
    { HENB_CWMP_METHOD_GET_PARAMETER_ATTRIBUTES_RESPONSE, "GetParameterAttributesResponse", FALSE },
    { HENB_CWMP_METHOD_ADD_OBJECT, "AddObject", TRUE },
    { HENB_CWMP_METHOD_ADD_OBJECT_RESPONSE, "AddObjectResponse", FALSE },
    { HENB_CWMP_METHOD_DELETE_OBJECT, "DeleteObject", TRUE },
    { HENB_CWMP_METHOD_DELETE_OBJECT_RESPONSE, "DeleteObjectResponse", FALSE },
    { HENB_CWMP_METHOD_REBOOT, "Reboot", TRUE },
    { HENB_CWMP_METHOD_REBOOT_RESPONSE, "RebootResponse", FALSE },
    { HENB_CWMP_METHOD_DOWNLOAD, "Download", TRUE },
    { HENB_CWMP_METHOD_DOWNLOAD_RESPONSE, "DownloadResponse", FALSE },
    { HENB_CWMP_METHOD_FACTORY_RESET, "FactoryReset", TRUE },
    { HENB_CWMP_METHOD_FACTORY_RESET_RESPONSE, "FactoryResetResponse", FALSE },
    { HENB_CWMP_METHOD_SCHEDULE_INFORM, "ScheduleInform", TRUE },
    { HENB_CWMP_METHOD_SCHEDULE_INFORM_RESPONSE, "ScheduleInformResponse", FALSE },
    { HENB_CWMP_METHOD_TRANSFER_COMPLETE, "TransferComplete", TRUE },
    { HENB_CWMP_METHOD_TRANSFER_COMPLETE_RESPONSE, "TransferCompleteResponse", FALSE },
};

const gchar *
henb_cwmp_method_to_string (HenbCwmpMethod method)
{
    for (guint i = 0; i < G_N_ELEMENTS (method_table); i++) {
        if (method_table[i].method == method)
            return method_table[i].name;
    }
    return "Unknown";
}

HenbCwmpMethod
henb_cwmp_method_from_string (const gchar *name)
{
    for (guint i = 0; name != NULL && i < G_N_ELEMENTS (method_table); i++) {
        if (strcmp (method_table[i].name, name) == 0)
            return method_table[i].method;
    }
    return HENB_CWMP_METHOD_UNKNOWN;
}

gboolean
henb_cwmp_method_is_request (HenbCwmpMethod method)
{
    for (guint i = 0; i < G_N_ELEMENTS (method_table); i++) {
        if (method_table[i].method == method)
            return method_table[i].request;
    }
    return FALSE;
}

static const gchar *const type_names[] = {
    [HENB_CWMP_TYPE_NONE] = NULL,
    [HENB_CWMP_TYPE_STRING] = "string",
    [HENB_CWMP_TYPE_INT] = "int",
    [HENB_CWMP_TYPE_UNSIGNED_INT] = "unsignedInt",
    [HENB_CWMP_TYPE_LONG] = "long",
    [HENB_CWMP_TYPE_UNSIGNED_LONG] = "unsignedLong",
    [HENB_CWMP_TYPE_BOOLEAN] = "boolean",
    [HENB_CWMP_TYPE_DATE_TIME] = "dateTime",
    [HENB_CWMP_TYPE_BASE64] = "base64",
    [HENB_CWMP_TYPE_HEX_BINARY] = "hexBinary",
    [HENB_CWMP_TYPE_OTHER] = NULL,
};

const gchar *
henb_cwmp_type_to_xsd (HenbCwmpType type)
{
    if (type >= G_N_ELEMENTS (type_names))
        return NULL;
    return type_names[type];
}

HenbCwmpType
henb_cwmp_type_from_xsd (const gchar *local_name)
{
    if (local_name == NULL)
        return HENB_CWMP_TYPE_NONE;
    for (guint i = 0; i < G_N_ELEMENTS (type_names); i++) {
        if (type_names[i] != NULL && strcmp (type_names[i], local_name) == 0)
            return (HenbCwmpType) i;
    }
    /* SOAP encoding spells base64 as base64Binary in xsd */
    if (strcmp (local_name, "base64Binary") == 0)
        return HENB_CWMP_TYPE_BASE64;
    return HENB_CWMP_TYPE_OTHER;
}

static const struct {
    guint        code;
    const gchar *string;
    gboolean     client;
} fault_table[] = {
    { 8000, "Method not supported", FALSE },
    { 8001, "Request denied", FALSE },
    { 8002, "Internal error", FALSE },
    { 8003, "Invalid arguments", TRUE },
    { 8004, "Resources exceeded", FALSE },
    { 8005, "Retry request", FALSE },
    { 8006, "ACS version incompatible with CPE", FALSE },
    { 9000, "Method not supported", FALSE },
    { 9001, "Request denied", FALSE },
    { 9002, "Internal error", FALSE },
    { 9003, "Invalid arguments", TRUE },
    { 9004, "Resources exceeded", FALSE },
    { 9005, "Invalid parameter name", TRUE },
    { 9006, "Invalid parameter type", TRUE },
    { 9007, "Invalid parameter value", TRUE },
    { 9008, "Attempt to set a non-writable parameter", TRUE },
    { 9009, "Notification request rejected", FALSE },
    { 9010, "File transfer failure", FALSE },
    { 9011, "Upload failure", FALSE },
    { 9012, "File transfer server authentication failure", FALSE },
    { 9013, "Unsupported protocol for file transfer", FALSE },
    { 9015, "File transfer failure: unable to contact file server", FALSE },
    { 9016, "File transfer failure: unable to access file", FALSE },
    { 9017, "File transfer failure: unable to complete download", FALSE },
    { 9018, "File transfer failure: file corrupted", FALSE },
};

const gchar *
henb_cwmp_fault_code_to_string (guint code)
{
    for (guint i = 0; i < G_N_ELEMENTS (fault_table); i++) {
        if (fault_table[i].code == code)
            return fault_table[i].string;
    }
    if (code >= 9800 && code <= 9899)
        return "Vendor defined fault";
    return "Unknown fault";
}

const gchar *
henb_cwmp_fault_code_soap_kind (guint code)
{
    for (guint i = 0; i < G_N_ELEMENTS (fault_table); i++) {
        if (fault_table[i].code == code)
            return fault_table[i].client ? "Client" : "Server";
    }
    return "Server";
}

void
henb_cwmp_device_id_clear (HenbCwmpDeviceId *id)
{
    g_clear_pointer (&id->manufacturer, g_free);
    g_clear_pointer (&id->oui, g_free);
    g_clear_pointer (&id->product_class, g_free);
    g_clear_pointer (&id->serial_number, g_free);
}

static void
event_free (HenbCwmpEvent *ev)
{
    g_free (ev->code);
    g_free (ev->command_key);
    g_free (ev);
}

void
henb_cwmp_param_value_free (HenbCwmpParamValue *pv)
{
    g_free (pv->name);
    g_free (pv->value);
    g_free (pv->type_name);
    g_free (pv);
}

static void
param_info_free (HenbCwmpParamInfo *pi)
{
    g_free (pi->name);
    g_free (pi);
}

static void
param_attr_free (HenbCwmpParamAttr *pa)
{
    g_free (pa->name);
    g_ptr_array_unref (pa->access_list);
    g_free (pa);
}

static void
download_clear (HenbCwmpDownload *d)
{
    g_free (d->file_type);
    g_free (d->url);
    g_free (d->username);
    g_free (d->password);
    g_free (d->target_file_name);
    g_free (d->success_url);
    g_free (d->failure_url);
}

static void
param_fault_free (HenbCwmpParamFault *pf)
{
    g_free (pf->name);
    g_free (pf->string);
    g_free (pf);
}

HenbCwmpMessage *
henb_cwmp_message_new (HenbCwmpMethod method, HenbCwmpVersion version)
{
    HenbCwmpMessage *msg = g_new0 (HenbCwmpMessage, 1);

    msg->version = version;
    msg->method = method;
    msg->method_name = g_strdup (henb_cwmp_method_to_string (method));
    msg->events = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);
    msg->params = g_ptr_array_new_with_free_func ((GDestroyNotify) henb_cwmp_param_value_free);
    msg->names = g_ptr_array_new_with_free_func (g_free);
    msg->param_infos = g_ptr_array_new_with_free_func ((GDestroyNotify) param_info_free);
    msg->attrs = g_ptr_array_new_with_free_func ((GDestroyNotify) param_attr_free);
    return msg;
}

void
henb_cwmp_message_free (HenbCwmpMessage *msg)
{
    if (msg == NULL)
        return;
    g_free (msg->id);
    g_free (msg->method_name);
    henb_cwmp_device_id_clear (&msg->device_id);
    g_ptr_array_unref (msg->events);
    g_free (msg->current_time);
    g_ptr_array_unref (msg->params);
    g_free (msg->parameter_key);
    g_ptr_array_unref (msg->names);
    g_free (msg->parameter_path);
    g_ptr_array_unref (msg->param_infos);
    g_free (msg->supported_versions);
    g_free (msg->use_version);
    g_ptr_array_unref (msg->attrs);
    g_free (msg->object_name);
    g_free (msg->command_key);
    download_clear (&msg->download);
    g_free (msg->start_time);
    g_free (msg->complete_time);
    g_free (msg->transfer_fault_string);
    henb_cwmp_fault_free (msg->fault);
    g_free (msg);
}

void
henb_cwmp_message_set_id (HenbCwmpMessage *msg, const gchar *id)
{
    g_free (msg->id);
    msg->id = g_strdup (id);
}

void
henb_cwmp_message_add_event (HenbCwmpMessage *msg, const gchar *code, const gchar *command_key)
{
    HenbCwmpEvent *ev = g_new0 (HenbCwmpEvent, 1);

    ev->code = g_strdup (code);
    ev->command_key = g_strdup (command_key != NULL ? command_key : "");
    g_ptr_array_add (msg->events, ev);
}

gboolean
henb_cwmp_event_is_single (const gchar *code)
{
    return code != NULL && g_ascii_isdigit (code[0]);
}

void
henb_cwmp_events_fit_inform (GPtrArray *events, guint reserved)
{
    guint room = HENB_CWMP_MAX_EVENTS - MIN (reserved, HENB_CWMP_MAX_EVENTS);
    g_autofree gboolean *keep = NULL;
    guint kept = 0;

    if (events->len <= room)
        return;
    keep = g_new0 (gboolean, events->len);
    /* two passes: the single events, then the rest, each oldest first */
    for (guint pass = 0; pass < 2; pass++) {
        for (guint i = 0; i < events->len && kept < room; i++) {
            const HenbCwmpEvent *ev = g_ptr_array_index (events, i);

            if (henb_cwmp_event_is_single (ev->code) == (pass == 0)) {
                keep[i] = TRUE;
                kept++;
            }
        }
    }
    for (guint i = events->len; i > 0; i--) {
        if (!keep[i - 1])
            g_ptr_array_remove_index (events, i - 1);
    }
}

void
henb_cwmp_message_add_param (HenbCwmpMessage *msg,
                             const gchar     *name,
                             const gchar     *value,
                             HenbCwmpType     type)
{
    HenbCwmpParamValue *pv = g_new0 (HenbCwmpParamValue, 1);

    pv->name = g_strdup (name);
    pv->value = g_strdup (value != NULL ? value : "");
    pv->type = type;
    g_ptr_array_add (msg->params, pv);
}

void
henb_cwmp_message_add_name (HenbCwmpMessage *msg, const gchar *name)
{
    g_ptr_array_add (msg->names, g_strdup (name));
}

void
henb_cwmp_message_add_param_info (HenbCwmpMessage *msg, const gchar *name, gboolean writable)
{
    HenbCwmpParamInfo *pi = g_new0 (HenbCwmpParamInfo, 1);

    pi->name = g_strdup (name);
    pi->writable = writable;
    g_ptr_array_add (msg->param_infos, pi);
}

HenbCwmpParamAttr *
henb_cwmp_message_add_attr (HenbCwmpMessage *msg, const gchar *name, gint notification)
{
    HenbCwmpParamAttr *pa = g_new0 (HenbCwmpParamAttr, 1);

    pa->name = g_strdup (name);
    pa->notification = notification;
    pa->access_list = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (msg->attrs, pa);
    return pa;
}

const HenbCwmpParamValue *
henb_cwmp_message_find_param (const HenbCwmpMessage *msg, const gchar *name)
{
    for (guint i = 0; i < msg->params->len; i++) {
        const HenbCwmpParamValue *pv = g_ptr_array_index (msg->params, i);
        if (g_strcmp0 (pv->name, name) == 0)
            return pv;
    }
    return NULL;
}

HenbCwmpFault *
henb_cwmp_fault_new (guint code, const gchar *string)
{
    HenbCwmpFault *fault = g_new0 (HenbCwmpFault, 1);

    fault->soap_code = g_strdup (henb_cwmp_fault_code_soap_kind (code));
    fault->soap_string = g_strdup ("CWMP fault");
    fault->code = code;
    fault->string = g_strdup (string != NULL ? string : henb_cwmp_fault_code_to_string (code));
    fault->param_faults = g_ptr_array_new_with_free_func ((GDestroyNotify) param_fault_free);
    return fault;
}

void
henb_cwmp_fault_free (HenbCwmpFault *fault)
{
    if (fault == NULL)
        return;
    g_free (fault->soap_code);
    g_free (fault->soap_string);
    g_free (fault->string);
    g_ptr_array_unref (fault->param_faults);
    g_free (fault);
}

void
henb_cwmp_fault_add_param (HenbCwmpFault *fault, const gchar *name, guint code, const gchar *string)
{
    HenbCwmpParamFault *pf = g_new0 (HenbCwmpParamFault, 1);

    pf->name = g_strdup (name);
    pf->code = code;
    pf->string = g_strdup (string != NULL ? string : henb_cwmp_fault_code_to_string (code));
    g_ptr_array_add (fault->param_faults, pf);
}

HenbCwmpMessage *
henb_cwmp_message_new_fault_reply (const HenbCwmpMessage *request, HenbCwmpFault *fault)
{
    HenbCwmpMessage *msg = henb_cwmp_message_new (HENB_CWMP_METHOD_FAULT, request->version);

    henb_cwmp_message_set_id (msg, request->id);
    msg->fault = fault;
    return msg;
}
