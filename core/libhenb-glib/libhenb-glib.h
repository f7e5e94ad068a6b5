/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* libhenb-glib: a client library for henbd, the HeNB management agent. */
#define __LIBHENB_GLIB_H_INSIDE__

#include "henb-client.h"
#include "henb-enum-types.h"
#include "henb-enums.h"
#include "henb-errors.h"
#include "henb-glib-version.h"
#include "henb-names.h"
#include "henb-step-info.h"

#undef __LIBHENB_GLIB_H_INSIDE__
