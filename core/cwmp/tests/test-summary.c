/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a session says the HeMS did: the parameters a SetParameterValues set, the faults henbd
 * returned (with their per-parameter codes), and a text that stays short however much a
 * hostile HeMS sends.
 */
#include "config.h"

#include <string.h>

#include "henb-cwmp-summary.h"

static HenbCwmpMessage *
spv_new (const gchar *first_name, ...)
{
    HenbCwmpMessage *msg = henb_cwmp_message_new (HENB_CWMP_METHOD_SET_PARAMETER_VALUES, HENB_CWMP_VERSION_1_2);
    va_list args;

    msg->method_name = g_strdup ("SetParameterValues");
    va_start (args, first_name);
    for (const gchar *name = first_name; name != NULL; name = va_arg (args, const gchar *))
        henb_cwmp_message_add_param (msg, name, "x", HENB_CWMP_TYPE_STRING);
    va_end (args);
    return msg;
}

static HenbCwmpMessage *
reply_new (HenbCwmpMethod method)
{
    return henb_cwmp_message_new (method, HENB_CWMP_VERSION_1_2);
}

static void
test_nothing (void)
{
    g_autoptr(HenbCwmpSummary) summary = henb_cwmp_summary_new ();
    g_autofree gchar *text = henb_cwmp_summary_describe (summary);

    g_assert_cmpstr (text, ==, "no request; parameters set: none; faults returned: none");
}

/* the case of issue 10: the only request got a fault, and nothing was set */
static void
test_only_request_refused (void)
{
    g_autoptr(HenbCwmpSummary) summary = henb_cwmp_summary_new ();
    g_autoptr(HenbCwmpMessage) spv = spv_new ("Device.ManagementServer.URL", "Device.X.SecGWServer1", NULL);
    g_autoptr(HenbCwmpMessage) fault = reply_new (HENB_CWMP_METHOD_FAULT);
    g_autofree gchar *text = NULL;

    fault->fault = henb_cwmp_fault_new (9003, "Invalid arguments");
    henb_cwmp_fault_add_param (fault->fault, "Device.X.SecGWServer1", 9007, "not a host");
    henb_cwmp_summary_add (summary, spv, fault);
    text = henb_cwmp_summary_describe (summary);
    g_assert_cmpstr (text, ==, "1 request: SetParameterValues; parameters set: none; "
                               "faults returned: 9003 to SetParameterValues (9007 for Device.X.SecGWServer1)");
    g_assert_cmpuint (henb_cwmp_summary_get_fault_count (summary), ==, 1);
}

static void
test_set_and_read (void)
{
    g_autoptr(HenbCwmpSummary) summary = henb_cwmp_summary_new ();
    g_autoptr(HenbCwmpMessage) spv1 = spv_new ("Device.A", "Device.B", NULL);
    g_autoptr(HenbCwmpMessage) spv2 = spv_new ("Device.B", "Device.C", NULL);
    g_autoptr(HenbCwmpMessage) gpv = reply_new (HENB_CWMP_METHOD_GET_PARAMETER_VALUES);
    g_autoptr(HenbCwmpMessage) ok = reply_new (HENB_CWMP_METHOD_SET_PARAMETER_VALUES_RESPONSE);
    g_autoptr(HenbCwmpMessage) gpv_ok = reply_new (HENB_CWMP_METHOD_GET_PARAMETER_VALUES_RESPONSE);
    g_autoptr(HenbCwmpMessage) unreadable = reply_new (HENB_CWMP_METHOD_FAULT);
    g_autofree gchar *text = NULL;

    gpv->method_name = g_strdup ("GetParameterValues");
    unreadable->fault = henb_cwmp_fault_new (9003, "not XML");
    henb_cwmp_summary_add (summary, gpv, gpv_ok);
    henb_cwmp_summary_add (summary, spv1, ok);
    henb_cwmp_summary_add (summary, spv2, ok);
    henb_cwmp_summary_add (summary, NULL, unreadable);
    text = henb_cwmp_summary_describe (summary);
    /* each name once, in the order set */
    g_assert_cmpstr (text, ==, "4 requests: GetParameterValues, 2 SetParameterValues, an unreadable request; "
                               "parameters set: Device.A, Device.B, Device.C; "
                               "faults returned: 9003 to an unreadable request");
}

/* 1000 parameters, 1000 faults, names of 10 KiB: a few lines of text */
static void
test_bounded (void)
{
    g_autoptr(HenbCwmpSummary) summary = henb_cwmp_summary_new ();
    g_autoptr(HenbCwmpMessage) spv = henb_cwmp_message_new (HENB_CWMP_METHOD_SET_PARAMETER_VALUES,
                                                            HENB_CWMP_VERSION_1_2);
    g_autoptr(HenbCwmpMessage) ok = reply_new (HENB_CWMP_METHOD_SET_PARAMETER_VALUES_RESPONSE);
    g_autofree gchar *long_name = g_strnfill (10240, 'n');
    g_autofree gchar *text = NULL;

    spv->method_name = g_strdup ("SetParameterValues");
    for (guint i = 0; i < 1000; i++) {
        g_autofree gchar *name = g_strdup_printf ("Device.P%u", i);
        henb_cwmp_message_add_param (spv, name, "1", HENB_CWMP_TYPE_STRING);
    }
    henb_cwmp_summary_add (summary, spv, ok);
    for (guint i = 0; i < 1000; i++) {
        g_autoptr(HenbCwmpMessage) request = henb_cwmp_message_new (HENB_CWMP_METHOD_UNKNOWN, HENB_CWMP_VERSION_1_2);
        g_autoptr(HenbCwmpMessage) fault = reply_new (HENB_CWMP_METHOD_FAULT);

        request->method_name = g_strdup_printf ("X_%u_%s", i, long_name);
        fault->fault = henb_cwmp_fault_new (9000, "Method not supported");
        for (guint j = 0; j < 10; j++)
            henb_cwmp_fault_add_param (fault->fault, long_name, 9005, "no");
        henb_cwmp_summary_add (summary, request, fault);
    }
    text = henb_cwmp_summary_describe (summary);
    g_assert_cmpuint (henb_cwmp_summary_get_request_count (summary), ==, 1001);
    g_assert_cmpuint (henb_cwmp_summary_get_fault_count (summary), ==, 1000);
    g_assert_nonnull (strstr (text, "1001 requests: SetParameterValues, X_0_nnn"));
    g_assert_nonnull (strstr (text, " and 993 of other methods;"));
    g_assert_nonnull (strstr (text, "Device.P7 and 992 more;"));
    g_assert_nonnull (strstr (text, "9000 to X_7_"));
    g_assert_nonnull (strstr (text, " and 6 more)"));
    g_assert_true (g_str_has_suffix (text, " and 992 more"));
    g_assert_null (strstr (text, "Device.P8"));
    g_assert_cmpuint (strlen (text), <, 16384);
    g_assert_true (g_utf8_validate (text, -1, NULL));
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/cwmp/summary/nothing", test_nothing);
    g_test_add_func ("/cwmp/summary/only-request-refused", test_only_request_refused);
    g_test_add_func ("/cwmp/summary/set-and-read", test_set_and_read);
    g_test_add_func ("/cwmp/summary/bounded", test_bounded);
    return g_test_run ();
}
