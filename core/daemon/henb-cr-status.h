/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "henb-gdbus.h"

G_BEGIN_DECLS

/*
 * Fills org.henbd.HeNB1.ConnectionRequest from the Connection Request transports
 * (HenbCrTransport, NULL: none made yet): their state and detail, and the optional
 * properties of the "udp" and "xmpp" transports (see henb-cr-transport.h).
 */
void henb_cr_status_update (HenbGdbusConnectionRequest *skeleton, GPtrArray *transports);

G_END_DECLS
