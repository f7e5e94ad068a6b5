/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "henb-cwmp-message.h"
#include "henb-datamodel.h"

G_BEGIN_DECLS

/* The RPCs henbd answers, as listed in GetRPCMethodsResponse. */
const gchar *const *henb_cwmp_rpc_supported_methods (void);

/*
 * Answers one request of the HeMS against @dm: the response, or a Fault message (9000 for
 * an unknown method, 9003 when @argument_error is set). The reply echoes the request's
 * cwmp:ID and namespace.
 */
HenbCwmpMessage *henb_cwmp_rpc_handle (HenbDataModel         *dm,
                                       const HenbCwmpMessage *request,
                                       const gchar           *argument_error);

G_END_DECLS
