/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stddef.h>

#include "henb-cwmp-rpc.h"

/* Every RPC of TR-069 Amendment 6 Table 5 a CPE must answer, and ScheduleInform. */
static const struct {
    HenbCwmpMethod method;
    gssize         action;   /* offset of the HenbCwmpRpcActions member it needs, or -1 */
} rpc_table[] = {
    { HENB_CWMP_METHOD_GET_RPC_METHODS, -1 },
    { HENB_CWMP_METHOD_SET_PARAMETER_VALUES, -1 },
    { HENB_CWMP_METHOD_GET_PARAMETER_VALUES, -1 },
    { HENB_CWMP_METHOD_GET_PARAMETER_NAMES, -1 },
    { HENB_CWMP_METHOD_SET_PARAMETER_ATTRIBUTES, -1 },
    { HENB_CWMP_METHOD_GET_PARAMETER_ATTRIBUTES, -1 },
    { HENB_CWMP_METHOD_ADD_OBJECT, -1 },
    { HENB_CWMP_METHOD_DELETE_OBJECT, -1 },
    { HENB_CWMP_METHOD_REBOOT, offsetof (HenbCwmpRpcActions, reboot) },
    { HENB_CWMP_METHOD_DOWNLOAD, offsetof (HenbCwmpRpcActions, download) },
    { HENB_CWMP_METHOD_FACTORY_RESET, offsetof (HenbCwmpRpcActions, factory_reset) },
    { HENB_CWMP_METHOD_SCHEDULE_INFORM, offsetof (HenbCwmpRpcActions, schedule_inform) },
};

static gboolean
offered (HenbCwmpMethod method, const HenbCwmpRpcActions *actions)
{
    for (guint i = 0; i < G_N_ELEMENTS (rpc_table); i++) {
        if (rpc_table[i].method != method)
            continue;
        if (rpc_table[i].action < 0)
            return TRUE;
        return actions != NULL && *(gpointer *) ((const guint8 *) actions + rpc_table[i].action) != NULL;
    }
    return FALSE;
}

static gboolean
permitted (HenbCwmpMethod method, const HenbCwmpRpcActions *actions, gpointer user_data, gchar **out_reason)
{
    return actions == NULL || actions->permitted == NULL || actions->permitted (method, user_data, out_reason);
}

GPtrArray *
henb_cwmp_rpc_supported_methods (const HenbCwmpRpcActions *actions, gpointer user_data)
{
    GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 0; i < G_N_ELEMENTS (rpc_table); i++) {
        g_autofree gchar *reason = NULL;

        if (offered (rpc_table[i].method, actions) && permitted (rpc_table[i].method, actions, user_data, &reason))
            g_ptr_array_add (names, g_strdup (henb_cwmp_method_to_string (rpc_table[i].method)));
    }
    return names;
}

static HenbCwmpMessage *
reply (const HenbCwmpMessage *request, HenbCwmpMethod method)
{
    HenbCwmpMessage *msg = henb_cwmp_message_new (method, request->version);

    henb_cwmp_message_set_id (msg, request->id);
    return msg;
}

/* Carries out @request; FALSE with @out_fault when it failed. */
static gboolean
dispatch (HenbDataModel            *dm,
          const HenbCwmpMessage    *request,
          HenbCwmpMessage          *response,
          const HenbCwmpRpcActions *actions,
          gpointer                  user_data,
          HenbCwmpFault           **out_fault)
{
    switch (request->method) {
    case HENB_CWMP_METHOD_GET_RPC_METHODS: {
        g_autoptr(GPtrArray) names = henb_cwmp_rpc_supported_methods (actions, user_data);

        for (guint i = 0; i < names->len; i++)
            henb_cwmp_message_add_name (response, names->pdata[i]);
        return TRUE;
    }
    case HENB_CWMP_METHOD_SET_PARAMETER_VALUES:
        return henb_data_model_set_parameter_values (dm, request->params, request->parameter_key,
                                                     &response->status, out_fault);
    case HENB_CWMP_METHOD_GET_PARAMETER_VALUES:
        return henb_data_model_get_parameter_values (dm, request->names, response->params, out_fault);
    case HENB_CWMP_METHOD_GET_PARAMETER_NAMES:
        return henb_data_model_get_parameter_names (dm, request->parameter_path, request->next_level,
                                                    response->param_infos, out_fault);
    case HENB_CWMP_METHOD_SET_PARAMETER_ATTRIBUTES:
        return henb_data_model_set_parameter_attributes (dm, request->attrs, out_fault);
    case HENB_CWMP_METHOD_GET_PARAMETER_ATTRIBUTES:
        return henb_data_model_get_parameter_attributes (dm, request->names, response->attrs, out_fault);
    case HENB_CWMP_METHOD_ADD_OBJECT:
        /* the new instance exists at once: Status 0 */
        response->status = 0;
        return henb_data_model_add_object (dm, request->object_name, request->parameter_key,
                                           &response->instance_number, out_fault);
    case HENB_CWMP_METHOD_DELETE_OBJECT:
        response->status = 0;
        return henb_data_model_delete_object (dm, request->object_name, request->parameter_key, out_fault);
    case HENB_CWMP_METHOD_REBOOT:
        return actions->reboot (request->command_key, user_data, out_fault);
    case HENB_CWMP_METHOD_FACTORY_RESET:
        return actions->factory_reset (user_data, out_fault);
    case HENB_CWMP_METHOD_SCHEDULE_INFORM:
        return actions->schedule_inform (request->delay_seconds, request->command_key, user_data, out_fault);
    case HENB_CWMP_METHOD_DOWNLOAD:
        return actions->download (request, response, user_data, out_fault);
    default:
        g_assert_not_reached ();
    }
}

static HenbCwmpMethod
response_method (HenbCwmpMethod request)
{
    /* every request's response follows it in HenbCwmpMethod */
    return (HenbCwmpMethod) (request + 1);
}

HenbCwmpMessage *
henb_cwmp_rpc_handle (HenbDataModel            *dm,
                      const HenbCwmpMessage    *request,
                      const gchar              *argument_error,
                      const HenbCwmpRpcActions *actions,
                      gpointer                  user_data)
{
    g_autoptr(HenbCwmpMessage) response = NULL;
    HenbCwmpFault *fault = NULL;
    g_autofree gchar *reason = NULL;

    g_return_val_if_fail (request != NULL, NULL);

    /* before anything else: a method this HeMS may not use is refused, whatever its arguments */
    if (!permitted (request->method, actions, user_data, &reason)) {
        g_autofree gchar *text = g_strdup_printf ("Request denied: %s %s", request->method_name,
                                                  reason != NULL ? reason : "is not permitted");
        return henb_cwmp_message_new_fault_reply (request, henb_cwmp_fault_new (HENB_CWMP_FAULT_REQUEST_DENIED, text));
    }
    if (!offered (request->method, actions)) {
        g_autofree gchar *text = g_strdup_printf ("Method not supported: %s", request->method_name);
        return henb_cwmp_message_new_fault_reply (
            request, henb_cwmp_fault_new (HENB_CWMP_FAULT_METHOD_NOT_SUPPORTED, text));
    }
    if (argument_error != NULL) {
        g_autofree gchar *text = g_strdup_printf ("Invalid arguments: %s", argument_error);
        return henb_cwmp_message_new_fault_reply (
            request, henb_cwmp_fault_new (HENB_CWMP_FAULT_INVALID_ARGUMENTS, text));
    }
    response = reply (request, response_method (request->method));
    if (!dispatch (dm, request, response, actions, user_data, &fault))
        return henb_cwmp_message_new_fault_reply (request, fault);
    return g_steal_pointer (&response);
}
