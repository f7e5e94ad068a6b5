/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The whole path of an envelope from the HeMS: parse it, serialize what was understood and
 * parse that again, then answer it with the RPC dispatcher against a fresh data model (no
 * device actions) and serialize the answer. henbd's own envelopes must always parse back.
 */
#include "config.h"

#include "fuzz-common.h"
#include "henb-cwmp-codec.h"
#include "henb-cwmp-rpc.h"
#include "henb-datamodel.h"

/* What henbd produced may outgrow the input (escaping, a whole GetParameterNames answer). */
#define OWN_OUTPUT_LIMIT (16 * 1024 * 1024)

static void
assert_parses_back (const HenbCwmpMessage *msg)
{
    g_autoptr(GBytes) bytes = henb_cwmp_serialize (msg);
    g_autoptr(HenbCwmpMessage) again = NULL;
    g_autoptr(GError) error = NULL;
    gsize size;
    const gchar *data;

    henb_fuzz_check (bytes != NULL, "henb_cwmp_serialize() gave nothing");
    data = g_bytes_get_data (bytes, &size);
    again = henb_cwmp_parse (data, size, OWN_OUTPUT_LIMIT, NULL, &error);
    if (again == NULL)
        g_printerr ("own envelope does not parse: %s\n%.*s\n", error->message, (int) size, data);
    henb_fuzz_check (again != NULL, "an envelope henbd serialized does not parse");
    henb_fuzz_check (again->method == msg->method, "the method changed on the way back");
    henb_fuzz_check (g_strcmp0 (again->id, msg->id) == 0, "the cwmp:ID changed on the way back");
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    henb_fuzz_init_logging ();
    return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    g_autoptr(HenbCwmpMessage) msg = NULL;
    g_autoptr(HenbCwmpMessage) reply = NULL;
    g_autoptr(HenbDataModel) dm = NULL;
    g_autofree gchar *argument_error = NULL;

    msg = henb_cwmp_parse ((const gchar *) data, size, 0, &argument_error, NULL);
    if (msg == NULL)
        return 0;
    assert_parses_back (msg);

    /* henbd answers whatever the HeMS sends in a session, requests or not */
    dm = henb_data_model_new ("00005A");
    reply = henb_cwmp_rpc_handle (dm, msg, argument_error, NULL, NULL);
    henb_fuzz_check (reply != NULL, "the dispatcher gave no answer");
    assert_parses_back (reply);
    return 0;
}
