/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-cwmp-rpc.h"

static const gchar *const supported_methods[] = {
    "GetRPCMethods",
    "SetParameterValues",
    "GetParameterValues",
    "GetParameterNames",
    NULL,
};

const gchar *const *
henb_cwmp_rpc_supported_methods (void)
{
    return supported_methods;
}

static HenbCwmpMessage *
reply (const HenbCwmpMessage *request, HenbCwmpMethod method)
{
    HenbCwmpMessage *msg = henb_cwmp_message_new (method, request->version);

    henb_cwmp_message_set_id (msg, request->id);
    return msg;
}

HenbCwmpMessage *
henb_cwmp_rpc_handle (HenbDataModel         *dm,
                      const HenbCwmpMessage *request,
                      const gchar           *argument_error)
{
    g_autoptr(HenbCwmpMessage) response = NULL;
    HenbCwmpFault *fault = NULL;

    g_return_val_if_fail (request != NULL, NULL);

    if (request->method == HENB_CWMP_METHOD_UNKNOWN || !henb_cwmp_method_is_request (request->method) ||
        request->method == HENB_CWMP_METHOD_INFORM || request->method == HENB_CWMP_METHOD_TRANSFER_COMPLETE) {
        g_autofree gchar *text = g_strdup_printf ("Method not supported: %s", request->method_name);
        return henb_cwmp_message_new_fault_reply (
            request, henb_cwmp_fault_new (HENB_CWMP_FAULT_METHOD_NOT_SUPPORTED, text));
    }
    if (argument_error != NULL) {
        g_autofree gchar *text = g_strdup_printf ("Invalid arguments: %s", argument_error);
        return henb_cwmp_message_new_fault_reply (
            request, henb_cwmp_fault_new (HENB_CWMP_FAULT_INVALID_ARGUMENTS, text));
    }

    switch (request->method) {
    case HENB_CWMP_METHOD_GET_RPC_METHODS:
        response = reply (request, HENB_CWMP_METHOD_GET_RPC_METHODS_RESPONSE);
        for (guint i = 0; supported_methods[i] != NULL; i++)
            henb_cwmp_message_add_name (response, supported_methods[i]);
        break;
    case HENB_CWMP_METHOD_SET_PARAMETER_VALUES:
        response = reply (request, HENB_CWMP_METHOD_SET_PARAMETER_VALUES_RESPONSE);
        if (!henb_data_model_set_parameter_values (dm, request->params, request->parameter_key,
                                                   &response->status, &fault))
            return henb_cwmp_message_new_fault_reply (request, fault);
        break;
    case HENB_CWMP_METHOD_GET_PARAMETER_VALUES:
        response = reply (request, HENB_CWMP_METHOD_GET_PARAMETER_VALUES_RESPONSE);
        if (!henb_data_model_get_parameter_values (dm, request->names, response->params, &fault))
            return henb_cwmp_message_new_fault_reply (request, fault);
        break;
    case HENB_CWMP_METHOD_GET_PARAMETER_NAMES:
        response = reply (request, HENB_CWMP_METHOD_GET_PARAMETER_NAMES_RESPONSE);
        if (!henb_data_model_get_parameter_names (dm, request->parameter_path, request->next_level,
                                                  response->param_infos, &fault))
            return henb_cwmp_message_new_fault_reply (request, fault);
        break;
    case HENB_CWMP_METHOD_UNKNOWN:
    case HENB_CWMP_METHOD_FAULT:
    case HENB_CWMP_METHOD_INFORM:
    case HENB_CWMP_METHOD_INFORM_RESPONSE:
    case HENB_CWMP_METHOD_GET_RPC_METHODS_RESPONSE:
    case HENB_CWMP_METHOD_SET_PARAMETER_VALUES_RESPONSE:
    case HENB_CWMP_METHOD_GET_PARAMETER_VALUES_RESPONSE:
    case HENB_CWMP_METHOD_GET_PARAMETER_NAMES_RESPONSE:
    default:
        g_assert_not_reached ();
    }
    return g_steal_pointer (&response);
}
