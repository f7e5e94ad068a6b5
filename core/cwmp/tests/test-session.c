/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Inform a session builds, whatever is queued: never more EventStructs than the cwmp XSD
 * allows (64), the single events always in it, the others oldest first, and what does not fit
 * left for the next session. Envelopes are validated against the BBF XSDs when they are there
 * (tests/tools/validate-envelopes; skipped otherwise).
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "henb-errors.h"
#include "henb-cwmp-codec.h"
#include "henb-cwmp-session.h"
#include "henb-datamodel.h"

#define OUI "00005A"

/* A transport that answers every POST with @status and @body (building an Inform alone does
 * not talk to anyone). */
#define TEST_TYPE_TRANSPORT (test_transport_get_type ())
G_DECLARE_FINAL_TYPE (TestTransport, test_transport, TEST, TRANSPORT, HenbCwmpTransport)

struct _TestTransport {
    HenbCwmpTransport parent_instance;
    guint             status;
    gchar            *body;
};

G_DEFINE_TYPE (TestTransport, test_transport, HENB_TYPE_CWMP_TRANSPORT)

static void
test_transport_post_async (HenbCwmpTransport *transport, GBytes *body, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
    TestTransport *self = TEST_TRANSPORT (transport);
    g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
    HenbCwmpHttpResponse *response = g_new0 (HenbCwmpHttpResponse, 1);

    response->status = self->status;
    response->content_type = g_strdup ("text/xml");
    response->body = g_bytes_new (self->body, self->body != NULL ? strlen (self->body) : 0);
    g_task_return_pointer (task, response, (GDestroyNotify) henb_cwmp_http_response_free);
}

static HenbCwmpHttpResponse *
test_transport_post_finish (HenbCwmpTransport *transport, GAsyncResult *result, GError **error)
{
    return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_transport_finalize (GObject *object)
{
    g_free (TEST_TRANSPORT (object)->body);
    G_OBJECT_CLASS (test_transport_parent_class)->finalize (object);
}

static void
test_transport_class_init (TestTransportClass *klass)
{
    G_OBJECT_CLASS (klass)->finalize = test_transport_finalize;
    HENB_CWMP_TRANSPORT_CLASS (klass)->post_async = test_transport_post_async;
    HENB_CWMP_TRANSPORT_CLASS (klass)->post_finish = test_transport_post_finish;
}

static void
test_transport_init (TestTransport *self)
{
}

static void
event_free (HenbCwmpEvent *ev)
{
    g_free (ev->code);
    g_free (ev->command_key);
    g_free (ev);
}

static void
add_event (GPtrArray *events, const gchar *code, const gchar *command_key)
{
    HenbCwmpEvent *ev = g_new0 (HenbCwmpEvent, 1);

    ev->code = g_strdup (code);
    ev->command_key = g_strdup (command_key != NULL ? command_key : "");
    g_ptr_array_add (events, ev);
}

static GPtrArray *
events_new (void)
{
    return g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);
}

/* What an attacker gets queued with 300 ScheduleInforms: 1 BOOT, M ScheduleInform si-0 ..
 * si-297, and 0 BOOTSTRAP last (a URL change in between): 300 events. */
static GPtrArray *
three_hundred_events (void)
{
    GPtrArray *events = events_new ();

    add_event (events, "1 BOOT", NULL);
    for (guint i = 0; i < 298; i++) {
        g_autofree gchar *key = g_strdup_printf ("si-%u", i);
        add_event (events, "M ScheduleInform", key);
    }
    add_event (events, "0 BOOTSTRAP", NULL);
    return events;
}

static guint
count (const gchar *haystack, gsize len, const gchar *needle)
{
    guint n = 0;

    for (const gchar *p = haystack; (p = g_strstr_len (p, len - (p - haystack), needle)) != NULL; p++)
        n++;
    return n;
}

/* Runs validate-envelopes on @envelope: TRUE when valid or when the schemas are missing. */
static void
assert_validates (GBytes *envelope)
{
    const gchar *tool = g_getenv ("HENB_VALIDATE_ENVELOPES");
    const gchar *spec = g_getenv ("HENB_SPEC_DIR");
    g_autofree gchar *path = NULL;
    g_autofree gchar *out = NULL;
    g_autoptr(GError) error = NULL;
    gint fd, status = 0;

    if (tool == NULL || spec == NULL) {
        g_test_message ("HENB_VALIDATE_ENVELOPES or HENB_SPEC_DIR unset: not validated");
        return;
    }
    fd = g_file_open_tmp ("henb-test-session-XXXXXX.xml", &path, &error);
    g_assert_no_error (error);
    close (fd);
    g_assert_true (g_file_set_contents (path, g_bytes_get_data (envelope, NULL), g_bytes_get_size (envelope),
                                        &error));
    {
        const gchar *argv[] = { tool, spec, path, NULL };

        g_assert_true (g_spawn_sync (NULL, (gchar **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                                     NULL, &status, &error));
    }
    g_unlink (path);
    g_assert_no_error (error);
    if (WIFEXITED (status) && WEXITSTATUS (status) == 77) {
        g_test_message ("not validated: %s", out);
        return;
    }
    g_test_message ("validate-envelopes: %s", g_strstrip (out));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static HenbCwmpSession *
session_new (HenbDataModel *dm)
{
    g_autoptr(HenbCwmpTransport) transport = g_object_new (TEST_TYPE_TRANSPORT, NULL);
    const gchar *const device_id[][2] = {
        { "Manufacturer", "henbd test" },
        { "ManufacturerOUI", OUI },
        { "ProductClass", "HeNB" },
        { "SerialNumber", "SN-1" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (device_id); i++) {
        g_autofree gchar *name = g_strconcat (HENB_DM_DEVINFO, device_id[i][0], NULL);
        g_autoptr(GError) error = NULL;

        g_assert_true (henb_data_model_set (dm, name, device_id[i][1], &error));
    }

    return henb_cwmp_session_new (transport, dm, HENB_CWMP_VERSION_1_2);
}

static void
test_inform_300_events (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbCwmpSession) session = session_new (dm);
    g_autoptr(GPtrArray) events = three_hundred_events ();
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(HenbCwmpMessage) inform = henb_cwmp_session_build_inform (session, events, 0, now);
    g_autoptr(GBytes) body = henb_cwmp_serialize (inform);
    g_autoptr(HenbCwmpMessage) again = NULL;
    gsize len;
    const gchar *data = g_bytes_get_data (body, &len);
    const HenbCwmpEvent *ev;

    g_assert_cmpuint (events->len, ==, 300);
    g_assert_cmpuint (inform->events->len, ==, HENB_CWMP_MAX_EVENTS);
    /* the single events first, in queue order; then the oldest M events */
    ev = inform->events->pdata[0];
    g_assert_cmpstr (ev->code, ==, "1 BOOT");
    ev = inform->events->pdata[1];
    g_assert_cmpstr (ev->command_key, ==, "si-0");
    ev = inform->events->pdata[62];
    g_assert_cmpstr (ev->command_key, ==, "si-61");
    ev = inform->events->pdata[63];
    g_assert_cmpstr (ev->code, ==, "0 BOOTSTRAP");

    g_test_message ("300 events queued: the Inform carries %u EventStructs, %" G_GSIZE_FORMAT " bytes",
                    count (data, len, "<EventStruct>"), len);
    g_assert_cmpuint (count (data, len, "<EventStruct>"), ==, 64);
    g_assert_nonnull (g_strstr_len (data, len, "cwmp:EventStruct[64]"));
    again = henb_cwmp_parse (data, len, 0, NULL, NULL);
    g_assert_nonnull (again);
    g_assert_cmpuint (again->events->len, ==, 64);
    assert_validates (body);
}

/* Only what the Inform carried may be retired: the rest stays queued, oldest first. */
static void
test_fit_inform_keeps_the_rest (void)
{
    g_autoptr(GPtrArray) events = three_hundred_events ();
    g_autoptr(GPtrArray) few = events_new ();
    const HenbCwmpEvent *ev;

    /* a value change of its own takes one place */
    henb_cwmp_events_fit_inform (events, 1);
    g_assert_cmpuint (events->len, ==, 63);
    ev = events->pdata[0];
    g_assert_cmpstr (ev->code, ==, "1 BOOT");
    ev = events->pdata[61];
    g_assert_cmpstr (ev->command_key, ==, "si-60");
    ev = events->pdata[62];
    g_assert_cmpstr (ev->code, ==, "0 BOOTSTRAP");

    /* what fits is left alone, order and all */
    add_event (few, "M Download", "d");
    add_event (few, "7 TRANSFER COMPLETE", NULL);
    henb_cwmp_events_fit_inform (few, 1);
    g_assert_cmpuint (few->len, ==, 2);
    ev = few->pdata[0];
    g_assert_cmpstr (ev->code, ==, "M Download");
}

/* With a value change pending and 64 events queued, "4 VALUE CHANGE" still fits. */
static void
test_inform_value_change_fits (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    g_autoptr(HenbCwmpSession) session = session_new (dm);
    g_autoptr(GPtrArray) events = events_new ();
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(HenbCwmpMessage) inform = NULL;
    g_autoptr(GError) error = NULL;
    const HenbCwmpEvent *ev;
    const gchar *name = "Device.ManagementServer.PeriodicInformInterval";

    g_assert_true (henb_data_model_set_notification (dm, name, 1, &error));
    henb_data_model_check_value_changes (dm);
    g_assert_true (henb_data_model_set (dm, name, "77", &error));
    henb_data_model_check_value_changes (dm);
    for (guint i = 0; i < 64; i++) {
        g_autofree gchar *key = g_strdup_printf ("r-%u", i);
        add_event (events, "M Reboot", key);
    }
    inform = henb_cwmp_session_build_inform (session, events, 0, now);
    g_assert_cmpuint (inform->events->len, ==, HENB_CWMP_MAX_EVENTS);
    ev = inform->events->pdata[63];
    g_assert_cmpstr (ev->code, ==, "4 VALUE CHANGE");
    g_assert_nonnull (henb_cwmp_message_find_param (inform, name));
}

/* The encoder itself never writes more than the schema allows. */
static void
test_serializer_bounds_events (void)
{
    g_autoptr(HenbCwmpMessage) inform = henb_cwmp_message_new (HENB_CWMP_METHOD_INFORM, HENB_CWMP_VERSION_1_0);
    g_autoptr(GBytes) body = NULL;
    gsize len;
    const gchar *data;

    for (guint i = 0; i < 100; i++)
        henb_cwmp_message_add_event (inform, "M Reboot", "k");
    body = henb_cwmp_serialize (inform);
    data = g_bytes_get_data (body, &len);
    g_assert_cmpuint (count (data, len, "<EventStruct>"), ==, 64);
    g_assert_nonnull (g_strstr_len (data, len, "cwmp:EventStruct[64]"));
}

static void
inform_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GError **error = user_data;

    if (!henb_cwmp_session_inform_finish (HENB_CWMP_SESSION (source), res, error) && *error == NULL)
        g_assert_not_reached ();
    if (*error == NULL)
        *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "ok"); /* marks "done, no error" */
}

#define ENV_OPEN "<s:Envelope xmlns:s=\"" HENB_SOAP_ENV_NS "\" xmlns:cwmp=\"urn:dslforum-org:@NS@\">"
#define CWMP_FAULT(code, text)                                                                       \
    ENV_OPEN "<s:Body><s:Fault><faultcode>Client</faultcode><faultstring>CWMP fault</faultstring>"   \
    "<detail><cwmp:Fault><FaultCode>" code "</FaultCode><FaultString>" text "</FaultString>"        \
    "</cwmp:Fault></detail></s:Fault></s:Body></s:Envelope>"

/* Sends one Inform in @version, answered with @status and @body_format (@NS@ replaced by the
 * namespace name @ns); returns the session's error, NULL when the InformResponse was taken. */
static GError *
inform_once (HenbDataModel *dm, HenbCwmpVersion version, guint status, const gchar *body_format,
             const gchar *ns, HenbCwmpVersion *out_fallback)
{
    g_autoptr(TestTransport) transport = g_object_new (TEST_TYPE_TRANSPORT, NULL);
    g_autoptr(HenbCwmpSession) session = NULL;
    GError *error = NULL;

    transport->status = status;
    if (body_format != NULL) {
        GString *body = g_string_new (body_format);

        g_string_replace (body, "@NS@", ns, 0);
        transport->body = g_string_free (body, FALSE);
    }
    session = henb_cwmp_session_new (HENB_CWMP_TRANSPORT (transport), dm, version);
    henb_cwmp_session_inform_async (session, NULL, 0, NULL, inform_done, &error);
    while (error == NULL)
        g_main_context_iteration (NULL, TRUE);
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        g_clear_error (&error);
    if (out_fallback != NULL)
        *out_fallback = henb_cwmp_session_get_fallback_version (session);
    return error;
}

/* A SOAP 1.1 Fault comes with HTTP 500: read and acted on like one in a 200. A version refusal
 * (8006, an older namespace, a SOAP "not found" naming the Inform) asks for the next older
 * version; a bare 500 stays an HTTP error; an InformResponse without our cwmp:ID is taken and
 * counted, or refused under Strict. */
static void
test_inform_answers (void)
{
    g_autoptr(HenbDataModel) dm = henb_data_model_new (OUI);
    HenbCwmpVersion fallback = HENB_CWMP_VERSION_1_2;
    GError *error;

    error = inform_once (dm, HENB_CWMP_VERSION_1_2, 500, CWMP_FAULT ("8006", "ACS version incompatible"),
                         "cwmp-1-2", &fallback);
    g_assert_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_UNSUPPORTED_VERSION);
    g_assert_cmpint (fallback, ==, HENB_CWMP_VERSION_1_1);
    g_clear_error (&error);

    error = inform_once (dm, HENB_CWMP_VERSION_1_1, 500, CWMP_FAULT ("8006", "ACS version incompatible"),
                         "cwmp-1-1", &fallback);
    g_assert_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_UNSUPPORTED_VERSION);
    g_assert_cmpint (fallback, ==, HENB_CWMP_VERSION_1_0);
    g_clear_error (&error);

    /* nothing older than 1.0: the fault itself */
    error = inform_once (dm, HENB_CWMP_VERSION_1_0, 500, CWMP_FAULT ("8006", "ACS version incompatible"),
                         "cwmp-1-0", NULL);
    g_assert_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_FAULT);
    g_clear_error (&error);

    /* any fault in an older namespace: straight to it */
    error = inform_once (dm, HENB_CWMP_VERSION_1_2, 200, CWMP_FAULT ("8002", "Internal error"), "cwmp-1-0",
                         &fallback);
    g_assert_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_UNSUPPORTED_VERSION);
    g_assert_cmpint (fallback, ==, HENB_CWMP_VERSION_1_0);
    g_clear_error (&error);

    error = inform_once (dm, HENB_CWMP_VERSION_1_2, 500,
                         ENV_OPEN "<s:Body><s:Fault><faultcode>soap:Client.ResourceNotFound</faultcode>"
                         "<faultstring>Endpoint {urn:dslforum-org:cwmp-1-2}Inform not found</faultstring>"
                         "</s:Fault></s:Body></s:Envelope>", "cwmp-1-2", &fallback);
    g_assert_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_UNSUPPORTED_VERSION);
    g_assert_cmpint (fallback, ==, HENB_CWMP_VERSION_1_1);
    g_assert_nonnull (strstr (error->message, "SOAP fault soap:Client.ResourceNotFound (Endpoint"));
    g_clear_error (&error);

    /* a SOAP fault that is about something else is no version refusal */
    error = inform_once (dm, HENB_CWMP_VERSION_1_2, 500,
                         ENV_OPEN "<s:Body><s:Fault><faultcode>Server</faultcode>"
                         "<faultstring>database down</faultstring></s:Fault></s:Body></s:Envelope>",
                         "cwmp-1-2", NULL);
    g_assert_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_FAULT);
    g_clear_error (&error);

    error = inform_once (dm, HENB_CWMP_VERSION_1_2, 500, CWMP_FAULT ("8005", "Retry request"), "cwmp-1-2", NULL);
    g_assert_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_FAULT);
    g_assert_nonnull (strstr (error->message, "fault 8005 (Retry request), HTTP 500"));
    g_clear_error (&error);

    /* a bare 500, or one with an HTML page: an HTTP error as before */
    error = inform_once (dm, HENB_CWMP_VERSION_1_2, 500, NULL, NULL, NULL);
    g_assert_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_HTTP_STATUS);
    g_clear_error (&error);
    error = inform_once (dm, HENB_CWMP_VERSION_1_2, 500, "<html>@NS@</html>", "oops", NULL);
    g_assert_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_HTTP_STATUS);
    g_clear_error (&error);

    /* InformResponse without cwmp:ID: taken and counted; refused under Strict */
    g_assert_cmpuint (henb_data_model_get_tolerated_count (dm), ==, 0);
    error = inform_once (dm, HENB_CWMP_VERSION_1_2, 200,
                         ENV_OPEN "<s:Body><cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes>"
                         "</cwmp:InformResponse></s:Body></s:Envelope>", "cwmp-1-2", NULL);
    g_assert_no_error (error);
    g_assert_cmpuint (henb_data_model_get_tolerated_count (dm), ==, 1);
    henb_data_model_set_strict (dm, TRUE);
    error = inform_once (dm, HENB_CWMP_VERSION_1_2, 200,
                         ENV_OPEN "<s:Header><cwmp:ID s:mustUnderstand=\"1\">other</cwmp:ID></s:Header>"
                         "<s:Body><cwmp:InformResponse><MaxEnvelopes>1</MaxEnvelopes>"
                         "</cwmp:InformResponse></s:Body></s:Envelope>", "cwmp-1-2", NULL);
    g_assert_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_MALFORMED);
    g_assert_nonnull (strstr (error->message, "cwmp:ID other"));
    g_clear_error (&error);
    g_assert_cmpuint (henb_data_model_get_tolerated_count (dm), ==, 1);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/cwmp/session/inform/answers", test_inform_answers);
    g_test_add_func ("/cwmp/session/inform/300-events", test_inform_300_events);
    g_test_add_func ("/cwmp/session/inform/fit-keeps-the-rest", test_fit_inform_keeps_the_rest);
    g_test_add_func ("/cwmp/session/inform/value-change-fits", test_inform_value_change_fits);
    g_test_add_func ("/cwmp/session/inform/serializer-bound", test_serializer_bounds_events);
    return g_test_run ();
}
