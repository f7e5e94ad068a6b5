/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "henb-errors.h"
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
    add (params, GW "S1SigLinkPort", "36412", HENB_CWMP_TYPE_STRING);
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
    g_autoptr(GPtrArray) infos = g_ptr_array_new ();
    g_autoptr(HenbCwmpFault) fault = NULL;

    g_ptr_array_set_free_func (infos, g_free);
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
    reply = henb_cwmp_rpc_handle (dm, req, NULL);
    g_assert_cmpint (reply->method, ==, HENB_CWMP_METHOD_FAULT);
    g_assert_cmpuint (reply->fault->code, ==, 9000);
    g_assert_cmpstr (reply->id, ==, "x1");
    g_assert_cmpint (reply->version, ==, HENB_CWMP_VERSION_1_1);

    grm_reply = henb_cwmp_rpc_handle (dm, grm, NULL);
    g_assert_cmpint (grm_reply->method, ==, HENB_CWMP_METHOD_GET_RPC_METHODS_RESPONSE);
    g_assert_cmpuint (grm_reply->names->len, ==, g_strv_length ((GStrv) henb_cwmp_rpc_supported_methods ()));
    g_assert_cmpint (grm_reply->version, ==, HENB_CWMP_VERSION_1_0);

    bad_reply = henb_cwmp_rpc_handle (dm, bad, "ParameterKey is missing");
    g_assert_cmpuint (bad_reply->fault->code, ==, 9003);
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

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/cwmp/datamodel/spv/applies", test_spv_applies_and_sets_key);
    g_test_add_func ("/cwmp/datamodel/spv/status-zero", test_spv_immediate_status_zero);
    g_test_add_func ("/cwmp/datamodel/spv/all-or-nothing", test_spv_faults_are_all_or_nothing);
    g_test_add_func ("/cwmp/datamodel/spv/duplicate", test_spv_duplicate_name);
    g_test_add_func ("/cwmp/datamodel/spv/commit-failure", test_spv_commit_failure_is_internal_error);
    g_test_add_func ("/cwmp/datamodel/spv/bad-urls", test_spv_rejects_bad_urls);
    g_test_add_func ("/cwmp/datamodel/gpv", test_gpv);
    g_test_add_func ("/cwmp/datamodel/gpn", test_gpn);
    g_test_add_func ("/cwmp/datamodel/rpc-dispatch", test_rpc_dispatch);
    g_test_add_func ("/cwmp/datamodel/forced-inform", test_forced_inform);
    return g_test_run ();
}
