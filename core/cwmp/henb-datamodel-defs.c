/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "henb-datamodel-fap.h"

/*
 * The parameters henbd exposes: the hand-written ones below, then the LTE cell parameters
 * generated from the BBF XML (henb-datamodel-fap.c, core/cwmp/gen-fap-model.py). Types, sizes and access follow TR-181 Issue 2 (Device:2.17)
 * and TR-196 Issue 2 (FAPService:2.1); test-datamodel-bbf checks them against the Broadband
 * Forum XML. Parameters the standards lack carry the vendor prefix X_<ManufacturerOUI>_.
 */

#define RW  HENB_DM_FLAG_WRITABLE
#define FI  HENB_DM_FLAG_FORCED_INFORM
#define AN  HENB_DM_FLAG_ACTIVE_NOTIFY_DEFAULT
#define P   HENB_DM_FLAG_PERSISTENT
#define HID HENB_DM_FLAG_HIDDEN
#define DEF HENB_DM_FLAG_DEFERRED
#define LST HENB_DM_FLAG_LIST
#define NAN HENB_DM_FLAG_NO_ACTIVE_NOTIFY
#define RADIO HENB_DM_FLAG_RADIO_STATUS
#define CELL HENB_DM_FLAG_CELL_CONFIG

#define STR(path, flags, maxlen, ...) \
    { path, HENB_CWMP_TYPE_STRING, flags, maxlen, __VA_ARGS__ }
#define UINT(path, flags, lo, hi, dflt) \
    { path, HENB_CWMP_TYPE_UNSIGNED_INT, flags, 0, 0, TRUE, lo, hi, NULL, HENB_DM_SYNTAX_PLAIN, dflt }
#define BOOL(path, flags, dflt) \
    { path, HENB_CWMP_TYPE_BOOLEAN, flags, 0, 0, FALSE, 0, 0, NULL, HENB_DM_SYNTAX_PLAIN, dflt }
#define TIME(path, flags, dflt) \
    { path, HENB_CWMP_TYPE_DATE_TIME, flags, 0, 0, FALSE, 0, 0, NULL, HENB_DM_SYNTAX_PLAIN, dflt }
#define LONG(path, flags, lo, hi, dflt) \
    { path, HENB_CWMP_TYPE_LONG, flags, 0, 0, TRUE, lo, hi, NULL, HENB_DM_SYNTAX_PLAIN, dflt }

static const gchar *const s1_connection_modes[] = { "One", "All", NULL };
static const gchar *const xmpp_statuses[] = {
    "Enabled", "Disabled", "Unknown", "Dormant", "Connecting", "ServerNotPresent",
    "Error_Misconfigured", "Error_AuthenticationFailure", "Error", NULL
};
static const gchar *const xmpp_supported_algorithms[] = { "DNS-SRV", "DNS", "ServerTable", "WebSocket", NULL };
/* what henbd does of them: no XMPP over WebSocket */
static const gchar *const xmpp_connect_algorithms[] = { "DNS-SRV", "DNS", "ServerTable", NULL };

#define FAP "Device.Services.FAPService.{i}."
#define GW  FAP "FAPControl.LTE.Gateway."
/* one XMPP connection (Connection Requests, TR-069 Annex K), instance 1 as for FAPService */
#define XC  "Device.XMPP.Connection.{i}."

static const HenbDmParamDef definitions[] = {
    STR ("Device.RootDataModelVersion", FI, 32, 0, FALSE, 0, 0, NULL, HENB_DM_SYNTAX_PLAIN, "2.17"),

    STR ("Device.DeviceInfo.Manufacturer", 0, 64),
    STR ("Device.DeviceInfo.ManufacturerOUI", 0, 6, 0, FALSE, 0, 0, NULL, HENB_DM_SYNTAX_OUI),
    STR ("Device.DeviceInfo.ModelName", 0, 64),
    STR ("Device.DeviceInfo.Description", 0, 256),
    STR ("Device.DeviceInfo.ProductClass", 0, 64),
    STR ("Device.DeviceInfo.SerialNumber", 0, 64),
    STR ("Device.DeviceInfo.HardwareVersion", FI, 64),
    STR ("Device.DeviceInfo.SoftwareVersion", FI, 64),
    STR ("Device.DeviceInfo.ProvisioningCode", FI | RW | P, 64),
    UINT ("Device.DeviceInfo.UpTime", NAN, 0, G_MAXUINT32, "0"),

    STR ("Device.ManagementServer.URL", RW | P | DEF, 2048, 0, FALSE, 0, 0, NULL, HENB_DM_SYNTAX_HEMS_URL),
    STR ("Device.ManagementServer.Username", RW | P, 256),
    STR ("Device.ManagementServer.Password", RW | P | HID, 256),
    BOOL ("Device.ManagementServer.PeriodicInformEnable", RW | P, "false"),
    UINT ("Device.ManagementServer.PeriodicInformInterval", RW | P, 1, G_MAXUINT32, "86400"),
    TIME ("Device.ManagementServer.PeriodicInformTime", RW | P, "0001-01-01T00:00:00Z"),
    STR ("Device.ManagementServer.ParameterKey", FI | P, 32),
    STR ("Device.ManagementServer.ConnectionRequestURL", FI, 2048),
    STR ("Device.ManagementServer.ConnectionRequestUsername", RW | P, 256),
    STR ("Device.ManagementServer.ConnectionRequestPassword", RW | P | HID, 256),
    /* TR-069 Annex G / TR-111 part 2: UDP Connection Requests through a NAT (plugin cr-udp) */
    STR ("Device.ManagementServer.UDPConnectionRequestAddress", 0, 256),
    BOOL ("Device.ManagementServer.STUNEnable", RW | P, "false"),
    /* empty: the host of ManagementServer.URL */
    STR ("Device.ManagementServer.STUNServerAddress", RW | P, 256),
    UINT ("Device.ManagementServer.STUNServerPort", RW | P, 0, 65535, "3478"),
    STR ("Device.ManagementServer.STUNUsername", RW | P, 256),
    STR ("Device.ManagementServer.STUNPassword", RW | P | HID, 256),
    /* -1: no maximum; henbd then keeps the mapping alive every 30 s (NATs forget UDP in ~30-60 s) */
    { "Device.ManagementServer.STUNMaximumKeepAlivePeriod", HENB_CWMP_TYPE_INT, RW | P, 0, 0, TRUE, -1, G_MAXINT32,
      NULL, HENB_DM_SYNTAX_PLAIN, "-1" },
    UINT ("Device.ManagementServer.STUNMinimumKeepAlivePeriod", RW | P, 0, G_MAXUINT32, "10"),
    BOOL ("Device.ManagementServer.NATDetected", 0, "false"),
    /* TR-098's InternetGatewayDevice.ManagementServer has it; TR-181 dropped it */
    UINT ("Device.ManagementServer." HENB_DM_VENDOR_PLACEHOLDER "UDPConnectionRequestAddressNotificationLimit",
          RW | P, 0, G_MAXUINT32, "0"),
    UINT ("Device.ManagementServer.CWMPRetryMinimumWaitInterval", RW | P, 1, 65535, "5"),
    UINT ("Device.ManagementServer.CWMPRetryIntervalMultiplier", RW | P, 1000, 65535, "2000"),
    BOOL ("Device.ManagementServer.AliasBasedAddressing", FI, "false"),
    STR ("Device.ManagementServer." HENB_DM_VENDOR_PLACEHOLDER "InitialURL", 0, 2048, 0, FALSE, 0, 0,
         NULL, HENB_DM_SYNTAX_URL),
    UINT ("Device.ManagementServer.InformParameterNumberOfEntries", 0, 0, G_MAXUINT32, "0"),
    BOOL ("Device.ManagementServer.InformParameter.{i}.Enable", RW | P, "false"),
    STR ("Device.ManagementServer.InformParameter.{i}.ParameterName", RW | P, 256, 0, FALSE, 0, 0, NULL,
         HENB_DM_SYNTAX_PARAMETER_PATTERN),
    STR ("Device.ManagementServer.InformParameter.{i}.EventList", RW | P | LST, 0, 0, FALSE, 0, 0, NULL,
         HENB_DM_SYNTAX_EVENT_CODE),
    /* XMPP Connection Requests (TR-069 Annex K) */
    STR ("Device.ManagementServer.ConnReqXMPPConnection", RW | P, 0),
    STR ("Device.ManagementServer.ConnReqAllowedJabberIDs", RW | P | LST, 0, 0, FALSE, 0, 0, NULL,
         HENB_DM_SYNTAX_PLAIN, "", HENB_CWMP_TYPE_NONE, 256),
    STR ("Device.ManagementServer.ConnReqJabberID", AN, 0),

    UINT ("Device.XMPP.ConnectionNumberOfEntries", 0, 0, G_MAXUINT32, "1"),
    STR ("Device.XMPP.SupportedServerConnectAlgorithms", LST, 0, 0, FALSE, 0, 0, xmpp_supported_algorithms,
         HENB_DM_SYNTAX_PLAIN, "DNS-SRV,DNS,ServerTable"),
    BOOL (XC "Enable", RW | P, "false"),
    STR (XC "Username", RW | P, 256),
    STR (XC "Password", RW | P | HID, 256),
    STR (XC "Domain", RW | P, 64),
    STR (XC "Resource", RW | P, 64),
    STR (XC "JabberID", 0, 0),
    STR (XC "Status", 0, 0, 0, FALSE, 0, 0, xmpp_statuses, HENB_DM_SYNTAX_PLAIN, "Disabled"),
    TIME (XC "LastChangeDate", 0, "0001-01-01T00:00:00Z"),
    STR (XC "ServerConnectAlgorithm", RW | P, 0, 0, FALSE, 0, 0, xmpp_connect_algorithms,
         HENB_DM_SYNTAX_PLAIN, "DNS-SRV"),
    LONG (XC "KeepAliveInterval", RW | P, -1, G_MAXINT64, "-1"),
    UINT (XC "ServerConnectAttempts", RW | P, 0, G_MAXUINT32, "16"),
    UINT (XC "ServerRetryInitialInterval", RW | P, 1, 65535, "60"),
    UINT (XC "ServerRetryIntervalMultiplier", RW | P, 1000, 65535, "2000"),
    UINT (XC "ServerRetryMaxInterval", RW | P, 1, G_MAXUINT32, "30720"),
    BOOL (XC "UseTLS", RW | P, "false"),
    BOOL (XC "TLSEstablished", 0, "false"),
    UINT (XC "ServerNumberOfEntries", 0, 0, G_MAXUINT32, "0"),
    BOOL (XC "Server.{i}.Enable", RW | P, "false"),
    UINT (XC "Server.{i}.Priority", RW | P, 0, 65535, "0"),
    LONG (XC "Server.{i}.Weight", RW | P, -1, 65535, "-1"),
    STR (XC "Server.{i}.ServerAddress", RW | P, 256, 0, FALSE, 0, 0, NULL, HENB_DM_SYNTAX_HOST),
    UINT (XC "Server.{i}.Port", RW | P, 0, 65535, "5222"),

    BOOL (FAP "FAPControl.LTE.AdminState", RW | P | CELL, "false"),
    BOOL (FAP "FAPControl.LTE.OpState", FI | RADIO, "false"),
    BOOL (FAP "FAPControl.LTE.RFTxStatus", FI | RADIO, "false"),

    STR (GW "SecGWServer1", RW | P | DEF, 64, 0, FALSE, 0, 0, NULL, HENB_DM_SYNTAX_HOST),
    STR (GW "SecGWServer2", RW | P | DEF, 64, 0, FALSE, 0, 0, NULL, HENB_DM_SYNTAX_HOST),
    STR (GW "SecGWServer3", RW | P | DEF, 64, 0, FALSE, 0, 0, NULL, HENB_DM_SYNTAX_HOST),
    /* not deferred: stored at once, and the S1 set-up reads them whenever it runs next; a
     * Status 1 here would fail the Serving HeMS's own registration SPV with some HeMS */
    STR (GW "S1SigLinkServerList", RW | P | LST, 256, 1, FALSE, 0, 0, NULL, HENB_DM_SYNTAX_HOST),
    STR (GW "S1ConnectionMode", RW | P, 0, 0, FALSE, 0, 0, s1_connection_modes,
         HENB_DM_SYNTAX_PLAIN, "One"),
    UINT (GW "S1SigLinkPort", RW | P, 0, 65535, "36412"),
    BOOL (GW HENB_DM_VENDOR_PLACEHOLDER "S1IPsecUsed", RW | P, "true"),
    STR (GW HENB_DM_VENDOR_PLACEHOLDER "InitialSecGWServer", 0, 64, 0, FALSE, 0, 0, NULL,
         HENB_DM_SYNTAX_HOST),
};

/* Parameters under a table's path exist once per instance. */
static const HenbDmTableDef tables[] = {
    { "Device.ManagementServer.InformParameter.{i}.", "Device.ManagementServer.InformParameterNumberOfEntries", 32 },
    { XC "Server.{i}.", XC "ServerNumberOfEntries", 8 },
};

/* One array each, so that a definition's address stays its identity for the model. */
static gpointer
concat (gconstpointer a, guint n_a, gconstpointer b, guint n_b, gsize size)
{
    guint8 *all = g_malloc ((n_a + n_b) * size);

    memcpy (all, a, n_a * size);
    memcpy (all + n_a * size, b, n_b * size);
    return all;
}

const HenbDmTableDef *
henb_dm_tables (guint *out_n)
{
    static HenbDmTableDef *all;
    static gsize done;

    if (g_once_init_enter (&done)) {
        all = concat (tables, G_N_ELEMENTS (tables), henb_dm_fap_tables, henb_dm_fap_n_tables,
                      sizeof (HenbDmTableDef));
        g_once_init_leave (&done, 1);
    }
    *out_n = G_N_ELEMENTS (tables) + henb_dm_fap_n_tables;
    return all;
}

const HenbDmParamDef *
henb_dm_definitions (guint *out_n)
{
    static HenbDmParamDef *all;
    static gsize done;

    if (g_once_init_enter (&done)) {
        all = concat (definitions, G_N_ELEMENTS (definitions), henb_dm_fap_definitions,
                      henb_dm_fap_n_definitions, sizeof (HenbDmParamDef));
        g_once_init_leave (&done, 1);
    }
    *out_n = G_N_ELEMENTS (definitions) + henb_dm_fap_n_definitions;
    return all;
}
