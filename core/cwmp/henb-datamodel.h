/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib-object.h>

#include "henb-cwmp-message.h"
#include "henb-enums.h"

G_BEGIN_DECLS

typedef enum {
    HENB_DM_FLAG_NONE = 0,
    HENB_DM_FLAG_WRITABLE = 1 << 0,
    HENB_DM_FLAG_FORCED_INFORM = 1 << 1, /* in every Inform */
    HENB_DM_FLAG_PERSISTENT = 1 << 2,    /* survives restarts in the state file */
    HENB_DM_FLAG_HIDDEN = 1 << 3,        /* reads as "" (passwords) */
    HENB_DM_FLAG_DEFERRED = 1 << 4,      /* takes effect after the session: SPV Status 1 */
    HENB_DM_FLAG_LIST = 1 << 5,          /* comma-separated list */
    HENB_DM_FLAG_NO_ACTIVE_NOTIFY = 1 << 6, /* changes too often: active notification refused (9009) */
    /* reported by the radio stack (org.henbd.HeNB1.Radio.ReportStatus); never writable by a HeMS */
    HENB_DM_FLAG_RADIO_STATUS = 1 << 7,
    /* part of the cell configuration handed to the radio stack (org.henbd.HeNB1.Radio) */
    HENB_DM_FLAG_CELL_CONFIG = 1 << 8,
    /* TR-181 activeNotify="forceDefaultEnabled": Notification 2 until the HeMS sets another */
    HENB_DM_FLAG_ACTIVE_NOTIFY_DEFAULT = 1 << 9,
} HenbDmFlags;

typedef enum {
    HENB_DM_SYNTAX_PLAIN = 0,
    HENB_DM_SYNTAX_URL,  /* absolute http or https URL (henb_value_check_url) */
    HENB_DM_SYNTAX_HOST, /* host name or IP address (henb_value_check_host) */
    HENB_DM_SYNTAX_OUI,  /* six upper-case hex digits */
    HENB_DM_SYNTAX_PARAMETER_PATTERN, /* a parameter path, "*" allowed for instance numbers */
    HENB_DM_SYNTAX_EVENT_CODE,        /* an Inform event code other than "4 VALUE CHANGE" */
    /* a URL, and at SetParameterValues a HeMS URL the variant accepts (henb_value_check_hems_url) */
    HENB_DM_SYNTAX_HEMS_URL,
    /* TR-196 PLMN identity: MCC (3 digits) and MNC (2 or 3 digits), 5 or 6 digits in all */
    HENB_DM_SYNTAX_PLMNID,
    /* an integer or "lower..upper" (TR-196 self-configuration lists), within the range */
    HENB_DM_SYNTAX_INT_OR_RANGE,
} HenbDmSyntax;

/* One of several disjoint ranges a number must fall in. */
typedef struct {
    gint64 min;
    gint64 max;
} HenbDmRange;

/* A parameter as the data model defines it; @path may hold "{i}" and "X_{OUI}_". */
typedef struct {
    const gchar        *path;
    HenbCwmpType        type;
    HenbDmFlags         flags;
    guint               max_length; /* strings: in characters, lists: the whole list; 0 = none */
    guint               min_items;  /* lists */
    gboolean            has_range;
    gint64              min_value;
    gint64              max_value;
    const gchar *const *enumeration;
    HenbDmSyntax        syntax;
    const gchar        *default_value;
    /* lists (HENB_DM_FLAG_LIST; @type is then string): the type of each item, NONE = string;
     * the range, @ranges and @enumeration apply to each item */
    HenbCwmpType        item_type;
    guint               item_max_length; /* lists: each item, in characters; 0 = none */
    /* several disjoint ranges (inside min_value..max_value): the number is in one of them */
    const HenbDmRange  *ranges;
    guint               n_ranges;
} HenbDmParamDef;

/* A multi-instance table: AddObject makes instances of @path ("A.B.{i}."). */
typedef struct {
    const gchar *path;
    const gchar *count_parameter; /* its NumberOfEntries parameter */
    guint        max_instances;
} HenbDmTableDef;

/* The vendor extension prefix henbd uses for parameters the standards lack. */
#define HENB_DM_VENDOR_PLACEHOLDER "X_{OUI}_"

/* Paths of the parameters the bootstrap procedure reads and writes. */
#define HENB_DM_ROOT                 "Device."
#define HENB_DM_MS                   "Device.ManagementServer."
#define HENB_DM_MS_URL               HENB_DM_MS "URL"
#define HENB_DM_MS_USERNAME          HENB_DM_MS "Username"
#define HENB_DM_MS_PASSWORD          HENB_DM_MS "Password"
#define HENB_DM_MS_PARAMETER_KEY     HENB_DM_MS "ParameterKey"
#define HENB_DM_MS_CR_URL            HENB_DM_MS "ConnectionRequestURL"
#define HENB_DM_MS_INITIAL_URL       HENB_DM_MS HENB_DM_VENDOR_PLACEHOLDER "InitialURL"
#define HENB_DM_MS_CR_USERNAME       HENB_DM_MS "ConnectionRequestUsername"
#define HENB_DM_MS_CR_PASSWORD       HENB_DM_MS "ConnectionRequestPassword"
#define HENB_DM_MS_PERIODIC_ENABLE   HENB_DM_MS "PeriodicInformEnable"
#define HENB_DM_MS_UDP_CR_ADDRESS    HENB_DM_MS "UDPConnectionRequestAddress"
#define HENB_DM_MS_UDP_CR_LIMIT      HENB_DM_MS HENB_DM_VENDOR_PLACEHOLDER "UDPConnectionRequestAddressNotificationLimit"
#define HENB_DM_MS_STUN_ENABLE       HENB_DM_MS "STUNEnable"
#define HENB_DM_MS_STUN_ADDRESS      HENB_DM_MS "STUNServerAddress"
#define HENB_DM_MS_STUN_PORT         HENB_DM_MS "STUNServerPort"
#define HENB_DM_MS_STUN_USERNAME     HENB_DM_MS "STUNUsername"
#define HENB_DM_MS_STUN_PASSWORD     HENB_DM_MS "STUNPassword"
#define HENB_DM_MS_STUN_MAX_KEEPALIVE HENB_DM_MS "STUNMaximumKeepAlivePeriod"
#define HENB_DM_MS_STUN_MIN_KEEPALIVE HENB_DM_MS "STUNMinimumKeepAlivePeriod"
#define HENB_DM_MS_NAT_DETECTED      HENB_DM_MS "NATDetected"
#define HENB_DM_MS_PERIODIC_INTERVAL HENB_DM_MS "PeriodicInformInterval"
#define HENB_DM_MS_PERIODIC_TIME     HENB_DM_MS "PeriodicInformTime"
#define HENB_DM_MS_RETRY_MIN_WAIT    HENB_DM_MS "CWMPRetryMinimumWaitInterval"
#define HENB_DM_MS_RETRY_MULTIPLIER  HENB_DM_MS "CWMPRetryIntervalMultiplier"
#define HENB_DM_MS_INFORM_PARAMETER  HENB_DM_MS "InformParameter."
#define HENB_DM_DEVINFO              "Device.DeviceInfo."
#define HENB_DM_FAP                  "Device.Services.FAPService.1."
#define HENB_DM_FAP_LTE              HENB_DM_FAP "FAPControl.LTE."
#define HENB_DM_GW                   HENB_DM_FAP_LTE "Gateway."
#define HENB_DM_GW_SECGW1            HENB_DM_GW "SecGWServer1"
#define HENB_DM_GW_SECGW2            HENB_DM_GW "SecGWServer2"
#define HENB_DM_GW_SECGW3            HENB_DM_GW "SecGWServer3"
#define HENB_DM_GW_S1_LIST           HENB_DM_GW "S1SigLinkServerList"
#define HENB_DM_GW_S1_MODE           HENB_DM_GW "S1ConnectionMode"
#define HENB_DM_GW_S1_PORT           HENB_DM_GW "S1SigLinkPort"
#define HENB_DM_GW_S1_IPSEC          HENB_DM_GW HENB_DM_VENDOR_PLACEHOLDER "S1IPsecUsed"
#define HENB_DM_GW_INITIAL_SECGW     HENB_DM_GW HENB_DM_VENDOR_PLACEHOLDER "InitialSecGWServer"
#define HENB_DM_LTE_OPSTATE          HENB_DM_FAP_LTE "OpState"
#define HENB_DM_FAP_LTE_ADMIN_STATE  HENB_DM_FAP_LTE "AdminState"

#define HENB_DM_CELL_LTE             HENB_DM_FAP "CellConfig.LTE."
#define HENB_DM_PLMN_LIST            HENB_DM_CELL_LTE "EPC.PLMNList."
#define HENB_DM_PERF_MGMT_CONFIG     "Device.FAP.PerfMgmt.Config."

/* The henbd data model: TR-181 Device:2 with the TR-196 FAPService:2 subset a HeNB needs. */
const HenbDmParamDef *henb_dm_definitions (guint *out_n);
const HenbDmTableDef *henb_dm_tables (guint *out_n);

typedef gchar *(*HenbDmGetter) (const gchar *name, gpointer user_data);

/*
 * Makes a change durable. For SetParameterValues it is called with the new values in @changes
 * before anything is applied; for AddObject, DeleteObject and SetParameterAttributes after the
 * change was made in memory, with only the new ParameterKey in @changes (if any). An error
 * becomes fault 9002 and the change is undone.
 */
typedef gboolean (*HenbDmCommitFunc) (GHashTable  *changes,
                                      const gchar *parameter_key,
                                      gpointer     user_data,
                                      GError     **error);

#define HENB_TYPE_DATA_MODEL (henb_data_model_get_type ())
G_DECLARE_FINAL_TYPE (HenbDataModel, henb_data_model, HENB, DATA_MODEL, GObject)

HenbDataModel *henb_data_model_new (const gchar *vendor_oui);

/* Expands the vendor placeholder of a HENB_DM_* path: "X_{OUI}_" becomes "X_<oui>_". */
gchar       *henb_data_model_path (HenbDataModel *self, const gchar *path);
const gchar *henb_data_model_get_vendor_oui (HenbDataModel *self);

gboolean     henb_data_model_has_parameter (HenbDataModel *self, const gchar *name);
gboolean     henb_data_model_is_writable (HenbDataModel *self, const gchar *name);
HenbCwmpType henb_data_model_get_type_of (HenbDataModel *self, const gchar *name);
const HenbDmParamDef *henb_data_model_get_definition (HenbDataModel *self, const gchar *name);
/* Every parameter name in model order. */
GPtrArray   *henb_data_model_list_parameters (HenbDataModel *self);

/* What henb_data_model_foreach_parameter() tells of one parameter; valid during the call. */
typedef struct {
    const gchar          *name;
    const HenbDmParamDef *def;
    gboolean              is_set;               /* henb_data_model_is_set() */
    gint                  notification;
    gint                  default_notification;
    guint                 n_access;             /* access list entries */
} HenbDmParameterInfo;
typedef void (*HenbDmParameterFunc) (HenbDataModel *dm, const HenbDmParameterInfo *info, gpointer user_data);
/* Calls @func for every parameter carrying all of @flags (NONE: every one), in model order,
 * without copying the names: the state file and the bus's views walk the model often. @func
 * must not add or delete objects. */
void         henb_data_model_foreach_parameter (HenbDataModel *self, HenbDmFlags flags, HenbDmParameterFunc func,
                                                gpointer user_data);

/* Current value, including computed ones; NULL for an unknown name. */
gchar       *henb_data_model_get (HenbDataModel *self, const gchar *name);
gboolean     henb_data_model_get_boolean (HenbDataModel *self, const gchar *name);
guint        henb_data_model_get_uint (HenbDataModel *self, const gchar *name);
/* The value as a list, for HENB_DM_FLAG_LIST parameters; empty items dropped. */
GStrv        henb_data_model_get_list (HenbDataModel *self, const gchar *name);

/* Factory value: what the parameter reads when nothing set it. */
void         henb_data_model_set_default (HenbDataModel *self, const gchar *name, const gchar *value);
/* Sets a value without access checks (state restore, local changes); validated. */
gboolean     henb_data_model_set (HenbDataModel *self,
                                  const gchar   *name,
                                  const gchar   *value,
                                  GError       **error);
void         henb_data_model_reset (HenbDataModel *self, const gchar *name);
/* TRUE when the parameter holds a value set after the factory default. */
gboolean     henb_data_model_is_set (HenbDataModel *self, const gchar *name);
void         henb_data_model_set_getter (HenbDataModel *self,
                                         const gchar   *name,
                                         HenbDmGetter   getter,
                                         gpointer       user_data);
/*
 * A number that changes whenever a stored value, a factory value, an attribute or the set of
 * table instances changes (a getter's value is not stored and not covered; persistent
 * parameters have no getter): who keeps what it derived from the model (the state file, the
 * cell configuration) need not read the model again while the number is the same.
 */
guint64      henb_data_model_get_generation (HenbDataModel *self);
/*
 * What SetParameterValues accepts as a HeMS URL (HENB_DM_SYNTAX_HEMS_URL), as the procedure
 * will: https only on the public internet unless @allow_plain_http. A new data model requires
 * TLS. Values restored from the state file are not held to it: the procedure refuses them.
 */
void         henb_data_model_set_hems_url_policy (HenbDataModel       *self,
                                                  HenbDiscoveryVariant variant,
                                                  gboolean             allow_plain_http);
void         henb_data_model_set_commit_func (HenbDataModel   *self,
                                              HenbDmCommitFunc func,
                                              gpointer         user_data);

/*
 * Tolerant input (README.md): unless strict, SetParameterValues takes a value whose xsi:type
 * differs from the parameter's when the value is valid for the parameter's type, and booleans
 * in any case; each such acceptance, and those the session reports (henb_data_model_tolerate),
 * is counted and logged once per session. Strict refuses them as the schema says (9006, 9007).
 */
void         henb_data_model_set_strict (HenbDataModel *self, gboolean strict);
gboolean     henb_data_model_get_strict (HenbDataModel *self);
/* Counts @tolerance (one HenbCwmpTolerance flag) and logs it the first time in a session;
 * emits "tolerated". @detail says where, e.g. the parameter name. */
void         henb_data_model_tolerate (HenbDataModel *self, HenbCwmpTolerance tolerance, const gchar *detail);
/* A new session: each tolerance is logged again the first time it happens. */
void         henb_data_model_begin_session (HenbDataModel *self);
/* The tolerances accepted since the data model was made. */
guint        henb_data_model_get_tolerated_count (HenbDataModel *self);

/* Checks @value against the definition of @name (strictly); on failure returns a 900x fault code. */
guint        henb_data_model_validate (HenbDataModel *self,
                                       const gchar   *name,
                                       const gchar   *value,
                                       HenbCwmpType   type,
                                       gchar        **out_normalized,
                                       gchar        **out_reason);

/* RPC semantics of TR-069 Amendment 6, A.3.2. */
gboolean henb_data_model_set_parameter_values (HenbDataModel  *self,
                                               GPtrArray      *params,
                                               const gchar    *parameter_key,
                                               guint          *out_status,
                                               HenbCwmpFault **out_fault);
gboolean henb_data_model_get_parameter_values (HenbDataModel  *self,
                                               GPtrArray      *names,
                                               GPtrArray      *out_params,
                                               HenbCwmpFault **out_fault);
gboolean henb_data_model_get_parameter_names (HenbDataModel  *self,
                                              const gchar    *path,
                                              gboolean        next_level,
                                              GPtrArray      *out_infos,
                                              HenbCwmpFault **out_fault);
gboolean henb_data_model_set_parameter_attributes (HenbDataModel  *self,
                                                   GPtrArray      *attrs,
                                                   HenbCwmpFault **out_fault);
gboolean henb_data_model_get_parameter_attributes (HenbDataModel  *self,
                                                   GPtrArray      *names,
                                                   GPtrArray      *out_attrs,
                                                   HenbCwmpFault **out_fault);
gboolean henb_data_model_add_object (HenbDataModel  *self,
                                     const gchar    *object_name,
                                     const gchar    *parameter_key,
                                     guint          *out_instance,
                                     HenbCwmpFault **out_fault);
gboolean henb_data_model_delete_object (HenbDataModel  *self,
                                        const gchar    *object_name,
                                        const gchar    *parameter_key,
                                        HenbCwmpFault **out_fault);

/* Appends the forced Inform parameters to @msg. */
void     henb_data_model_add_forced_inform (HenbDataModel *self, HenbCwmpMessage *msg);
/*
 * Appends what ManagementServer.InformParameter asks for, given the events of @msg: entries
 * whose EventList names one of them, or is empty and the Inform carries an event other than
 * "4 VALUE CHANGE". Parameters already in @msg are not repeated.
 */
void     henb_data_model_add_inform_parameters (HenbDataModel *self, HenbCwmpMessage *msg);

/* Factory reset: every value, instance and attribute back to what the factory set. */
void     henb_data_model_reset_all (HenbDataModel *self);

/* Tables and their instances, for the state store. */
gboolean henb_data_model_is_table (HenbDataModel *self, const gchar *object_name);
/* The instance numbers of the table @object_name ("A.B."), ascending. */
GArray  *henb_data_model_list_instances (HenbDataModel *self, const gchar *object_name);
/* Creates instance @instance (state restore); the table's next number moves past it. */
gboolean henb_data_model_create_instance (HenbDataModel *self,
                                          const gchar   *object_name,
                                          guint          instance,
                                          GError       **error);
guint    henb_data_model_get_next_instance (HenbDataModel *self, const gchar *object_name);
void     henb_data_model_set_next_instance (HenbDataModel *self, const gchar *object_name, guint next);

/* Notification attributes (0 off, 1 passive, 2 active). */
gint     henb_data_model_get_notification (HenbDataModel *self, const gchar *name);
/* 2 for HENB_DM_FLAG_ACTIVE_NOTIFY_DEFAULT parameters, else 0 */
gint     henb_data_model_get_default_notification (HenbDataModel *self, const gchar *name);
gboolean henb_data_model_set_notification (HenbDataModel *self, const gchar *name, gint notification,
                                           GError **error);
/* Parameters with notification other than off, in model order. */
GPtrArray *henb_data_model_list_notified (HenbDataModel *self);
/* Access lists hold only the values TR-069 defines ("Subscriber"), each once: at most this
 * many entries. */
#define HENB_DM_ACCESS_LIST_MAX 1
gboolean henb_data_model_access_list_value_is_valid (const gchar *value);
GStrv    henb_data_model_get_access_list (HenbDataModel *self, const gchar *name);
/* Sets the list deduplicated, without the values TR-069 does not define (state restore). */
void     henb_data_model_set_access_list (HenbDataModel *self, const gchar *name, const gchar *const *list);

/*
 * Value-change notification (TR-069 3.2.1): compares every notified parameter with the value
 * last reported and remembers the ones that changed. Returns TRUE when any of them has active
 * notification (a session is due). Changes made by the HeMS itself are not notified.
 */
gboolean henb_data_model_check_value_changes (HenbDataModel *self);
/* The changed parameters waiting for an Inform ("4 VALUE CHANGE"), in model order. */
GPtrArray *henb_data_model_list_value_changes (HenbDataModel *self);
/* An Inform carried them: their current values count as reported. */
void     henb_data_model_value_changes_reported (HenbDataModel *self, GPtrArray *names);

G_END_DECLS
