/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CPU of one GetParameterValues of the whole tree ("Device."), as henbd spends it: the
 * request envelope parsed, answered against the data model, the response serialized. The
 * model holds the cell a Serving HeMS configures (two PLMNList entries, a PerfMgmt upload
 * entry, an InformParameter entry). Prints the parameter count, the response size and the
 * CPU time per request, the data model's part alone too. Issue 11 asks for about 1 ms.
 * Then the same for GetParameterNames of the whole tree (NextLevel false).
 *
 *   bench-gpv [ITERATIONS]     (default 2000)
 */
#include "config.h"

#include <time.h>

#include "henb-cwmp-codec.h"
#include "henb-cwmp-rpc.h"
#include "henb-datamodel.h"

static gdouble
cpu_seconds (void)
{
    struct timespec ts;

    clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
configure (HenbDataModel *dm)
{
    const gchar *instance_tables[] = {
        HENB_DM_PLMN_LIST, HENB_DM_PLMN_LIST, HENB_DM_PERF_MGMT_CONFIG, HENB_DM_MS_INFORM_PARAMETER,
    };
    const struct {
        const gchar *name, *value;
    } values[] = {
        { HENB_DM_CELL_LTE "EPC.TAC", "4660" },
        { HENB_DM_PLMN_LIST "1.PLMNID", "00101" },
        { HENB_DM_PLMN_LIST "1.Enable", "true" },
        { HENB_DM_PLMN_LIST "2.PLMNID", "310410" },
        { HENB_DM_CELL_LTE "RAN.RF.EARFCNDL", "3100" },
        { HENB_DM_CELL_LTE "RAN.RF.PhyCellID", "17,10..20" },
        { HENB_DM_PERF_MGMT_CONFIG "1.URL", "https://pm.example.net/upload" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (instance_tables); i++) {
        guint instance;
        g_autoptr(HenbCwmpFault) fault = NULL;

        if (!henb_data_model_add_object (dm, instance_tables[i], "", &instance, &fault))
            g_error ("AddObject %s: %s", instance_tables[i], fault->string);
    }
    for (guint i = 0; i < G_N_ELEMENTS (values); i++) {
        g_autoptr(GError) error = NULL;

        if (!henb_data_model_set (dm, values[i].name, values[i].value, &error))
            g_error ("%s", error->message);
    }
}

/* GetParameterNames "Device." with NextLevel false: every name of the tree, parsed, answered
 * and serialized as henbd does it */
/* One request through what a session does with it: parse, handle, serialize the answer. */
static HenbCwmpMessage *
round_trip (HenbDataModel *dm, GBytes *envelope, HenbCwmpMethod expected, gsize *response_size)
{
    gsize len;
    const gchar *data = g_bytes_get_data (envelope, &len);
    g_autofree gchar *argument_error = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbCwmpMessage) parsed = henb_cwmp_parse (data, len, 1 << 20, &argument_error, &error);
    g_autoptr(HenbCwmpMessage) response = NULL;
    g_autoptr(GBytes) out = NULL;

    if (parsed == NULL)
        g_error ("parse: %s", error->message);
    response = henb_cwmp_rpc_handle (dm, parsed, argument_error, NULL, NULL);
    if (response->method != expected)
        g_error ("%s of %s not answered", henb_cwmp_method_to_string (parsed->method), HENB_DM_ROOT);
    out = henb_cwmp_serialize (response);
    *response_size = g_bytes_get_size (out);
    return g_steal_pointer (&response);
}

static void
bench_gpn (HenbDataModel *dm, guint iterations)
{
    g_autoptr(HenbCwmpMessage) request = henb_cwmp_message_new (HENB_CWMP_METHOD_GET_PARAMETER_NAMES,
                                                                HENB_CWMP_VERSION_1_2);
    g_autoptr(GBytes) envelope = NULL;
    gsize response_size = 0;
    guint n_names = 0;
    gdouble start;

    request->parameter_path = g_strdup (HENB_DM_ROOT);
    request->next_level = FALSE;
    envelope = henb_cwmp_serialize (request);
    start = cpu_seconds ();
    for (guint i = 0; i < iterations; i++) {
        g_autoptr(HenbCwmpMessage) response =
            round_trip (dm, envelope, HENB_CWMP_METHOD_GET_PARAMETER_NAMES_RESPONSE, &response_size);

        n_names = response->param_infos->len;
    }
    g_print ("GetParameterNames %s: %u names, response %" G_GSIZE_FORMAT " bytes, %u iterations\n",
             HENB_DM_ROOT, n_names, response_size, iterations);
    g_print ("  CPU per GetParameterNames request: %.3f ms\n", (cpu_seconds () - start) / iterations * 1e3);
}

int
main (int argc, char **argv)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new ("00005A");
    g_autoptr(HenbCwmpMessage) request = henb_cwmp_message_new (HENB_CWMP_METHOD_GET_PARAMETER_VALUES,
                                                                HENB_CWMP_VERSION_1_2);
    g_autoptr(GBytes) envelope = NULL;
    guint iterations = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 2000;
    gsize response_size = 0;
    guint n_params = 0;
    gdouble start, rpc_cpu, model_cpu;

    if (iterations == 0)
        iterations = 1;
    configure (dm);
    henb_cwmp_message_add_name (request, HENB_DM_ROOT);
    envelope = henb_cwmp_serialize (request);

    start = cpu_seconds ();
    for (guint i = 0; i < iterations; i++) {
        g_autoptr(HenbCwmpMessage) response =
            round_trip (dm, envelope, HENB_CWMP_METHOD_GET_PARAMETER_VALUES_RESPONSE, &response_size);

        n_params = response->params->len;
    }
    rpc_cpu = (cpu_seconds () - start) / iterations;

    start = cpu_seconds ();
    for (guint i = 0; i < iterations; i++) {
        g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func ((GDestroyNotify) henb_cwmp_param_value_free);
        g_autoptr(HenbCwmpFault) fault = NULL;

        if (!henb_data_model_get_parameter_values (dm, request->names, params, &fault))
            g_error ("GetParameterValues: %s", fault->string);
    }
    model_cpu = (cpu_seconds () - start) / iterations;

    bench_gpn (dm, iterations);
    g_print ("GetParameterValues %s: %u parameters, response %" G_GSIZE_FORMAT " bytes, %u iterations\n",
             HENB_DM_ROOT, n_params, response_size, iterations);
    g_print ("  CPU per request (parse, answer, serialize): %.3f ms\n", rpc_cpu * 1e3);
    g_print ("  CPU per request (data model only):          %.3f ms\n", model_cpu * 1e3);
    return 0;
}
