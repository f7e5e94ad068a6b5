/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "henb-panel-application.h"

int
main (int argc, char *argv[])
{
    g_autoptr(HenbPanelApplication) app = NULL;
    const gchar *localedir = g_getenv ("HENB_LOCALEDIR");

    setlocale (LC_ALL, "");
    /* HENB_LOCALEDIR: the catalogs of a build tree (tests), as henbctl */
    bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && localedir[0] != '\0' ? localedir : HENB_LOCALEDIR);
    bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
    textdomain (GETTEXT_PACKAGE);

    g_set_prgname ("henb-panel");
    app = henb_panel_application_new ();
    return g_application_run (G_APPLICATION (app), argc, argv);
}
