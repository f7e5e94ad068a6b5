/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

#include "henb-enums.h"
#include "henb-cwmp-message.h"

/* [Device] DownloadMaxSize unless configured: what one Download may take on disk */
#define HENB_DOWNLOAD_MAX_SIZE_DEFAULT (G_GUINT64_CONSTANT (64) * 1024 * 1024)

G_BEGIN_DECLS

/*
 * henbd's configuration: the factory file (what the HeNB left the factory with: Initial HeMS,
 * Initial SeGW, operator root CA, device credentials, DeviceId) overlaid with the snippets of
 * conf.d in name order. Relative paths are taken relative to the file that names them.
 */
typedef struct {
    gchar               *factory_file;
    gchar               *conf_dir;
    GKeyFile            *keyfile;      /* the merged configuration, for plugins */

    /* [Factory] */
    HenbDiscoveryVariant variant;
    gchar               *initial_hems_url;
    gchar               *initial_segw;
    gchar               *root_ca;
    gchar               *device_certificate;
    gchar               *device_key;

    /* [DeviceInfo] */
    gchar               *manufacturer;
    gchar               *oui;
    gchar               *product_class;
    gchar               *serial_number;
    gchar               *model_name;
    gchar               *description;
    gchar               *hardware_version;
    gchar               *software_version;
    gchar               *provisioning_code;

    /* [Daemon] */
    gboolean             auto_start;
    gchar               *trace_dir;
    gchar               *tls_backend;     /* plugin names; NULL picks the one installed */
    gchar               *transport;
    gchar               *s1_handoff;   /* [S1] Backend (or the older [Daemon] S1Handoff) */
    /* [S1] the cell's factory values, until a HeMS sets CellConfig.LTE */
    GStrv                s1_plmns;     /* PLMN identities, MCC and MNC digits */
    guint                s1_tac;
    guint32              s1_cell_identity;

    /* [Network] */
    GStrv                public_dns;      /* "ip" or "ip:port"; empty = the system resolver */

    /* [CWMP] */
    HenbCwmpVersion      cwmp_version;    /* namespace of the first Inform */
    gchar               *username;        /* HTTP credentials for the HeMS */
    gchar               *password;
    gboolean             allow_plain_http; /* HeMS over http:// on the public internet */
    gboolean             strict;          /* refuse the harmless schema breaks henbd tolerates */

    /* [IPsec] */
    gchar               *ipsec_backend;   /* as configured; henb-ipsec-backend.c chooses */
    gchar               *local_identity;  /* IKE identity; NULL: the certificate's first DNS SAN */
    guint                ike_timeout;     /* seconds for one IKE attempt */

    /* [ConnectionRequest] */
    gboolean             cr_enabled;      /* false: no server, the HeMS cannot ask for a session */
    gchar               *cr_address;      /* listen here without a tunnel; NULL: the HeMS link's own */
    guint                cr_port;
    guint                cr_min_interval; /* seconds between accepted requests */

    /* [Device] */
    gchar               *reboot_command;  /* NULL: henbd restarts its own bootstrap */
    gchar               *download_dir;    /* NULL: downloads/ in the state directory */
    guint64              download_max_size; /* bytes one download may take */
    gchar               *apply_command;   /* installs a downloaded file; NULL: keep it only */

    /* [Radio] (KeyFile and Command are the radio-keyfile plugin's) */
    gchar               *radio_user;      /* may call ReportStatus besides root */
    gchar               *radio_backend;   /* plugin name; NULL: the radio stack uses D-Bus only */

    /* [Timeouts], seconds */
    guint                resolve_timeout;
    guint                connect_timeout;
    guint                response_timeout;
    guint                session_timeout;
    guint                s1_timeout;
    guint                download_timeout;
    /* Serving SeGW/HeMS unreachable this long: back to the Initial HeMS; 0: never */
    guint                fallback_after;
} HenbConfig;

HenbConfig *henb_config_load (const gchar *factory_file, const gchar *conf_dir, GError **error);
/* The same with @overlay's keys over the files' (paths in it absolute); @factory_file may be
 * NULL when @overlay holds every required setting. */
HenbConfig *henb_config_load_overlay (const gchar *factory_file, const gchar *conf_dir, GKeyFile *overlay,
                                      GError **error);
void        henb_config_free (HenbConfig *config);
/* The default ACS username of TR-069: OUI-ProductClass-SerialNumber, percent-encoded. */
gchar      *henb_config_default_username (const HenbConfig *config);
/* HENB_CORE_ERROR_INSECURE, naming the file, its mode and why, when the device key is readable or
 * writable by group or others, or @state_dir or its state file is writable by them, or any of
 * them belongs to a user other than root and henbd's own. Missing files pass. */
gboolean    henb_config_check_permissions (const HenbConfig *config, const gchar *state_dir, GError **error);

/* HENB_CORE_ERROR_CONFIGURATION when RootCA, DeviceCertificate or DeviceKey is not a regular
 * file (a FIFO, a device such as /dev/zero, a directory, a socket) or is larger than
 * HENB_FILE_MAX_CREDENTIAL: henbd would hang or fill its memory reading it. Missing files pass. */
gboolean    henb_config_check_files (const HenbConfig *config, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HenbConfig, henb_config_free)

G_END_DECLS
