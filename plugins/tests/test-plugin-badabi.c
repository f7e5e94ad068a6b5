/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A module built for another plugin ABI: henbd must refuse it without calling it. */
#include "config.h"

#include <gmodule.h>
#include <stdlib.h>

G_MODULE_EXPORT const int henb_plugin_major_version = 1;
G_MODULE_EXPORT const int henb_plugin_minor_version = 99;
G_MODULE_EXPORT void *henb_plugin_create (void);

void *
henb_plugin_create (void)
{
    abort ();
}
