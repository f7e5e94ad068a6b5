/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "henb-datamodel.h"

G_BEGIN_DECLS

/* The LTE cell parameters, generated from the BBF XML (henb-datamodel-fap.c). */
extern const HenbDmParamDef henb_dm_fap_definitions[];
extern const guint          henb_dm_fap_n_definitions;
extern const HenbDmTableDef henb_dm_fap_tables[];
extern const guint          henb_dm_fap_n_tables;

G_END_DECLS
