/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "henb-errors.h"
#include "henb-cwmp-codec.h"
#include "henb-cwmp-rpc.h"
#include "henb-datamodel.h"

#define OUI "00005A"
#define GW  "Device.Services.FAPService.1.FAPControl.LTE.Gateway."

static GPtrArray *
params_new (void)
{
    return g_ptr_array_new_with_free_func ((GDestroyNotify) henb_cwmp_param_value_free);
}

static void
param_info_free (HenbCwmpParamInfo *pi)
{
    g_free (pi->name);
    g_free (pi);
}

/* GetParameterNames results: each HenbCwmpParamInfo owns its name */
static GPtrArray *
param_infos_new (void)
{
    return g_ptr_array_new_with_free_func ((GDestroyNotify) param_info_free);
}

static void
add (GPtrArray *params, const gchar *name, const gchar *value, HenbCwmpType type)
{
    HenbCwmpParamValue *pv = g_new0 (HenbCwmpParamValue, 1);

    pv->name = g_strdup (name);
    pv->value = g_strdup (value);
    pv->type = type;
    g_ptr_array_add (params, pv);
}

static guint
param_fault_code (const HenbCwmpFault *fault, const gchar *name)
{
    for (guint i = 0; i < fault->param_faults->len; i++) {
        const HenbCwmpParamFault *pf = g_ptr_array_index (fault->param_faults, i);
        if (g_strcmp0 (pf->name, name) == 0)
            return pf->code;
    }
    return 0;
}

static void
assert_value (HenbDataModel *dm, const gchar *name, const gchar *expected)
{
    g_autofree gchar *value = henb_data_model_get (dm, name);

    g_assert_cmpstr (value, ==, expected);
}

static void
test_spv_applies_and_sets_key (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(GPtrArray) params = params_new ();
    g_autoptr(HenbCwmpFault) fault = NULL;
    guint status = 99;

    add (params, "Device.ManagementServer.URL", "https://serving.example:7548/acs", HENB_CWMP_TYPE_STRING);
    add (params, GW "SecGWServer1", "segw.example", HENB_CWMP_TYPE_STRING);
    add (params, GW "S1SigLinkServerList", " 10.0.0.1 , mme.example ", HENB_CWMP_TYPE_STRING);
    add (params, GW "X_" OUI "_S1IPsecUsed", "0", HENB_CWMP_TYPE_BOOLEAN);
    g_assert_true (henb_data_model_set_parameter_values (dm, params, "key-1", &status, &fault));
    g_assert_null (fault);
    /* serving identities take effect after the session: Status 1 */
    g_assert_cmpuint (status, ==, 1);
    assert_value (dm, "Device.ManagementServer.URL", "https://serving.example:7548/acs");
    assert_value (dm, GW "S1SigLinkServerList", "10.0.0.1,mme.example");
    assert_value (dm, GW "X_" OUI "_S1IPsecUsed", "false");
    assert_value (dm, "Device.ManagementServer.ParameterKey", "key-1");
}

static void
test_spv_immediate_status_zero (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(GPtrArray) params = params_new ();
    g_autoptr(HenbCwmpFault) fault = NULL;
    guint status = 99;

    add (params, "Device.ManagementServer.PeriodicInformInterval", "600", HENB_CWMP_TYPE_UNSIGNED_INT);
    g_assert_true (henb_data_model_set_parameter_values (dm, params, "k", &status, &fault));
    g_assert_cmpuint (status, ==, 0);
}

/* TR-069 Status: 1 only for a change that waits for the end of the session (a new HeMS, a new
 * tunnel); the S1 configuration a Serving HeMS hands out in registration is applied at once,
 * and some HeMS take 1 for an error (issue 10, 2f). */
static void
test_spv_status_one_only_when_deferred (void)
{
    static const struct {
        const gchar *name;
        const gchar *value;
        HenbCwmpType type;
        guint        status;
    } cases[] = {
        { GW "S1SigLinkServerList", "10.0.0.1", HENB_CWMP_TYPE_STRING, 0 },
        { GW "S1SigLinkPort", "36413", HENB_CWMP_TYPE_UNSIGNED_INT, 0 },
        { GW "S1ConnectionMode", "All", HENB_CWMP_TYPE_STRING, 0 },
        { GW "X_" OUI "_S1IPsecUsed", "false", HENB_CWMP_TYPE_BOOLEAN, 0 },
        { "Device.ManagementServer.PeriodicInformInterval", "300", HENB_CWMP_TYPE_UNSIGNED_INT, 0 },
        { "Device.ManagementServer.URL", "https://serving.example:7548/acs", HENB_CWMP_TYPE_STRING, 1 },
        { GW "SecGWServer1", "segw.example", HENB_CWMP_TYPE_STRING, 1 },
        { GW "SecGWServer3", "192.0.2.3", HENB_CWMP_TYPE_STRING, 1 },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
        g_autoptr(GPtrArray) params = params_new ();
        g_autoptr(HenbCwmpFault) fault = NULL;
        guint status = 99;

        g_assert_true (henb_data_model_has_parameter (dm, cases[i].name));
        add (params, cases[i].name, cases[i].value, cases[i].type);
        g_assert_true (henb_data_model_set_parameter_values (dm, params, "k", &status, &fault));
        g_assert_null (fault);
        g_test_message ("%s = %s: Status %u", cases[i].name, cases[i].value, status);
        g_assert_cmpuint (status, ==, cases[i].status);
    }
}

static void
test_spv_faults_are_all_or_nothing (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(GPtrArray) params = params_new ();
    g_autoptr(HenbCwmpFault) fault = NULL;
    guint status = 99;
    g_autofree gchar *too_long = g_strnfill (65, 'a');

    henb_data_model_set (dm, "Device.ManagementServer.ParameterKey", "before", NULL);
    add (params, "Device.ManagementServer.URL", "https://serving.example/acs", HENB_CWMP_TYPE_STRING);
    add (params, "Device.NoSuchThing", "1", HENB_CWMP_TYPE_STRING);
    add (params, "Device.DeviceInfo.SerialNumber", "X", HENB_CWMP_TYPE_STRING);
    /* another type for a value that is no unsignedInt either: still 9006 */
    add (params, GW "S1SigLinkPort", "port", HENB_CWMP_TYPE_STRING);
    add (params, GW "S1ConnectionMode", "Some", HENB_CWMP_TYPE_STRING);
    add (params, GW "SecGWServer2", too_long, HENB_CWMP_TYPE_STRING);
    add (params, GW "SecGWServer3", "bad_host!", HENB_CWMP_TYPE_STRING);
    add (params, "Device.ManagementServer.PeriodicInformInterval", "0", HENB_CWMP_TYPE_UNSIGNED_INT);
    g_assert_false (henb_data_model_set_parameter_values (dm, params, "key-2", &status, &fault));
    g_assert_nonnull (fault);
    g_assert_cmpuint (fault->code, ==, 9003);
    g_assert_cmpstr (fault->soap_code, ==, "Client");
    g_assert_cmpuint (fault->param_faults->len, ==, 7);
    g_assert_cmpuint (param_fault_code (fault, "Device.NoSuchThing"), ==, 9005);
    g_assert_cmpuint (param_fault_code (fault, "Device.DeviceInfo.SerialNumber"), ==, 9008);
    g_assert_cmpuint (param_fault_code (fault, GW "S1SigLinkPort"), ==, 9006);
    g_assert_cmpuint (param_fault_code (fault, GW "S1ConnectionMode"), ==, 9007);
    g_assert_cmpuint (param_fault_code (fault, GW "SecGWServer2"), ==, 9007);
    g_assert_cmpuint (param_fault_code (fault, GW "SecGWServer3"), ==, 9007);
    g_assert_cmpuint (param_fault_code (fault, "Device.ManagementServer.PeriodicInformInterval"), ==, 9007);
    /* the valid URL in the same request was not applied, nor the key */
    g_assert_false (henb_data_model_is_set (dm, "Device.ManagementServer.URL"));
    assert_value (dm, "Device.ManagementServer.ParameterKey", "before");
}

/* Tolerant input: xsd:int 36412 for an unsignedInt and "True" for a boolean are applied and
 * counted; wrong values stay refused; Strict refuses the tolerances as the schema says. */
static void
on_tolerated (HenbDataModel *dm, guint *emitted)
{
    (*emitted)++;
}

static void
test_spv_tolerances (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(GPtrArray) params = params_new ();
    g_autoptr(GPtrArray) wrong = params_new ();
    g_autoptr(HenbCwmpFault) fault = NULL;
    guint status = 99, emitted = 0;

    g_signal_connect (dm, "tolerated", G_CALLBACK (on_tolerated), &emitted);
    add (params, GW "S1SigLinkPort", "36412", HENB_CWMP_TYPE_INT);
    add (params, GW "X_" OUI "_S1IPsecUsed", "False", HENB_CWMP_TYPE_BOOLEAN);
    add (params, "Device.ManagementServer.PeriodicInformEnable", "TRUE", HENB_CWMP_TYPE_STRING);
    g_assert_true (henb_data_model_set_parameter_values (dm, params, "k", &status, &fault));
    assert_value (dm, GW "S1SigLinkPort", "36412");
    assert_value (dm, GW "X_" OUI "_S1IPsecUsed", "false");
    assert_value (dm, "Device.ManagementServer.PeriodicInformEnable", "true");
    /* xsi:type once, boolean twice, xsi:type and boolean once */
    g_assert_cmpuint (henb_data_model_get_tolerated_count (dm), ==, 4);
    g_assert_cmpuint (emitted, ==, 4);

    /* wrong values stay refused, and nothing is counted */
    add (wrong, GW "S1SigLinkPort", "-5", HENB_CWMP_TYPE_INT);
    add (wrong, GW "X_" OUI "_S1IPsecUsed", "yes", HENB_CWMP_TYPE_BOOLEAN);
    add (wrong, "Device.ManagementServer.PeriodicInformInterval", "70000x", HENB_CWMP_TYPE_UNSIGNED_INT);
    add (wrong, "Device.ManagementServer.PeriodicInformEnable", "1", (HenbCwmpType) HENB_CWMP_TYPE_OTHER);
    g_assert_false (henb_data_model_set_parameter_values (dm, wrong, "k2", &status, &fault));
    g_assert_cmpuint (param_fault_code (fault, GW "S1SigLinkPort"), ==, 9006);
    g_assert_cmpuint (param_fault_code (fault, GW "X_" OUI "_S1IPsecUsed"), ==, 9007);
    g_assert_cmpuint (param_fault_code (fault, "Device.ManagementServer.PeriodicInformInterval"), ==, 9007);
    g_assert_cmpuint (param_fault_code (fault, "Device.ManagementServer.PeriodicInformEnable"), ==, 9006);
    g_assert_cmpuint (henb_data_model_get_tolerated_count (dm), ==, 4);
    g_clear_pointer (&fault, henb_cwmp_fault_free);

    /* Strict: the schema's answer */
    henb_data_model_set_strict (dm, TRUE);
    g_assert_false (henb_data_model_set_parameter_values (dm, params, "k3", &status, &fault));
    g_assert_cmpuint (param_fault_code (fault, GW "S1SigLinkPort"), ==, 9006);
    g_assert_cmpuint (param_fault_code (fault, GW "X_" OUI "_S1IPsecUsed"), ==, 9007);
    g_assert_cmpuint (param_fault_code (fault, "Device.ManagementServer.PeriodicInformEnable"), ==, 9006);
    g_assert_cmpuint (henb_data_model_get_tolerated_count (dm), ==, 4);
    assert_value (dm, "Device.ManagementServer.ParameterKey", "k");
}

static void
test_spv_duplicate_name (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(GPtrArray) params = params_new ();
    g_autoptr(HenbCwmpFault) fault = NULL;
    guint status;

    add (params, GW "SecGWServer1", "a.example", HENB_CWMP_TYPE_STRING);
    add (params, GW "SecGWServer1", "b.example", HENB_CWMP_TYPE_STRING);
    g_assert_false (henb_data_model_set_parameter_values (dm, params, "k", &status, &fault));
    g_assert_cmpuint (fault->code, ==, 9003);
    g_assert_cmpuint (param_fault_code (fault, GW "SecGWServer1"), ==, 9003);
    assert_value (dm, GW "SecGWServer1", "");
}

static gboolean
refuse_commit (GHashTable *changes, const gchar *key, gpointer user_data, GError **error)
{
    guint *calls = user_data;

    (*calls)++;
    g_set_error_literal (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED, "disk full");
    return FALSE;
}

static void
test_spv_commit_failure_is_internal_error (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(GPtrArray) params = params_new ();
    g_autoptr(HenbCwmpFault) fault = NULL;
    guint status, calls = 0;

    henb_data_model_set_commit_func (dm, refuse_commit, &calls);
    add (params, GW "SecGWServer1", "segw.example", HENB_CWMP_TYPE_STRING);
    g_test_expect_message ("henb-cwmp", G_LOG_LEVEL_WARNING, "*disk full*");
    g_assert_false (henb_data_model_set_parameter_values (dm, params, "k", &status, &fault));
    g_test_assert_expected_messages ();
    g_assert_cmpuint (calls, ==, 1);
    g_assert_cmpuint (fault->code, ==, 9002);
    assert_value (dm, GW "SecGWServer1", "");
    assert_value (dm, "Device.ManagementServer.ParameterKey", "");
}

static void
test_spv_rejects_bad_urls (void)
{
    const gchar *bad[] = { "ftp://x.example/", "https://", "not a url", "https://user:pw@x.example/", "" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
        g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
        g_autoptr(GPtrArray) params = params_new ();
        g_autoptr(HenbCwmpFault) fault = NULL;
        guint status;

        add (params, "Device.ManagementServer.URL", bad[i], HENB_CWMP_TYPE_STRING);
        g_assert_false (henb_data_model_set_parameter_values (dm, params, "k", &status, &fault));
        g_assert_cmpuint (param_fault_code (fault, "Device.ManagementServer.URL"), ==, 9007);
    }
}

/* Every parameter that holds a URL or a host refuses what a hostile HeMS sends, with 9007 and
 * nothing applied, however valid the rest of the request is. */
static void
test_spv_refuses_hostile_urls_and_hosts (void)
{
    const struct {
        const gchar *name;
        const gchar *value;
        const gchar *why;
    } cases[] = {
        { "Device.ManagementServer.URL", "http://serving.example/cwmp", "TLS" },
        { "Device.ManagementServer.URL", "http://h/x\r\nInjected: 1", "control character" },
        { "Device.ManagementServer.URL", "https://user@h/", "user information" },
        { "Device.ManagementServer.URL", "ftp://h/", "http or https" },
        { "Device.ManagementServer.URL", "https://h:99999/", "port" },
        { "Device.ManagementServer.URL", "https://999.999.999.999/", "dotted-quad" },
        { GW "SecGWServer1", "999.999.999.999", "dotted-quad" },
        { GW "SecGWServer1", "1.2.3", "dotted-quad" },
        { GW "SecGWServer2", "a..b", "empty label" },
        { GW "SecGWServer3", "-a.b", "'-'" },
        { GW "SecGWServer3", "fe80::1%eth0", "zone" },
        { GW "SecGWServer1", "segw.example\r\nInjected: 1", "neither" },
        { GW "S1SigLinkServerList", "10.0.0.1,999.999.999.999", "dotted-quad" },
        { GW "S1SigLinkServerList", "mme.example,a..b", "empty label" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
        g_autoptr(GPtrArray) params = params_new ();
        g_autoptr(HenbCwmpFault) fault = NULL;
        const HenbCwmpParamFault *pf = NULL;
        guint status = 99;

        add (params, cases[i].name, cases[i].value, HENB_CWMP_TYPE_STRING);
        add (params, "Device.ManagementServer.PeriodicInformInterval", "600", HENB_CWMP_TYPE_UNSIGNED_INT);
        g_assert_false (henb_data_model_set_parameter_values (dm, params, "k", &status, &fault));
        g_assert_cmpuint (fault->code, ==, 9003);
        g_assert_cmpuint (fault->param_faults->len, ==, 1);
        pf = g_ptr_array_index (fault->param_faults, 0);
        g_assert_cmpstr (pf->name, ==, cases[i].name);
        g_assert_cmpuint (pf->code, ==, 9007);
        if (strstr (pf->string, cases[i].why) == NULL)
            g_error ("%s=%s: refused, but not for '%s': %s", cases[i].name, cases[i].value, cases[i].why, pf->string);
        /* the fault string shows the value escaped: no forged lines in a log */
        g_assert_null (strpbrk (pf->string, "\r\n"));
        g_assert_false (henb_data_model_is_set (dm, cases[i].name));
        g_assert_false (henb_data_model_is_set (dm, "Device.ManagementServer.PeriodicInformInterval"));
        assert_value (dm, "Device.ManagementServer.ParameterKey", "");
    }
}

/* A plain-HTTP HeMS URL is what the variant decides: the private domain (inside the tunnel)
 * and a lab's AllowPlainHttp accept it, as the procedure will. */
static void
test_spv_hems_url_policy (void)
{
    const struct {
        HenbDiscoveryVariant variant;
        gboolean             allow_plain_http;
        gboolean             accepted;
    } cases[] = {
        { HENB_DISCOVERY_VARIANT_PUBLIC_INTERNET, FALSE, FALSE },
        { HENB_DISCOVERY_VARIANT_PUBLIC_INTERNET, TRUE, TRUE },
        { HENB_DISCOVERY_VARIANT_PRIVATE_DOMAIN, FALSE, TRUE },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
        g_autoptr(GPtrArray) params = params_new ();
        g_autoptr(HenbCwmpFault) fault = NULL;
        guint status;

        henb_data_model_set_hems_url_policy (dm, cases[i].variant, cases[i].allow_plain_http);
        add (params, "Device.ManagementServer.URL", "http://serving.example/cwmp", HENB_CWMP_TYPE_STRING);
        g_assert_cmpint (henb_data_model_set_parameter_values (dm, params, "k", &status, &fault), ==,
                         cases[i].accepted);
        g_assert_cmpint (henb_data_model_is_set (dm, "Device.ManagementServer.URL"), ==, cases[i].accepted);
        if (!cases[i].accepted)
            g_assert_cmpuint (param_fault_code (fault, "Device.ManagementServer.URL"), ==, 9007);
    }
}

static void
test_gpv (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(GPtrArray) names = g_ptr_array_new ();
    g_autoptr(GPtrArray) out = params_new ();
    g_autoptr(HenbCwmpFault) fault = NULL;
    const HenbCwmpParamValue *pv;

    henb_data_model_set (dm, "Device.ManagementServer.Password", "secret", NULL);
    g_ptr_array_add (names, (gpointer) GW);
    g_ptr_array_add (names, (gpointer) "Device.ManagementServer.Password");
    g_assert_true (henb_data_model_get_parameter_values (dm, names, out, &fault));
    /* the whole Gateway object: 3 SeGW, S1 list/mode/port, 2 vendor parameters, plus Password */
    g_assert_cmpuint (out->len, ==, 9);
    pv = g_ptr_array_index (out, 5);
    g_assert_cmpstr (pv->name, ==, GW "S1SigLinkPort");
    g_assert_cmpstr (pv->value, ==, "36412");
    g_assert_cmpint (pv->type, ==, HENB_CWMP_TYPE_UNSIGNED_INT);
    pv = g_ptr_array_index (out, 8);
    g_assert_cmpstr (pv->value, ==, "");

    g_ptr_array_set_size (names, 0);
    g_ptr_array_add (names, (gpointer) "Device.DeviceInfo.Nope");
    g_assert_false (henb_data_model_get_parameter_values (dm, names, out, &fault));
    g_assert_cmpuint (fault->code, ==, 9005);
}

static gboolean
has_info (GPtrArray *infos, const gchar *name, gboolean writable)
{
    for (guint i = 0; i < infos->len; i++) {
        const HenbCwmpParamInfo *pi = g_ptr_array_index (infos, i);
        if (g_strcmp0 (pi->name, name) == 0)
            return pi->writable == writable;
    }
    return FALSE;
}

static void
test_gpn (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(GPtrArray) infos = param_infos_new ();
    g_autoptr(HenbCwmpFault) fault = NULL;

    g_assert_true (henb_data_model_get_parameter_names (dm, "", TRUE, infos, &fault));
    g_assert_cmpuint (infos->len, ==, 1);
    g_assert_true (has_info (infos, "Device.", FALSE));

    g_ptr_array_set_size (infos, 0);
    g_assert_true (henb_data_model_get_parameter_names (dm, "Device.", TRUE, infos, &fault));
    g_assert_true (has_info (infos, "Device.RootDataModelVersion", FALSE));
    g_assert_true (has_info (infos, "Device.ManagementServer.", FALSE));
    g_assert_true (has_info (infos, "Device.Services.", FALSE));
    g_assert_false (has_info (infos, "Device.ManagementServer.URL", TRUE));

    g_ptr_array_set_size (infos, 0);
    g_assert_true (henb_data_model_get_parameter_names (dm, "Device.Services.", FALSE, infos, &fault));
    g_assert_true (has_info (infos, "Device.Services.", FALSE));
    g_assert_true (has_info (infos, "Device.Services.FAPService.1.", FALSE));
    g_assert_true (has_info (infos, GW "SecGWServer1", TRUE));
    g_assert_true (has_info (infos, "Device.Services.FAPService.1.FAPControl.LTE.OpState", FALSE));

    g_ptr_array_set_size (infos, 0);
    g_assert_true (henb_data_model_get_parameter_names (dm, GW "S1SigLinkPort", FALSE, infos, &fault));
    g_assert_cmpuint (infos->len, ==, 1);
    g_assert_false (henb_data_model_get_parameter_names (dm, GW "S1SigLinkPort", TRUE, infos, &fault));
    g_assert_cmpuint (fault->code, ==, 9003);
    g_clear_pointer (&fault, henb_cwmp_fault_free);
    g_assert_false (henb_data_model_get_parameter_names (dm, "Device.Bogus.", FALSE, infos, &fault));
    g_assert_cmpuint (fault->code, ==, 9005);
}

static void
test_rpc_dispatch (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbCwmpMessage) req = henb_cwmp_message_new (HENB_CWMP_METHOD_UNKNOWN, HENB_CWMP_VERSION_1_1);
    g_autoptr(HenbCwmpMessage) reply = NULL;
    g_autoptr(HenbCwmpMessage) grm = henb_cwmp_message_new (HENB_CWMP_METHOD_GET_RPC_METHODS, HENB_CWMP_VERSION_1_0);
    g_autoptr(HenbCwmpMessage) grm_reply = NULL;
    g_autoptr(HenbCwmpMessage) bad = henb_cwmp_message_new (HENB_CWMP_METHOD_SET_PARAMETER_VALUES, HENB_CWMP_VERSION_1_2);
    g_autoptr(HenbCwmpMessage) bad_reply = NULL;

    henb_cwmp_message_set_id (req, "x1");
    g_free (req->method_name);
    req->method_name = g_strdup ("Frobnicate");
    reply = henb_cwmp_rpc_handle (dm, req, NULL, NULL, NULL);
    g_assert_cmpint (reply->method, ==, HENB_CWMP_METHOD_FAULT);
    g_assert_cmpuint (reply->fault->code, ==, 9000);
    g_assert_cmpstr (reply->id, ==, "x1");
    g_assert_cmpint (reply->version, ==, HENB_CWMP_VERSION_1_1);

    grm_reply = henb_cwmp_rpc_handle (dm, grm, NULL, NULL, NULL);
    g_assert_cmpint (grm_reply->method, ==, HENB_CWMP_METHOD_GET_RPC_METHODS_RESPONSE);
    g_assert_cmpuint (grm_reply->names->len, ==, 8); /* without device actions: the data-model RPCs */
    g_assert_cmpint (grm_reply->version, ==, HENB_CWMP_VERSION_1_0);

    bad_reply = henb_cwmp_rpc_handle (dm, bad, "ParameterKey is missing", NULL, NULL);
    g_assert_cmpuint (bad_reply->fault->code, ==, 9003);
}

static gboolean
only_reads (HenbCwmpMethod method, gpointer user_data, gchar **out_reason)
{
    guint *asked = user_data;

    (*asked)++;
    if (method == HENB_CWMP_METHOD_GET_RPC_METHODS || method == HENB_CWMP_METHOD_GET_PARAMETER_VALUES)
        return TRUE;
    *out_reason = g_strdup ("is not now");
    return FALSE;
}

static gboolean
must_not_run (const HenbCwmpMessage *request, HenbCwmpMessage *response, gpointer user_data,
              HenbCwmpFault **out_fault)
{
    g_assert_not_reached ();
}

/* A session's policy: what it does not permit is 9001, even when offered, malformed or unknown. */
static void
test_rpc_permitted (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    HenbCwmpRpcActions actions = { .download = must_not_run, .permitted = only_reads };
    const HenbCwmpMethod denied[] = { HENB_CWMP_METHOD_DOWNLOAD, HENB_CWMP_METHOD_ADD_OBJECT,
                                      HENB_CWMP_METHOD_SET_PARAMETER_ATTRIBUTES, HENB_CWMP_METHOD_UNKNOWN };
    g_autoptr(HenbCwmpMessage) grm = henb_cwmp_message_new (HENB_CWMP_METHOD_GET_RPC_METHODS, HENB_CWMP_VERSION_1_2);
    g_autoptr(HenbCwmpMessage) grm_reply = NULL;
    g_autofree gchar *before = henb_data_model_get (dm, "Device.ManagementServer.InformParameterNumberOfEntries");
    guint asked = 0;

    for (guint i = 0; i < G_N_ELEMENTS (denied); i++) {
        g_autoptr(HenbCwmpMessage) req = henb_cwmp_message_new (denied[i], HENB_CWMP_VERSION_1_2);
        g_autoptr(HenbCwmpMessage) reply = NULL;
        g_autofree gchar *expected = g_strdup_printf ("Request denied: %s is not now", req->method_name);

        req->object_name = g_strdup ("Device.ManagementServer.InformParameter.");
        /* the policy comes before the arguments */
        reply = henb_cwmp_rpc_handle (dm, req, denied[i] == HENB_CWMP_METHOD_ADD_OBJECT ? "broken" : NULL, &actions,
                                      &asked);
        g_assert_cmpint (reply->method, ==, HENB_CWMP_METHOD_FAULT);
        g_assert_cmpuint (reply->fault->code, ==, 9001);
        g_assert_cmpstr (reply->fault->string, ==, expected);
    }
    g_assert_cmpuint (asked, ==, G_N_ELEMENTS (denied));
    {
        g_autofree gchar *after = henb_data_model_get (dm, "Device.ManagementServer.InformParameterNumberOfEntries");
        g_assert_cmpstr (after, ==, before);
    }
    grm_reply = henb_cwmp_rpc_handle (dm, grm, NULL, &actions, &asked);
    g_assert_cmpuint (grm_reply->names->len, ==, 2);
    g_assert_cmpstr (grm_reply->names->pdata[0], ==, "GetRPCMethods");
    g_assert_cmpstr (grm_reply->names->pdata[1], ==, "GetParameterValues");
}

static void
test_forced_inform (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbCwmpMessage) inform = henb_cwmp_message_new (HENB_CWMP_METHOD_INFORM, HENB_CWMP_VERSION_1_2);
    const gchar *forced[] = {
        "Device.RootDataModelVersion", "Device.DeviceInfo.HardwareVersion",
        "Device.DeviceInfo.SoftwareVersion", "Device.DeviceInfo.ProvisioningCode",
        "Device.ManagementServer.ParameterKey", "Device.ManagementServer.ConnectionRequestURL",
        "Device.ManagementServer.AliasBasedAddressing",
        "Device.Services.FAPService.1.FAPControl.LTE.OpState",
        "Device.Services.FAPService.1.FAPControl.LTE.RFTxStatus",
    };

    henb_data_model_add_forced_inform (dm, inform);
    g_assert_cmpuint (inform->params->len, ==, G_N_ELEMENTS (forced));
    for (guint i = 0; i < G_N_ELEMENTS (forced); i++)
        g_assert_nonnull (henb_cwmp_message_find_param (inform, forced[i]));
}


#define IP "Device.ManagementServer.InformParameter."

static HenbCwmpParamAttr *
attr_new (GPtrArray *attrs, const gchar *name, gint notification)
{
    HenbCwmpParamAttr *pa = g_new0 (HenbCwmpParamAttr, 1);

    pa->name = g_strdup (name);
    pa->notification_change = TRUE;
    pa->notification = notification;
    pa->access_list = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (attrs, pa);
    return pa;
}

static void
attr_free (HenbCwmpParamAttr *pa)
{
    g_free (pa->name);
    g_ptr_array_unref (pa->access_list);
    g_free (pa);
}

static GPtrArray *
attrs_new (void)
{
    return g_ptr_array_new_with_free_func ((GDestroyNotify) attr_free);
}

static void
test_attributes (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(GPtrArray) attrs = attrs_new ();
    g_autoptr(GPtrArray) names = g_ptr_array_new ();
    g_autoptr(GPtrArray) out = attrs_new ();
    g_autoptr(HenbCwmpFault) fault = NULL;
    HenbCwmpParamAttr *pa;

    attr_new (attrs, "Device.ManagementServer.PeriodicInformInterval", 2);
    pa = attr_new (attrs, "Device.DeviceInfo.", 1);
    pa->access_list_change = TRUE;
    g_ptr_array_add (pa->access_list, g_strdup ("Subscriber"));
    g_assert_true (henb_data_model_set_parameter_attributes (dm, attrs, &fault));
    g_assert_null (fault);
    g_assert_cmpint (henb_data_model_get_notification (dm, "Device.ManagementServer.PeriodicInformInterval"), ==, 2);
    /* a partial path reaches every parameter below it */
    g_assert_cmpint (henb_data_model_get_notification (dm, "Device.DeviceInfo.SoftwareVersion"), ==, 1);
    g_assert_cmpint (henb_data_model_get_notification (dm, "Device.DeviceInfo.UpTime"), ==, 1);
    g_assert_cmpint (henb_data_model_get_notification (dm, "Device.ManagementServer.URL"), ==, 0);

    g_ptr_array_add (names, (gpointer) "Device.ManagementServer.PeriodicInformInterval");
    g_ptr_array_add (names, (gpointer) "Device.DeviceInfo.");
    g_assert_true (henb_data_model_get_parameter_attributes (dm, names, out, &fault));
    g_assert_cmpuint (out->len, >, 5);
    pa = out->pdata[0];
    g_assert_cmpstr (pa->name, ==, "Device.ManagementServer.PeriodicInformInterval");
    g_assert_cmpint (pa->notification, ==, 2);
    pa = out->pdata[1];
    g_assert_cmpstr (pa->name, ==, "Device.DeviceInfo.Manufacturer");
    g_assert_cmpint (pa->notification, ==, 1);
    g_assert_cmpuint (pa->access_list->len, ==, 1);
}

static void
test_attributes_refused (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    struct {
        const gchar *name;
        gint         notification;
        guint        code;
    } cases[] = {
        { "Device.NoSuchThing", 1, 9005 },
        { "Device.DeviceInfo.UpTime", 2, 9009 },     /* changes every second */
        { "Device.DeviceInfo.", 2, 9009 },           /* ... also through a partial path */
        { "Device.ManagementServer.URL", 3, 9003 },  /* reserved */
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        g_autoptr(GPtrArray) attrs = attrs_new ();
        g_autoptr(HenbCwmpFault) fault = NULL;

        /* the good first entry must not be applied either */
        attr_new (attrs, "Device.ManagementServer.URL", 1);
        attr_new (attrs, cases[i].name, cases[i].notification);
        g_assert_false (henb_data_model_set_parameter_attributes (dm, attrs, &fault));
        g_assert_cmpuint (fault->code, ==, cases[i].code);
        g_assert_cmpint (henb_data_model_get_notification (dm, "Device.ManagementServer.URL"), ==, 0);
    }
}

/* SetParameterAttributes with 9000 times "Subscriber" in AccessList on "Device." once gave a
 * 3.6 MB state file and a 13 MB GetParameterAttributesResponse: a list is kept deduplicated. */
static void
test_access_list_bounded (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbCwmpMessage) spa = henb_cwmp_message_new (HENB_CWMP_METHOD_SET_PARAMETER_ATTRIBUTES,
                                                            HENB_CWMP_VERSION_1_2);
    g_autoptr(HenbCwmpMessage) gpa = henb_cwmp_message_new (HENB_CWMP_METHOD_GET_PARAMETER_ATTRIBUTES,
                                                            HENB_CWMP_VERSION_1_2);
    g_autoptr(HenbCwmpMessage) reply = NULL;
    g_autoptr(GBytes) body = NULL;
    g_autoptr(GPtrArray) names = henb_data_model_list_parameters (dm);
    const gchar *const restored[] = { "Subscriber", "Admin", "Subscriber", "", NULL };
    g_auto(GStrv) access = NULL;
    HenbCwmpParamAttr *pa;

    pa = henb_cwmp_message_add_attr (spa, "Device.", 0);
    pa->access_list_change = TRUE;
    for (guint i = 0; i < 9000; i++)
        g_ptr_array_add (pa->access_list, g_strdup ("Subscriber"));
    reply = henb_cwmp_rpc_handle (dm, spa, NULL, NULL, NULL);
    g_assert_cmpint (reply->method, ==, HENB_CWMP_METHOD_SET_PARAMETER_ATTRIBUTES_RESPONSE);
    for (guint i = 0; i < names->len; i++) {
        g_clear_pointer (&access, g_strfreev);
        access = henb_data_model_get_access_list (dm, names->pdata[i]);
        g_assert_cmpuint (g_strv_length (access), ==, 1);
        g_assert_cmpstr (access[0], ==, "Subscriber");
    }

    g_clear_pointer (&reply, henb_cwmp_message_free);
    henb_cwmp_message_add_name (gpa, "Device.");
    reply = henb_cwmp_rpc_handle (dm, gpa, NULL, NULL, NULL);
    g_assert_cmpint (reply->method, ==, HENB_CWMP_METHOD_GET_PARAMETER_ATTRIBUTES_RESPONSE);
    g_assert_cmpuint (reply->attrs->len, ==, names->len);
    for (guint i = 0; i < reply->attrs->len; i++) {
        pa = reply->attrs->pdata[i];
        g_assert_cmpuint (pa->access_list->len, <=, HENB_DM_ACCESS_LIST_MAX);
    }
    body = henb_cwmp_serialize (reply);
    g_test_message ("GetParameterAttributesResponse for Device. (%u parameters) after an AccessList of "
                    "9000 entries: %" G_GSIZE_FORMAT " bytes", names->len, g_bytes_get_size (body));
    g_assert_cmpuint (g_bytes_get_size (body), <, HENB_CWMP_MAX_ENVELOPE_SIZE);

    /* a state file of an older henbd: duplicates and unknown values dropped */
    henb_data_model_set_access_list (dm, HENB_DM_MS_URL, restored);
    g_clear_pointer (&access, g_strfreev);
    access = henb_data_model_get_access_list (dm, HENB_DM_MS_URL);
    g_assert_cmpuint (g_strv_length (access), ==, 1);
    g_assert_cmpstr (access[0], ==, "Subscriber");
}

/* TR-069 defines one AccessList value; the schema allows no other, applied or not. */
static void
test_access_list_unknown_value (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    const gchar *const values[] = { "Admin", "subscriber", "Subscriber ", "" };

    for (guint change = 0; change < 2; change++) {
        for (guint i = 0; i < G_N_ELEMENTS (values); i++) {
            g_autoptr(GPtrArray) attrs = attrs_new ();
            g_autoptr(HenbCwmpFault) fault = NULL;
            g_auto(GStrv) access = NULL;
            HenbCwmpParamAttr *pa;

            pa = attr_new (attrs, "Device.ManagementServer.PeriodicInformInterval", 1);
            pa->access_list_change = change;
            g_ptr_array_add (pa->access_list, g_strdup ("Subscriber"));
            g_ptr_array_add (pa->access_list, g_strdup (values[i]));
            g_assert_false (henb_data_model_set_parameter_attributes (dm, attrs, &fault));
            g_assert_cmpuint (fault->code, ==, HENB_CWMP_FAULT_INVALID_ARGUMENTS);
            g_assert_nonnull (strstr (fault->string, "access list"));
            /* nothing applied, the notification neither */
            access = henb_data_model_get_access_list (dm, "Device.ManagementServer.PeriodicInformInterval");
            g_assert_cmpuint (g_strv_length (access), ==, 0);
            g_assert_cmpint (henb_data_model_get_notification (dm, "Device.ManagementServer.PeriodicInformInterval"), ==, 0);
        }
    }
}

static gboolean
refuse_commit_counted (GHashTable *changes, const gchar *parameter_key, gpointer user_data, GError **error)
{
    g_set_error_literal (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED, "disk full");
    return FALSE;
}

static void
test_attributes_commit_failure (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(GPtrArray) attrs = attrs_new ();
    g_autoptr(HenbCwmpFault) fault = NULL;

    henb_data_model_set_commit_func (dm, refuse_commit_counted, NULL);
    attr_new (attrs, "Device.ManagementServer.URL", 2);
    g_test_expect_message ("henb-cwmp", G_LOG_LEVEL_WARNING, "*disk full*");
    g_assert_false (henb_data_model_set_parameter_attributes (dm, attrs, &fault));
    g_test_assert_expected_messages ();
    g_assert_cmpuint (fault->code, ==, 9002);
    g_assert_cmpint (henb_data_model_get_notification (dm, "Device.ManagementServer.URL"), ==, 0);
}

/* TR-181 activeNotify="forceDefaultEnabled": active until the HeMS sets another value */
static void
test_active_notification_by_default (void)
{
    /* ConnectionRequestURL too in TR-181, but it is in every Inform and henbd leaves it off
     * (README: Data model) */
    const gchar *url = "Device.ManagementServer.ConnReqJabberID";
    const gchar *cr_url = "Device.ManagementServer.ConnectionRequestURL";
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(GPtrArray) names = g_ptr_array_new ();
    g_autoptr(GPtrArray) out = attrs_new ();
    g_autoptr(GPtrArray) attrs = attrs_new ();
    g_autoptr(GPtrArray) changed = NULL;
    g_autoptr(HenbCwmpFault) fault = NULL;
    HenbCwmpParamAttr *pa;

    g_assert_true (henb_data_model_set (dm, url, "henb@xmpp.example/a", NULL));
    g_assert_cmpint (henb_data_model_get_notification (dm, url), ==, 2);
    g_assert_cmpint (henb_data_model_get_notification (dm, cr_url), ==, 0);
    g_assert_cmpint (henb_data_model_get_default_notification (dm, url), ==, 2);
    g_assert_cmpint (henb_data_model_get_default_notification (dm, "Device.ManagementServer.URL"), ==, 0);
    g_assert_cmpint (henb_data_model_get_notification (dm, "Device.ManagementServer.URL"), ==, 0);

    /* GetParameterAttributes says so without the HeMS having set anything */
    g_ptr_array_add (names, (gpointer) url);
    g_assert_true (henb_data_model_get_parameter_attributes (dm, names, out, &fault));
    g_assert_cmpuint (out->len, ==, 1);
    pa = out->pdata[0];
    g_assert_cmpstr (pa->name, ==, url);
    g_assert_cmpint (pa->notification, ==, 2);

    /* the first check takes the value of then; a change asks for a session */
    g_assert_false (henb_data_model_check_value_changes (dm));
    g_assert_true (henb_data_model_set (dm, url, "henb@xmpp.example/b", NULL));
    g_assert_true (henb_data_model_check_value_changes (dm));
    changed = henb_data_model_list_value_changes (dm);
    g_assert_cmpuint (changed->len, ==, 1);
    g_assert_cmpstr (changed->pdata[0], ==, url);
    henb_data_model_value_changes_reported (dm, changed);
    g_assert_false (henb_data_model_check_value_changes (dm));

    /* the HeMS turns it off: no session for a change */
    attr_new (attrs, url, 0);
    g_assert_true (henb_data_model_set_parameter_attributes (dm, attrs, &fault));
    g_assert_cmpint (henb_data_model_get_notification (dm, url), ==, 0);
    g_assert_true (henb_data_model_set (dm, url, "henb@xmpp.example/c", NULL));
    g_assert_false (henb_data_model_check_value_changes (dm));

    /* a factory reset brings the default back */
    henb_data_model_reset_all (dm);
    g_assert_cmpint (henb_data_model_get_notification (dm, url), ==, 2);
}

static void
test_value_changes (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(GPtrArray) attrs = attrs_new ();
    g_autoptr(GPtrArray) params = params_new ();
    g_autoptr(GPtrArray) changed = NULL;
    g_autoptr(HenbCwmpFault) fault = NULL;
    guint status;

    attr_new (attrs, "Device.DeviceInfo.ProvisioningCode", 2);
    attr_new (attrs, "Device.ManagementServer.PeriodicInformInterval", 1);
    g_assert_true (henb_data_model_set_parameter_attributes (dm, attrs, &fault));
    g_assert_false (henb_data_model_check_value_changes (dm));

    /* a change by the HeMS itself is not notified back */
    add (params, "Device.DeviceInfo.ProvisioningCode", "by-hems", HENB_CWMP_TYPE_STRING);
    g_assert_true (henb_data_model_set_parameter_values (dm, params, "k", &status, &fault));
    g_assert_false (henb_data_model_check_value_changes (dm));

    /* a local change of a passive parameter waits for the next Inform ... */
    g_assert_true (henb_data_model_set (dm, "Device.ManagementServer.PeriodicInformInterval", "60", NULL));
    g_assert_false (henb_data_model_check_value_changes (dm));
    changed = henb_data_model_list_value_changes (dm);
    g_assert_cmpuint (changed->len, ==, 1);
    g_assert_cmpstr (changed->pdata[0], ==, "Device.ManagementServer.PeriodicInformInterval");
    g_clear_pointer (&changed, g_ptr_array_unref);

    /* ... an active one asks for a session now */
    g_assert_true (henb_data_model_set (dm, "Device.DeviceInfo.ProvisioningCode", "local", NULL));
    g_assert_true (henb_data_model_check_value_changes (dm));
    changed = henb_data_model_list_value_changes (dm);
    g_assert_cmpuint (changed->len, ==, 2);
    henb_data_model_value_changes_reported (dm, changed);
    g_assert_false (henb_data_model_check_value_changes (dm));
    g_clear_pointer (&changed, g_ptr_array_unref);
    changed = henb_data_model_list_value_changes (dm);
    g_assert_cmpuint (changed->len, ==, 0);
}

static void
test_add_delete_object (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbCwmpFault) fault = NULL;
    g_autoptr(GArray) instances = NULL;
    g_autoptr(GPtrArray) infos = param_infos_new ();
    guint instance = 0;

    assert_value (dm, "Device.ManagementServer.InformParameterNumberOfEntries", "0");
    g_assert_true (henb_data_model_add_object (dm, IP, "add-1", &instance, &fault));
    g_assert_cmpuint (instance, ==, 1);
    g_assert_true (henb_data_model_add_object (dm, IP, "add-2", &instance, &fault));
    g_assert_cmpuint (instance, ==, 2);
    assert_value (dm, "Device.ManagementServer.ParameterKey", "add-2");
    assert_value (dm, IP "2.Enable", "false");
    assert_value (dm, "Device.ManagementServer.InformParameterNumberOfEntries", "2");
    g_assert_true (henb_data_model_is_writable (dm, IP "2.ParameterName"));

    g_assert_true (henb_data_model_delete_object (dm, IP "1.", "del-1", &fault));
    g_assert_false (henb_data_model_has_parameter (dm, IP "1.Enable"));
    assert_value (dm, "Device.ManagementServer.ParameterKey", "del-1");
    /* numbers are never reused */
    g_assert_true (henb_data_model_add_object (dm, IP, "add-3", &instance, &fault));
    g_assert_cmpuint (instance, ==, 3);
    instances = henb_data_model_list_instances (dm, IP);
    g_assert_cmpuint (instances->len, ==, 2);
    g_assert_cmpuint (g_array_index (instances, guint, 0), ==, 2);
    g_assert_cmpuint (g_array_index (instances, guint, 1), ==, 3);

    /* GetParameterNames lists the table and its instances as writable objects */
    g_assert_true (henb_data_model_get_parameter_names (dm, IP, TRUE, infos, &fault));
    g_assert_cmpuint (infos->len, ==, 2);
    g_assert_cmpstr (((HenbCwmpParamInfo *) infos->pdata[0])->name, ==, IP "2.");
    g_assert_true (((HenbCwmpParamInfo *) infos->pdata[0])->writable);

    /* not a table, not an instance, gone already: 9005, ParameterKey untouched */
    g_assert_false (henb_data_model_add_object (dm, "Device.DeviceInfo.", "bad", &instance, &fault));
    g_assert_cmpuint (fault->code, ==, 9005);
    g_clear_pointer (&fault, henb_cwmp_fault_free);
    g_assert_false (henb_data_model_delete_object (dm, IP, "bad", &fault));
    g_assert_cmpuint (fault->code, ==, 9005);
    g_clear_pointer (&fault, henb_cwmp_fault_free);
    g_assert_false (henb_data_model_delete_object (dm, IP "1.", "bad", &fault));
    g_assert_cmpuint (fault->code, ==, 9005);
    g_clear_pointer (&fault, henb_cwmp_fault_free);
    assert_value (dm, "Device.ManagementServer.ParameterKey", "add-3");
}

/* The generation moves with every stored change, and only then: a reader that keeps what it
 * derived from the model (the cell configuration) may skip the model while it stands still. */
static void
test_generation (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(GPtrArray) params = params_new ();
    g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func ((GDestroyNotify) henb_cwmp_param_value_free);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(HenbCwmpFault) fault = NULL;
    g_autofree gchar *value = NULL;
    guint64 g = henb_data_model_get_generation (dm);
    guint status = 0, instance = 0;

    /* reading changes nothing */
    value = henb_data_model_get (dm, "Device.ManagementServer.URL");
    g_ptr_array_add (names, g_strdup ("Device."));
    g_assert_true (henb_data_model_get_parameter_values (dm, names, values, &fault));
    g_assert_cmpuint (henb_data_model_get_generation (dm), ==, g);

#define MOVED() G_STMT_START { \
        g_assert_cmpuint (henb_data_model_get_generation (dm), >, g); \
        g = henb_data_model_get_generation (dm); \
    } G_STMT_END
    g_assert_true (henb_data_model_set (dm, "Device.ManagementServer.PeriodicInformInterval", "60", NULL));
    MOVED ();
    henb_data_model_reset (dm, "Device.ManagementServer.PeriodicInformInterval");
    MOVED ();
    henb_data_model_set_default (dm, "Device.ManagementServer.PeriodicInformInterval", "120");
    MOVED ();
    add (params, "Device.ManagementServer.PeriodicInformInterval", "600", HENB_CWMP_TYPE_UNSIGNED_INT);
    g_assert_true (henb_data_model_set_parameter_values (dm, params, "k", &status, &fault));
    MOVED ();
    g_assert_true (henb_data_model_add_object (dm, IP, "add", &instance, &fault));
    MOVED ();
    g_assert_true (henb_data_model_delete_object (dm, IP "1.", "del", &fault));
    MOVED ();
    henb_data_model_reset_all (dm);
    MOVED ();
#undef MOVED
}

static void
test_add_object_limits_and_failure (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbCwmpFault) fault = NULL;
    guint instance = 0, n = 0;

    while (henb_data_model_add_object (dm, IP, "", &instance, &fault))
        n++;
    g_assert_cmpuint (n, ==, 32);
    g_assert_cmpuint (fault->code, ==, 9004);
    g_clear_pointer (&fault, henb_cwmp_fault_free);

    /* a commit the disk refused: no instance, no ParameterKey change */
    g_assert_true (henb_data_model_delete_object (dm, IP "1.", "k0", &fault));
    henb_data_model_set_commit_func (dm, refuse_commit_counted, NULL);
    g_test_expect_message ("henb-cwmp", G_LOG_LEVEL_WARNING, "*disk full*");
    g_assert_false (henb_data_model_add_object (dm, IP, "k1", &instance, &fault));
    g_test_assert_expected_messages ();
    g_assert_cmpuint (fault->code, ==, 9002);
    g_clear_pointer (&fault, henb_cwmp_fault_free);
    assert_value (dm, "Device.ManagementServer.InformParameterNumberOfEntries", "31");
    assert_value (dm, "Device.ManagementServer.ParameterKey", "k0");
    g_test_expect_message ("henb-cwmp", G_LOG_LEVEL_WARNING, "*disk full*");
    g_assert_false (henb_data_model_delete_object (dm, IP "2.", "k2", &fault));
    g_test_assert_expected_messages ();
    g_assert_true (henb_data_model_has_parameter (dm, IP "2.Enable"));
    assert_value (dm, "Device.ManagementServer.InformParameterNumberOfEntries", "31");
}

static void
test_inform_parameters (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbCwmpFault) fault = NULL;
    g_autoptr(GPtrArray) params = params_new ();
    g_autoptr(GPtrArray) bad = params_new ();
    g_autoptr(HenbCwmpMessage) boot = henb_cwmp_message_new (HENB_CWMP_METHOD_INFORM, HENB_CWMP_VERSION_1_2);
    g_autoptr(HenbCwmpMessage) periodic = henb_cwmp_message_new (HENB_CWMP_METHOD_INFORM, HENB_CWMP_VERSION_1_2);
    g_autoptr(HenbCwmpMessage) value_change = henb_cwmp_message_new (HENB_CWMP_METHOD_INFORM, HENB_CWMP_VERSION_1_2);
    guint instance, status;

    g_assert_true (henb_data_model_add_object (dm, IP, "", &instance, &fault));
    g_assert_true (henb_data_model_add_object (dm, IP, "", &instance, &fault));
    add (params, IP "1.Enable", "true", HENB_CWMP_TYPE_BOOLEAN);
    add (params, IP "1.ParameterName", "Device.ManagementServer.PeriodicInformInterval", HENB_CWMP_TYPE_STRING);
    add (params, IP "2.Enable", "true", HENB_CWMP_TYPE_BOOLEAN);
    add (params, IP "2.ParameterName", "Device.Services.FAPService.*.FAPControl.LTE.Gateway.", HENB_CWMP_TYPE_STRING);
    add (params, IP "2.EventList", "2 PERIODIC", HENB_CWMP_TYPE_STRING);
    g_assert_true (henb_data_model_set_parameter_values (dm, params, "ip", &status, &fault));

    /* forced Inform parameters and "4 VALUE CHANGE" are refused with 9007 */
    add (bad, IP "1.ParameterName", "Device.DeviceInfo.SoftwareVersion", HENB_CWMP_TYPE_STRING);
    add (bad, IP "2.EventList", "2 PERIODIC,4 VALUE CHANGE", HENB_CWMP_TYPE_STRING);
    g_assert_false (henb_data_model_set_parameter_values (dm, bad, "x", &status, &fault));
    g_assert_cmpuint (param_fault_code (fault, IP "1.ParameterName"), ==, 9007);
    g_assert_cmpuint (param_fault_code (fault, IP "2.EventList"), ==, 9007);

    henb_cwmp_message_add_event (boot, "1 BOOT", NULL);
    henb_data_model_add_inform_parameters (dm, boot);
    g_assert_cmpuint (boot->params->len, ==, 1);
    g_assert_nonnull (henb_cwmp_message_find_param (boot, "Device.ManagementServer.PeriodicInformInterval"));

    henb_cwmp_message_add_event (periodic, "2 PERIODIC", NULL);
    henb_data_model_add_inform_parameters (dm, periodic);
    g_assert_nonnull (henb_cwmp_message_find_param (periodic, GW "SecGWServer1"));
    g_assert_nonnull (henb_cwmp_message_find_param (periodic, GW "S1SigLinkPort"));

    /* an empty EventList means every event but 4 VALUE CHANGE */
    henb_cwmp_message_add_event (value_change, "4 VALUE CHANGE", NULL);
    henb_data_model_add_inform_parameters (dm, value_change);
    g_assert_cmpuint (value_change->params->len, ==, 0);
}

static void
test_response_methods (void)
{
    /* the dispatcher relies on each response following its request */
    g_autoptr(GPtrArray) names = NULL;
    HenbCwmpRpcActions all = { 0 };

    all.reboot = (gpointer) test_response_methods;
    all.factory_reset = (gpointer) test_response_methods;
    all.schedule_inform = (gpointer) test_response_methods;
    all.download = (gpointer) test_response_methods;
    names = henb_cwmp_rpc_supported_methods (&all, NULL);
    g_assert_cmpuint (names->len, ==, 12);
    for (guint i = 0; i < names->len; i++) {
        HenbCwmpMethod m = henb_cwmp_method_from_string (names->pdata[i]);
        g_autofree gchar *expected = g_strconcat (names->pdata[i], "Response", NULL);

        g_assert_cmpstr (henb_cwmp_method_to_string ((HenbCwmpMethod) (m + 1)), ==, expected);
    }
}


/* ---- the LTE cell (TR-196 CellConfig.LTE, generated from the BBF XML) ---- */

#define CELL "Device.Services.FAPService.1.CellConfig.LTE."
#define RF   CELL "RAN.RF."
#define PLMN CELL "EPC.PLMNList."

/* A SetParameterValues of one bad value among good ones: 9007 for it, nothing applied. */
static void
assert_spv_refused (const gchar *name, const gchar *value, HenbCwmpType type, guint code)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(GPtrArray) params = params_new ();
    g_autoptr(HenbCwmpFault) fault = NULL;
    g_autofree gchar *before = NULL;
    guint instance = 0, status = 99;

    g_assert_true (henb_data_model_add_object (dm, PLMN, "add", &instance, &fault));
    g_assert_cmpuint (instance, ==, 1);
    before = henb_data_model_get (dm, name);
    g_test_message ("%s = '%s'", name, value);
    add (params, CELL "EPC.TAC", "4660", HENB_CWMP_TYPE_UNSIGNED_INT);
    add (params, PLMN "1.Enable", "true", HENB_CWMP_TYPE_BOOLEAN);
    if (!g_str_equal (name, RF "FreqBandIndicator"))
        add (params, RF "FreqBandIndicator", "7", HENB_CWMP_TYPE_UNSIGNED_INT);
    add (params, name, value, type);
    g_assert_false (henb_data_model_set_parameter_values (dm, params, "bad", &status, &fault));
    g_assert_nonnull (fault);
    g_assert_cmpuint (fault->code, ==, HENB_CWMP_FAULT_INVALID_ARGUMENTS);
    g_assert_cmpuint (fault->param_faults->len, ==, 1);
    g_assert_cmpuint (param_fault_code (fault, name), ==, code);
    /* atomic: the good values were not applied either */
    assert_value (dm, CELL "EPC.TAC", "0");
    assert_value (dm, PLMN "1.Enable", "false");
    assert_value (dm, RF "FreqBandIndicator", "0");
    assert_value (dm, "Device.ManagementServer.ParameterKey", "add");
    if (before != NULL)
        assert_value (dm, name, before);
}

static void
test_cell_invalid_values (void)
{
    /* the four, then the other shapes a value can take */
    assert_spv_refused (RF "EARFCNDL", "65536", HENB_CWMP_TYPE_STRING, 9007);
    assert_spv_refused (RF "EARFCNDL", "3100,70000", HENB_CWMP_TYPE_STRING, 9007);
    assert_spv_refused (RF "EARFCNUL", "-1", HENB_CWMP_TYPE_STRING, 9007);
    assert_spv_refused (RF "PhyCellID", "504", HENB_CWMP_TYPE_STRING, 9007);
    assert_spv_refused (RF "PhyCellID", "1,0..504", HENB_CWMP_TYPE_STRING, 9007);
    assert_spv_refused (RF "PhyCellID", "7,20..10", HENB_CWMP_TYPE_STRING, 9007);
    assert_spv_refused (RF "PhyCellID", "abc", HENB_CWMP_TYPE_STRING, 9007);
    assert_spv_refused (RF "PhyCellID", "1,10..", HENB_CWMP_TYPE_STRING, 9007);
    assert_spv_refused (RF "PhyCellID", "1,..10", HENB_CWMP_TYPE_STRING, 9007);
    assert_spv_refused (RF "PhyCellID", "1,2..5..7", HENB_CWMP_TYPE_STRING, 9007);
    assert_spv_refused (PLMN "1.PLMNID", "0010", HENB_CWMP_TYPE_STRING, 9007);
    assert_spv_refused (PLMN "1.PLMNID", "0010123", HENB_CWMP_TYPE_STRING, 9007);
    assert_spv_refused (PLMN "1.PLMNID", "00a01", HENB_CWMP_TYPE_STRING, 9007);
    assert_spv_refused (RF "DLBandwidth", "20", HENB_CWMP_TYPE_STRING, 9007);
    assert_spv_refused (RF "ULBandwidth", "n25", HENB_CWMP_TYPE_STRING, 9007);
    assert_spv_refused (RF "DLBandwidth", "25,", HENB_CWMP_TYPE_STRING, 9007);
    /* lists of at least one item */
    assert_spv_refused (RF "DLBandwidth", "", HENB_CWMP_TYPE_STRING, 9007);
    assert_spv_refused (RF "FreqBandIndicator", "41", HENB_CWMP_TYPE_UNSIGNED_INT, 9007);
    assert_spv_refused (RF "ReferenceSignalPower", "51", HENB_CWMP_TYPE_STRING, 9007);
    assert_spv_refused (RF "ReferenceSignalPower", "-61", HENB_CWMP_TYPE_STRING, 9007);
    assert_spv_refused (CELL "RAN.Common.CellIdentity", "268435456", HENB_CWMP_TYPE_UNSIGNED_INT, 9007);
    /* enumerated list items */
    assert_spv_refused (CELL "EPC.AllowedCipheringAlgorithmList", "EEA0,EEA9", HENB_CWMP_TYPE_STRING, 9007);
    /* a signed list item among disjoint values */
    assert_spv_refused (CELL "RAN.PHY.PDSCH.Pa", "-600,-400", HENB_CWMP_TYPE_STRING, 9007);
    /* status the radio stack reports: never the HeMS's to write */
    assert_spv_refused ("Device.Services.FAPService.1.FAPControl.LTE.OpState", "true", HENB_CWMP_TYPE_BOOLEAN, 9008);
    assert_spv_refused ("Device.Services.FAPService.1.Capabilities.LTE.DuplexMode", "FDDMode",
                        HENB_CWMP_TYPE_STRING, 9008);
    assert_spv_refused ("Device.FAP.GPS.LockedLatitude", "1000", HENB_CWMP_TYPE_INT, 9008);
    assert_spv_refused ("Device.FAP.GPS.ContinuousGPSStatus.GotFix", "true", HENB_CWMP_TYPE_BOOLEAN, 9008);
    assert_spv_refused (CELL "EPC.PLMNListNumberOfEntries", "3", HENB_CWMP_TYPE_UNSIGNED_INT, 9008);
}

static void
test_cell_valid_values (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(GPtrArray) params = params_new ();
    g_autoptr(HenbCwmpFault) fault = NULL;
    guint instance = 0, status = 99;

    g_assert_true (henb_data_model_add_object (dm, PLMN, "add", &instance, &fault));
    add (params, RF "EARFCNDL", " 3100, 0,65535", HENB_CWMP_TYPE_STRING);
    add (params, RF "EARFCNUL", "21100", HENB_CWMP_TYPE_STRING);
    add (params, RF "FreqBandIndicator", "40", HENB_CWMP_TYPE_UNSIGNED_INT);
    add (params, RF "DLBandwidth", "100,6", HENB_CWMP_TYPE_STRING);
    add (params, RF "ULBandwidth", "25", HENB_CWMP_TYPE_STRING);
    add (params, RF "PhyCellID", "503,0..503", HENB_CWMP_TYPE_STRING);
    add (params, RF "ReferenceSignalPower", "-60,-10..50", HENB_CWMP_TYPE_STRING);
    add (params, PLMN "1.PLMNID", "00101", HENB_CWMP_TYPE_STRING);
    add (params, CELL "RAN.PHY.PDSCH.Pa", "-600,-477,300", HENB_CWMP_TYPE_STRING);
    add (params, CELL "EPC.AllowedCipheringAlgorithmList", "EEA0,128-EEA1", HENB_CWMP_TYPE_STRING);
    add (params, CELL "RAN.Common.CellIdentity", "268435455", HENB_CWMP_TYPE_UNSIGNED_INT);
    if (!henb_data_model_set_parameter_values (dm, params, "cell-1", &status, &fault)) {
        for (guint i = 0; i < fault->param_faults->len; i++) {
            const HenbCwmpParamFault *pf = fault->param_faults->pdata[i];
            g_test_message ("%s: %u %s", pf->name, pf->code, pf->string);
        }
        g_assert_not_reached ();
    }
    g_assert_null (fault);
    /* cell configuration is stored at once; the radio stack takes it after the session */
    g_assert_cmpuint (status, ==, 0);
    assert_value (dm, RF "EARFCNDL", "3100,0,65535");
    assert_value (dm, RF "DLBandwidth", "100,6");
    assert_value (dm, RF "PhyCellID", "503,0..503");
    assert_value (dm, RF "ReferenceSignalPower", "-60,-10..50");
    assert_value (dm, PLMN "1.PLMNID", "00101");
    assert_value (dm, CELL "RAN.PHY.PDSCH.Pa", "-600,-477,300");

    /* six digits (three-digit MNC) too */
    g_ptr_array_set_size (params, 0);
    add (params, PLMN "1.PLMNID", "310410", HENB_CWMP_TYPE_STRING);
    g_assert_true (henb_data_model_set_parameter_values (dm, params, "cell-2", &status, &fault));
    assert_value (dm, PLMN "1.PLMNID", "310410");
}

static void
test_cell_signed_ranges (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autofree gchar *normalized = NULL;
    g_autofree gchar *reason = NULL;
    const gchar *lat = "Device.FAP.GPS.LockedLatitude";

    /* the radio stack's values are checked like the HeMS's (henb_data_model_set) */
    g_assert_true (henb_data_model_set (dm, lat, "-90000000", NULL));
    assert_value (dm, lat, "-90000000");
    g_assert_true (henb_data_model_set (dm, lat, "+90000000", NULL));
    assert_value (dm, lat, "90000000");
    g_assert_false (henb_data_model_set (dm, lat, "-90000001", NULL));
    g_assert_false (henb_data_model_set (dm, lat, "90000001", NULL));
    assert_value (dm, lat, "90000000");
    g_assert_cmpuint (henb_data_model_validate (dm, "Device.FAP.GPS.ContinuousGPSStatus.Elevation", "-5000001",
                                                HENB_CWMP_TYPE_NONE, &normalized, &reason), ==, 9007);
    g_test_message ("%s", reason);
    g_assert_nonnull (strstr (reason, "-5000000"));
    /* disjoint signed values: -2, 0, 2 */
    g_assert_true (henb_data_model_set (dm, CELL "RAN.PHY.ULPowerControl.DeltaFPUCCHFormat1", "-2", NULL));
    g_assert_false (henb_data_model_set (dm, CELL "RAN.PHY.ULPowerControl.DeltaFPUCCHFormat1", "-1", NULL));
    g_assert_false (henb_data_model_set (dm, CELL "RAN.PHY.ULPowerControl.DeltaFPUCCHFormat1", "1", NULL));
    g_assert_true (henb_data_model_set (dm, CELL "RAN.PHY.ULPowerControl.DeltaFPUCCHFormat1", "2", NULL));
}

static void
test_cell_plmn_list (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbCwmpFault) fault = NULL;
    g_autoptr(GPtrArray) infos = param_infos_new ();
    guint first = 0, second = 0, instance = 0;

    assert_value (dm, CELL "EPC.PLMNListNumberOfEntries", "0");
    assert_value (dm, CELL "EPC.MaxPLMNListEntries", "6");
    g_assert_true (henb_data_model_add_object (dm, PLMN, "add-1", &first, &fault));
    g_assert_true (henb_data_model_add_object (dm, PLMN, "add-2", &second, &fault));
    g_assert_null (fault);
    g_assert_cmpuint (first, ==, 1);
    g_assert_cmpuint (second, ==, 2);
    assert_value (dm, CELL "EPC.PLMNListNumberOfEntries", "2");
    assert_value (dm, PLMN "2.PLMNID", "");
    assert_value (dm, PLMN "2.Enable", "false");
    assert_value (dm, PLMN "2.IsPrimary", "false");
    assert_value (dm, PLMN "2.CellReservedForOperatorUse", "false");
    g_assert_true (henb_data_model_get_parameter_names (dm, PLMN, TRUE, infos, &fault));
    g_assert_cmpuint (infos->len, ==, 2);

    g_assert_true (henb_data_model_delete_object (dm, PLMN "1.", "del-1", &fault));
    g_assert_null (fault);
    g_assert_false (henb_data_model_has_parameter (dm, PLMN "1.PLMNID"));
    g_assert_true (henb_data_model_has_parameter (dm, PLMN "2.PLMNID"));
    assert_value (dm, CELL "EPC.PLMNListNumberOfEntries", "1");
    assert_value (dm, "Device.ManagementServer.ParameterKey", "del-1");

    /* at most MaxPLMNListEntries; numbers are never reused */
    for (guint i = 0; i < 5; i++)
        g_assert_true (henb_data_model_add_object (dm, PLMN, "", &instance, &fault));
    g_assert_cmpuint (instance, ==, 7);
    g_assert_false (henb_data_model_add_object (dm, PLMN, "", &instance, &fault));
    g_assert_cmpuint (fault->code, ==, HENB_CWMP_FAULT_RESOURCES_EXCEEDED);
    g_clear_pointer (&fault, henb_cwmp_fault_free);

    /* the PerfMgmt table too, at the Device root */
    g_assert_true (henb_data_model_add_object (dm, "Device.FAP.PerfMgmt.Config.", "", &instance, &fault));
    assert_value (dm, "Device.FAP.PerfMgmt.ConfigNumberOfEntries", "1");

    /* a factory reset empties the tables */
    henb_data_model_reset_all (dm);
    assert_value (dm, CELL "EPC.PLMNListNumberOfEntries", "0");
    assert_value (dm, "Device.FAP.PerfMgmt.ConfigNumberOfEntries", "0");
    g_assert_false (henb_data_model_has_parameter (dm, PLMN "2.PLMNID"));
}

static void
test_cell_flags (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(GPtrArray) names = henb_data_model_list_parameters (dm);
    g_autoptr(GPtrArray) values = params_new ();
    g_autoptr(GPtrArray) root = g_ptr_array_new ();
    g_autoptr(HenbCwmpFault) fault = NULL;
    guint instance;
    const HenbDmParamDef *def;

    /* writable cell parameters are persistent cell configuration; status is the radio's */
    for (guint i = 0; i < names->len; i++) {
        const gchar *name = names->pdata[i];

        def = henb_data_model_get_definition (dm, name);
        if (g_str_has_prefix (name, CELL) && (def->flags & HENB_DM_FLAG_WRITABLE))
            g_assert_true ((def->flags & (HENB_DM_FLAG_PERSISTENT | HENB_DM_FLAG_CELL_CONFIG)) ==
                           (HENB_DM_FLAG_PERSISTENT | HENB_DM_FLAG_CELL_CONFIG));
        if (g_str_has_prefix (name, "Device.FAP.GPS.") ||
            g_str_has_prefix (name, "Device.Services.FAPService.1.Capabilities."))
            g_assert_true ((def->flags & (HENB_DM_FLAG_RADIO_STATUS | HENB_DM_FLAG_WRITABLE)) ==
                           HENB_DM_FLAG_RADIO_STATUS);
    }
    /* a cell that is off */
    assert_value (dm, "Device.Services.FAPService.1.FAPControl.LTE.AdminState", "false");
    g_assert_true (henb_data_model_add_object (dm, "Device.FAP.PerfMgmt.Config.", "", &instance, &fault));
    def = henb_data_model_get_definition (dm, "Device.FAP.PerfMgmt.Config.1.Password");
    g_assert_true (def->flags & HENB_DM_FLAG_HIDDEN);
    g_assert_true (henb_data_model_set (dm, "Device.FAP.PerfMgmt.Config.1.Password", "secret", NULL));
    g_ptr_array_add (root, (gpointer) "Device.FAP.PerfMgmt.Config.1.Password");
    g_assert_true (henb_data_model_get_parameter_values (dm, root, values, &fault));
    g_assert_cmpstr (((HenbCwmpParamValue *) values->pdata[0])->value, ==, "");
    def = henb_data_model_get_definition (dm, "Device.IPsec.Enable");
    g_assert_true (def->flags & HENB_DM_FLAG_CELL_CONFIG);
}

typedef struct {
    GPtrArray *names;
    gboolean   attributes_match;
} Walk;

static void
walk_parameter (HenbDataModel *dm, const HenbDmParameterInfo *info, gpointer user_data)
{
    Walk *w = user_data;
    g_auto(GStrv) access = henb_data_model_get_access_list (dm, info->name);

    g_ptr_array_add (w->names, g_strdup (info->name));
    if (info->def != henb_data_model_get_definition (dm, info->name) ||
        info->is_set != henb_data_model_is_set (dm, info->name) ||
        info->notification != henb_data_model_get_notification (dm, info->name) ||
        info->default_notification != henb_data_model_get_default_notification (dm, info->name) ||
        info->n_access != g_strv_length (access))
        w->attributes_match = FALSE;
}

/* foreach_parameter walks what list_parameters lists, filtered by flags, and tells each
 * parameter's attributes as the getters do */
static void
test_foreach_parameter (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(GPtrArray) all = henb_data_model_list_parameters (dm);
    const gchar *const subscriber[] = { "Subscriber", NULL };
    const HenbDmFlags filters[] = { HENB_DM_FLAG_NONE, HENB_DM_FLAG_PERSISTENT, HENB_DM_FLAG_RADIO_STATUS,
                                    HENB_DM_FLAG_CELL_CONFIG, HENB_DM_FLAG_PERSISTENT | HENB_DM_FLAG_WRITABLE };
    g_autoptr(GError) error = NULL;

    g_assert_true (henb_data_model_set (dm, "Device.ManagementServer.PeriodicInformInterval", "600", &error));
    g_assert_no_error (error);
    g_assert_true (henb_data_model_set_notification (dm, "Device.ManagementServer.PeriodicInformInterval", 1, &error));
    g_assert_no_error (error);
    henb_data_model_set_access_list (dm, "Device.ManagementServer.PeriodicInformInterval", subscriber);

    for (guint f = 0; f < G_N_ELEMENTS (filters); f++) {
        Walk w = { g_ptr_array_new_with_free_func (g_free), TRUE };
        guint expected = 0;

        henb_data_model_foreach_parameter (dm, filters[f], walk_parameter, &w);
        for (guint i = 0; i < all->len; i++) {
            const HenbDmParamDef *def = henb_data_model_get_definition (dm, all->pdata[i]);

            if ((def->flags & filters[f]) != filters[f])
                continue;
            g_assert_cmpuint (expected, <, w.names->len);
            g_assert_cmpstr (w.names->pdata[expected], ==, all->pdata[i]);
            expected++;
        }
        g_assert_cmpuint (w.names->len, ==, expected);
        g_assert_cmpuint (expected, >, 0);
        g_assert_true (w.attributes_match);
        g_ptr_array_unref (w.names);
    }
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/cwmp/datamodel/foreach-parameter", test_foreach_parameter);
    g_test_add_func ("/cwmp/datamodel/spv/applies", test_spv_applies_and_sets_key);
    g_test_add_func ("/cwmp/datamodel/spv/status-zero", test_spv_immediate_status_zero);
    g_test_add_func ("/cwmp/datamodel/spv/status-one-only-when-deferred", test_spv_status_one_only_when_deferred);
    g_test_add_func ("/cwmp/datamodel/spv/all-or-nothing", test_spv_faults_are_all_or_nothing);
    g_test_add_func ("/cwmp/datamodel/spv/duplicate", test_spv_duplicate_name);
    g_test_add_func ("/cwmp/datamodel/spv/commit-failure", test_spv_commit_failure_is_internal_error);
    g_test_add_func ("/cwmp/datamodel/spv/bad-urls", test_spv_rejects_bad_urls);
    g_test_add_func ("/cwmp/datamodel/spv/hostile-urls-and-hosts", test_spv_refuses_hostile_urls_and_hosts);
    g_test_add_func ("/cwmp/datamodel/spv/hems-url-policy", test_spv_hems_url_policy);
    g_test_add_func ("/cwmp/datamodel/gpv", test_gpv);
    g_test_add_func ("/cwmp/datamodel/cell/invalid-values", test_cell_invalid_values);
    g_test_add_func ("/cwmp/datamodel/cell/valid-values", test_cell_valid_values);
    g_test_add_func ("/cwmp/datamodel/cell/signed-ranges", test_cell_signed_ranges);
    g_test_add_func ("/cwmp/datamodel/cell/plmn-list", test_cell_plmn_list);
    g_test_add_func ("/cwmp/datamodel/cell/flags", test_cell_flags);
    g_test_add_func ("/cwmp/datamodel/gpn", test_gpn);
    g_test_add_func ("/cwmp/datamodel/rpc-dispatch", test_rpc_dispatch);
    g_test_add_func ("/cwmp/datamodel/rpc-permitted", test_rpc_permitted);
    g_test_add_func ("/cwmp/datamodel/forced-inform", test_forced_inform);
    g_test_add_func ("/cwmp/datamodel/attributes", test_attributes);
    g_test_add_func ("/cwmp/datamodel/attributes/active-by-default", test_active_notification_by_default);
    g_test_add_func ("/cwmp/datamodel/attributes/refused", test_attributes_refused);
    g_test_add_func ("/cwmp/datamodel/attributes/commit-failure", test_attributes_commit_failure);
    g_test_add_func ("/cwmp/datamodel/attributes/access-list-bounded", test_access_list_bounded);
    g_test_add_func ("/cwmp/datamodel/attributes/access-list-unknown-value", test_access_list_unknown_value);
    g_test_add_func ("/cwmp/datamodel/value-changes", test_value_changes);
    g_test_add_func ("/cwmp/datamodel/objects/add-delete", test_add_delete_object);
    g_test_add_func ("/cwmp/datamodel/objects/limits-failure", test_add_object_limits_and_failure);
    g_test_add_func ("/cwmp/datamodel/generation", test_generation);
    g_test_add_func ("/cwmp/datamodel/inform-parameters", test_inform_parameters);
    g_test_add_func ("/cwmp/datamodel/rpc-response-methods", test_response_methods);
    g_test_add_func ("/cwmp/datamodel/spv/tolerances", test_spv_tolerances);
    return g_test_run ();
}
