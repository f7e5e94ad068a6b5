/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A minimal plugin with the right ABI, for test-plugin-loader. */
#include "config.h"

#include "henb-plugin.h"

#define TEST_TYPE_PLUGIN (test_plugin_get_type ())
G_DECLARE_FINAL_TYPE (TestPlugin, test_plugin, TEST, PLUGIN, HenbPlugin)

struct _TestPlugin {
    HenbPlugin parent_instance;
};

G_DEFINE_TYPE (TestPlugin, test_plugin, HENB_TYPE_PLUGIN)

static void
test_plugin_class_init (TestPluginClass *klass)
{
}

static void
test_plugin_init (TestPlugin *self)
{
}

HENB_PLUGIN_DEFINE (TEST_TYPE_PLUGIN, "test-good")
