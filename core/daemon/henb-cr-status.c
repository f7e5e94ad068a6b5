/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-cr-status.h"
#include "henb-cr-transport.h"

/* A property of the subclass by name, "" / FALSE when it has none (it is optional). */
static gchar *
dup_string_property (HenbCrTransport *transport, const gchar *name)
{
    GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (transport), name);
    g_autofree gchar *value = NULL;

    if (pspec == NULL || pspec->value_type != G_TYPE_STRING)
        return g_strdup ("");
    g_object_get (transport, name, &value, NULL);
    return g_strdup (value != NULL ? value : "");
}

static gboolean
get_boolean_property (HenbCrTransport *transport, const gchar *name)
{
    GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (transport), name);
    gboolean value = FALSE;

    if (pspec == NULL || pspec->value_type != G_TYPE_BOOLEAN)
        return FALSE;
    g_object_get (transport, name, &value, NULL);
    return value;
}

void
henb_cr_status_update (HenbGdbusConnectionRequest *skeleton, GPtrArray *transports)
{
    GVariantBuilder list;
    g_autofree gchar *mapped = g_strdup ("");
    g_autofree gchar *stun = g_strdup ("");
    g_autofree gchar *jid = g_strdup ("");
    g_autofree gchar *xmpp_server = g_strdup ("");
    const gchar *xmpp_state = henb_cr_transport_state_to_string (HENB_CR_TRANSPORT_STATE_DISABLED);
    const gchar *last_name = "";
    gint64 last_time = 0;
    gboolean nat = FALSE;

    g_variant_builder_init (&list, G_VARIANT_TYPE ("a(sbss)"));
    for (guint i = 0; transports != NULL && i < transports->len; i++) {
        HenbCrTransport *transport = transports->pdata[i];
        const gchar *name = henb_cr_transport_get_name (transport);
        HenbCrTransportState state = henb_cr_transport_get_state (transport);

        g_variant_builder_add (&list, "(sbss)", name, state == HENB_CR_TRANSPORT_STATE_ACTIVE,
                               henb_cr_transport_state_to_string (state), henb_cr_transport_get_detail (transport));
        if (henb_cr_transport_get_last_accepted_time (transport) > last_time) {
            last_time = henb_cr_transport_get_last_accepted_time (transport);
            last_name = name;
        }
        if (g_str_equal (name, "udp")) {
            g_free (mapped);
            mapped = dup_string_property (transport, "mapped-address");
            g_free (stun);
            stun = dup_string_property (transport, "stun-server");
            nat = get_boolean_property (transport, "nat-detected");
        } else if (g_str_equal (name, "xmpp")) {
            xmpp_state = henb_cr_transport_state_to_string (state);
            g_free (jid);
            jid = dup_string_property (transport, "jabber-id");
            g_free (xmpp_server);
            xmpp_server = dup_string_property (transport, "server");
        }
    }
    henb_gdbus_connection_request_set_transports (skeleton, g_variant_builder_end (&list));
    henb_gdbus_connection_request_set_nat_detected (skeleton, nat);
    henb_gdbus_connection_request_set_udp_connection_request_address (skeleton, mapped);
    henb_gdbus_connection_request_set_stun_server (skeleton, stun);
    henb_gdbus_connection_request_set_xmpp_state (skeleton, xmpp_state);
    henb_gdbus_connection_request_set_xmpp_jabber_id (skeleton, jid);
    henb_gdbus_connection_request_set_xmpp_server (skeleton, xmpp_server);
    henb_gdbus_connection_request_set_last_request (skeleton, g_variant_new ("(sx)", last_name, last_time));
    g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (skeleton));
}
