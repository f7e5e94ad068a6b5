/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "henb-cwmp-message.h"
#include "henb-store.h"

G_BEGIN_DECLS

/* HeMS whose CWMP version the state file keeps; beyond this the oldest entry goes. */
#define HENB_HEMS_VERSIONS_MAX 8

/*
 * The CWMP version a HeMS accepted last (or fell back to), per HeMS URL, kept in the state
 * file so that a HeMS that knows only cwmp-1-0 gets 1.0 from the first Inform after a restart.
 * Never above @configured ([CWMP] Version).
 */
HenbCwmpVersion henb_hems_version_lookup (HenbStore *store, const gchar *url, HenbCwmpVersion configured);
/* Remembers @version for @url; when it changed, the state file is saved soon (henb_store_save_soon). */
void            henb_hems_version_remember (HenbStore *store, const gchar *url, HenbCwmpVersion version);

G_END_DECLS
