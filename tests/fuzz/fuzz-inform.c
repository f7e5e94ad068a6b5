/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Inform encoder with many events: events decoded from the input (the Event list of an
 * Inform envelope, or lines "CODE<TAB>COMMANDKEY", thousands of them) are handed to a session
 * as if queued; the Inform it builds must carry at most 64 EventStructs (the cwmp XSD), the
 * single events first, and henbd's own envelope must parse back with the same events. What
 * henb_cwmp_events_fit_inform() keeps (what the caller retires) is what the Inform carried.
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "henb-cwmp-codec.h"
#include "henb-cwmp-session.h"
#include "henb-datamodel.h"

#define FUZZ_TYPE_TRANSPORT (fuzz_transport_get_type ())
G_DECLARE_FINAL_TYPE (FuzzTransport, fuzz_transport, FUZZ, TRANSPORT, HenbCwmpTransport)

struct _FuzzTransport {
    HenbCwmpTransport parent_instance;
};

/* building an Inform does not talk to anyone */
G_DEFINE_TYPE (FuzzTransport, fuzz_transport, HENB_TYPE_CWMP_TRANSPORT)

static void
fuzz_transport_class_init (FuzzTransportClass *klass)
{
}

static void
fuzz_transport_init (FuzzTransport *self)
{
}

static HenbDataModel *dm;
static HenbCwmpSession *session;

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

/* What an Inform can carry: XML 1.0 characters. Queued events come from henbd's own codes and
 * from command keys the codec parsed, so they never hold anything else. */
static gchar *
xml_text (const gchar *data, gsize size)
{
    g_autofree gchar *valid = g_utf8_make_valid (data, (gssize) size);
    GString *out = g_string_new (NULL);

    for (const gchar *p = valid; *p != '\0'; p = g_utf8_next_char (p)) {
        gunichar c = g_utf8_get_char (p);

        if (c == '\t' || c == '\n' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000)
            g_string_append_unichar (out, c);
        else
            g_string_append_c (out, '?');
    }
    return g_string_free (out, FALSE);
}

static GPtrArray *
decode_events (const gchar *data, gsize size)
{
    GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) event_free);
    g_autoptr(HenbCwmpMessage) inform = henb_cwmp_parse (data, size, 0, NULL, NULL);
    g_autofree gchar *text = NULL;
    g_auto(GStrv) lines = NULL;

    if (inform != NULL && inform->method == HENB_CWMP_METHOD_INFORM) {
        for (guint i = 0; i < inform->events->len; i++) {
            const HenbCwmpEvent *ev = inform->events->pdata[i];
            add_event (events, ev->code, ev->command_key);
        }
        return events;
    }
    text = xml_text (data, size);
    lines = g_strsplit (text, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        gchar *tab = strchr (lines[i], '\t');

        if (tab != NULL)
            *tab = '\0';
        add_event (events, lines[i], tab != NULL ? tab + 1 : NULL);
    }
    return events;
}

static guint
count_singles (GPtrArray *events)
{
    guint n = 0;

    for (guint i = 0; i < events->len; i++)
        n += henb_cwmp_event_is_single (((HenbCwmpEvent *) events->pdata[i])->code) ? 1 : 0;
    return n;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    g_autoptr(HenbCwmpTransport) transport = NULL;
    const gchar *const device_id[][2] = {
        { "Manufacturer", "henbd fuzz" },
        { "ManufacturerOUI", "00005A" },
        { "ProductClass", "HeNB" },
        { "SerialNumber", "SN-1" },
    };

    henb_fuzz_init_logging ();
    dm = henb_data_model_new ("00005A");
    for (guint i = 0; i < G_N_ELEMENTS (device_id); i++) {
        g_autofree gchar *name = g_strconcat (HENB_DM_DEVINFO, device_id[i][0], NULL);
        henb_data_model_set (dm, name, device_id[i][1], NULL);
    }
    transport = g_object_new (FUZZ_TYPE_TRANSPORT, NULL);
    session = henb_cwmp_session_new (transport, dm, HENB_CWMP_VERSION_1_2);
    return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    g_autoptr(GPtrArray) events = decode_events ((const gchar *) data, size);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(HenbCwmpMessage) inform = henb_cwmp_session_build_inform (session, events, 0, now);
    g_autoptr(GBytes) body = henb_cwmp_serialize (inform);
    g_autoptr(HenbCwmpMessage) again = NULL;
    g_autoptr(GError) error = NULL;
    gsize len;
    const gchar *envelope = g_bytes_get_data (body, &len);
    guint in_singles = count_singles (events);

    henb_fuzz_check (inform->events->len <= HENB_CWMP_MAX_EVENTS, "the Inform carries more than 64 events");
    henb_fuzz_check (inform->events->len == MIN (events->len, HENB_CWMP_MAX_EVENTS),
                     "the Inform left out events it had room for");
    henb_fuzz_check (count_singles (inform->events) == MIN (in_singles, HENB_CWMP_MAX_EVENTS),
                     "a single event was left out for another one");

    again = henb_cwmp_parse (envelope, len, 0, NULL, &error);
    if (again == NULL)
        g_printerr ("own Inform does not parse: %s\n%.*s\n", error->message, (int) MIN (len, 4096), envelope);
    henb_fuzz_check (again != NULL && again->method == HENB_CWMP_METHOD_INFORM, "henbd's Inform does not parse back");
    henb_fuzz_check (again->events->len == inform->events->len, "the events changed on the way back");

    /* the caller retires exactly what the Inform carried */
    henb_cwmp_events_fit_inform (events, 0);
    henb_fuzz_check (events->len == inform->events->len, "fit_inform and the Inform disagree");
    for (guint i = 0; i < events->len; i++) {
        const HenbCwmpEvent *a = events->pdata[i];
        const HenbCwmpEvent *b = inform->events->pdata[i];

        henb_fuzz_check (g_str_equal (a->code, b->code) && g_str_equal (a->command_key, b->command_key),
                         "fit_inform kept other events than the Inform carried");
    }
    return 0;
}
