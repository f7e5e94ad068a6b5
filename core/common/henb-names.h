/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Bus names, object paths and interface names; fixed for the life of the API. */
/**
 * HENB_DBUS_SERVICE:
 *
 * henbd's bus name.
 *
 * Since: 0.1
 */
#define HENB_DBUS_SERVICE              "org.henbd.HeNB1"
/**
 * HENB_DBUS_PATH:
 *
 * The path of henbd's one object.
 *
 * Since: 0.1
 */
#define HENB_DBUS_PATH                 "/org/henbd/HeNB1"
/**
 * HENB_DBUS_INTERFACE:
 *
 * henbd's main interface; the others are named after it.
 *
 * Since: 0.1
 */
#define HENB_DBUS_INTERFACE            "org.henbd.HeNB1"
/**
 * HENB_DBUS_INTERFACE_PROCEDURE:
 *
 * The interface of the steps of a run.
 *
 * Since: 0.1
 */
#define HENB_DBUS_INTERFACE_PROCEDURE  HENB_DBUS_INTERFACE ".Procedure"
/**
 * HENB_DBUS_INTERFACE_SERVING:
 *
 * The interface of what the HeMS configured.
 *
 * Since: 0.1
 */
#define HENB_DBUS_INTERFACE_SERVING    HENB_DBUS_INTERFACE ".Serving"
/**
 * HENB_DBUS_ERROR_PREFIX:
 *
 * The prefix of every D-Bus error name henbd returns: HENB_DBUS_ERROR_PREFIX ".Security.IdentityMismatch".
 *
 * Since: 0.1
 */
#define HENB_DBUS_ERROR_PREFIX         HENB_DBUS_INTERFACE ".Error"
