/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Bus names, object paths and interface names; fixed for the life of the API. */
#define HENB_DBUS_SERVICE              "org.henbd.HeNB1"
#define HENB_DBUS_PATH                 "/org/henbd/HeNB1"
#define HENB_DBUS_INTERFACE            "org.henbd.HeNB1"
#define HENB_DBUS_INTERFACE_PROCEDURE  HENB_DBUS_INTERFACE ".Procedure"
#define HENB_DBUS_INTERFACE_SERVING    HENB_DBUS_INTERFACE ".Serving"
#define HENB_DBUS_ERROR_PREFIX         HENB_DBUS_INTERFACE ".Error"
