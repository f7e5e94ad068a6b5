/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "henb-cwmp-message.h"
#include "henb-datamodel.h"

G_BEGIN_DECLS

/*
 * What the HeMS can ask of the device beyond its data model. Each returns FALSE with a fault
 * when it cannot do it. A NULL member means the RPC is not offered: it is answered with fault
 * 9000 and left out of GetRPCMethodsResponse.
 */
typedef struct {
    /* Reboot after this session; @command_key comes back as "M Reboot". */
    gboolean (*reboot) (const gchar *command_key, gpointer user_data, HenbCwmpFault **out_fault);
    /* Back to the factory configuration after this session. */
    gboolean (*factory_reset) (gpointer user_data, HenbCwmpFault **out_fault);
    gboolean (*schedule_inform) (guint          delay_seconds,
                                 const gchar   *command_key,
                                 gpointer       user_data,
                                 HenbCwmpFault **out_fault);
    /* Accepts a Download: fills @response's Status, StartTime and CompleteTime. */
    gboolean (*download) (const HenbCwmpMessage *request,
                          HenbCwmpMessage       *response,
                          gpointer               user_data,
                          HenbCwmpFault        **out_fault);
    /*
     * Whether the HeMS of this session may use @method at all (NULL: every method may be
     * used). A method it may not use, a known one or not, is answered with fault 9001 and
     * @out_reason, changes nothing, and is left out of GetRPCMethodsResponse.
     */
    gboolean (*permitted) (HenbCwmpMethod method, gpointer user_data, gchar **out_reason);
} HenbCwmpRpcActions;

/* The RPCs henbd answers with @actions, as listed in GetRPCMethodsResponse. */
GPtrArray *henb_cwmp_rpc_supported_methods (const HenbCwmpRpcActions *actions, gpointer user_data);

/*
 * Answers one request of the HeMS against @dm and @actions (may be NULL): the response, or a
 * Fault message (9001 for a method @actions does not permit, 9000 for an unknown or unoffered
 * one, 9003 when @argument_error is set).
 * The reply echoes the request's cwmp:ID and namespace.
 */
HenbCwmpMessage *henb_cwmp_rpc_handle (HenbDataModel            *dm,
                                       const HenbCwmpMessage    *request,
                                       const gchar              *argument_error,
                                       const HenbCwmpRpcActions *actions,
                                       gpointer                  user_data);

G_END_DECLS
