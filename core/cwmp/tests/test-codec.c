/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "henb-errors.h"
#include "henb-cwmp-codec.h"

static gchar *
read_data (const gchar *name, gsize *len)
{
    g_autofree gchar *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
    gchar *contents = NULL;
    g_autoptr(GError) error = NULL;

    g_file_get_contents (path, &contents, len, &error);
    g_assert_no_error (error);
    return contents;
}

static HenbCwmpMessage *
parse_data (const gchar *name, gchar **argument_error, GError **error)
{
    gsize len;
    g_autofree gchar *data = read_data (name, &len);

    return henb_cwmp_parse (data, len, 0, argument_error, error);
}

static HenbCwmpMessage *
sample_inform (void)
{
    HenbCwmpMessage *msg = henb_cwmp_message_new (HENB_CWMP_METHOD_INFORM, HENB_CWMP_VERSION_1_2);

    henb_cwmp_message_set_id (msg, "henb-1");
    msg->device_id.manufacturer = g_strdup ("Example & Sons");
    msg->device_id.oui = g_strdup ("00005A");
    msg->device_id.product_class = g_strdup ("HeNB");
    msg->device_id.serial_number = g_strdup ("SN<0001>");
    henb_cwmp_message_add_event (msg, "0 BOOTSTRAP", NULL);
    henb_cwmp_message_add_event (msg, "1 BOOT", "");
    msg->max_envelopes = 1;
    msg->current_time = g_strdup ("2026-11-27T10:00:00Z");
    msg->retry_count = 0;
    henb_cwmp_message_add_param (msg, "Device.RootDataModelVersion", "2.17", HENB_CWMP_TYPE_STRING);
    henb_cwmp_message_add_param (msg, "Device.ManagementServer.ParameterKey", "", HENB_CWMP_TYPE_STRING);
    henb_cwmp_message_add_param (msg, "Device.Services.FAPService.1.FAPControl.LTE.OpState", "false",
                                 HENB_CWMP_TYPE_BOOLEAN);
    return msg;
}

/* HENB_UPDATE_GOLDEN=1 rewrites the golden files in the source tree; review the diff. */
static void
assert_golden (GBytes *bytes, const gchar *name)
{
    gsize len;
    g_autofree gchar *golden = NULL;
    g_autofree gchar *got = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

    if (g_getenv ("HENB_UPDATE_GOLDEN") != NULL) {
        g_autofree gchar *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
        g_autoptr(GError) error = NULL;

        g_file_set_contents (path, got, -1, &error);
        g_assert_no_error (error);
    }
    golden = read_data (name, &len);
    g_assert_cmpstr (got, ==, golden);
}

static void
test_inform_golden (void)
{
    g_autoptr(HenbCwmpMessage) msg = sample_inform ();
    g_autoptr(GBytes) bytes = henb_cwmp_serialize (msg);

    assert_golden (bytes, "inform-1-2.xml");
}

static void
test_inform_round_trip (void)
{
    g_autoptr(HenbCwmpMessage) msg = sample_inform ();
    g_autoptr(GBytes) bytes = henb_cwmp_serialize (msg);
    g_autoptr(HenbCwmpMessage) back = NULL;
    g_autofree gchar *argument_error = NULL;
    g_autoptr(GError) error = NULL;
    const HenbCwmpParamValue *pv;

    back = henb_cwmp_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), 0,
                            &argument_error, &error);
    g_assert_no_error (error);
    g_assert_null (argument_error);
    g_assert_cmpint (back->method, ==, HENB_CWMP_METHOD_INFORM);
    g_assert_cmpint (back->version, ==, HENB_CWMP_VERSION_1_2);
    g_assert_cmpstr (back->id, ==, "henb-1");
    g_assert_cmpstr (back->device_id.manufacturer, ==, "Example & Sons");
    g_assert_cmpstr (back->device_id.serial_number, ==, "SN<0001>");
    g_assert_cmpuint (back->events->len, ==, 2);
    g_assert_cmpstr (((HenbCwmpEvent *) back->events->pdata[0])->code, ==, "0 BOOTSTRAP");
    g_assert_cmpstr (((HenbCwmpEvent *) back->events->pdata[1])->code, ==, "1 BOOT");
    g_assert_cmpuint (back->max_envelopes, ==, 1);
    g_assert_cmpstr (back->current_time, ==, "2026-11-27T10:00:00Z");
    g_assert_cmpuint (back->params->len, ==, 3);
    pv = henb_cwmp_message_find_param (back, "Device.Services.FAPService.1.FAPControl.LTE.OpState");
    g_assert_nonnull (pv);
    g_assert_cmpint (pv->type, ==, HENB_CWMP_TYPE_BOOLEAN);
    g_assert_cmpstr (pv->value, ==, "false");
}

static void
test_spv_round_trip_each_version (void)
{
    for (HenbCwmpVersion v = HENB_CWMP_VERSION_1_0; v <= HENB_CWMP_VERSION_LAST; v++) {
        g_autoptr(HenbCwmpMessage) msg = henb_cwmp_message_new (HENB_CWMP_METHOD_SET_PARAMETER_VALUES, v);
        g_autoptr(HenbCwmpMessage) back = NULL;
        g_autoptr(GBytes) bytes = NULL;
        g_autoptr(GError) error = NULL;

        henb_cwmp_message_set_id (msg, "acs-7");
        henb_cwmp_message_add_param (msg, "Device.ManagementServer.URL", "https://serving.example:7547/acs",
                                     HENB_CWMP_TYPE_STRING);
        henb_cwmp_message_add_param (msg, "Device.Services.FAPService.1.FAPControl.LTE.Gateway.S1SigLinkPort",
                                     "36412", HENB_CWMP_TYPE_UNSIGNED_INT);
        msg->parameter_key = g_strdup ("key-1");
        bytes = henb_cwmp_serialize (msg);
        back = henb_cwmp_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), 0, NULL, &error);
        g_assert_no_error (error);
        g_assert_cmpint (back->version, ==, v);
        g_assert_cmpint (back->method, ==, HENB_CWMP_METHOD_SET_PARAMETER_VALUES);
        g_assert_cmpstr (back->parameter_key, ==, "key-1");
        g_assert_cmpuint (back->params->len, ==, 2);
        g_assert_cmpint (((HenbCwmpParamValue *) back->params->pdata[1])->type, ==, HENB_CWMP_TYPE_UNSIGNED_INT);
    }
}

static void
test_fault_golden_and_round_trip (void)
{
    g_autoptr(HenbCwmpMessage) request = henb_cwmp_message_new (HENB_CWMP_METHOD_SET_PARAMETER_VALUES,
                                                                HENB_CWMP_VERSION_1_0);
    g_autoptr(HenbCwmpMessage) msg = NULL;
    g_autoptr(HenbCwmpMessage) back = NULL;
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) error = NULL;
    HenbCwmpFault *fault = henb_cwmp_fault_new (HENB_CWMP_FAULT_INVALID_ARGUMENTS, NULL);
    const HenbCwmpParamFault *pf;

    henb_cwmp_message_set_id (request, "42");
    henb_cwmp_fault_add_param (fault, "Device.Nope", HENB_CWMP_FAULT_INVALID_PARAMETER_NAME, NULL);
    henb_cwmp_fault_add_param (fault, "Device.DeviceInfo.SerialNumber",
                               HENB_CWMP_FAULT_NON_WRITABLE_PARAMETER, NULL);
    msg = henb_cwmp_message_new_fault_reply (request, fault);
    bytes = henb_cwmp_serialize (msg);
    assert_golden (bytes, "fault-1-0.xml");

    back = henb_cwmp_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), 0, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (back->method, ==, HENB_CWMP_METHOD_FAULT);
    g_assert_cmpint (back->version, ==, HENB_CWMP_VERSION_1_0);
    g_assert_cmpstr (back->id, ==, "42");
    g_assert_cmpstr (back->fault->soap_code, ==, "Client");
    g_assert_cmpuint (back->fault->code, ==, 9003);
    g_assert_cmpuint (back->fault->param_faults->len, ==, 2);
    pf = g_ptr_array_index (back->fault->param_faults, 1);
    g_assert_cmpstr (pf->name, ==, "Device.DeviceInfo.SerialNumber");
    g_assert_cmpuint (pf->code, ==, 9008);
}

static void
test_parse_hems_spv (void)
{
    g_autoptr(GError) error = NULL;
    g_autofree gchar *argument_error = NULL;
    g_autoptr(HenbCwmpMessage) msg = parse_data ("spv-1-0.xml", &argument_error, &error);
    const HenbCwmpParamValue *pv;

    g_assert_no_error (error);
    g_assert_null (argument_error);
    g_assert_cmpint (msg->version, ==, HENB_CWMP_VERSION_1_0);
    g_assert_cmpint (msg->method, ==, HENB_CWMP_METHOD_SET_PARAMETER_VALUES);
    g_assert_cmpstr (msg->id, ==, "ACS-1001");
    g_assert_cmpstr (msg->parameter_key, ==, "bootstrap-1");
    g_assert_cmpuint (msg->params->len, ==, 3);
    pv = henb_cwmp_message_find_param (msg, "Device.ManagementServer.URL");
    g_assert_nonnull (pv);
    g_assert_cmpstr (pv->value, ==, "https://serving.operator.test:7548/cwmp");
    g_assert_cmpint (pv->type, ==, HENB_CWMP_TYPE_STRING);
    /* a HeMS that binds the xsd prefix under another name */
    pv = henb_cwmp_message_find_param (msg, "Device.Services.FAPService.1.FAPControl.LTE.Gateway.S1SigLinkPort");
    g_assert_cmpint (pv->type, ==, HENB_CWMP_TYPE_UNSIGNED_INT);
    pv = henb_cwmp_message_find_param (msg, "Device.Services.FAPService.1.FAPControl.LTE.Gateway.SecGWServer1");
    g_assert_cmpint (pv->type, ==, HENB_CWMP_TYPE_NONE);
}

static void
test_parse_gpn_and_unknown (void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbCwmpMessage) gpn = parse_data ("gpn-1-2.xml", NULL, &error);
    g_autoptr(HenbCwmpMessage) unknown = NULL;

    g_assert_no_error (error);
    g_assert_cmpint (gpn->method, ==, HENB_CWMP_METHOD_GET_PARAMETER_NAMES);
    g_assert_cmpstr (gpn->parameter_path, ==, "Device.ManagementServer.");
    g_assert_true (gpn->next_level);

    unknown = parse_data ("unknown-rpc.xml", NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (unknown->method, ==, HENB_CWMP_METHOD_UNKNOWN);
    g_assert_cmpstr (unknown->method_name, ==, "X_Vendor_Frobnicate");
    g_assert_cmpstr (unknown->id, ==, "u1");
}

/* Tolerant input: ParameterKey left out is "" and a tolerance of the message, not an error;
 * the session refuses it under Strict. */
static void
test_parse_missing_parameter_key (void)
{
    g_autoptr(GError) error = NULL;
    g_autofree gchar *argument_error = NULL;
    g_autoptr(HenbCwmpMessage) msg = parse_data ("spv-missing-key.xml", &argument_error, &error);
    static const gchar *const objects[] = { "AddObject", "DeleteObject" };

    g_assert_no_error (error);
    g_assert_nonnull (msg);
    g_assert_null (argument_error);
    g_assert_cmpstr (msg->parameter_key, ==, "");
    g_assert_cmpuint (msg->tolerated, ==, HENB_CWMP_TOLERANCE_NO_PARAMETER_KEY);

    for (guint i = 0; i < G_N_ELEMENTS (objects); i++) {
        g_autofree gchar *envelope = g_strdup_printf (
            "<s:Envelope xmlns:s=\"" HENB_SOAP_ENV_NS "\" xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\">"
            "<s:Body><cwmp:%s><ObjectName>Device.ManagementServer.InformParameter.</ObjectName></cwmp:%s>"
            "</s:Body></s:Envelope>", objects[i], objects[i]);
        g_autofree gchar *arg_error = NULL;
        g_autoptr(HenbCwmpMessage) obj = henb_cwmp_parse (envelope, strlen (envelope), 0, &arg_error, &error);

        g_assert_no_error (error);
        g_assert_null (arg_error);
        g_assert_cmpstr (obj->parameter_key, ==, "");
        g_assert_cmpuint (obj->tolerated, ==, HENB_CWMP_TOLERANCE_NO_PARAMETER_KEY);
    }
}

/* A present ParameterKey is no tolerance; an empty one neither. */
static void
test_parse_parameter_key_present (void)
{
    static const gchar envelope[] =
        "<s:Envelope xmlns:s=\"" HENB_SOAP_ENV_NS "\" xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\">"
        "<s:Body><cwmp:AddObject><ObjectName>Device.ManagementServer.InformParameter.</ObjectName>"
        "<ParameterKey></ParameterKey></cwmp:AddObject></s:Body></s:Envelope>";
    g_autoptr(GError) error = NULL;
    g_autofree gchar *argument_error = NULL;
    g_autoptr(HenbCwmpMessage) msg = henb_cwmp_parse (envelope, sizeof envelope - 1, 0, &argument_error, &error);

    g_assert_no_error (error);
    g_assert_null (argument_error);
    g_assert_cmpstr (msg->parameter_key, ==, "");
    g_assert_cmpuint (msg->tolerated, ==, 0);
}

/* Booleans: true/false/1/0 as the schema says; True, FALSE... tolerated; anything else not. */
static void
test_parse_boolean_case (void)
{
    static const struct {
        const gchar *text;
        gboolean     ok, value, tolerated;
    } cases[] = {
        { "true", TRUE, TRUE, FALSE },   { "1", TRUE, TRUE, FALSE },     { "false", TRUE, FALSE, FALSE },
        { " 0 ", TRUE, FALSE, FALSE },   { "True", TRUE, TRUE, TRUE },   { "FALSE", TRUE, FALSE, TRUE },
        { "tRuE", TRUE, TRUE, TRUE },    { "yes", FALSE, FALSE, FALSE }, { "T", FALSE, FALSE, FALSE },
        { "truex", FALSE, FALSE, FALSE }, { "", FALSE, FALSE, FALSE },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        gboolean value = !cases[i].value, tolerated = !cases[i].tolerated;

        g_assert_cmpint (henb_cwmp_parse_boolean (cases[i].text, &value, &tolerated), ==, cases[i].ok);
        if (cases[i].ok) {
            g_assert_cmpint (value, ==, cases[i].value);
            g_assert_cmpint (tolerated, ==, cases[i].tolerated);
        }
    }
    {
        static const gchar envelope[] =
            "<s:Envelope xmlns:s=\"" HENB_SOAP_ENV_NS "\" xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\">"
            "<s:Body><cwmp:GetParameterNames><ParameterPath>Device.</ParameterPath>"
            "<NextLevel>True</NextLevel></cwmp:GetParameterNames></s:Body></s:Envelope>";
        g_autoptr(GError) error = NULL;
        g_autofree gchar *argument_error = NULL;
        g_autoptr(HenbCwmpMessage) msg = henb_cwmp_parse (envelope, sizeof envelope - 1, 0, &argument_error, &error);

        g_assert_no_error (error);
        g_assert_null (argument_error);
        g_assert_true (msg->next_level);
        g_assert_cmpuint (msg->tolerated, ==, HENB_CWMP_TOLERANCE_BOOLEAN_CASE);
    }
}

/* A SOAP Fault without CWMP detail (as SOAP stacks send "unknown endpoint") keeps its SOAP
 * faultcode and faultstring, code 0. */
static void
test_parse_soap_only_fault (void)
{
    static const gchar envelope[] =
        "<soap:Envelope xmlns:soap=\"" HENB_SOAP_ENV_NS "\"><soap:Body><soap:Fault>"
        "<faultcode>soap:Client.ResourceNotFound</faultcode>"
        "<faultstring>Endpoint {urn:dslforum-org:cwmp-1-2}Inform not found</faultstring>"
        "</soap:Fault></soap:Body></soap:Envelope>";
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbCwmpMessage) msg = henb_cwmp_parse (envelope, sizeof envelope - 1, 0, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpint (msg->method, ==, HENB_CWMP_METHOD_FAULT);
    g_assert_cmpuint (msg->fault->code, ==, 0);
    g_assert_cmpstr (msg->fault->soap_code, ==, "soap:Client.ResourceNotFound");
    g_assert_cmpstr (msg->fault->soap_string, ==, "Endpoint {urn:dslforum-org:cwmp-1-2}Inform not found");
}

static void
assert_refused (const gchar *name, gint code, const gchar *fragment)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbCwmpMessage) msg = parse_data (name, NULL, &error);

    g_assert_null (msg);
    g_assert_error (error, HENB_CWMP_ERROR, code);
    if (strstr (error->message, fragment) == NULL)
        g_error ("%s: '%s' does not mention '%s'", name, error->message, fragment);
}

static void
test_hostile_input (void)
{
    assert_refused ("billion-laughs.xml", HENB_CWMP_ERROR_MALFORMED, "document type");
    assert_refused ("external-entity.xml", HENB_CWMP_ERROR_MALFORMED, "document type");
    assert_refused ("truncated.xml", HENB_CWMP_ERROR_MALFORMED, "not well-formed");
    assert_refused ("not-soap.xml", HENB_CWMP_ERROR_MALFORMED, "not a SOAP 1.1 Envelope");
    assert_refused ("two-bodies.xml", HENB_CWMP_ERROR_MALFORMED, "more than one message");
    assert_refused ("wrong-namespace.xml", HENB_CWMP_ERROR_UNSUPPORTED_VERSION, "cwmp-2-0");
}

/* Found by fuzz-cwmp: libxml2 wrote "encoding error" lines to stderr for bytes the declared
 * encoding cannot convert. Refused like any malformed envelope, and quietly. */
static void
test_undecodable_bytes (void)
{
    static const gchar envelope[] = "<?xml version=\"1.0\" encoding=\"ISO-2022-JP\"?>\n"
                                    "<soap:Envelope xmlns:soap=\"" HENB_SOAP_ENV_NS "\">\xff\xff\xff\xff";

    if (g_test_subprocess ()) {
        g_autoptr(GError) error = NULL;
        g_autoptr(HenbCwmpMessage) msg = henb_cwmp_parse (envelope, sizeof envelope - 1, 0, NULL, &error);

        g_assert_null (msg);
        g_assert_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_MALFORMED);
        return;
    }
    g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed ();
    g_test_trap_assert_stderr ("");
}

static void
test_deep_nesting_and_size (void)
{
    g_autoptr(GString) deep = g_string_new ("<soap:Envelope xmlns:soap=\"" HENB_SOAP_ENV_NS "\"><soap:Body>");
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbCwmpMessage) msg = NULL;
    g_autofree gchar *big = NULL;

    for (guint i = 0; i < 200; i++)
        g_string_append (deep, "<a>");
    for (guint i = 0; i < 200; i++)
        g_string_append (deep, "</a>");
    g_string_append (deep, "</soap:Body></soap:Envelope>");
    msg = henb_cwmp_parse (deep->str, deep->len, 0, NULL, &error);
    g_assert_null (msg);
    g_assert_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_MALFORMED);
    g_clear_error (&error);

    big = g_strnfill (HENB_CWMP_MAX_ENVELOPE_SIZE + 1, ' ');
    msg = henb_cwmp_parse (big, strlen (big), 0, NULL, &error);
    g_assert_null (msg);
    g_assert_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_TOO_LARGE);
}


static HenbCwmpMessage *
round_trip (const HenbCwmpMessage *msg)
{
    g_autoptr(GBytes) bytes = henb_cwmp_serialize (msg);
    g_autofree gchar *argument_error = NULL;
    g_autoptr(GError) error = NULL;
    HenbCwmpMessage *back = henb_cwmp_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), 0,
                                             &argument_error, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (argument_error, ==, NULL);
    g_assert_cmpint (back->method, ==, msg->method);
    g_assert_cmpstr (back->method_name, ==, henb_cwmp_method_to_string (msg->method));
    return back;
}

static void
test_attributes_round_trip (void)
{
    g_autoptr(HenbCwmpMessage) spa = henb_cwmp_message_new (HENB_CWMP_METHOD_SET_PARAMETER_ATTRIBUTES,
                                                            HENB_CWMP_VERSION_1_0);
    g_autoptr(HenbCwmpMessage) gpar = henb_cwmp_message_new (HENB_CWMP_METHOD_GET_PARAMETER_ATTRIBUTES_RESPONSE,
                                                             HENB_CWMP_VERSION_1_2);
    g_autoptr(HenbCwmpMessage) back = NULL;
    HenbCwmpParamAttr *pa;

    pa = henb_cwmp_message_add_attr (spa, "Device.ManagementServer.PeriodicInformInterval", 2);
    pa->notification_change = TRUE;
    pa->access_list_change = TRUE;
    g_ptr_array_add (pa->access_list, g_strdup ("Subscriber"));
    pa = henb_cwmp_message_add_attr (spa, "Device.DeviceInfo.", 1);
    back = round_trip (spa);
    g_assert_cmpuint (back->attrs->len, ==, 2);
    pa = back->attrs->pdata[0];
    g_assert_cmpstr (pa->name, ==, "Device.ManagementServer.PeriodicInformInterval");
    g_assert_true (pa->notification_change);
    g_assert_cmpint (pa->notification, ==, 2);
    g_assert_true (pa->access_list_change);
    g_assert_cmpuint (pa->access_list->len, ==, 1);
    g_assert_cmpstr (pa->access_list->pdata[0], ==, "Subscriber");
    pa = back->attrs->pdata[1];
    g_assert_false (pa->notification_change);
    g_assert_cmpuint (pa->access_list->len, ==, 0);

    henb_cwmp_message_add_attr (gpar, "Device.ManagementServer.URL", 1);
    g_clear_pointer (&back, henb_cwmp_message_free);
    back = round_trip (gpar);
    g_assert_cmpuint (back->attrs->len, ==, 1);
    g_assert_cmpint (((HenbCwmpParamAttr *) back->attrs->pdata[0])->notification, ==, 1);
}

static void
test_object_and_control_round_trip (void)
{
    g_autoptr(HenbCwmpMessage) add = henb_cwmp_message_new (HENB_CWMP_METHOD_ADD_OBJECT, HENB_CWMP_VERSION_1_2);
    g_autoptr(HenbCwmpMessage) addr = henb_cwmp_message_new (HENB_CWMP_METHOD_ADD_OBJECT_RESPONSE, HENB_CWMP_VERSION_1_2);
    g_autoptr(HenbCwmpMessage) reboot = henb_cwmp_message_new (HENB_CWMP_METHOD_REBOOT, HENB_CWMP_VERSION_1_1);
    g_autoptr(HenbCwmpMessage) sched = henb_cwmp_message_new (HENB_CWMP_METHOD_SCHEDULE_INFORM, HENB_CWMP_VERSION_1_2);
    g_autoptr(HenbCwmpMessage) reset = henb_cwmp_message_new (HENB_CWMP_METHOD_FACTORY_RESET, HENB_CWMP_VERSION_1_2);
    g_autoptr(HenbCwmpMessage) back = NULL;

    add->object_name = g_strdup ("Device.ManagementServer.InformParameter.");
    add->parameter_key = g_strdup ("k1");
    back = round_trip (add);
    g_assert_cmpstr (back->object_name, ==, "Device.ManagementServer.InformParameter.");
    g_assert_cmpstr (back->parameter_key, ==, "k1");
    g_clear_pointer (&back, henb_cwmp_message_free);

    addr->instance_number = 3;
    addr->status = 0;
    back = round_trip (addr);
    g_assert_cmpuint (back->instance_number, ==, 3);
    g_clear_pointer (&back, henb_cwmp_message_free);

    reboot->command_key = g_strdup ("reboot-7");
    back = round_trip (reboot);
    g_assert_cmpstr (back->command_key, ==, "reboot-7");
    g_assert_cmpint (back->version, ==, HENB_CWMP_VERSION_1_1);
    g_clear_pointer (&back, henb_cwmp_message_free);

    sched->delay_seconds = 30;
    sched->command_key = g_strdup ("later");
    back = round_trip (sched);
    g_assert_cmpuint (back->delay_seconds, ==, 30);
    g_assert_cmpstr (back->command_key, ==, "later");
    g_clear_pointer (&back, henb_cwmp_message_free);

    back = round_trip (reset);
    g_clear_pointer (&back, henb_cwmp_message_free);
}

static void
test_transfer_round_trip (void)
{
    g_autoptr(HenbCwmpMessage) dl = henb_cwmp_message_new (HENB_CWMP_METHOD_DOWNLOAD, HENB_CWMP_VERSION_1_2);
    g_autoptr(HenbCwmpMessage) dlr = henb_cwmp_message_new (HENB_CWMP_METHOD_DOWNLOAD_RESPONSE, HENB_CWMP_VERSION_1_2);
    g_autoptr(HenbCwmpMessage) tc = henb_cwmp_message_new (HENB_CWMP_METHOD_TRANSFER_COMPLETE, HENB_CWMP_VERSION_1_2);
    g_autoptr(HenbCwmpMessage) back = NULL;

    dl->command_key = g_strdup ("dl-1");
    dl->download.file_type = g_strdup ("1 Firmware Upgrade Image");
    dl->download.url = g_strdup ("https://files.example/fw.bin");
    dl->download.username = g_strdup ("u");
    dl->download.password = g_strdup ("p&w");
    dl->download.file_size = 4096;
    dl->download.target_file_name = g_strdup ("fw.bin");
    dl->download.delay_seconds = 5;
    dl->download.success_url = g_strdup ("");
    dl->download.failure_url = g_strdup ("");
    back = round_trip (dl);
    g_assert_cmpstr (back->download.file_type, ==, "1 Firmware Upgrade Image");
    g_assert_cmpstr (back->download.url, ==, "https://files.example/fw.bin");
    g_assert_cmpstr (back->download.password, ==, "p&w");
    g_assert_cmpuint (back->download.file_size, ==, 4096);
    g_assert_cmpuint (back->download.delay_seconds, ==, 5);
    g_clear_pointer (&back, henb_cwmp_message_free);

    dlr->status = 1;
    back = round_trip (dlr);
    g_assert_cmpuint (back->status, ==, 1);
    g_assert_cmpstr (back->start_time, ==, HENB_CWMP_UNKNOWN_TIME);
    g_clear_pointer (&back, henb_cwmp_message_free);

    tc->command_key = g_strdup ("dl-1");
    tc->transfer_fault_code = 9018;
    tc->transfer_fault_string = g_strdup ("file corrupted");
    tc->start_time = g_strdup ("2026-11-27T10:00:00Z");
    tc->complete_time = g_strdup ("2026-11-27T10:00:05Z");
    tc->supported_versions = g_strdup ("1.0,1.1,1.2,1.3,1.4");
    back = round_trip (tc);
    g_assert_cmpuint (back->transfer_fault_code, ==, 9018);
    g_assert_cmpstr (back->transfer_fault_string, ==, "file corrupted");
    g_assert_cmpstr (back->complete_time, ==, "2026-11-27T10:00:05Z");
    g_assert_cmpstr (back->supported_versions, ==, "1.0,1.1,1.2,1.3,1.4");
}

static void
test_download_argument_errors (void)
{
    const gchar *envelope =
        "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" "
        "xmlns:cwmp=\"urn:dslforum-org:cwmp-1-0\"><soap:Header><cwmp:ID soap:mustUnderstand=\"1\">x</cwmp:ID>"
        "<cwmp:UseCWMPVersion soap:mustUnderstand=\"1\">1.0</cwmp:UseCWMPVersion></soap:Header>"
        "<soap:Body><cwmp:Download><CommandKey>k</CommandKey><FileType>1 Firmware Upgrade Image</FileType>"
        "<URL>http://x/y</URL><FileSize>big</FileSize></cwmp:Download></soap:Body></soap:Envelope>";
    g_autofree gchar *argument_error = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbCwmpMessage) msg = henb_cwmp_parse (envelope, strlen (envelope), 0, &argument_error, &error);

    g_assert_no_error (error);
    g_assert_cmpint (msg->method, ==, HENB_CWMP_METHOD_DOWNLOAD);
    g_assert_cmpstr (msg->use_version, ==, "1.0");
    /* the first problem is reported, for a 9003 */
    g_assert_cmpstr (argument_error, ==, "Username is missing");
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/cwmp/codec/inform/golden", test_inform_golden);
    g_test_add_func ("/cwmp/codec/inform/round-trip", test_inform_round_trip);
    g_test_add_func ("/cwmp/codec/spv/round-trip-each-version", test_spv_round_trip_each_version);
    g_test_add_func ("/cwmp/codec/fault/golden-round-trip", test_fault_golden_and_round_trip);
    g_test_add_func ("/cwmp/codec/parse/spv-1-0", test_parse_hems_spv);
    g_test_add_func ("/cwmp/codec/parse/gpn-unknown", test_parse_gpn_and_unknown);
    g_test_add_func ("/cwmp/codec/tolerance/missing-parameter-key", test_parse_missing_parameter_key);
    g_test_add_func ("/cwmp/codec/tolerance/parameter-key-present", test_parse_parameter_key_present);
    g_test_add_func ("/cwmp/codec/tolerance/boolean-case", test_parse_boolean_case);
    g_test_add_func ("/cwmp/codec/parse/soap-only-fault", test_parse_soap_only_fault);
    g_test_add_func ("/cwmp/codec/parse/hostile", test_hostile_input);
    g_test_add_func ("/cwmp/codec/parse/undecodable-bytes", test_undecodable_bytes);
    g_test_add_func ("/cwmp/codec/parse/deep-and-big", test_deep_nesting_and_size);
    g_test_add_func ("/cwmp/codec/attributes/round-trip", test_attributes_round_trip);
    g_test_add_func ("/cwmp/codec/object-control/round-trip", test_object_and_control_round_trip);
    g_test_add_func ("/cwmp/codec/transfer/round-trip", test_transfer_round_trip);
    g_test_add_func ("/cwmp/codec/download/argument-errors", test_download_argument_errors);
    return g_test_run ();
}
