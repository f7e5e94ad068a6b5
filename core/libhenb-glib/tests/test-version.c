/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The version macros of henb-glib-version.h against the library's own version. */
#include <glib.h>

#include "libhenb-glib.h"

static void
test_macros_are_the_library_version (void)
{
    g_autofree gchar *macros = g_strdup_printf ("%d.%d.%d", HENB_GLIB_MAJOR_VERSION, HENB_GLIB_MINOR_VERSION,
                                                HENB_GLIB_MICRO_VERSION);

    g_assert_cmpstr (macros, ==, LIBHENB_GLIB_VERSION);
}

static void
test_check_version (void)
{
    /* this version, anything older, nothing newer */
    g_assert_true (HENB_GLIB_CHECK_VERSION (HENB_GLIB_MAJOR_VERSION, HENB_GLIB_MINOR_VERSION, HENB_GLIB_MICRO_VERSION));
    g_assert_true (HENB_GLIB_CHECK_VERSION (0, 3, 0));
    g_assert_true (HENB_GLIB_CHECK_VERSION (0, 2, 99));
    g_assert_true (HENB_GLIB_CHECK_VERSION (0, 0, 0));
    g_assert_false (HENB_GLIB_CHECK_VERSION (HENB_GLIB_MAJOR_VERSION, HENB_GLIB_MINOR_VERSION, HENB_GLIB_MICRO_VERSION + 1));
    g_assert_false (HENB_GLIB_CHECK_VERSION (HENB_GLIB_MAJOR_VERSION, HENB_GLIB_MINOR_VERSION + 1, 0));
    g_assert_false (HENB_GLIB_CHECK_VERSION (HENB_GLIB_MAJOR_VERSION + 1, 0, 0));
#if !HENB_GLIB_CHECK_VERSION (0, 3, 0)
    g_assert_not_reached ();  /* usable in #if, where callers use it */
#endif
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/libhenb-glib/version/macros", test_macros_are_the_library_version);
    g_test_add_func ("/libhenb-glib/version/check", test_check_version);
    return g_test_run ();
}
