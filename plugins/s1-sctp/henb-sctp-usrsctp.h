/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "henb-sctp-link.h"

G_BEGIN_DECLS

/*
 * SCTP in user space (usrsctp), carried over UDP (RFC 6951) for kernels without SCTP. usrsctp
 * has one UDP port per process, so the first link fixes it: @local_udp_port (non-zero; 0 would
 * open no UDP socket at all), the far end's on @remote_udp_port (9899 for Open5GS).
 */
#define HENB_TYPE_SCTP_USRSCTP (henb_sctp_usrsctp_get_type ())
G_DECLARE_FINAL_TYPE (HenbSctpUsrsctp, henb_sctp_usrsctp, HENB, SCTP_USRSCTP, HenbSctpLink)

HenbSctpLink *henb_sctp_usrsctp_new (guint16 local_udp_port, guint16 remote_udp_port, GError **error);

G_END_DECLS
