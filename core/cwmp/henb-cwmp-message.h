/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* CWMP namespace versions: urn:dslforum-org:cwmp-1-0 .. cwmp-1-4. */
typedef enum {
    HENB_CWMP_VERSION_1_0 = 0,
    HENB_CWMP_VERSION_1_1,
    HENB_CWMP_VERSION_1_2,
    HENB_CWMP_VERSION_1_3,
    HENB_CWMP_VERSION_1_4,
} HenbCwmpVersion;

#define HENB_CWMP_VERSION_LAST HENB_CWMP_VERSION_1_4

const gchar *henb_cwmp_version_namespace (HenbCwmpVersion version);
const gchar *henb_cwmp_version_to_string (HenbCwmpVersion version);
gboolean     henb_cwmp_version_from_namespace (const gchar *ns, HenbCwmpVersion *out_version);
gboolean     henb_cwmp_version_from_string (const gchar *str, HenbCwmpVersion *out_version);

/*
 * Harmless breaks of the CWMP schema that HeMS in the field make and henbd accepts unless
 * [CWMP] Strict is set (README.md, "Tolerant input, strict output"). Flags of one message.
 */
typedef enum {
    HENB_CWMP_TOLERANCE_NONE = 0,
    HENB_CWMP_TOLERANCE_NO_PARAMETER_KEY = 1 << 0,  /* SPV/AddObject/DeleteObject without it: "" */
    HENB_CWMP_TOLERANCE_XSI_TYPE = 1 << 1,          /* another xsi:type, the value valid for ours */
    HENB_CWMP_TOLERANCE_BOOLEAN_CASE = 1 << 2,      /* True, FALSE, ... */
    HENB_CWMP_TOLERANCE_INFORM_RESPONSE_ID = 1 << 3, /* InformResponse without our cwmp:ID */
} HenbCwmpTolerance;

#define HENB_CWMP_TOLERANCE_ALL 0xf

/* What the tolerance is, for logs: "SetParameterValues without ParameterKey" style. */
const gchar *henb_cwmp_tolerance_describe (HenbCwmpTolerance tolerance);
/* A boolean in any case ("True", "FALSE") or 0/1; @out_tolerated (may be NULL) is TRUE when
 * it was not one of the schema's spellings (true, false, 1, 0). */
gboolean     henb_cwmp_parse_boolean (const gchar *text, gboolean *out_value, gboolean *out_tolerated);

typedef enum {
    HENB_CWMP_METHOD_UNKNOWN = 0,
    HENB_CWMP_METHOD_FAULT,
    HENB_CWMP_METHOD_INFORM,
    HENB_CWMP_METHOD_INFORM_RESPONSE,
    HENB_CWMP_METHOD_GET_RPC_METHODS,
    HENB_CWMP_METHOD_GET_RPC_METHODS_RESPONSE,
    HENB_CWMP_METHOD_SET_PARAMETER_VALUES,
    HENB_CWMP_METHOD_SET_PARAMETER_VALUES_RESPONSE,
    HENB_CWMP_METHOD_GET_PARAMETER_VALUES,
    HENB_CWMP_METHOD_GET_PARAMETER_VALUES_RESPONSE,
    HENB_CWMP_METHOD_GET_PARAMETER_NAMES,
    HENB_CWMP_METHOD_GET_PARAMETER_NAMES_RESPONSE,
    HENB_CWMP_METHOD_SET_PARAMETER_ATTRIBUTES,
    HENB_CWMP_METHOD_SET_PARAMETER_ATTRIBUTES_RESPONSE,
    HENB_CWMP_METHOD_GET_PARAMETER_ATTRIBUTES,
    HENB_CWMP_METHOD_GET_PARAMETER_ATTRIBUTES_RESPONSE,
    HENB_CWMP_METHOD_ADD_OBJECT,
    HENB_CWMP_METHOD_ADD_OBJECT_RESPONSE,
    HENB_CWMP_METHOD_DELETE_OBJECT,
    HENB_CWMP_METHOD_DELETE_OBJECT_RESPONSE,
    HENB_CWMP_METHOD_REBOOT,
    HENB_CWMP_METHOD_REBOOT_RESPONSE,
    HENB_CWMP_METHOD_DOWNLOAD,
    HENB_CWMP_METHOD_DOWNLOAD_RESPONSE,
    HENB_CWMP_METHOD_FACTORY_RESET,
    HENB_CWMP_METHOD_FACTORY_RESET_RESPONSE,
    HENB_CWMP_METHOD_SCHEDULE_INFORM,
    HENB_CWMP_METHOD_SCHEDULE_INFORM_RESPONSE,
    /* CPE to ACS */
    HENB_CWMP_METHOD_TRANSFER_COMPLETE,
    HENB_CWMP_METHOD_TRANSFER_COMPLETE_RESPONSE,
} HenbCwmpMethod;

const gchar   *henb_cwmp_method_to_string (HenbCwmpMethod method);
HenbCwmpMethod henb_cwmp_method_from_string (const gchar *name);
gboolean       henb_cwmp_method_is_request (HenbCwmpMethod method);

/* xsd types a parameter value can carry (TR-106 data types map onto these). */
typedef enum {
    HENB_CWMP_TYPE_NONE = 0, /* no xsi:type given */
    HENB_CWMP_TYPE_STRING,
    HENB_CWMP_TYPE_INT,
    HENB_CWMP_TYPE_UNSIGNED_INT,
    HENB_CWMP_TYPE_LONG,
    HENB_CWMP_TYPE_UNSIGNED_LONG,
    HENB_CWMP_TYPE_BOOLEAN,
    HENB_CWMP_TYPE_DATE_TIME,
    HENB_CWMP_TYPE_BASE64,
    HENB_CWMP_TYPE_HEX_BINARY,
    HENB_CWMP_TYPE_OTHER, /* an xsi:type henbd does not know */
} HenbCwmpType;

const gchar *henb_cwmp_type_to_xsd (HenbCwmpType type);
HenbCwmpType henb_cwmp_type_from_xsd (const gchar *local_name);

/* Fault codes of TR-069 Amendment 6, table A.5 (CPE) and A.4 (ACS). */
typedef enum {
    HENB_CWMP_FAULT_ACS_METHOD_NOT_SUPPORTED = 8000,
    HENB_CWMP_FAULT_ACS_REQUEST_DENIED = 8001,
    HENB_CWMP_FAULT_ACS_INTERNAL_ERROR = 8002,
    HENB_CWMP_FAULT_ACS_INVALID_ARGUMENTS = 8003,
    HENB_CWMP_FAULT_ACS_RESOURCES_EXCEEDED = 8004,
    HENB_CWMP_FAULT_ACS_RETRY_REQUEST = 8005,
    HENB_CWMP_FAULT_ACS_VERSION_INCOMPATIBLE = 8006,
    HENB_CWMP_FAULT_METHOD_NOT_SUPPORTED = 9000,
    HENB_CWMP_FAULT_REQUEST_DENIED = 9001,
    HENB_CWMP_FAULT_INTERNAL_ERROR = 9002,
    HENB_CWMP_FAULT_INVALID_ARGUMENTS = 9003,
    HENB_CWMP_FAULT_RESOURCES_EXCEEDED = 9004,
    HENB_CWMP_FAULT_INVALID_PARAMETER_NAME = 9005,
    HENB_CWMP_FAULT_INVALID_PARAMETER_TYPE = 9006,
    HENB_CWMP_FAULT_INVALID_PARAMETER_VALUE = 9007,
    HENB_CWMP_FAULT_NON_WRITABLE_PARAMETER = 9008,
    HENB_CWMP_FAULT_NOTIFICATION_REJECTED = 9009,
    HENB_CWMP_FAULT_DOWNLOAD_FAILURE = 9010,
    HENB_CWMP_FAULT_UPLOAD_FAILURE = 9011,
    HENB_CWMP_FAULT_FILE_SERVER_AUTH = 9012,
    HENB_CWMP_FAULT_UNSUPPORTED_PROTOCOL = 9013,
    HENB_CWMP_FAULT_FILE_SERVER_UNREACHABLE = 9015,
    HENB_CWMP_FAULT_FILE_ACCESS = 9016,
    HENB_CWMP_FAULT_DOWNLOAD_INCOMPLETE = 9017,
    HENB_CWMP_FAULT_FILE_CORRUPTED = 9018,
} HenbCwmpFaultCode;

/* The "unknown time" of TR-069 dateTime fields. */
#define HENB_CWMP_UNKNOWN_TIME "0001-01-01T00:00:00Z"

const gchar *henb_cwmp_fault_code_to_string (guint code);
/* "Client" or "Server", the SOAP faultcode TR-069 pairs with @code. */
const gchar *henb_cwmp_fault_code_soap_kind (guint code);

typedef struct {
    gchar *manufacturer;
    gchar *oui;
    gchar *product_class;
    gchar *serial_number;
} HenbCwmpDeviceId;

typedef struct {
    gchar *code;
    gchar *command_key;
} HenbCwmpEvent;

/* An Inform carries at most this many EventStructs (maxOccurs in every cwmp XSD). */
#define HENB_CWMP_MAX_EVENTS 64

/* TR-069's numbered events ("0 BOOTSTRAP" ... "14 HEARTBEAT"): meaningful once however often
 * they occurred, unlike "M ..." and vendor events, which come with a command key. */
gboolean henb_cwmp_event_is_single (const gchar *code);

/*
 * Keeps in @events (HenbCwmpEvent, oldest first) what one Inform can carry beside @reserved
 * events of its own: every single event first (0 BOOTSTRAP or 1 BOOT must not wait), then the
 * others oldest first, up to HENB_CWMP_MAX_EVENTS in all. What does not fit is removed (freed
 * by @events' free function): it stays queued for a later session. The order is kept.
 */
void     henb_cwmp_events_fit_inform (GPtrArray *events, guint reserved);

typedef struct {
    gchar       *name;
    gchar       *value;
    HenbCwmpType type;
    gchar       *type_name; /* the xsi:type as received, for HENB_CWMP_TYPE_OTHER */
} HenbCwmpParamValue;

typedef struct {
    gchar   *name;
    gboolean writable;
} HenbCwmpParamInfo;

typedef struct {
    gchar *name;
    guint  code;
    gchar *string;
} HenbCwmpParamFault;

/* SetParameterAttributesStruct (with the *_change flags) and ParameterAttributeStruct. */
typedef struct {
    gchar     *name;
    gboolean   notification_change;
    gint       notification;      /* 0 off, 1 passive, 2 active */
    gboolean   access_list_change;
    GPtrArray *access_list;       /* strings ("Subscriber") */
} HenbCwmpParamAttr;

/* The arguments of Download. */
typedef struct {
    gchar *file_type;
    gchar *url;
    gchar *username;
    gchar *password;
    guint  file_size;
    gchar *target_file_name;
    guint  delay_seconds;
    gchar *success_url;
    gchar *failure_url;
} HenbCwmpDownload;

typedef struct {
    gchar     *soap_code;   /* SOAP faultcode, "Client" or "Server" */
    gchar     *soap_string; /* SOAP faultstring, "CWMP fault" */
    guint      code;
    gchar     *string;
    GPtrArray *param_faults; /* HenbCwmpParamFault; SetParameterValuesFault entries */
} HenbCwmpFault;

/*
 * One SOAP envelope in either direction. Only the fields of @method are meaningful; the
 * rest stay zero/NULL. Owned by whoever created or parsed it.
 */
typedef struct {
    HenbCwmpVersion version;
    gchar          *id;               /* cwmp:ID header, NULL when absent */
    gboolean        hold_requests;    /* cwmp:HoldRequests header */
    gchar          *supported_versions; /* cwmp:SupportedCWMPVersions header (CWMP 1.4) */
    gchar          *use_version;      /* cwmp:UseCWMPVersion header (CWMP 1.4) */
    HenbCwmpMethod  method;
    gchar          *method_name;      /* local name of the body element */
    guint           tolerated;        /* HenbCwmpTolerance flags the codec applied */

    /* Inform */
    HenbCwmpDeviceId device_id;
    GPtrArray       *events;          /* HenbCwmpEvent */
    guint            max_envelopes;   /* Inform, InformResponse */
    gchar           *current_time;
    guint            retry_count;

    /* Inform, SetParameterValues, GetParameterValuesResponse */
    GPtrArray *params;                /* HenbCwmpParamValue */
    gchar     *parameter_key;         /* SetParameterValues, AddObject, DeleteObject */
    guint      status;                /* SetParameterValues-, AddObject-, DeleteObject-, DownloadResponse */

    /* GetParameterValues: parameter names; GetRPCMethodsResponse: method names */
    GPtrArray *names;

    /* GetParameterNames */
    gchar    *parameter_path;
    gboolean  next_level;
    GPtrArray *param_infos;           /* GetParameterNamesResponse: HenbCwmpParamInfo */

    /* SetParameterAttributes, GetParameterAttributesResponse: HenbCwmpParamAttr */
    GPtrArray *attrs;

    /* AddObject, DeleteObject */
    gchar *object_name;
    guint  instance_number;           /* AddObjectResponse */

    /* Reboot, Download, ScheduleInform, TransferComplete */
    gchar *command_key;
    guint  delay_seconds;             /* ScheduleInform */
    HenbCwmpDownload download;        /* Download */

    /* DownloadResponse, TransferComplete */
    gchar *start_time;
    gchar *complete_time;
    /* TransferComplete FaultStruct; 0 when the transfer succeeded */
    guint  transfer_fault_code;
    gchar *transfer_fault_string;

    HenbCwmpFault *fault;             /* Fault */
} HenbCwmpMessage;

HenbCwmpMessage *henb_cwmp_message_new (HenbCwmpMethod method, HenbCwmpVersion version);
void             henb_cwmp_message_free (HenbCwmpMessage *msg);
void             henb_cwmp_message_set_id (HenbCwmpMessage *msg, const gchar *id);
void             henb_cwmp_message_add_event (HenbCwmpMessage *msg,
                                              const gchar     *code,
                                              const gchar     *command_key);
void             henb_cwmp_message_add_param (HenbCwmpMessage *msg,
                                              const gchar     *name,
                                              const gchar     *value,
                                              HenbCwmpType     type);
void             henb_cwmp_message_add_name (HenbCwmpMessage *msg, const gchar *name);
void             henb_cwmp_message_add_param_info (HenbCwmpMessage *msg,
                                                   const gchar     *name,
                                                   gboolean         writable);
HenbCwmpParamAttr *henb_cwmp_message_add_attr (HenbCwmpMessage *msg, const gchar *name, gint notification);
const HenbCwmpParamValue *henb_cwmp_message_find_param (const HenbCwmpMessage *msg,
                                                        const gchar           *name);

HenbCwmpFault *henb_cwmp_fault_new (guint code, const gchar *string);
void           henb_cwmp_fault_free (HenbCwmpFault *fault);
void           henb_cwmp_fault_add_param (HenbCwmpFault *fault,
                                          const gchar   *name,
                                          guint          code,
                                          const gchar   *string);
/* A Fault message answering @request (same version, same cwmp:ID); takes @fault. */
HenbCwmpMessage *henb_cwmp_message_new_fault_reply (const HenbCwmpMessage *request,
                                                    HenbCwmpFault         *fault);

void henb_cwmp_device_id_clear (HenbCwmpDeviceId *id);
void henb_cwmp_param_value_free (HenbCwmpParamValue *pv);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HenbCwmpMessage, henb_cwmp_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HenbCwmpFault, henb_cwmp_fault_free)

G_END_DECLS
