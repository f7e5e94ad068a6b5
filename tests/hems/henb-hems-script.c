/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "henb-hems-log.h"
#include "henb-hems-script.h"

/* the status of an ordinary answer, without pulling libsoup into the script parser */
#define SOUP_STATUS_OK_VALUE 200

struct _HemsScript {
    GPtrArray         *sessions; /* HemsSessionScript, numbered */
    HemsSessionScript *any;      /* "session *" */
};

typedef enum {
    EXPECT_EVENT,
    EXPECT_NO_EVENT,
    EXPECT_PARAM,
} ExpectKind;

typedef struct {
    ExpectKind kind;
    guint      line;
    gchar     *what;  /* event code or parameter name */
    gchar     *value; /* command key or parameter value; NULL: any */
} Expectation;

typedef struct {
    const gchar       *dir;     /* rpc Raw files are relative to the script */
    HemsScript        *script;
    HemsSessionScript *current; /* the block being read */
    guint              line;
} Parser;

static gboolean
fail (GError **error, const gchar *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError **error, const gchar *format, ...)
{
    va_list args;
    g_autofree gchar *message = NULL;

    va_start (args, format);
    message = g_strdup_vprintf (format, args);
    va_end (args);
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, message);
    return FALSE;
}

static gboolean
parse_number (const gchar *text, guint64 max, guint *out, GError **error)
{
    guint64 v;

    if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, max, &v, NULL))
        return fail (error, "'%s' is not a number up to %" G_GUINT64_FORMAT, text != NULL ? text : "", max);
    *out = (guint) v;
    return TRUE;
}

static gboolean
parse_bool (const gchar *text, gboolean *out, GError **error)
{
    if (g_strcmp0 (text, "true") == 0 || g_strcmp0 (text, "false") == 0) {
        *out = text[0] == 't';
        return TRUE;
    }
    return fail (error, "'%s' is neither true nor false", text);
}

/* The value of a "key=value" argument, or NULL when @arg is not one for @key. */
static const gchar *
keyword_value (const gchar *arg, const gchar *key)
{
    gsize len = strlen (key);

    return strncmp (arg, key, len) == 0 && arg[len] == '=' ? arg + len + 1 : NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Data */

static void
expectation_free (Expectation *e)
{
    g_free (e->what);
    g_free (e->value);
    g_free (e);
}

static void
step_free (HemsStep *step)
{
    g_clear_pointer (&step->request, henb_cwmp_message_free);
    g_clear_pointer (&step->raw, g_bytes_unref);
    g_free (step->raw_path);
    g_free (step->http.location);
    g_free (step);
}

static HemsSessionScript *
session_script_new (guint number)
{
    HemsSessionScript *ss = g_new0 (HemsSessionScript, 1);

    ss->number = number;
    ss->fault_status = SOUP_STATUS_OK_VALUE;
    ss->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
    ss->expectations = g_ptr_array_new_with_free_func ((GDestroyNotify) expectation_free);
    ss->provision_on = g_ptr_array_new_with_free_func (g_free);
    return ss;
}

void
hems_session_script_free (HemsSessionScript *ss)
{
    if (ss == NULL)
        return;
    g_ptr_array_unref (ss->steps);
    g_ptr_array_unref (ss->expectations);
    g_ptr_array_unref (ss->provision_on);
    g_free (ss->inform_http.location);
    g_clear_pointer (&ss->inform_raw, step_free);
    g_free (ss->transfer_complete_http.location);
    g_free (ss->use_version);
    g_free (ss);
}

HemsSessionScript *
hems_session_script_new_default (void)
{
    HemsSessionScript *ss = session_script_new (0);
    HemsStep *step = g_new0 (HemsStep, 1);

    step->kind = HEMS_STEP_CONFIGURE;
    g_ptr_array_add (ss->steps, step);
    return ss;
}

void
hems_script_free (HemsScript *script)
{
    if (script == NULL)
        return;
    g_ptr_array_unref (script->sessions);
    hems_session_script_free (script->any);
    g_free (script);
}

/* The block for exactly @number (0: "session *") */
static const HemsSessionScript *
find_block (const HemsScript *script, guint number)
{
    if (number == 0)
        return script->any;
    for (guint i = 0; i < script->sessions->len; i++) {
        const HemsSessionScript *ss = script->sessions->pdata[i];
        if (ss->number == number)
            return ss;
    }
    return NULL;
}

const HemsSessionScript *
hems_script_lookup (const HemsScript *script, guint session)
{
    const HemsSessionScript *ss = find_block (script, session);

    return ss != NULL ? ss : script->any;
}

void
hems_script_log_unused (const HemsScript *script, guint sessions_seen, FILE *log)
{
    for (guint i = 0; i < script->sessions->len; i++) {
        const HemsSessionScript *ss = script->sessions->pdata[i];
        if (ss->number > sessions_seen)
            hems_log (log, "script: session %u never happened", ss->number);
    }
}

void
hems_add_typed_param (HenbCwmpMessage *msg, const gchar *name, const gchar *spec)
{
    const gchar *type;
    const gchar *end;
    g_autofree gchar *type_name = NULL;
    HenbCwmpParamValue *pv;

    if (g_str_has_prefix (spec, "untyped:")) {
        henb_cwmp_message_add_param (msg, name, spec + strlen ("untyped:"), HENB_CWMP_TYPE_NONE);
        return;
    }
    if (!g_str_has_prefix (spec, "xsd:")) {
        henb_cwmp_message_add_param (msg, name, spec, HENB_CWMP_TYPE_STRING);
        return;
    }
    type = spec + strlen ("xsd:");
    end = type + strcspn (type, ": ");
    type_name = g_strndup (type, end - type);
    henb_cwmp_message_add_param (msg, name, *end != '\0' ? end + 1 : "", henb_cwmp_type_from_xsd (type_name));
    /* a type the codec does not know goes out as written, for fault 9006 tests */
    pv = msg->params->pdata[msg->params->len - 1];
    if (pv->type == HENB_CWMP_TYPE_OTHER)
        pv->type_name = g_strconcat ("xsd:", type_name, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Event codes */

/* TR-069 Amendment 6 table 7: a numbered code is its number and these words */
static const gchar *const standard_events[] = {
    "0 BOOTSTRAP", "1 BOOT", "2 PERIODIC", "3 SCHEDULED", "4 VALUE CHANGE", "5 KICKED",
    "6 CONNECTION REQUEST", "7 TRANSFER COMPLETE", "8 DIAGNOSTICS COMPLETE", "9 REQUEST DOWNLOAD",
    "10 AUTONOMOUS TRANSFER COMPLETE", "11 DU STATE CHANGE COMPLETE",
    "12 AUTONOMOUS DU STATE CHANGE COMPLETE", "13 WAKEUP", "14 HEARTBEAT",
};

static gboolean
is_standard_event (const gchar *code)
{
    for (guint i = 0; i < G_N_ELEMENTS (standard_events); i++) {
        if (g_str_equal (standard_events[i], code))
            return TRUE;
    }
    return FALSE;
}

/* How many words a code starting with @first has: "N WORDS" of the table, "M Method", "X OUI Event" */
static guint
event_code_words (const gchar *first)
{
    if (strchr (first, ' ') != NULL) /* quoted whole */
        return 1;
    if (g_str_equal (first, "M"))
        return 2;
    if (g_str_equal (first, "X"))
        return 3;
    for (guint i = 0; i < G_N_ELEMENTS (standard_events); i++) {
        g_auto(GStrv) parts = g_strsplit (standard_events[i], " ", -1);
        if (g_str_equal (parts[0], first))
            return g_strv_length (parts);
    }
    return 0;
}

/* Reads an event code from the first words of @args; returns how many it took, 0 on error. */
static guint
take_event_code (gchar **args, guint n_args, gchar **out_code, GError **error)
{
    guint words = n_args > 0 ? event_code_words (args[0]) : 0;
    g_autoptr(GString) code = NULL;

    if (words == 0 || words > n_args) {
        fail (error, "'%s' does not start an event code (\"1 BOOT\", \"M Reboot\", \"X OUI Name\")",
              n_args > 0 ? args[0] : "");
        return 0;
    }
    code = g_string_new (args[0]);
    for (guint i = 1; i < words; i++)
        g_string_append_printf (code, " %s", args[i]);
    if (g_ascii_isdigit (code->str[0]) && !is_standard_event (code->str)) {
        fail (error, "'%s' is not a standard event code", code->str);
        return 0;
    }
    *out_code = g_string_free (g_steal_pointer (&code), FALSE);
    return words;
}

/* ------------------------------------------------------------------------------------------ */
/* Expectations */

static gboolean
add_event_expectation (Parser *p, ExpectKind kind, gchar **args, guint n_args, GError **error)
{
    g_autofree gchar *code = NULL;
    guint used = take_event_code (args, n_args, &code, error);
    Expectation *e;

    if (used == 0)
        return FALSE;
    if (n_args > used + (kind == EXPECT_EVENT ? 1 : 0))
        return fail (error, "unexpected '%s'", args[n_args - 1]);
    e = g_new0 (Expectation, 1);
    e->kind = kind;
    e->line = p->line;
    e->what = g_steal_pointer (&code);
    e->value = n_args > used ? g_strdup (args[used]) : NULL;
    g_ptr_array_add (p->current->expectations, e);
    return TRUE;
}

static gboolean
parse_expect_event (Parser *p, gchar **args, guint n_args, GError **error)
{
    return add_event_expectation (p, EXPECT_EVENT, args, n_args, error);
}

static gboolean
parse_expect_no_event (Parser *p, gchar **args, guint n_args, GError **error)
{
    return add_event_expectation (p, EXPECT_NO_EVENT, args, n_args, error);
}

static gboolean
parse_expect_param (Parser *p, gchar **args, guint n_args, GError **error)
{
    Expectation *e;
    const gchar *eq;

    if (n_args != 1)
        return fail (error, "expect-param wants one NAME or NAME=VALUE");
    eq = strchr (args[0], '=');
    e = g_new0 (Expectation, 1);
    e->kind = EXPECT_PARAM;
    e->line = p->line;
    e->what = eq != NULL ? g_strndup (args[0], eq - args[0]) : g_strdup (args[0]);
    e->value = eq != NULL ? g_strdup (eq + 1) : NULL;
    g_ptr_array_add (p->current->expectations, e);
    return TRUE;
}

static const HenbCwmpEvent *
find_event (const HenbCwmpMessage *inform, const gchar *code)
{
    for (guint i = 0; i < inform->events->len; i++) {
        const HenbCwmpEvent *ev = inform->events->pdata[i];
        if (g_strcmp0 (ev->code, code) == 0)
            return ev;
    }
    return NULL;
}

/* NULL when @e holds, else what is wrong */
static gchar *
check_expectation (const Expectation *e, const HenbCwmpMessage *inform)
{
    const HenbCwmpEvent *ev;
    const HenbCwmpParamValue *pv;

    switch (e->kind) {
    case EXPECT_EVENT:
        ev = find_event (inform, e->what);
        if (ev == NULL)
            return g_strdup ("not in the Inform");
        if (e->value != NULL && g_strcmp0 (ev->command_key, e->value) != 0)
            return g_strdup_printf ("its CommandKey is '%s'", ev->command_key);
        return NULL;
    case EXPECT_NO_EVENT:
        return find_event (inform, e->what) != NULL ? g_strdup ("in the Inform") : NULL;
    case EXPECT_PARAM:
        pv = henb_cwmp_message_find_param (inform, e->what);
        if (pv == NULL)
            return g_strdup ("not in the Inform");
        if (e->value != NULL && g_strcmp0 (pv->value, e->value) != 0)
            return g_strdup_printf ("the Inform has '%s'", pv->value);
        return NULL;
    default:
        g_assert_not_reached ();
    }
}

void
hems_session_script_check_inform (const HemsSessionScript *ss,
                                  const HenbCwmpMessage   *inform,
                                  FILE                    *log,
                                  guint                    session)
{
    for (guint i = 0; i < ss->expectations->len; i++) {
        const Expectation *e = ss->expectations->pdata[i];
        g_autofree gchar *problem = check_expectation (e, inform);
        g_autofree gchar *what = NULL;

        if (e->kind == EXPECT_PARAM)
            what = g_strdup_printf ("param %s%s%s", e->what, e->value != NULL ? "=" : "",
                                    e->value != NULL ? e->value : "");
        else
            what = g_strdup_printf ("%s %s%s%s", e->kind == EXPECT_EVENT ? "event" : "no event", e->what,
                                    e->value != NULL ? " key " : "", e->value != NULL ? e->value : "");
        if (problem == NULL)
            hems_log_session (log, session, "expect ok: %s", what);
        else
            hems_log_session (log, session, "EXPECT FAILED (line %u): %s: %s", e->line, what, problem);
    }
}

gboolean
hems_session_script_provisions (const HemsSessionScript *ss, const HenbCwmpMessage *inform, gchar **out_why)
{
    g_autoptr(GString) codes = g_string_new (NULL);

    if (ss->provision_on->len == 0)
        return TRUE;
    for (guint i = 0; i < ss->provision_on->len; i++) {
        for (guint j = 0; inform->events != NULL && j < inform->events->len; j++) {
            if (g_str_equal (((HenbCwmpEvent *) inform->events->pdata[j])->code, ss->provision_on->pdata[i]))
                return TRUE;
        }
        g_string_append_printf (codes, "%s%s", i > 0 ? ", " : "", (const gchar *) ss->provision_on->pdata[i]);
    }
    *out_why = g_strdup_printf ("the Inform carries none of %s", codes->str);
    return FALSE;
}

gboolean
hems_session_script_add_provision_on (HemsSessionScript *ss, const gchar *list, GError **error)
{
    g_auto(GStrv) codes = g_strsplit (list, ",", -1);

    for (guint i = 0; codes[i] != NULL; i++) {
        g_autofree gchar *code = g_strstrip (g_strdup (codes[i]));

        if (code[0] == '\0' || (g_ascii_isdigit (code[0]) && !is_standard_event (code)))
            return fail (error, "'%s' is not a standard event code", code);
        g_ptr_array_add (ss->provision_on, g_steal_pointer (&code));
    }
    return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* HTTP answers */

static gboolean
parse_http_answer (gchar **args, guint n_args, HemsHttpAnswer *out, GError **error)
{
    if (n_args == 0)
        return fail (error, "http wants a status, 401-once, 401-always or reset");
    if (g_str_equal (args[0], "401-once") || g_str_equal (args[0], "401-always") || g_str_equal (args[0], "reset")) {
        if (n_args > 1)
            return fail (error, "unexpected '%s' after http %s", args[1], args[0]);
        if (g_str_equal (args[0], "reset"))
            out->kind = HEMS_HTTP_RESET;
        else
            out->kind = g_str_equal (args[0], "401-once") ? HEMS_HTTP_CHALLENGE : HEMS_HTTP_CHALLENGE_ALWAYS;
        return TRUE;
    }
    out->kind = HEMS_HTTP_STATUS;
    if (!parse_number (args[0], 599, &out->status, error))
        return FALSE;
    if (out->status < 100)
        return fail (error, "%u is not an HTTP status", out->status);
    if (out->status >= 300 && out->status < 400) {
        if (n_args != 2)
            return fail (error, "http %u wants the URL to send the CPE to", out->status);
        out->location = g_strdup (args[1]);
    } else if (n_args > 1) {
        return fail (error, "unexpected '%s' after http %u", args[1], out->status);
    }
    return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Steps */

static HemsStep *
add_step (Parser *p, HemsStepKind kind)
{
    HemsStep *step = g_new0 (HemsStep, 1);

    step->kind = kind;
    step->line = p->line;
    g_ptr_array_add (p->current->steps, step);
    return step;
}

static gboolean
no_arguments (const gchar *what, guint n_args, gchar **args, GError **error)
{
    return n_args == 0 || fail (error, "unexpected '%s' after %s", args[0], what);
}

static gboolean
rpc_no_arguments (Parser *p, HemsStep *step, gchar **args, guint n_args, GError **error)
{
    return no_arguments (step->request->method_name, n_args, args, error);
}

static gboolean
rpc_names (Parser *p, HemsStep *step, gchar **args, guint n_args, GError **error)
{
    for (guint i = 0; i < n_args; i++)
        henb_cwmp_message_add_name (step->request, args[i]);
    return TRUE;
}

static gboolean
rpc_get_parameter_names (Parser *p, HemsStep *step, gchar **args, guint n_args, GError **error)
{
    if (n_args < 1 || n_args > 2)
        return fail (error, "GetParameterNames wants PATH [true|false]");
    step->request->parameter_path = g_strdup (args[0]);
    return n_args < 2 || parse_bool (args[1], &step->request->next_level, error);
}

static gboolean
rpc_set_parameter_values (Parser *p, HemsStep *step, gchar **args, guint n_args, GError **error)
{
    step->request->parameter_key = g_strdup ("");
    for (guint i = 0; i < n_args; i++) {
        const gchar *key = keyword_value (args[i], "key");
        const gchar *eq = strchr (args[i], '=');
        g_autofree gchar *name = NULL;

        if (key != NULL) {
            g_free (step->request->parameter_key);
            step->request->parameter_key = g_strdup (key);
            continue;
        }
        if (g_str_equal (args[i], "no-key")) {
            step->no_parameter_key = TRUE;
            continue;
        }
        if (eq == NULL)
            return fail (error, "'%s' is not NAME=VALUE", args[i]);
        name = g_strndup (args[i], eq - args[i]);
        hems_add_typed_param (step->request, name, eq + 1);
    }
    return TRUE;
}

/* NAME=[NOTIFICATION][:ACCESS,...]: a notification sets NotificationChange, a colon AccessListChange */
static gboolean
rpc_set_parameter_attributes (Parser *p, HemsStep *step, gchar **args, guint n_args, GError **error)
{
    for (guint i = 0; i < n_args; i++) {
        const gchar *eq = strchr (args[i], '=');
        const gchar *colon;
        g_autofree gchar *name = NULL;
        g_autofree gchar *notification = NULL;
        HenbCwmpParamAttr *pa;

        if (eq == NULL)
            return fail (error, "'%s' is not NAME=[NOTIFICATION][:ACCESS,...]", args[i]);
        name = g_strndup (args[i], eq - args[i]);
        colon = strchr (eq + 1, ':');
        notification = colon != NULL ? g_strndup (eq + 1, colon - eq - 1) : g_strdup (eq + 1);
        pa = henb_cwmp_message_add_attr (step->request, name, 0);
        if (notification[0] != '\0') {
            guint n = 0;

            /* 3..6 are reserved, but a test may send them */
            if (!parse_number (notification, 6, &n, error))
                return FALSE;
            pa->notification = (gint) n;
            pa->notification_change = TRUE;
        }
        if (colon != NULL) {
            g_auto(GStrv) entries = g_strsplit (colon + 1, ",", -1);

            pa->access_list_change = TRUE;
            for (guint j = 0; entries[j] != NULL; j++) {
                if (entries[j][0] != '\0')
                    g_ptr_array_add (pa->access_list, g_strdup (entries[j]));
            }
        }
    }
    return TRUE;
}

static gboolean
rpc_object (Parser *p, HemsStep *step, gchar **args, guint n_args, GError **error)
{
    const gchar *key = n_args == 2 ? keyword_value (args[1], "key") : NULL;

    step->no_parameter_key = n_args == 2 && g_str_equal (args[1], "no-key");
    if (n_args < 1 || n_args > 2 || (n_args == 2 && key == NULL && !step->no_parameter_key))
        return fail (error, "%s wants OBJECT. [key=KEY|no-key]", step->request->method_name);
    step->request->object_name = g_strdup (args[0]);
    step->request->parameter_key = g_strdup (key != NULL ? key : "");
    return TRUE;
}

static gboolean
rpc_reboot (Parser *p, HemsStep *step, gchar **args, guint n_args, GError **error)
{
    if (n_args > 1)
        return fail (error, "Reboot wants at most a COMMANDKEY");
    step->request->command_key = g_strdup (n_args == 1 ? args[0] : "");
    return TRUE;
}

static gboolean
rpc_schedule_inform (Parser *p, HemsStep *step, gchar **args, guint n_args, GError **error)
{
    if (n_args < 1 || n_args > 2)
        return fail (error, "ScheduleInform wants SECONDS [COMMANDKEY]");
    step->request->command_key = g_strdup (n_args == 2 ? args[1] : "");
    return parse_number (args[0], G_MAXUINT32, &step->request->delay_seconds, error);
}

static gboolean
rpc_download (Parser *p, HemsStep *step, gchar **args, guint n_args, GError **error)
{
    HenbCwmpDownload *d = &step->request->download;

    if (n_args < 3)
        return fail (error, "Download wants COMMANDKEY FILETYPE URL [size=N] [user=U] [pass=P] "
                            "[target=NAME] [delay=SECONDS] [success-url=URL] [failure-url=URL]");
    step->request->command_key = g_strdup (args[0]);
    d->file_type = g_strdup (args[1]);
    d->url = g_strdup (args[2]);
    for (guint i = 3; i < n_args; i++) {
        static const gchar *const text_keys[] = { "user", "pass", "target", "success-url", "failure-url" };
        gchar **text_fields[] = { &d->username, &d->password, &d->target_file_name, &d->success_url,
                                  &d->failure_url };
        const gchar *v;
        gboolean known = FALSE;

        if ((v = keyword_value (args[i], "size")) != NULL) {
            if (!parse_number (v, G_MAXUINT32, &d->file_size, error))
                return FALSE;
            continue;
        }
        if ((v = keyword_value (args[i], "delay")) != NULL) {
            if (!parse_number (v, G_MAXUINT32, &d->delay_seconds, error))
                return FALSE;
            continue;
        }
        for (guint k = 0; k < G_N_ELEMENTS (text_keys) && !known; k++) {
            if ((v = keyword_value (args[i], text_keys[k])) != NULL) {
                g_free (*text_fields[k]);
                *text_fields[k] = g_strdup (v);
                known = TRUE;
            }
        }
        if (!known)
            return fail (error, "unknown Download argument '%s'", args[i]);
    }
    return TRUE;
}

static gboolean
rpc_raw (Parser *p, HemsStep *step, gchar **args, guint n_args, GError **error)
{
    g_autofree gchar *contents = NULL;
    gsize len;

    if (n_args != 1)
        return fail (error, "rpc Raw wants one FILE");
    step->kind = HEMS_STEP_RAW;
    step->raw_path = g_path_is_absolute (args[0]) ? g_strdup (args[0]) : g_build_filename (p->dir, args[0], NULL);
    if (!g_file_get_contents (step->raw_path, &contents, &len, error))
        return FALSE;
    step->raw = g_bytes_new_take (g_steal_pointer (&contents), len);
    return TRUE;
}

static gboolean
rpc_configure (Parser *p, HemsStep *step, gchar **args, guint n_args, GError **error)
{
    step->kind = HEMS_STEP_CONFIGURE;
    return no_arguments ("rpc Configure", n_args, args, error);
}

typedef gboolean (*RpcParser) (Parser *p, HemsStep *step, gchar **args, guint n_args, GError **error);

static const struct {
    const gchar *name;
    RpcParser    parse;
} rpc_parsers[] = {
    { "GetRPCMethods", rpc_no_arguments },
    { "GetParameterValues", rpc_names },
    { "GetParameterNames", rpc_get_parameter_names },
    { "SetParameterValues", rpc_set_parameter_values },
    { "SetParameterAttributes", rpc_set_parameter_attributes },
    { "GetParameterAttributes", rpc_names },
    { "AddObject", rpc_object },
    { "DeleteObject", rpc_object },
    { "Reboot", rpc_reboot },
    { "Download", rpc_download },
    { "FactoryReset", rpc_no_arguments },
    { "ScheduleInform", rpc_schedule_inform },
    /* not CWMP methods: */
    { "Raw", rpc_raw },
    { "Configure", rpc_configure },
};

static gboolean
parse_rpc (Parser *p, gchar **args, guint n_args, GError **error)
{
    HemsStep *step;
    HenbCwmpMethod method;

    if (n_args == 0)
        return fail (error, "rpc wants a method");
    step = add_step (p, HEMS_STEP_REQUEST);
    method = henb_cwmp_method_from_string (args[0]);
    if (method != HENB_CWMP_METHOD_UNKNOWN)
        step->request = henb_cwmp_message_new (method, HENB_CWMP_VERSION_1_2);
    for (guint i = 0; i < G_N_ELEMENTS (rpc_parsers); i++) {
        if (g_str_equal (rpc_parsers[i].name, args[0]))
            return rpc_parsers[i].parse (p, step, args + 1, n_args - 1, error);
    }
    /* a vendor method the CPE does not know: an empty element, answered with fault 9000 */
    if (method == HENB_CWMP_METHOD_UNKNOWN && g_str_has_prefix (args[0], "X_")) {
        step->request = henb_cwmp_message_new (HENB_CWMP_METHOD_UNKNOWN, HENB_CWMP_VERSION_1_2);
        g_free (step->request->method_name);
        step->request->method_name = g_strdup (args[0]);
        return no_arguments (args[0], n_args - 1, args + 1, error);
    }
    return fail (error, "the HeMS cannot send '%s'", args[0]);
}

static gboolean
parse_http_step (Parser *p, gchar **args, guint n_args, GError **error)
{
    return parse_http_answer (args, n_args, &add_step (p, HEMS_STEP_HTTP)->http, error);
}

static gboolean
parse_delay (Parser *p, gchar **args, guint n_args, GError **error)
{
    if (n_args != 1)
        return fail (error, "delay wants MILLISECONDS");
    return parse_number (args[0], G_MAXUINT, &add_step (p, HEMS_STEP_DELAY)->delay_ms, error);
}

static gboolean
parse_release (Parser *p, gchar **args, guint n_args, GError **error)
{
    add_step (p, HEMS_STEP_RELEASE);
    return no_arguments ("release", n_args, args, error);
}

static gboolean
parse_never_release (Parser *p, gchar **args, guint n_args, GError **error)
{
    HemsStep *step = add_step (p, HEMS_STEP_NEVER_RELEASE);

    if (n_args == 0 || (n_args == 1 && g_str_equal (args[0], "loop")))
        return TRUE;
    if (n_args == 1 && g_str_equal (args[0], "hang")) {
        step->hang = TRUE;
        return TRUE;
    }
    return fail (error, "never-release wants nothing, loop or hang");
}

/* ------------------------------------------------------------------------------------------ */
/* Session settings */

static gboolean
parse_inform_response (Parser *p, gchar **args, guint n_args, GError **error)
{
    HemsSessionScript *ss = p->current;

    if (n_args == 0)
        return fail (error, "inform-response wants empty200, empty204, fault CODE, raw FILE, hold, "
                            "no-id, other-id, use-version V, delay MS or http ...");
    for (guint i = 0; i < n_args; i++) {
        const gchar *word = args[i];
        HenbCwmpVersion version;

        if (g_str_equal (word, "empty200")) {
            ss->inform_answer = HEMS_INFORM_ANSWER_EMPTY_200;
        } else if (g_str_equal (word, "empty204")) {
            ss->inform_answer = HEMS_INFORM_ANSWER_EMPTY_204;
        } else if (g_str_equal (word, "hold")) {
            ss->hold_requests = TRUE;
        } else if (g_str_equal (word, "no-id")) {
            ss->inform_id = HEMS_INFORM_ID_NONE;
        } else if (g_str_equal (word, "other-id")) {
            ss->inform_id = HEMS_INFORM_ID_OTHER;
        } else if (g_str_equal (word, "fault") && i + 1 < n_args) {
            ss->inform_answer = HEMS_INFORM_ANSWER_FAULT;
            if (!parse_number (args[++i], G_MAXUINT32, &ss->inform_fault, error))
                return FALSE;
        } else if (g_str_equal (word, "raw") && i + 1 < n_args) {
            /* loaded as rpc Raw loads its FILE */
            ss->inform_answer = HEMS_INFORM_ANSWER_RAW;
            g_clear_pointer (&ss->inform_raw, step_free);
            ss->inform_raw = g_new0 (HemsStep, 1);
            if (!rpc_raw (p, ss->inform_raw, args + ++i, 1, error))
                return FALSE;
        } else if (g_str_equal (word, "delay") && i + 1 < n_args) {
            if (!parse_number (args[++i], G_MAXUINT, &ss->inform_delay_ms, error))
                return FALSE;
        } else if (g_str_equal (word, "use-version") && i + 1 < n_args) {
            if (!henb_cwmp_version_from_string (args[++i], &version))
                return fail (error, "'%s' is not a CWMP version (1.0 .. 1.4)", args[i]);
            g_free (ss->use_version);
            ss->use_version = g_strdup (args[i]);
        } else if (g_str_equal (word, "http")) {
            ss->inform_answer = HEMS_INFORM_ANSWER_HTTP;
            g_clear_pointer (&ss->inform_http.location, g_free);
            return parse_http_answer (args + i + 1, n_args - i - 1, &ss->inform_http, error);
        } else {
            return fail (error, "unknown inform-response '%s'", word);
        }
    }
    return TRUE;
}

static gboolean
parse_transfer_complete_response (Parser *p, gchar **args, guint n_args, GError **error)
{
    HemsSessionScript *ss = p->current;

    ss->transfer_complete_fault = 0;
    ss->transfer_complete_http_set = FALSE;
    g_clear_pointer (&ss->transfer_complete_http.location, g_free);
    if (n_args == 1 && g_str_equal (args[0], "ok"))
        return TRUE;
    if (n_args == 2 && g_str_equal (args[0], "fault"))
        return parse_number (args[1], G_MAXUINT32, &ss->transfer_complete_fault, error);
    if (n_args >= 1 && g_str_equal (args[0], "http")) {
        ss->transfer_complete_http_set = TRUE;
        return parse_http_answer (args + 1, n_args - 1, &ss->transfer_complete_http, error);
    }
    return fail (error, "transfer-complete-response wants ok, fault CODE or http ...");
}

static gboolean
parse_only_namespace (Parser *p, gchar **args, guint n_args, GError **error)
{
    if (n_args < 1 || n_args > 2 || !henb_cwmp_version_from_string (args[0], &p->current->only_namespace))
        return fail (error, "only-namespace wants a CWMP version (1.0 .. 1.4) [8006|not-found]");
    p->current->only_namespace_refusal = HEMS_REFUSE_8006;
    if (n_args == 2 && g_str_equal (args[1], "not-found"))
        p->current->only_namespace_refusal = HEMS_REFUSE_NOT_FOUND;
    else if (n_args == 2 && !g_str_equal (args[1], "8006"))
        return fail (error, "only-namespace refuses with 8006 or not-found, not '%s'", args[1]);
    p->current->only_namespace_set = TRUE;
    return TRUE;
}

static gboolean
parse_provision_on (Parser *p, gchar **args, guint n_args, GError **error)
{
    g_autofree gchar *code = NULL;
    guint used = take_event_code (args, n_args, &code, error);

    if (used == 0)
        return FALSE;
    if (n_args > used)
        return fail (error, "provision-on wants one event code");
    g_ptr_array_add (p->current->provision_on, g_steal_pointer (&code));
    return TRUE;
}

static gboolean
parse_fault_status (Parser *p, gchar **args, guint n_args, GError **error)
{
    if (n_args != 1)
        return fail (error, "fault-status wants an HTTP STATUS");
    if (!parse_number (args[0], 599, &p->current->fault_status, error))
        return FALSE;
    if (p->current->fault_status < 200)
        return fail (error, "fault-status %u is not a final HTTP status", p->current->fault_status);
    return TRUE;
}

static gboolean
parse_connection_request (Parser *p, gchar **args, guint n_args, GError **error)
{
    if (n_args > 1)
        return fail (error, "connection-request wants at most a COUNT");
    p->current->connection_requests = 1;
    return n_args == 0 || parse_number (args[0], 1000, &p->current->connection_requests, error);
}

static gboolean
parse_session (Parser *p, gchar **args, guint n_args, GError **error)
{
    guint number = 0;

    if (n_args != 1)
        return fail (error, "session wants a NUMBER or *");
    if (!g_str_equal (args[0], "*")) {
        if (!parse_number (args[0], G_MAXUINT, &number, error))
            return FALSE;
        if (number == 0)
            return fail (error, "sessions count from 1");
    }
    if (find_block (p->script, number) != NULL)
        return fail (error, "session %s appears twice", args[0]);
    p->current = session_script_new (number);
    if (number == 0)
        p->script->any = p->current;
    else
        g_ptr_array_add (p->script->sessions, p->current);
    return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Loading */

typedef gboolean (*DirectiveParser) (Parser *p, gchar **args, guint n_args, GError **error);

static const struct {
    const gchar    *name;
    DirectiveParser parse;
    gboolean        is_step; /* not allowed after release / never-release */
} directives[] = {
    { "session", parse_session, FALSE },
    { "expect-event", parse_expect_event, FALSE },
    { "expect-no-event", parse_expect_no_event, FALSE },
    { "expect-param", parse_expect_param, FALSE },
    { "inform-response", parse_inform_response, FALSE },
    { "transfer-complete-response", parse_transfer_complete_response, FALSE },
    { "only-namespace", parse_only_namespace, FALSE },
    { "fault-status", parse_fault_status, FALSE },
    { "connection-request", parse_connection_request, FALSE },
    { "provision-on", parse_provision_on, FALSE },
    { "rpc", parse_rpc, TRUE },
    { "http", parse_http_step, TRUE },
    { "delay", parse_delay, TRUE },
    { "release", parse_release, TRUE },
    { "never-release", parse_never_release, TRUE },
};

static gboolean
session_is_closed (const HemsSessionScript *ss)
{
    const HemsStep *last = ss->steps->len > 0 ? ss->steps->pdata[ss->steps->len - 1] : NULL;

    return last != NULL && (last->kind == HEMS_STEP_RELEASE || last->kind == HEMS_STEP_NEVER_RELEASE);
}

static gboolean
parse_line (Parser *p, gchar **args, guint n_args, GError **error)
{
    for (guint i = 0; i < G_N_ELEMENTS (directives); i++) {
        if (!g_str_equal (directives[i].name, args[0]))
            continue;
        if (directives[i].parse != parse_session && p->current == NULL)
            return fail (error, "'%s' before the first 'session' line", args[0]);
        if (directives[i].is_step && session_is_closed (p->current))
            return fail (error, "'%s' after the session's release or never-release", args[0]);
        return directives[i].parse (p, args + 1, n_args - 1, error);
    }
    return fail (error, "unknown directive '%s'", args[0]);
}

HemsScript *
hems_script_load (const gchar *path, GError **error)
{
    g_autoptr(HemsScript) script = g_new0 (HemsScript, 1);
    g_autofree gchar *contents = NULL;
    g_auto(GStrv) lines = NULL;
    g_autofree gchar *dir = g_path_get_dirname (path);
    Parser p = { .dir = dir, .script = script };

    script->sessions = g_ptr_array_new_with_free_func ((GDestroyNotify) hems_session_script_free);
    if (!g_file_get_contents (path, &contents, NULL, error))
        return NULL;
    lines = g_strsplit (contents, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        g_auto(GStrv) args = NULL;
        g_autoptr(GError) local = NULL;
        gint n_args = 0;

        p.line = i + 1;
        /* words split and quoted like the shell's; '#' starts a comment */
        if (!g_shell_parse_argv (lines[i], &n_args, &args, &local)) {
            if (g_error_matches (local, G_SHELL_ERROR, G_SHELL_ERROR_EMPTY_STRING))
                continue;
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s:%u: %s", path, p.line, local->message);
            return NULL;
        }
        if (!parse_line (&p, args, (guint) n_args, &local)) {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s:%u: %s", path, p.line, local->message);
            return NULL;
        }
    }
    return g_steal_pointer (&script);
}
