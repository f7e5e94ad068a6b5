/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "henb-errors.h"
#include "henb-cwmp-codec.h"

/* ------------------------------------------------------------------------------------------ */
/* Parsing */

typedef struct {
    xmlDocPtr doc;
    gchar    *argument_error; /* first RPC argument problem, answered with 9003 */
    guint     tolerated;      /* HenbCwmpTolerance */
} ParseContext;

static gboolean
node_is (xmlNodePtr node, const gchar *local_name, const gchar *ns_href)
{
    if (node == NULL || node->type != XML_ELEMENT_NODE)
        return FALSE;
    if (strcmp ((const gchar *) node->name, local_name) != 0)
        return FALSE;
    if (ns_href == NULL)
        return TRUE;
    return node->ns != NULL && node->ns->href != NULL &&
           strcmp ((const gchar *) node->ns->href, ns_href) == 0;
}

static xmlNodePtr
first_element (xmlNodePtr node)
{
    for (; node != NULL; node = node->next) {
        if (node->type == XML_ELEMENT_NODE)
            return node;
    }
    return NULL;
}

static xmlNodePtr
next_element (xmlNodePtr node)
{
    return node != NULL ? first_element (node->next) : NULL;
}

/* Children of CWMP RPCs are unqualified; some HeMS qualify them anyway, so match the local
 * name only. */
static xmlNodePtr
child (xmlNodePtr parent, const gchar *local_name)
{
    for (xmlNodePtr c = first_element (parent->children); c != NULL; c = next_element (c)) {
        if (strcmp ((const gchar *) c->name, local_name) == 0)
            return c;
    }
    return NULL;
}

static gchar *
node_text (xmlNodePtr node)
{
    xmlChar *content;
    gchar *ret;

    if (node == NULL)
        return NULL;
    content = xmlNodeGetContent (node);
    ret = g_strdup (content != NULL ? (const gchar *) content : "");
    xmlFree (content);
    return ret;
}

static gchar *
child_text (xmlNodePtr parent, const gchar *local_name)
{
    return node_text (child (parent, local_name));
}

static void
argument_error (ParseContext *ctx, const gchar *format, ...) G_GNUC_PRINTF (2, 3);

static void
argument_error (ParseContext *ctx, const gchar *format, ...)
{
    va_list args;

    if (ctx->argument_error != NULL)
        return;
    va_start (args, format);
    ctx->argument_error = g_strdup_vprintf (format, args);
    va_end (args);
}

static gboolean
parse_uint (const gchar *text, guint64 max, guint *out)
{
    guint64 v;
    g_autofree gchar *stripped = NULL;

    if (text == NULL)
        return FALSE;
    stripped = g_strstrip (g_strdup (text));
    if (!g_ascii_string_to_unsigned (stripped, 10, 0, max, &v, NULL))
        return FALSE;
    *out = (guint) v;
    return TRUE;
}

/* A boolean argument; "True" and the like are a tolerance of the message. */
static gboolean
parse_bool (ParseContext *ctx, const gchar *text, gboolean *out)
{
    gboolean tolerated = FALSE;

    if (!henb_cwmp_parse_boolean (text, out, &tolerated))
        return FALSE;
    if (tolerated)
        ctx->tolerated |= HENB_CWMP_TOLERANCE_BOOLEAN_CASE;
    return TRUE;
}

static void
required_uint (ParseContext *ctx, xmlNodePtr rpc, const gchar *name, guint *out)
{
    g_autofree gchar *text = child_text (rpc, name);

    if (text == NULL)
        argument_error (ctx, "%s is missing", name);
    else if (!parse_uint (text, G_MAXUINT32, out))
        argument_error (ctx, "%s is not an unsignedInt: '%s'", name, text);
}

static void
parse_string_list (xmlNodePtr list, GPtrArray *out)
{
    for (xmlNodePtr s = first_element (list->children); s != NULL; s = next_element (s))
        g_ptr_array_add (out, g_strstrip (node_text (s)));
}

/* A string argument: stripped, at most @max_len characters. */
static gchar *
required_text (ParseContext *ctx, xmlNodePtr rpc, const gchar *name, guint max_len)
{
    gchar *text = child_text (rpc, name);

    if (text == NULL) {
        argument_error (ctx, "%s is missing", name);
        return g_strdup ("");
    }
    g_strstrip (text);
    if (max_len > 0 && g_utf8_strlen (text, -1) > max_len)
        argument_error (ctx, "%s is longer than %u characters", name, max_len);
    return text;
}

static void
required_bool (ParseContext *ctx, xmlNodePtr parent, const gchar *name, gboolean *out)
{
    g_autofree gchar *text = child_text (parent, name);

    if (!parse_bool (ctx, text, out))
        argument_error (ctx, "%s is missing or not a boolean", name);
}

/* ParameterKey is required by the schema; HeMS that leave it out mean "" (a tolerance). */
static void
parse_parameter_key (ParseContext *ctx, xmlNodePtr rpc, HenbCwmpMessage *msg)
{
    if (child (rpc, "ParameterKey") == NULL) {
        msg->parameter_key = g_strdup ("");
        ctx->tolerated |= HENB_CWMP_TOLERANCE_NO_PARAMETER_KEY;
        return;
    }
    /* SetParameterValues: the data model refuses a long one with the other faults */
    if (msg->method == HENB_CWMP_METHOD_SET_PARAMETER_VALUES)
        msg->parameter_key = child_text (rpc, "ParameterKey");
    else
        msg->parameter_key = required_text (ctx, rpc, "ParameterKey", 32);
}

static void
parse_set_attributes (ParseContext *ctx, xmlNodePtr rpc, HenbCwmpMessage *msg)
{
    xmlNodePtr list = child (rpc, "ParameterList");

    if (list == NULL) {
        argument_error (ctx, "ParameterList is missing");
        return;
    }
    for (xmlNodePtr s = first_element (list->children); s != NULL; s = next_element (s)) {
        g_autofree gchar *name = child_text (s, "Name");
        g_autofree gchar *notification = child_text (s, "Notification");
        xmlNodePtr access = child (s, "AccessList");
        HenbCwmpParamAttr *pa;
        guint n = 0;

        if (strcmp ((const gchar *) s->name, "SetParameterAttributesStruct") != 0 || name == NULL) {
            argument_error (ctx, "malformed SetParameterAttributesStruct");
            continue;
        }
        pa = henb_cwmp_message_add_attr (msg, g_strstrip (name), 0);
        required_bool (ctx, s, "NotificationChange", &pa->notification_change);
        required_bool (ctx, s, "AccessListChange", &pa->access_list_change);
        /* 3..6 are reserved: out of range for this CPE, a 9003 */
        if (!parse_uint (notification, 6, &n))
            argument_error (ctx, "Notification of %s is not 0..6", pa->name);
        pa->notification = (gint) n;
        if (access == NULL)
            argument_error (ctx, "AccessList of %s is missing", pa->name);
        else
            parse_string_list (access, pa->access_list);
    }
}

static void
parse_download (ParseContext *ctx, xmlNodePtr rpc, HenbCwmpMessage *msg)
{
    HenbCwmpDownload *d = &msg->download;

    msg->command_key = required_text (ctx, rpc, "CommandKey", 32);
    d->file_type = required_text (ctx, rpc, "FileType", 64);
    d->url = required_text (ctx, rpc, "URL", 256);
    d->username = required_text (ctx, rpc, "Username", 256);
    d->password = required_text (ctx, rpc, "Password", 256);
    required_uint (ctx, rpc, "FileSize", &d->file_size);
    d->target_file_name = required_text (ctx, rpc, "TargetFileName", 256);
    required_uint (ctx, rpc, "DelaySeconds", &d->delay_seconds);
    d->success_url = required_text (ctx, rpc, "SuccessURL", 256);
    d->failure_url = required_text (ctx, rpc, "FailureURL", 256);
}

/* Resolves the xsi:type of a Value element to one of the xsd types. */
static HenbCwmpType
value_type (xmlNodePtr value, gchar **out_type_name)
{
    g_autofree gchar *qname = NULL;
    xmlChar *attr = xmlGetNsProp (value, (const xmlChar *) "type", (const xmlChar *) HENB_XSI_NS);
    const gchar *colon;
    const gchar *local;
    xmlNsPtr ns;

    if (attr == NULL)
        return HENB_CWMP_TYPE_NONE;
    qname = g_strstrip (g_strdup ((const gchar *) attr));
    xmlFree (attr);
    *out_type_name = g_strdup (qname);

    colon = strchr (qname, ':');
    if (colon != NULL) {
        g_autofree gchar *prefix = g_strndup (qname, colon - qname);
        local = colon + 1;
        ns = xmlSearchNs (value->doc, value, (const xmlChar *) prefix);
    } else {
        local = qname;
        ns = xmlSearchNs (value->doc, value, NULL);
    }
    if (ns == NULL || ns->href == NULL)
        return HENB_CWMP_TYPE_OTHER;
    if (strcmp ((const gchar *) ns->href, HENB_XSD_NS) != 0 &&
        strcmp ((const gchar *) ns->href, HENB_SOAP_ENC_NS) != 0)
        return HENB_CWMP_TYPE_OTHER;
    return henb_cwmp_type_from_xsd (local);
}

static void
parse_param_value_list (ParseContext *ctx, xmlNodePtr list, HenbCwmpMessage *msg)
{
    for (xmlNodePtr s = first_element (list->children); s != NULL; s = next_element (s)) {
        HenbCwmpParamValue *pv;
        xmlNodePtr name = child (s, "Name");
        xmlNodePtr value = child (s, "Value");

        if (strcmp ((const gchar *) s->name, "ParameterValueStruct") != 0) {
            argument_error (ctx, "unexpected element %s in ParameterList", (const gchar *) s->name);
            continue;
        }
        if (name == NULL || value == NULL) {
            argument_error (ctx, "ParameterValueStruct without %s", name == NULL ? "Name" : "Value");
            continue;
        }
        pv = g_new0 (HenbCwmpParamValue, 1);
        pv->name = g_strstrip (node_text (name));
        pv->value = node_text (value);
        pv->type = value_type (value, &pv->type_name);
        g_ptr_array_add (msg->params, pv);
    }
}

static void
parse_inform (ParseContext *ctx, xmlNodePtr rpc, HenbCwmpMessage *msg)
{
    xmlNodePtr device_id = child (rpc, "DeviceId");
    xmlNodePtr events = child (rpc, "Event");
    xmlNodePtr params = child (rpc, "ParameterList");

    if (device_id == NULL) {
        argument_error (ctx, "DeviceId is missing");
    } else {
        msg->device_id.manufacturer = child_text (device_id, "Manufacturer");
        msg->device_id.oui = child_text (device_id, "OUI");
        msg->device_id.product_class = child_text (device_id, "ProductClass");
        msg->device_id.serial_number = child_text (device_id, "SerialNumber");
        if (msg->device_id.oui == NULL || msg->device_id.serial_number == NULL)
            argument_error (ctx, "DeviceId lacks OUI or SerialNumber");
    }
    if (events == NULL) {
        argument_error (ctx, "Event is missing");
    } else {
        for (xmlNodePtr s = first_element (events->children); s != NULL; s = next_element (s)) {
            g_autofree gchar *code = child_text (s, "EventCode");
            g_autofree gchar *key = child_text (s, "CommandKey");

            if (code == NULL) {
                argument_error (ctx, "EventStruct without EventCode");
                continue;
            }
            henb_cwmp_message_add_event (msg, g_strstrip (code), key);
        }
    }
    required_uint (ctx, rpc, "MaxEnvelopes", &msg->max_envelopes);
    msg->current_time = child_text (rpc, "CurrentTime");
    if (msg->current_time == NULL)
        argument_error (ctx, "CurrentTime is missing");
    required_uint (ctx, rpc, "RetryCount", &msg->retry_count);
    if (params == NULL)
        argument_error (ctx, "ParameterList is missing");
    else
        parse_param_value_list (ctx, params, msg);
}

static void
parse_rpc_body (ParseContext *ctx, xmlNodePtr rpc, HenbCwmpMessage *msg)
{
    xmlNodePtr list;

    switch (msg->method) {
    case HENB_CWMP_METHOD_INFORM:
        parse_inform (ctx, rpc, msg);
        break;
    case HENB_CWMP_METHOD_INFORM_RESPONSE:
        required_uint (ctx, rpc, "MaxEnvelopes", &msg->max_envelopes);
        break;
    case HENB_CWMP_METHOD_SET_PARAMETER_VALUES:
        list = child (rpc, "ParameterList");
        if (list == NULL)
            argument_error (ctx, "ParameterList is missing");
        else
            parse_param_value_list (ctx, list, msg);
        parse_parameter_key (ctx, rpc, msg);
        break;
    case HENB_CWMP_METHOD_SET_PARAMETER_VALUES_RESPONSE:
        required_uint (ctx, rpc, "Status", &msg->status);
        break;
    case HENB_CWMP_METHOD_GET_PARAMETER_VALUES:
        list = child (rpc, "ParameterNames");
        if (list == NULL)
            argument_error (ctx, "ParameterNames is missing");
        else
            parse_string_list (list, msg->names);
        break;
    case HENB_CWMP_METHOD_GET_PARAMETER_VALUES_RESPONSE:
        list = child (rpc, "ParameterList");
        if (list != NULL)
            parse_param_value_list (ctx, list, msg);
        break;
    case HENB_CWMP_METHOD_GET_PARAMETER_NAMES: {
        g_autofree gchar *next_level = child_text (rpc, "NextLevel");

        msg->parameter_path = child_text (rpc, "ParameterPath");
        if (msg->parameter_path == NULL)
            argument_error (ctx, "ParameterPath is missing");
        else
            g_strstrip (msg->parameter_path);
        if (!parse_bool (ctx, next_level, &msg->next_level))
            argument_error (ctx, "NextLevel is missing or not a boolean");
        break;
    }
    case HENB_CWMP_METHOD_GET_PARAMETER_NAMES_RESPONSE:
        list = child (rpc, "ParameterList");
        for (xmlNodePtr s = list != NULL ? first_element (list->children) : NULL; s != NULL;
             s = next_element (s)) {
            g_autofree gchar *name = child_text (s, "Name");
            g_autofree gchar *writable = child_text (s, "Writable");
            gboolean w = FALSE;

            if (name == NULL || !parse_bool (ctx, writable, &w)) {
                argument_error (ctx, "malformed ParameterInfoStruct");
                continue;
            }
            henb_cwmp_message_add_param_info (msg, g_strstrip (name), w);
        }
        break;
    case HENB_CWMP_METHOD_GET_RPC_METHODS_RESPONSE:
        list = child (rpc, "MethodList");
        if (list != NULL)
            parse_string_list (list, msg->names);
        break;
    case HENB_CWMP_METHOD_SET_PARAMETER_ATTRIBUTES:
        parse_set_attributes (ctx, rpc, msg);
        break;
    case HENB_CWMP_METHOD_GET_PARAMETER_ATTRIBUTES:
        list = child (rpc, "ParameterNames");
        if (list == NULL)
            argument_error (ctx, "ParameterNames is missing");
        else
            parse_string_list (list, msg->names);
        break;
    case HENB_CWMP_METHOD_GET_PARAMETER_ATTRIBUTES_RESPONSE:
        list = child (rpc, "ParameterList");
        for (xmlNodePtr s = list != NULL ? first_element (list->children) : NULL; s != NULL;
             s = next_element (s)) {
            g_autofree gchar *name = child_text (s, "Name");
            g_autofree gchar *notification = child_text (s, "Notification");
            xmlNodePtr access = child (s, "AccessList");
            guint n = 0;
            HenbCwmpParamAttr *pa;

            if (name == NULL || !parse_uint (notification, 6, &n)) {
                argument_error (ctx, "malformed ParameterAttributeStruct");
                continue;
            }
            pa = henb_cwmp_message_add_attr (msg, g_strstrip (name), (gint) n);
            if (access != NULL)
                parse_string_list (access, pa->access_list);
        }
        break;
    case HENB_CWMP_METHOD_ADD_OBJECT:
    case HENB_CWMP_METHOD_DELETE_OBJECT:
        msg->object_name = required_text (ctx, rpc, "ObjectName", 256);
        parse_parameter_key (ctx, rpc, msg);
        break;
    case HENB_CWMP_METHOD_ADD_OBJECT_RESPONSE:
        required_uint (ctx, rpc, "InstanceNumber", &msg->instance_number);
        required_uint (ctx, rpc, "Status", &msg->status);
        break;
    case HENB_CWMP_METHOD_DELETE_OBJECT_RESPONSE:
        required_uint (ctx, rpc, "Status", &msg->status);
        break;
    case HENB_CWMP_METHOD_REBOOT:
        msg->command_key = required_text (ctx, rpc, "CommandKey", 32);
        break;
    case HENB_CWMP_METHOD_DOWNLOAD:
        parse_download (ctx, rpc, msg);
        break;
    case HENB_CWMP_METHOD_DOWNLOAD_RESPONSE:
        required_uint (ctx, rpc, "Status", &msg->status);
        msg->start_time = required_text (ctx, rpc, "StartTime", 0);
        msg->complete_time = required_text (ctx, rpc, "CompleteTime", 0);
        break;
    case HENB_CWMP_METHOD_SCHEDULE_INFORM:
        required_uint (ctx, rpc, "DelaySeconds", &msg->delay_seconds);
        msg->command_key = required_text (ctx, rpc, "CommandKey", 32);
        break;
    case HENB_CWMP_METHOD_TRANSFER_COMPLETE: {
        xmlNodePtr fault = child (rpc, "FaultStruct");

        msg->command_key = required_text (ctx, rpc, "CommandKey", 32);
        if (fault == NULL) {
            argument_error (ctx, "FaultStruct is missing");
        } else {
            required_uint (ctx, fault, "FaultCode", &msg->transfer_fault_code);
            msg->transfer_fault_string = required_text (ctx, fault, "FaultString", 256);
        }
        msg->start_time = required_text (ctx, rpc, "StartTime", 0);
        msg->complete_time = required_text (ctx, rpc, "CompleteTime", 0);
        break;
    }
    case HENB_CWMP_METHOD_GET_RPC_METHODS:
    case HENB_CWMP_METHOD_SET_PARAMETER_ATTRIBUTES_RESPONSE:
    case HENB_CWMP_METHOD_REBOOT_RESPONSE:
    case HENB_CWMP_METHOD_FACTORY_RESET:
    case HENB_CWMP_METHOD_FACTORY_RESET_RESPONSE:
    case HENB_CWMP_METHOD_SCHEDULE_INFORM_RESPONSE:
    case HENB_CWMP_METHOD_TRANSFER_COMPLETE_RESPONSE:
    case HENB_CWMP_METHOD_UNKNOWN:
    case HENB_CWMP_METHOD_FAULT:
    default:
        break;
    }
}

static HenbCwmpFault *
parse_fault (xmlNodePtr soap_fault, HenbCwmpVersion *out_version)
{
    g_autofree gchar *soap_code = child_text (soap_fault, "faultcode");
    g_autofree gchar *soap_string = child_text (soap_fault, "faultstring");
    xmlNodePtr detail = child (soap_fault, "detail");
    xmlNodePtr cwmp_fault = detail != NULL ? child (detail, "Fault") : NULL;
    HenbCwmpFault *fault;
    guint code = 0;

    if (cwmp_fault != NULL) {
        g_autofree gchar *code_text = child_text (cwmp_fault, "FaultCode");
        g_autofree gchar *string = child_text (cwmp_fault, "FaultString");

        if (cwmp_fault->ns != NULL)
            henb_cwmp_version_from_namespace ((const gchar *) cwmp_fault->ns->href, out_version);
        if (!parse_uint (code_text, G_MAXUINT32, &code))
            code = 0;
        fault = henb_cwmp_fault_new (code, string);
        for (xmlNodePtr p = first_element (cwmp_fault->children); p != NULL; p = next_element (p)) {
            g_autofree gchar *pname = NULL;
            g_autofree gchar *pcode_text = NULL;
            g_autofree gchar *pstring = NULL;
            guint pcode = 0;

            if (strcmp ((const gchar *) p->name, "SetParameterValuesFault") != 0)
                continue;
            pname = child_text (p, "ParameterName");
            pcode_text = child_text (p, "FaultCode");
            pstring = child_text (p, "FaultString");
            if (!parse_uint (pcode_text, G_MAXUINT32, &pcode))
                pcode = 0;
            henb_cwmp_fault_add_param (fault, pname != NULL ? g_strstrip (pname) : "", pcode, pstring);
        }
    } else {
        fault = henb_cwmp_fault_new (0, soap_string);
    }
    g_free (fault->soap_code);
    fault->soap_code = g_strdup (soap_code != NULL ? g_strstrip (soap_code) : "");
    g_free (fault->soap_string);
    fault->soap_string = g_strdup (soap_string != NULL ? soap_string : "");
    return fault;
}

static gboolean
check_shape (xmlNodePtr node, guint depth, guint *count, GError **error)
{
    if (depth > HENB_CWMP_MAX_DEPTH) {
        g_set_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_MALFORMED,
                     "elements nested deeper than %u levels", HENB_CWMP_MAX_DEPTH);
        return FALSE;
    }
    for (xmlNodePtr c = node->children; c != NULL; c = c->next) {
        if (c->type == XML_ENTITY_REF_NODE || c->type == XML_ENTITY_NODE ||
            c->type == XML_DTD_NODE) {
            g_set_error_literal (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_MALFORMED,
                                 "entities are not allowed");
            return FALSE;
        }
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (++(*count) > HENB_CWMP_MAX_ELEMENTS) {
            g_set_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_TOO_LARGE,
                         "more than %u elements", HENB_CWMP_MAX_ELEMENTS);
            return FALSE;
        }
        if (!check_shape (c, depth + 1, count, error))
            return FALSE;
    }
    return TRUE;
}

static void
parse_header (xmlNodePtr header, HenbCwmpMessage *msg)
{
    for (xmlNodePtr h = first_element (header->children); h != NULL; h = next_element (h)) {
        HenbCwmpVersion v;

        if (h->ns == NULL || !henb_cwmp_version_from_namespace ((const gchar *) h->ns->href, &v))
            continue;
        if (strcmp ((const gchar *) h->name, "ID") == 0) {
            g_free (msg->id);
            msg->id = node_text (h);
        } else if (strcmp ((const gchar *) h->name, "HoldRequests") == 0) {
            g_autofree gchar *text = node_text (h);
            if (!henb_cwmp_parse_boolean (text, &msg->hold_requests, NULL))
                msg->hold_requests = FALSE;
        } else if (strcmp ((const gchar *) h->name, "SupportedCWMPVersions") == 0) {
            g_free (msg->supported_versions);
            msg->supported_versions = g_strstrip (node_text (h));
        } else if (strcmp ((const gchar *) h->name, "UseCWMPVersion") == 0) {
            g_free (msg->use_version);
            msg->use_version = g_strstrip (node_text (h));
        }
    }
}

/* libxml2 2.9 prints encoding and I/O errors on stderr whatever XML_PARSE_NOERROR says, so a
 * HeMS could fill henbd's log; the parser context still records them for the GError. */
static void
discard_xml_error (void *user_data, xmlErrorPtr error)
{
}

static gboolean
contains (const gchar *data, gsize len, const gchar *needle)
{
    return memmem (data, len, needle, strlen (needle)) != NULL;
}

HenbCwmpMessage *
henb_cwmp_parse (const gchar *data,
                 gsize        len,
                 gsize        max_size,
                 gchar      **out_argument_error,
                 GError     **error)
{
    g_autoptr(HenbCwmpMessage) msg = NULL;
    ParseContext ctx = { 0 };
    xmlParserCtxtPtr parser;
    xmlStructuredErrorFunc saved_error_func;
    void *saved_error_data;
    xmlNodePtr root, header = NULL, body = NULL, rpc;
    guint count = 0;
    gboolean ok;

    g_return_val_if_fail (data != NULL || len == 0, NULL);

    if (max_size == 0)
        max_size = HENB_CWMP_MAX_ENVELOPE_SIZE;
    if (len > max_size) {
        g_set_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_TOO_LARGE,
                     "envelope of %" G_GSIZE_FORMAT " bytes exceeds the limit of %" G_GSIZE_FORMAT,
                     len, max_size);
        return NULL;
    }
    if (len == 0) {
        g_set_error_literal (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_MALFORMED, "empty envelope");
        return NULL;
    }
    /* SOAP forbids DTDs; refusing them up front means no entity is ever expanded. */
    if (contains (data, len, "<!DOCTYPE") || contains (data, len, "<!ENTITY")) {
        g_set_error_literal (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_MALFORMED,
                             "document type declarations are not allowed");
        return NULL;
    }

    parser = xmlNewParserCtxt ();
    if (parser == NULL) {
        g_set_error_literal (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_MALFORMED, "out of memory");
        return NULL;
    }
    /* the handler is per thread in libxml2: whatever the caller had is back right after */
    saved_error_func = xmlStructuredError;
    saved_error_data = xmlStructuredErrorContext;
    xmlSetStructuredErrorFunc (NULL, discard_xml_error);
    ctx.doc = xmlCtxtReadMemory (parser, data, (int) len, "cwmp.xml", NULL,
                                 XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                     XML_PARSE_NOCDATA);
    xmlSetStructuredErrorFunc (saved_error_data, saved_error_func);
    if (ctx.doc == NULL) {
        const xmlError *xerr = xmlCtxtGetLastError (parser);
        g_autofree gchar *detail =
            g_strdup (xerr != NULL && xerr->message != NULL ? xerr->message : "not XML");

        g_set_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_MALFORMED,
                     "not well-formed XML (line %d): %s", xerr != NULL ? xerr->line : 0,
                     g_strstrip (detail));
        xmlFreeParserCtxt (parser);
        return NULL;
    }
    xmlFreeParserCtxt (parser);

    root = xmlDocGetRootElement (ctx.doc);
    if (ctx.doc->intSubset != NULL || ctx.doc->extSubset != NULL) {
        g_set_error_literal (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_MALFORMED,
                             "document type declarations are not allowed");
        goto out;
    }
    if (!node_is (root, "Envelope", HENB_SOAP_ENV_NS)) {
        g_set_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_MALFORMED,
                     "root element is %s, not a SOAP 1.1 Envelope",
                     root != NULL ? (const gchar *) root->name : "missing");
        goto out;
    }
    ok = check_shape (root, 1, &count, error);
    if (!ok)
        goto out;

    for (xmlNodePtr c = first_element (root->children); c != NULL; c = next_element (c)) {
        if (node_is (c, "Header", HENB_SOAP_ENV_NS) && header == NULL && body == NULL)
            header = c;
        else if (node_is (c, "Body", HENB_SOAP_ENV_NS) && body == NULL)
            body = c;
    }
    if (body == NULL) {
        g_set_error_literal (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_MALFORMED,
                             "SOAP Envelope has no Body");
        goto out;
    }
    rpc = first_element (body->children);
    if (rpc == NULL) {
        g_set_error_literal (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_MALFORMED,
                             "SOAP Body is empty");
        goto out;
    }
    if (next_element (rpc) != NULL) {
        g_set_error_literal (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_MALFORMED,
                             "SOAP Body carries more than one message");
        goto out;
    }

    if (node_is (rpc, "Fault", HENB_SOAP_ENV_NS)) {
        HenbCwmpVersion version = HENB_CWMP_VERSION_1_2;
        HenbCwmpFault *fault = parse_fault (rpc, &version);

        msg = henb_cwmp_message_new (HENB_CWMP_METHOD_FAULT, version);
        msg->fault = fault;
    } else {
        HenbCwmpVersion version;

        if (rpc->ns == NULL || rpc->ns->href == NULL) {
            g_set_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_MALFORMED,
                         "message %s has no namespace", (const gchar *) rpc->name);
            goto out;
        }
        if (!henb_cwmp_version_from_namespace ((const gchar *) rpc->ns->href, &version)) {
            g_set_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_UNSUPPORTED_VERSION,
                         "message %s is in namespace %s, not urn:dslforum-org:cwmp-1-0..1-4",
                         (const gchar *) rpc->name, (const gchar *) rpc->ns->href);
            goto out;
        }
        msg = henb_cwmp_message_new (henb_cwmp_method_from_string ((const gchar *) rpc->name),
                                     version);
        g_free (msg->method_name);
        msg->method_name = g_strdup ((const gchar *) rpc->name);
        parse_rpc_body (&ctx, rpc, msg);
    }
    if (header != NULL)
        parse_header (header, msg);
    msg->tolerated = ctx.tolerated;

out:
    xmlFreeDoc (ctx.doc);
    if (msg == NULL) {
        g_free (ctx.argument_error);
        return NULL;
    }
    if (out_argument_error != NULL)
        *out_argument_error = g_steal_pointer (&ctx.argument_error);
    else
        g_free (ctx.argument_error);
    return g_steal_pointer (&msg);
}

/* ------------------------------------------------------------------------------------------ */
/* Serializing */

typedef struct {
    xmlNsPtr env;
    xmlNsPtr enc;
    xmlNsPtr xsd;
    xmlNsPtr xsi;
    xmlNsPtr cwmp;
} Namespaces;

/* xmlNewChild() with a NULL namespace inherits the parent's; CWMP children are unqualified. */
static xmlNodePtr
add_element (xmlNodePtr parent, const gchar *name)
{
    xmlNodePtr node = xmlNewDocNode (parent->doc, NULL, (const xmlChar *) name, NULL);

    return xmlAddChild (parent, node);
}

static xmlNodePtr
add_text (xmlNodePtr parent, const gchar *name, const gchar *text)
{
    xmlNodePtr node = add_element (parent, name);

    /* text nodes hold the raw value; the serializer escapes it */
    xmlNodeAddContent (node, (const xmlChar *) (text != NULL ? text : ""));
    return node;
}

static void
add_uint (xmlNodePtr parent, const gchar *name, guint value)
{
    gchar buf[16];

    g_snprintf (buf, sizeof buf, "%u", value);
    add_text (parent, name, buf);
}

static xmlNodePtr
add_array (xmlNodePtr parent, const Namespaces *ns, const gchar *name, const gchar *item_type,
           guint n)
{
    xmlNodePtr array = add_element (parent, name);
    g_autofree gchar *type = g_strdup_printf ("%s[%u]", item_type, n);

    xmlNewNsProp (array, ns->enc, (const xmlChar *) "arrayType", (const xmlChar *) type);
    return array;
}

static void
add_param_values (xmlNodePtr parent, const Namespaces *ns, GPtrArray *params)
{
    xmlNodePtr list = add_array (parent, ns, "ParameterList", "cwmp:ParameterValueStruct",
                                 params->len);

    for (guint i = 0; i < params->len; i++) {
        const HenbCwmpParamValue *pv = g_ptr_array_index (params, i);
        xmlNodePtr s = add_element (list, "ParameterValueStruct");
        xmlNodePtr v;
        const gchar *xsd = henb_cwmp_type_to_xsd (pv->type);

        add_text (s, "Name", pv->name);
        v = add_text (s, "Value", pv->value);
        if (xsd != NULL) {
            g_autofree gchar *qname = g_strdup_printf ("xsd:%s", xsd);
            xmlNewNsProp (v, ns->xsi, (const xmlChar *) "type", (const xmlChar *) qname);
        } else if (pv->type == HENB_CWMP_TYPE_OTHER && pv->type_name != NULL) {
            xmlNewNsProp (v, ns->xsi, (const xmlChar *) "type", (const xmlChar *) pv->type_name);
        }
    }
}

static void
add_string_array (xmlNodePtr parent, const Namespaces *ns, const gchar *name, GPtrArray *strings)
{
    xmlNodePtr list = add_array (parent, ns, name, "xsd:string", strings->len);

    for (guint i = 0; i < strings->len; i++)
        add_text (list, "string", g_ptr_array_index (strings, i));
}

static void
add_fault (xmlNodePtr body, const Namespaces *ns, const HenbCwmpFault *fault)
{
    xmlNodePtr soap_fault = xmlNewChild (body, ns->env, (const xmlChar *) "Fault", NULL);
    xmlNodePtr detail, cwmp_fault;

    add_text (soap_fault, "faultcode", fault->soap_code);
    add_text (soap_fault, "faultstring", fault->soap_string);
    detail = add_element (soap_fault, "detail");
    cwmp_fault = xmlNewChild (detail, ns->cwmp, (const xmlChar *) "Fault", NULL);
    add_uint (cwmp_fault, "FaultCode", fault->code);
    add_text (cwmp_fault, "FaultString", fault->string);
    for (guint i = 0; i < fault->param_faults->len; i++) {
        const HenbCwmpParamFault *pf = g_ptr_array_index (fault->param_faults, i);
        xmlNodePtr p = add_element (cwmp_fault, "SetParameterValuesFault");

        add_text (p, "ParameterName", pf->name);
        add_uint (p, "FaultCode", pf->code);
        add_text (p, "FaultString", pf->string);
    }
}

static void
add_rpc_body (xmlNodePtr rpc, const Namespaces *ns, const HenbCwmpMessage *msg)
{
    xmlNodePtr node;
    guint n;

    switch (msg->method) {
    case HENB_CWMP_METHOD_INFORM:
        node = add_element (rpc, "DeviceId");
        add_text (node, "Manufacturer", msg->device_id.manufacturer);
        add_text (node, "OUI", msg->device_id.oui);
        add_text (node, "ProductClass", msg->device_id.product_class);
        add_text (node, "SerialNumber", msg->device_id.serial_number);
        /* the schema's maxOccurs; the session chooses which events go when more are queued */
        n = MIN (msg->events->len, HENB_CWMP_MAX_EVENTS);
        node = add_array (rpc, ns, "Event", "cwmp:EventStruct", n);
        for (guint i = 0; i < n; i++) {
            const HenbCwmpEvent *ev = g_ptr_array_index (msg->events, i);
            xmlNodePtr s = add_element (node, "EventStruct");

            add_text (s, "EventCode", ev->code);
            add_text (s, "CommandKey", ev->command_key);
        }
        add_uint (rpc, "MaxEnvelopes", msg->max_envelopes);
        add_text (rpc, "CurrentTime", msg->current_time);
        add_uint (rpc, "RetryCount", msg->retry_count);
        add_param_values (rpc, ns, msg->params);
        break;
    case HENB_CWMP_METHOD_INFORM_RESPONSE:
        add_uint (rpc, "MaxEnvelopes", msg->max_envelopes);
        break;
    case HENB_CWMP_METHOD_SET_PARAMETER_VALUES:
        add_param_values (rpc, ns, msg->params);
        add_text (rpc, "ParameterKey", msg->parameter_key);
        break;
    case HENB_CWMP_METHOD_SET_PARAMETER_VALUES_RESPONSE:
        add_uint (rpc, "Status", msg->status);
        break;
    case HENB_CWMP_METHOD_GET_PARAMETER_VALUES:
        add_string_array (rpc, ns, "ParameterNames", msg->names);
        break;
    case HENB_CWMP_METHOD_GET_PARAMETER_VALUES_RESPONSE:
        add_param_values (rpc, ns, msg->params);
        break;
    case HENB_CWMP_METHOD_GET_PARAMETER_NAMES:
        add_text (rpc, "ParameterPath", msg->parameter_path);
        add_text (rpc, "NextLevel", msg->next_level ? "true" : "false");
        break;
    case HENB_CWMP_METHOD_GET_PARAMETER_NAMES_RESPONSE:
        node = add_array (rpc, ns, "ParameterList", "cwmp:ParameterInfoStruct",
                          msg->param_infos->len);
        for (guint i = 0; i < msg->param_infos->len; i++) {
            const HenbCwmpParamInfo *pi = g_ptr_array_index (msg->param_infos, i);
            xmlNodePtr s = add_element (node, "ParameterInfoStruct");

            add_text (s, "Name", pi->name);
            add_text (s, "Writable", pi->writable ? "true" : "false");
        }
        break;
    case HENB_CWMP_METHOD_GET_RPC_METHODS_RESPONSE:
        add_string_array (rpc, ns, "MethodList", msg->names);
        break;
    case HENB_CWMP_METHOD_SET_PARAMETER_ATTRIBUTES:
        node = add_array (rpc, ns, "ParameterList", "cwmp:SetParameterAttributesStruct", msg->attrs->len);
        for (guint i = 0; i < msg->attrs->len; i++) {
            const HenbCwmpParamAttr *pa = g_ptr_array_index (msg->attrs, i);
            xmlNodePtr s = add_element (node, "SetParameterAttributesStruct");

            add_text (s, "Name", pa->name);
            add_text (s, "NotificationChange", pa->notification_change ? "true" : "false");
            add_uint (s, "Notification", (guint) pa->notification);
            add_text (s, "AccessListChange", pa->access_list_change ? "true" : "false");
            add_string_array (s, ns, "AccessList", pa->access_list);
        }
        break;
    case HENB_CWMP_METHOD_GET_PARAMETER_ATTRIBUTES:
        add_string_array (rpc, ns, "ParameterNames", msg->names);
        break;
    case HENB_CWMP_METHOD_GET_PARAMETER_ATTRIBUTES_RESPONSE:
        node = add_array (rpc, ns, "ParameterList", "cwmp:ParameterAttributeStruct", msg->attrs->len);
        for (guint i = 0; i < msg->attrs->len; i++) {
            const HenbCwmpParamAttr *pa = g_ptr_array_index (msg->attrs, i);
            xmlNodePtr s = add_element (node, "ParameterAttributeStruct");

            add_text (s, "Name", pa->name);
            add_uint (s, "Notification", (guint) pa->notification);
            add_string_array (s, ns, "AccessList", pa->access_list);
        }
        break;
    case HENB_CWMP_METHOD_ADD_OBJECT:
    case HENB_CWMP_METHOD_DELETE_OBJECT:
        add_text (rpc, "ObjectName", msg->object_name);
        add_text (rpc, "ParameterKey", msg->parameter_key);
        break;
    case HENB_CWMP_METHOD_ADD_OBJECT_RESPONSE:
        add_uint (rpc, "InstanceNumber", msg->instance_number);
        add_uint (rpc, "Status", msg->status);
        break;
    case HENB_CWMP_METHOD_DELETE_OBJECT_RESPONSE:
        add_uint (rpc, "Status", msg->status);
        break;
    case HENB_CWMP_METHOD_REBOOT:
        add_text (rpc, "CommandKey", msg->command_key);
        break;
    case HENB_CWMP_METHOD_DOWNLOAD:
        add_text (rpc, "CommandKey", msg->command_key);
        add_text (rpc, "FileType", msg->download.file_type);
        add_text (rpc, "URL", msg->download.url);
        add_text (rpc, "Username", msg->download.username);
        add_text (rpc, "Password", msg->download.password);
        add_uint (rpc, "FileSize", msg->download.file_size);
        add_text (rpc, "TargetFileName", msg->download.target_file_name);
        add_uint (rpc, "DelaySeconds", msg->download.delay_seconds);
        add_text (rpc, "SuccessURL", msg->download.success_url);
        add_text (rpc, "FailureURL", msg->download.failure_url);
        break;
    case HENB_CWMP_METHOD_DOWNLOAD_RESPONSE:
        add_uint (rpc, "Status", msg->status);
        add_text (rpc, "StartTime", msg->start_time != NULL ? msg->start_time : HENB_CWMP_UNKNOWN_TIME);
        add_text (rpc, "CompleteTime", msg->complete_time != NULL ? msg->complete_time : HENB_CWMP_UNKNOWN_TIME);
        break;
    case HENB_CWMP_METHOD_SCHEDULE_INFORM:
        add_uint (rpc, "DelaySeconds", msg->delay_seconds);
        add_text (rpc, "CommandKey", msg->command_key);
        break;
    case HENB_CWMP_METHOD_TRANSFER_COMPLETE:
        add_text (rpc, "CommandKey", msg->command_key);
        node = add_element (rpc, "FaultStruct");
        add_uint (node, "FaultCode", msg->transfer_fault_code);
        add_text (node, "FaultString", msg->transfer_fault_string);
        add_text (rpc, "StartTime", msg->start_time != NULL ? msg->start_time : HENB_CWMP_UNKNOWN_TIME);
        add_text (rpc, "CompleteTime", msg->complete_time != NULL ? msg->complete_time : HENB_CWMP_UNKNOWN_TIME);
        break;
    case HENB_CWMP_METHOD_GET_RPC_METHODS:
    case HENB_CWMP_METHOD_UNKNOWN:
    case HENB_CWMP_METHOD_FAULT:
    default:
        break;
    }
}

GBytes *
henb_cwmp_serialize (const HenbCwmpMessage *msg)
{
    xmlDocPtr doc;
    xmlNodePtr env, header, body;
    Namespaces ns;
    xmlChar *buf = NULL;
    int size = 0;
    GBytes *bytes;

    g_return_val_if_fail (msg != NULL, NULL);

    doc = xmlNewDoc ((const xmlChar *) "1.0");
    env = xmlNewNode (NULL, (const xmlChar *) "Envelope");
    xmlDocSetRootElement (doc, env);
    ns.env = xmlNewNs (env, (const xmlChar *) HENB_SOAP_ENV_NS, (const xmlChar *) "SOAP-ENV");
    ns.enc = xmlNewNs (env, (const xmlChar *) HENB_SOAP_ENC_NS, (const xmlChar *) "SOAP-ENC");
    ns.xsd = xmlNewNs (env, (const xmlChar *) HENB_XSD_NS, (const xmlChar *) "xsd");
    ns.xsi = xmlNewNs (env, (const xmlChar *) HENB_XSI_NS, (const xmlChar *) "xsi");
    ns.cwmp = xmlNewNs (env, (const xmlChar *) henb_cwmp_version_namespace (msg->version),
                        (const xmlChar *) "cwmp");
    xmlSetNs (env, ns.env);

    header = xmlNewChild (env, ns.env, (const xmlChar *) "Header", NULL);
    if (msg->id != NULL) {
        xmlNodePtr id = xmlNewTextChild (header, ns.cwmp, (const xmlChar *) "ID",
                                         (const xmlChar *) msg->id);
        xmlNewNsProp (id, ns.env, (const xmlChar *) "mustUnderstand", (const xmlChar *) "1");
    }
    if (msg->hold_requests) {
        xmlNodePtr hold = xmlNewTextChild (header, ns.cwmp, (const xmlChar *) "HoldRequests",
                                           (const xmlChar *) "true");
        xmlNewNsProp (hold, ns.env, (const xmlChar *) "mustUnderstand", (const xmlChar *) "1");
    }
    /* CWMP 1.4 headers live in the cwmp-1-2 namespace, like everything after 1.2 */
    if (msg->supported_versions != NULL) {
        xmlNodePtr h = xmlNewTextChild (header, ns.cwmp, (const xmlChar *) "SupportedCWMPVersions",
                                        (const xmlChar *) msg->supported_versions);
        xmlNewNsProp (h, ns.env, (const xmlChar *) "mustUnderstand", (const xmlChar *) "0");
    }
    if (msg->use_version != NULL) {
        xmlNodePtr h = xmlNewTextChild (header, ns.cwmp, (const xmlChar *) "UseCWMPVersion",
                                        (const xmlChar *) msg->use_version);
        xmlNewNsProp (h, ns.env, (const xmlChar *) "mustUnderstand", (const xmlChar *) "1");
    }

    body = xmlNewChild (env, ns.env, (const xmlChar *) "Body", NULL);
    if (msg->method == HENB_CWMP_METHOD_FAULT) {
        g_return_val_if_fail (msg->fault != NULL, NULL);
        add_fault (body, &ns, msg->fault);
    } else {
        xmlNodePtr rpc = xmlNewChild (body, ns.cwmp, (const xmlChar *) msg->method_name, NULL);
        add_rpc_body (rpc, &ns, msg);
    }

    xmlDocDumpFormatMemoryEnc (doc, &buf, &size, "UTF-8", 1);
    bytes = g_bytes_new (buf, size);
    xmlFree (buf);
    xmlFreeDoc (doc);
    return bytes;
}
