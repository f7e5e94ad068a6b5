/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-s1ap.h"
#include "s1ap-samples.h"

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    return g_test_run ();
}
