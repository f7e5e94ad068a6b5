/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The polkit action of Start, Rediscover, Cancel and SetLogging (data/org.henbd.HeNB1.policy.in). */
#define HENB_AUTHORITY_ACTION_CONTROL "org.henbd.HeNB1.control"

/*
 * Decides whether the caller of @invocation may do @action_id. Root, and henbd's own user, always
 * may. Anyone else only when polkit (org.freedesktop.PolicyKit1 on the same bus) authorises the
 * caller's bus name; without polkit nobody else may. A refusal is HENB_CORE_ERROR_UNAUTHORIZED
 * saying why. The task's source object is @invocation.
 */
void     henb_authority_check_async  (GDBusMethodInvocation *invocation,
                                      const gchar           *action_id,
                                      GCancellable          *cancellable,
                                      GAsyncReadyCallback    callback,
                                      gpointer               user_data);
gboolean henb_authority_check_finish (GDBusMethodInvocation *invocation,
                                      GAsyncResult          *result,
                                      GError               **error);

G_END_DECLS
