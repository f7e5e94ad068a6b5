/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "henb-config.h"
#include "henb-datamodel.h"
#include "henb-plugin-manager.h"
#include "henb-resolver.h"
#include "henb-session-policy.h"
#include "henb-store.h"
#include "henb-trace.h"

G_BEGIN_DECLS

/* The long-lived parts of henbd that procedures and the agent work with. */
typedef struct {
    HenbConfig        *config;
    HenbDataModel     *dm;
    HenbStore         *store;
    HenbResolver      *resolver;
    HenbPluginManager *plugins;
    HenbTrace         *trace;    /* NULL without --trace-dir */
    HenbSessionPolicy *sessions; /* the agent: RPC policy and retry state of every session */
} HenbServices;

G_END_DECLS
