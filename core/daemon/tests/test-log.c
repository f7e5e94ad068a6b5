/* SPDX-License-Identifier: GPL-2.0-or-later */
/* henbd's log level: which lines each level lets through, G_MESSAGES_DEBUG, unknown names. */
#include "config.h"

#include <gio/gio.h>

#include "henb-log.h"

static void
log_every_level (void)
{
    /* g_test_init makes warnings fatal; here they are what is under test */
    g_log_set_always_fatal (G_LOG_FATAL_MASK);
    g_log ("henbd", G_LOG_LEVEL_WARNING, "a henbd warning");
    g_log ("henbd", G_LOG_LEVEL_MESSAGE, "a henbd message");
    g_log ("henbd", G_LOG_LEVEL_INFO, "a henbd info");
    g_log ("henbd", G_LOG_LEVEL_DEBUG, "a henbd debug line");
    g_log ("GLib-Net", G_LOG_LEVEL_DEBUG, "a library's debug line");
}

/* the child: the level from the test's path, then one line of each kind */
static void
child (const gchar *level)
{
    henb_log_init (HENB_LOG_LEVEL_MESSAGE);
    g_assert_true (henb_log_set_level (level, NULL));
    g_assert_cmpstr (henb_log_get_level (), ==, level);
    log_every_level ();
}

static void
test_level (gconstpointer data)
{
    const gchar *level = data;

    if (g_test_subprocess ()) {
        child (level);
        return;
    }
    g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDIN);
    g_test_trap_assert_passed ();
    if (g_str_equal (level, "error")) {
        g_test_trap_assert_stderr_unmatched ("*a henbd warning*");
        g_test_trap_assert_stderr_unmatched ("*a henbd message*");
    } else {
        g_test_trap_assert_stderr ("*a henbd warning*");
    }
    if (g_str_equal (level, "message") || g_str_equal (level, "info") || g_str_equal (level, "debug"))
        g_test_trap_assert_stderr ("*a henbd message*");
    else
        g_test_trap_assert_stderr_unmatched ("*a henbd message*");
    if (g_str_equal (level, "debug")) {
        g_test_trap_assert_stdout ("*a henbd debug line*");
    } else {
        g_test_trap_assert_stdout_unmatched ("*a henbd debug line*");
        g_test_trap_assert_stderr_unmatched ("*a henbd debug line*");
    }
    if (g_str_equal (level, "info") || g_str_equal (level, "debug"))
        g_test_trap_assert_stdout ("*a henbd info*");
    /* henbd's own debug lines, not every library's */
    g_test_trap_assert_stdout_unmatched ("*a library's debug line*");
    g_test_trap_assert_stderr_unmatched ("*a library's debug line*");
}

static void
test_messages_debug (void)
{
    if (g_test_subprocess ()) {
        g_setenv ("G_MESSAGES_DEBUG", "GLib-Net", TRUE);
        henb_log_init (HENB_LOG_LEVEL_MESSAGE);
        log_every_level ();
        return;
    }
    g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDIN);
    g_test_trap_assert_passed ();
    g_test_trap_assert_stdout ("*a library's debug line*");
    g_test_trap_assert_stdout_unmatched ("*a henbd debug line*");
    g_test_trap_assert_stderr ("*a henbd message*");
}

static void
test_unknown (void)
{
    g_autoptr(GError) error = NULL;

    henb_log_init (HENB_LOG_LEVEL_WARNING);
    g_assert_false (henb_log_set_level ("loud", &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_assert_false (henb_log_set_level (NULL, NULL));
    g_assert_false (henb_log_set_level ("DEBUG", NULL));
    /* a refused name leaves the level as it was */
    g_assert_cmpstr (henb_log_get_level (), ==, "warning");
}

int
main (int argc, char **argv)
{
    static const gchar *const levels[] = { "error", "warning", "message", "info", "debug" };

    g_unsetenv ("G_MESSAGES_DEBUG");
    g_test_init (&argc, &argv, NULL);
    for (guint i = 0; i < G_N_ELEMENTS (levels); i++) {
        g_autofree gchar *path = g_strdup_printf ("/log/level/%s", levels[i]);

        g_test_add_data_func (path, levels[i], test_level);
    }
    g_test_add_func ("/log/messages-debug", test_messages_debug);
    g_test_add_func ("/log/unknown", test_unknown);
    return g_test_run ();
}
