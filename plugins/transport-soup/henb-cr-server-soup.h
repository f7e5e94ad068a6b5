/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "henb-cr-server.h"

G_BEGIN_DECLS

#define HENB_TYPE_SOUP_CR_SERVER (henb_soup_cr_server_get_type ())
G_DECLARE_FINAL_TYPE (HenbSoupCrServer, henb_soup_cr_server, HENB, SOUP_CR_SERVER, HenbCrServer)

/* The "http" Connection Request transport over SoupServer; HENB_CORE_ERROR_FAILED without
 * randomness. @services: NULL in unit tests. */
HenbCrServer *henb_soup_cr_server_new (const HenbServices *services, GError **error);

G_END_DECLS
