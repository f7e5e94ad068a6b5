/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A shared object that is no henbd plugin. */
#include "config.h"

int test_plugin_nosymbols_answer (void);

int
test_plugin_nosymbols_answer (void)
{
    return 42;
}
