/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-xmpp-jid.h"

/* TR-181 ManagementServer.ConnReqAllowedJabberIDs, its own example */
static void
test_tr181_example (void)
{
    const gchar *const list[] = { "ACS1@tr069.example.com", "ACS2@tr069.example.com/resource1" };
    const gchar *const allowed[] = {
        "ACS1@tr069.example.com/resource1", "ACS1@tr069.example.com/resource2", "ACS2@tr069.example.com/resource1",
    };
    const gchar *const refused[] = { "ACS2@tr069.example.com/resource2", "ACS@tr069.example.com/resource" };

    for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
        g_assert_true (henb_xmpp_jid_allowed (list[0], allowed[i]) || henb_xmpp_jid_allowed (list[1], allowed[i]));
    for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
        g_assert_false (henb_xmpp_jid_allowed (list[0], refused[i]) || henb_xmpp_jid_allowed (list[1], refused[i]));
}

static void
test_parts (void)
{
    /* the domain without case, the local part and resource exactly */
    g_assert_true (henb_xmpp_jid_allowed ("acs@Example.COM", "acs@example.com/x"));
    g_assert_false (henb_xmpp_jid_allowed ("acs@example.com", "ACS@example.com/x"));
    g_assert_false (henb_xmpp_jid_allowed ("acs@example.com/R", "acs@example.com/r"));
    /* a prefix is no match, either way */
    g_assert_false (henb_xmpp_jid_allowed ("acs@example.com", "acs@example.com.evil/x"));
    g_assert_false (henb_xmpp_jid_allowed ("acs@example.com", "acs2@example.com/x"));
    g_assert_false (henb_xmpp_jid_allowed ("cs@example.com", "acs@example.com"));
    /* a domain entry matches the domain itself, not its users */
    g_assert_true (henb_xmpp_jid_allowed ("example.com", "example.com"));
    g_assert_false (henb_xmpp_jid_allowed ("example.com", "acs@example.com/x"));
    g_assert_false (henb_xmpp_jid_allowed ("acs@example.com", "example.com"));
    /* what is no JID matches nothing */
    g_assert_false (henb_xmpp_jid_allowed ("", ""));
    g_assert_false (henb_xmpp_jid_allowed ("acs@example.com", ""));
    g_assert_false (henb_xmpp_jid_allowed ("@example.com", "@example.com/x"));
    g_assert_false (henb_xmpp_jid_allowed ("acs@", "acs@/x"));
    g_assert_false (henb_xmpp_jid_allowed ("acs@example.com/", "acs@example.com/"));
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/xmpp-jid/tr181-example", test_tr181_example);
    g_test_add_func ("/xmpp-jid/parts", test_parts);
    return g_test_run ();
}
