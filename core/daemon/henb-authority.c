/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <unistd.h>

#include "henb-authority.h"
#include "henb-errors.h"

/*
 * polkit's D-Bus API is used directly (no libpolkit): one CheckAuthorization call with a
 * system-bus-name subject, which is what polkit_authority_check_authorization() sends too.
 */
#define POLKIT_NAME      "org.freedesktop.PolicyKit1"
#define POLKIT_PATH      "/org/freedesktop/PolicyKit1/Authority"
#define POLKIT_INTERFACE "org.freedesktop.PolicyKit1.Authority"
/* PolkitCheckAuthorizationFlags */
#define POLKIT_ALLOW_USER_INTERACTION 0x1

typedef struct {
    gchar   *action_id;
    guint32  uid;
    gboolean interactive; /* the caller allowed interactive authorization */
} Check;

static void
check_free (Check *check)
{
    g_free (check->action_id);
    g_free (check);
}

static void
return_unauthorized (GTask *task, const gchar *format, ...) G_GNUC_PRINTF (2, 3);

static void
return_unauthorized (GTask *task, const gchar *format, ...)
{
    GDBusMethodInvocation *invocation = g_task_get_source_object (task);
    g_autofree gchar *why = NULL;
    va_list args;

    va_start (args, format);
    why = g_strdup_vprintf (format, args);
    va_end (args);
    g_task_return_new_error (task, HENB_CORE_ERROR, HENB_CORE_ERROR_UNAUTHORIZED, "%s: %s",
                             g_dbus_method_invocation_get_method_name (invocation), why);
}

/* polkit is not on the bus and cannot be started: not an error of polkit's own. */
static gboolean
polkit_absent (const GError *error)
{
    if (error->domain != G_DBUS_ERROR)
        return FALSE;
    switch (error->code) {
    case G_DBUS_ERROR_SERVICE_UNKNOWN:
    case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
    case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
    case G_DBUS_ERROR_SPAWN_FORK_FAILED:
    case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
    case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
    case G_DBUS_ERROR_SPAWN_FAILED:
    case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
    case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
        return TRUE;
    default:
        return FALSE;
    }
}

static void
got_authorization (GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    Check *check = g_task_get_task_data (task);
    g_autoptr(GVariant) reply = NULL;
    g_autoptr(GError) error = NULL;
    gboolean authorized = FALSE, challenge = FALSE;

    reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
    if (reply == NULL && polkit_absent (error)) {
        return_unauthorized (task, "only root may do this while polkit is not running (caller uid %u)",
                             check->uid);
        return;
    }
    if (reply == NULL) {
        /* fail closed: a polkit that cannot decide authorises nobody */
        g_dbus_error_strip_remote_error (error);
        g_warning ("polkit could not check %s for uid %u: %s", check->action_id, check->uid, error->message);
        return_unauthorized (task, "polkit could not check %s for uid %u: %s", check->action_id,
                             check->uid, error->message);
        return;
    }
    g_variant_get (reply, "((bb@a{ss}))", &authorized, &challenge, NULL);
    if (authorized) {
        g_task_return_boolean (task, TRUE);
        return;
    }
    if (challenge && !check->interactive)
        return_unauthorized (task, "uid %u needs to authenticate for %s (allow interactive "
                             "authorization on the call)", check->uid, check->action_id);
    else if (challenge)
        return_unauthorized (task, "uid %u did not authenticate for %s", check->uid, check->action_id);
    else
        return_unauthorized (task, "polkit does not authorise uid %u for %s", check->uid, check->action_id);
}

static void
got_uid (GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    GDBusMethodInvocation *invocation = g_task_get_source_object (task);
    GCancellable *cancellable = g_task_get_cancellable (task);
    Check *check = g_task_get_task_data (task);
    g_autoptr(GVariant) reply = NULL;
    g_autoptr(GError) error = NULL;
    GVariantBuilder subject;
    GDBusMessageFlags flags;

    reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
    if (reply == NULL) {
        return_unauthorized (task, "cannot tell who the caller is: %s", error->message);
        return;
    }
    g_variant_get (reply, "(u)", &check->uid);
    /* henbd's own user could stop and restart henbd anyway: nothing to authorise */
    if (check->uid == 0 || check->uid == geteuid ()) {
        g_task_return_boolean (task, TRUE);
        return;
    }

    /* the caller may wait for an authentication agent only if it said so on the message */
    flags = g_dbus_message_get_flags (g_dbus_method_invocation_get_message (invocation));
    check->interactive = (flags & G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION) != 0;
    g_variant_builder_init (&subject, G_VARIANT_TYPE ("a{sv}"));
    g_variant_builder_add (&subject, "{sv}", "name",
                           g_variant_new_string (g_dbus_method_invocation_get_sender (invocation)));
    g_dbus_connection_call (G_DBUS_CONNECTION (source), POLKIT_NAME, POLKIT_PATH, POLKIT_INTERFACE,
                            "CheckAuthorization",
                            g_variant_new ("((sa{sv})s@a{ss}us)", "system-bus-name", &subject,
                                           check->action_id,
                                           g_variant_new_array (G_VARIANT_TYPE ("{ss}"), NULL, 0),
                                           check->interactive ? POLKIT_ALLOW_USER_INTERACTION : 0, ""),
                            G_VARIANT_TYPE ("((bba{ss}))"), G_DBUS_CALL_FLAGS_NONE,
                            /* a person typing a password is not a timeout */
                            check->interactive ? G_MAXINT : -1,
                            cancellable, got_authorization, g_steal_pointer (&task));
}

void
henb_authority_check_async (GDBusMethodInvocation *invocation,
                            const gchar           *action_id,
                            GCancellable          *cancellable,
                            GAsyncReadyCallback    callback,
                            gpointer               user_data)
{
    g_autoptr(GTask) task = NULL;
    const gchar *sender;
    Check *check;

    g_return_if_fail (G_IS_DBUS_METHOD_INVOCATION (invocation));
    g_return_if_fail (action_id != NULL);

    task = g_task_new (invocation, cancellable, callback, user_data);
    g_task_set_source_tag (task, henb_authority_check_async);
    check = g_new0 (Check, 1);
    check->action_id = g_strdup (action_id);
    g_task_set_task_data (task, check, (GDestroyNotify) check_free);

    sender = g_dbus_method_invocation_get_sender (invocation);
    if (sender == NULL) {
        /* a peer-to-peer connection: henbd offers none, so nobody to trust */
        return_unauthorized (task, "the caller has no bus name");
        return;
    }
    g_dbus_connection_call (g_dbus_method_invocation_get_connection (invocation), "org.freedesktop.DBus",
                            "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetConnectionUnixUser",
                            g_variant_new ("(s)", sender), G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE,
                            -1, cancellable, got_uid, g_steal_pointer (&task));
}

gboolean
henb_authority_check_finish (GDBusMethodInvocation *invocation, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail (g_task_is_valid (result, invocation), FALSE);
    g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == henb_authority_check_async, FALSE);
    return g_task_propagate_boolean (G_TASK (result), error);
}
