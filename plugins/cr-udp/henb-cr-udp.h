/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "henb-cr-transport.h"

G_BEGIN_DECLS

/*
 * The "udp" Connection Request transport (TR-069 Annex G, TR-111 part 2), for a HeNB behind a
 * NAT without a tunnel: one UDP socket on [CWMP] ConnectionRequestPort (any port when 0)
 * sends STUN Binding Requests to ManagementServer.STUNServerAddress:STUNServerPort (the HeMS
 * host when empty), learns the NAT mapping from the answers, keeps it alive every
 * STUNMinimumKeepAlivePeriod..STUNMaximumKeepAlivePeriod seconds (30 s inside those bounds),
 * publishes it as ManagementServer.UDPConnectionRequestAddress and NATDetected (at most once
 * per X_..._UDPConnectionRequestAddressNotificationLimit seconds), and receives UDP Connection
 * Requests on the same socket. Off unless ManagementServer.STUNEnable.
 *
 * Properties (read by the bus): "mapped-address" ("ip:port", "" unknown), "nat-detected",
 * "stun-server" ("host:port", "" when off).
 */
#define HENB_TYPE_CR_UDP (henb_cr_udp_get_type ())
G_DECLARE_FINAL_TYPE (HenbCrUdp, henb_cr_udp, HENB, CR_UDP, HenbCrTransport)

HenbCrTransport *henb_cr_udp_new (const HenbServices *services);

/* The local port of the socket, 0 when none (tests). */
guint16          henb_cr_udp_get_local_port (HenbCrUdp *self);

G_END_DECLS
