/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reference HeMS's --script: what it does in each session. The format is documented in
 * tests/hems/README.md; this is the parsed form. Only the requests change once loaded: their
 * version, cwmp:ID and HoldRequests are filled in each time one is sent.
 */
#pragma once

#include <stdio.h>

#include <glib.h>

#include "henb-cwmp-message.h"

G_BEGIN_DECLS

/* An answer at the HTTP level instead of a CWMP one. */
typedef enum {
    HEMS_HTTP_STATUS,    /* an empty answer with @status (and Location for 3xx) */
    HEMS_HTTP_CHALLENGE, /* 401 with a fresh challenge; the CPE's retry is answered normally */
    HEMS_HTTP_CHALLENGE_ALWAYS, /* 401 with a fresh challenge to this POST and every retry of it */
    HEMS_HTTP_RESET,     /* close the connection with a TCP reset, no answer at all */
} HemsHttpKind;

typedef struct {
    HemsHttpKind kind;
    guint        status;
    gchar       *location;
} HemsHttpAnswer;

typedef enum {
    HEMS_STEP_REQUEST,       /* send @request */
    HEMS_STEP_RAW,           /* send @raw verbatim */
    HEMS_STEP_CONFIGURE,     /* send the SetParameterValues the command-line options describe */
    HEMS_STEP_HTTP,          /* answer the next POST with @http */
    HEMS_STEP_DELAY,         /* hold the next answer @delay_ms */
    HEMS_STEP_RELEASE,       /* answer 204 from here on */
    HEMS_STEP_NEVER_RELEASE, /* GetRPCMethods for ever, or with @hang no answer at all */
} HemsStepKind;

typedef struct {
    HemsStepKind     kind;
    guint            line;
    HenbCwmpMessage *request;
    GBytes          *raw;
    gchar           *raw_path;
    HemsHttpAnswer   http;
    guint            delay_ms;
    gboolean         hang;
    gboolean         no_parameter_key; /* SetParameterValues, AddObject, DeleteObject without it */
} HemsStep;

typedef enum {
    HEMS_INFORM_ANSWER_RESPONSE,
    HEMS_INFORM_ANSWER_EMPTY_200,
    HEMS_INFORM_ANSWER_EMPTY_204,
    HEMS_INFORM_ANSWER_FAULT,
    HEMS_INFORM_ANSWER_HTTP,
    HEMS_INFORM_ANSWER_RAW,
} HemsInformAnswer;

/* How a HeMS that speaks one CWMP version refuses the others. */
typedef enum {
    HEMS_REFUSE_8006,      /* CWMP fault 8006 */
    HEMS_REFUSE_NOT_FOUND, /* a SOAP fault without CWMP detail: Client.ResourceNotFound, "{NS}Inform not found" */
} HemsRefusal;

/* The cwmp:ID of the InformResponse. */
typedef enum {
    HEMS_INFORM_ID_ECHO,  /* the Inform's, as TR-069 says */
    HEMS_INFORM_ID_NONE,  /* no cwmp:ID header */
    HEMS_INFORM_ID_OTHER, /* a different one */
} HemsInformId;

typedef struct {
    guint            number;          /* 0 for "session *" */
    GPtrArray       *steps;           /* HemsStep, consumed by the POSTs after the Inform */
    GPtrArray       *expectations;    /* checked against the Inform */
    HemsInformAnswer inform_answer;
    guint            inform_fault;
    HemsHttpAnswer   inform_http;
    HemsStep        *inform_raw;      /* inform-response raw FILE: its raw and raw_path */
    guint            inform_delay_ms;
    gboolean         hold_requests;   /* cwmp:HoldRequests on everything the HeMS sends */
    gchar           *use_version;     /* cwmp:UseCWMPVersion in the InformResponse */
    guint            transfer_complete_fault; /* 0: TransferCompleteResponse */
    gboolean         transfer_complete_http_set;
    HemsHttpAnswer   transfer_complete_http;
    gboolean         only_namespace_set;
    HenbCwmpVersion  only_namespace;
    HemsRefusal      only_namespace_refusal;
    guint            fault_status;    /* HTTP status of every Fault the HeMS sends (200) */
    HemsInformId     inform_id;
    guint            connection_requests; /* made once the session is released */
    GPtrArray       *provision_on;    /* event codes: the steps run only for an Inform with one */
} HemsSessionScript;

typedef struct _HemsScript HemsScript;

HemsScript *hems_script_load (const gchar *path, GError **error);
void        hems_script_free (HemsScript *script);
/* The block of @session, else the "session *" block, else NULL. */
const HemsSessionScript *hems_script_lookup (const HemsScript *script, guint session);
/* Logs the numbered blocks beyond @sessions_seen: they never ran. */
void        hems_script_log_unused (const HemsScript *script, guint sessions_seen, FILE *log);

/* What a session does without a script: send the options' SetParameterValues, then release. */
HemsSessionScript *hems_session_script_new_default (void);
void               hems_session_script_free (HemsSessionScript *ss);

/* Checks the expect-* lines against @inform; logs "expect ok" or "EXPECT FAILED" for each. */
void hems_session_script_check_inform (const HemsSessionScript *ss,
                                       const HenbCwmpMessage   *inform,
                                       FILE                    *log,
                                       guint                    session);

/* Whether the session's steps run for @inform: always, or with provision-on only when it
 * carries one of those events (a preset keyed on events). FALSE sets @out_why. */
gboolean hems_session_script_provisions (const HemsSessionScript *ss,
                                         const HenbCwmpMessage   *inform,
                                         gchar                  **out_why);
/* --provision-on: adds the comma-separated event codes of @list to @ss. */
gboolean hems_session_script_add_provision_on (HemsSessionScript *ss, const gchar *list, GError **error);

/* Adds @name with a value spelled "xsd:TYPE:VALUE", "xsd:TYPE VALUE" or plain "VALUE" (a string). */
void hems_add_typed_param (HenbCwmpMessage *msg, const gchar *name, const gchar *spec);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HemsScript, hems_script_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HemsSessionScript, hems_session_script_free)

G_END_DECLS
