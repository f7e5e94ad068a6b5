/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "henb-sctp-link.h"

G_BEGIN_DECLS

/*
 * The kernel's SCTP (one-to-one socket). Where the kernel has none (no sctp module),
 * henb_sctp_kernel_new() fails and says so.
 */
#define HENB_TYPE_SCTP_KERNEL (henb_sctp_kernel_get_type ())
G_DECLARE_FINAL_TYPE (HenbSctpKernel, henb_sctp_kernel, HENB, SCTP_KERNEL, HenbSctpLink)

/* @family: G_SOCKET_FAMILY_IPV4 or _IPV6, that of the far end */
HenbSctpLink *henb_sctp_kernel_new (GSocketFamily family, GError **error);

G_END_DECLS
