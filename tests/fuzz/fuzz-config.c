/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * henbd's configuration as henb_config_load() reads it: the input becomes the factory file in
 * a private temporary folder; what follows a line "#--- conf.d" becomes a snippet in conf.d,
 * so that overlaying is exercised too (the line is a comment to the key-file parser, so any
 * configuration is a seed as it is).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "fuzz-common.h"
#include "henb-config.h"

#define SNIPPET_MARK "\n#--- conf.d\n"

static gchar *folder;
static gchar *factory_path;
static gchar *conf_dir;
static gchar *snippet_path;

static void
write_or_die (const gchar *path, const gchar *data, gsize size)
{
    FILE *f = fopen (path, "wb");

    henb_fuzz_check (f != NULL, "cannot create a file in the temporary folder");
    henb_fuzz_check (fwrite (data, 1, size, f) == size && fclose (f) == 0, "cannot write a temporary file");
}

static void
remove_folder (void)
{
    g_unlink (snippet_path);
    g_unlink (factory_path);
    g_rmdir (conf_dir);
    g_rmdir (folder);
}

static guint
count_dashes (const gchar *text)
{
    guint n = 0;

    for (; *text != '\0'; text++)
        n += *text == '-';
    return n;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    henb_fuzz_init_logging ();
    folder = g_dir_make_tmp ("henb-fuzz-config-XXXXXX", NULL);
    henb_fuzz_check (folder != NULL, "cannot make a temporary folder");
    factory_path = g_build_filename (folder, "factory.conf", NULL);
    conf_dir = g_build_filename (folder, "conf.d", NULL);
    snippet_path = g_build_filename (conf_dir, "50-fuzz.conf", NULL);
    henb_fuzz_check (g_mkdir (conf_dir, 0700) == 0, "cannot make conf.d");
    atexit (remove_folder);
    return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    const gchar *text = (const gchar *) data;
    const gchar *mark = size > 0 ? memmem (text, size, SNIPPET_MARK, strlen (SNIPPET_MARK)) : NULL;
    gsize factory_size = mark != NULL ? (gsize) (mark - text) : size;
    g_autoptr(HenbConfig) config = NULL;

    write_or_die (factory_path, text, factory_size);
    if (mark != NULL) {
        const gchar *snippet = mark + strlen (SNIPPET_MARK);

        write_or_die (snippet_path, snippet, size - (gsize) (snippet - text));
    } else {
        g_unlink (snippet_path);
    }

    config = henb_config_load (factory_path, conf_dir, NULL);
    if (config != NULL) {
        g_autofree gchar *username = henb_config_default_username (config);

        henb_fuzz_check (config->oui != NULL && config->initial_hems_url != NULL, "required keys are missing");
        /* OUI-ProductClass-SerialNumber: a '-' inside a field is escaped */
        henb_fuzz_check (count_dashes (username) == 2, "the default username is not three fields");
    }
    return 0;
}
