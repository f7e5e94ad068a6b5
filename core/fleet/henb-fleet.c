/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * henb-fleet: N simulated HeNBs in one process, each a whole henbd core (HenbManager with its
 * own configuration, serial number, state folder, data model, resolver, plugins and CWMP
 * agent) running the real bootstrap against a HeMS. Operators load-test their HeMS with it;
 * the project measures its per-HeNB cost with it. No D-Bus: the fleet reads each manager's
 * state directly.
 *
 * The HeNBs are shared out among worker threads (--threads), each running its own main
 * context: a HeNB lives, and ends, in its thread (the core puts its timers in the calling
 * thread's context, henb-main-context.h). The main thread shows progress and handles signals.
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>

#include "henb-errors.h"
#include "henb-main-context.h"
#include "henb-manager.h"

#define DEFAULT_PLUGINS "discovery-public,security-gnutls,transport-soup,s1-handoff"

typedef struct _Fleet Fleet;
typedef struct _FleetWorker FleetWorker;

typedef struct {
    Fleet       *fleet;
    FleetWorker *worker;
    guint        index;
    gchar       *serial;
    HenbManager *manager;
    gint64       started_us;     /* monotonic */
    gint64       registered_us;  /* 0: not (yet) */
    guint        failures;       /* failed attempts before it registered */
} FleetHenb;

struct _Fleet {
    /* options */
    guint        count;
    gchar       *config_file;
    gchar       *conf_dir;
    gchar       *hems_url;
    gchar       *root_ca;
    gchar       *cert_pattern;
    gchar       *key_pattern;
    gchar      **dns;
    gchar       *state_dir;
    gchar       *plugin_dir;
    gchar       *plugins;
    gchar       *serial_prefix;
    gchar       *cr_port_base;   /* "none" or a port */
    gchar      **settings;       /* GROUP.KEY=VALUE */
    guint        concurrency;    /* HeNBs between start and registered; 0: no bound */
    gdouble      rate;           /* starts per second; 0: no bound */
    gdouble      duration;       /* seconds; 0: until every HeNB registered */
    gboolean     fsync;          /* state writes flushed to the disk as a HeNB's are */
    gboolean     quiet;
    gboolean     verbose;
    gboolean     tsv;
    guint        n_threads;

    /* run: the main thread's */
    GMainLoop   *loop;
    GPtrArray   *henbs;          /* FleetHenb, in start order */
    GPtrArray   *workers;        /* FleetWorker */
    GStrv        plugin_names;
    guint        cr_base;        /* 0: no Connection Request server */
    gint64       t0_us;
    struct rusage usage0;
    glong        rss0_kb;
    struct rusage usage1;        /* when every HeNB registered (or the run was stopped) */
    glong        rss1_kb;
    gboolean     stopped;
    guint        progress_id;
    guint        deadline_id;
    gboolean     tty;
    gboolean     interrupted;

    /* what every worker adds to (atomics, or under the lock) */
    gint         started;
    gint         in_flight;
    gint         registered;
    gint         failed_attempts;
    gint         start_errors;
    gint         workers_busy;   /* with HeNBs still to register */
    gint         workers_running;
    GMutex       lock;
    GHashTable  *failures;       /* "reason: LastError" -> count (GUINT_TO_POINTER); lock */
    gint64       last_registered_us; /* lock */
};

/* A thread and its main context, with its share of the HeNBs, the concurrency and the rate. */
struct _FleetWorker {
    Fleet        *fleet;
    GThread      *thread;
    GMainContext *context;
    GMainLoop    *loop;
    GPtrArray    *henbs;         /* FleetHenb, borrowed from the fleet's */
    guint         next;          /* the next of its HeNBs to start */
    guint         in_flight;
    guint         ended;         /* registered or not started */
    guint         concurrency;   /* 0: no bound */
    gdouble       rate;          /* 0: no bound */
    gboolean      first;         /* starts one HeNB at once; the others wait for their share */
    guint         pump_id;
    guint         shutting_down; /* HeNBs whose shutdown has not finished */
    guint         shutdown_timer;
    gboolean      shutdown_overdue;
    gboolean      done;          /* its HeNBs all ended; told the main thread */
};

/* ------------------------------------------------------------------------------------------ */
/* Process figures */

static glong
rss_kb (void)
{
    g_autofree gchar *status = NULL;
    const gchar *line;

    if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
        return 0;
    line = strstr (status, "\nVmRSS:");
    return line != NULL ? strtol (line + strlen ("\nVmRSS:"), NULL, 10) : 0;
}

static gdouble
cpu_seconds (const struct rusage *u)
{
    return u->ru_utime.tv_sec + u->ru_stime.tv_sec + (u->ru_utime.tv_usec + u->ru_stime.tv_usec) / 1e6;
}

/* ------------------------------------------------------------------------------------------ */
/* One HeNB */

static gchar *
expand_pattern (const gchar *pattern, const FleetHenb *h)
{
    g_autofree gchar *n = g_strdup_printf ("%u", h->index);
    g_auto(GStrv) by_serial = g_strsplit (pattern, "{serial}", -1);
    g_autofree gchar *with_serial = g_strjoinv (h->serial, by_serial);
    g_auto(GStrv) by_n = g_strsplit (with_serial, "{n}", -1);

    return g_strjoinv (n, by_n);
}

/* What the command line says, over the template's settings: this HeNB's own overlay. */
static GKeyFile *
henb_overlay (Fleet *f, FleetHenb *h, GError **error)
{
    g_autoptr(GKeyFile) kf = g_key_file_new ();

    if (f->config_file == NULL) {
        g_key_file_set_string (kf, "Factory", "DiscoveryVariant", "public-internet");
        g_key_file_set_string (kf, "DeviceInfo", "Manufacturer", "henb-fleet");
        g_key_file_set_string (kf, "DeviceInfo", "ManufacturerOUI", "00005A");
        g_key_file_set_string (kf, "DeviceInfo", "ProductClass", "HeNB");
    }
    if (f->hems_url != NULL)
        g_key_file_set_string (kf, "Factory", "InitialHeMS", f->hems_url);
    if (f->root_ca != NULL)
        g_key_file_set_string (kf, "Factory", "RootCA", f->root_ca);
    if (f->cert_pattern != NULL) {
        g_autofree gchar *cert = expand_pattern (f->cert_pattern, h);
        g_key_file_set_string (kf, "Factory", "DeviceCertificate", cert);
    }
    if (f->key_pattern != NULL) {
        g_autofree gchar *key = expand_pattern (f->key_pattern, h);
        g_key_file_set_string (kf, "Factory", "DeviceKey", key);
    }
    if (f->dns != NULL)
        g_key_file_set_string_list (kf, "Network", "PublicDNS", (const gchar *const *) f->dns,
                                    g_strv_length (f->dns));
    g_key_file_set_string (kf, "DeviceInfo", "SerialNumber", h->serial);
    if (f->cr_base == 0) {
        g_key_file_set_boolean (kf, "ConnectionRequest", "Enabled", FALSE);
    } else {
        g_key_file_set_boolean (kf, "ConnectionRequest", "Enabled", TRUE);
        g_key_file_set_integer (kf, "ConnectionRequest", "Port", (gint) (f->cr_base + h->index));
    }
    for (guint i = 0; f->settings != NULL && f->settings[i] != NULL; i++) {
        const gchar *s = f->settings[i];
        const gchar *dot = strchr (s, '.');
        const gchar *eq = strchr (s, '=');
        g_autofree gchar *group = NULL, *key = NULL;

        if (dot == NULL || eq == NULL || eq < dot || dot == s || eq == dot + 1) {
            g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         "--set %s: expected GROUP.KEY=VALUE", s);
            return NULL;
        }
        group = g_strndup (s, dot - s);
        key = g_strndup (dot + 1, eq - dot - 1);
        g_key_file_set_value (kf, group, key, eq + 1);
    }
    return g_steal_pointer (&kf);
}

static void
count_failure (Fleet *f, const gchar *what)
{
    guint n;

    g_mutex_lock (&f->lock);
    n = GPOINTER_TO_UINT (g_hash_table_lookup (f->failures, what));
    g_hash_table_insert (f->failures, g_strdup (what), GUINT_TO_POINTER (n + 1));
    g_mutex_unlock (&f->lock);
}

static void worker_pump (FleetWorker *w);
static gboolean on_all_ended (gpointer user_data);

/* Without --duration the run ends once each HeNB registered or could not be started: each
 * worker tells the main thread once its own did, and the registered HeNBs go on running till
 * the last worker's (the figures are taken with all of them alive). */
static void
worker_check_done (FleetWorker *w)
{
    Fleet *f = w->fleet;

    if (w->done || f->duration > 0 || w->ended < w->henbs->len)
        return;
    w->done = TRUE;
    if (g_atomic_int_dec_and_test (&f->workers_busy))
        g_main_context_invoke (NULL, on_all_ended, f);
}

static void
on_state_changed (HenbManager *manager, guint old, guint state, FleetHenb *h)
{
    Fleet *f = h->fleet;
    FleetWorker *w = h->worker;

    if (state == (guint) HENB_STATE_REGISTERED && h->registered_us == 0) {
        h->registered_us = g_get_monotonic_time ();
        g_mutex_lock (&f->lock);
        f->last_registered_us = MAX (f->last_registered_us, h->registered_us);
        g_mutex_unlock (&f->lock);
        g_atomic_int_inc (&f->registered);
        g_atomic_int_add (&f->in_flight, -1);
        w->in_flight--;
        w->ended++;
        worker_pump (w);
        worker_check_done (w);
    } else if (state == (guint) HENB_STATE_FAILED) {
        HenbStateFailedReason reason;
        g_autofree gchar *message = NULL;
        g_autofree gchar *name = NULL;
        g_autofree gchar *what = NULL;

        henb_manager_get_state (manager, &reason);
        name = henb_manager_dup_last_error (manager, &message);
        what = g_strdup_printf ("%s (%s)", henb_state_failed_reason_to_string (reason), name);
        count_failure (f, what);
        g_atomic_int_inc (&f->failed_attempts);
        h->failures++;
        if (f->verbose)
            g_printerr ("%s: failed: %s\n", h->serial, message);
    }
}

static gboolean
start_henb (Fleet *f, FleetHenb *h)
{
    g_autoptr(GKeyFile) overlay = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree gchar *state_dir = g_build_filename (f->state_dir, h->serial, NULL);
    HenbManagerOptions options = { 0 };
    HenbConfig *config;

    h->started_us = g_get_monotonic_time ();
    overlay = henb_overlay (f, h, &error);
    if (overlay == NULL)
        goto failed;
    if (g_mkdir_with_parents (state_dir, 0700) != 0) {
        g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (errno), "cannot create %s: %s",
                     state_dir, g_strerror (errno));
        goto failed;
    }
    config = henb_config_load_overlay (f->config_file, f->conf_dir, overlay, &error);
    if (config == NULL)
        goto failed;
    if (!henb_config_check_permissions (config, state_dir, &error) ||
        !henb_config_check_files (config, &error)) {
        henb_config_free (config);
        goto failed;
    }
    options.state_dir = state_dir;
    options.plugin_dir = f->plugin_dir;
    options.plugin_names = (const gchar *const *) f->plugin_names;
    options.state_not_durable = !f->fsync;
    /* takes the configuration */
    h->manager = henb_manager_new (config, &options, &error);
    if (h->manager == NULL)
        goto failed;
    g_signal_connect (h->manager, "state-changed", G_CALLBACK (on_state_changed), h);
    h->worker->in_flight++;
    g_atomic_int_inc (&f->in_flight);
    henb_manager_power_up (h->manager);
    return TRUE;

failed:
    g_printerr ("henb-fleet: %s: %s\n", h->serial, error->message);
    count_failure (f, "start");
    g_atomic_int_inc (&f->start_errors);
    h->worker->ended++;
    return FALSE;
}

/* Starts what the worker's share of the concurrency and the rate allows now. */
static void
worker_pump (FleetWorker *w)
{
    Fleet *f = w->fleet;
    gdouble elapsed = (g_get_monotonic_time () - f->t0_us) / (gdouble) G_USEC_PER_SEC;

    while (w->next < w->henbs->len) {
        FleetHenb *h;

        if (w->concurrency > 0 && w->in_flight >= w->concurrency)
            return;
        if (w->rate > 0 && w->next >= (guint) (w->rate * elapsed) + (w->first ? 1 : 0))
            return;
        h = w->henbs->pdata[w->next++];
        g_atomic_int_inc (&f->started);
        if (!start_henb (f, h))
            worker_check_done (w);
    }
}

static gboolean
on_worker_pump (gpointer user_data)
{
    FleetWorker *w = user_data;

    worker_pump (w);
    if (w->next < w->henbs->len)
        return G_SOURCE_CONTINUE;
    w->pump_id = 0;
    return G_SOURCE_REMOVE;
}

static gboolean
quit_main (gpointer user_data)
{
    Fleet *f = user_data;

    g_main_loop_quit (f->loop);
    return G_SOURCE_REMOVE;
}

static gboolean
quit_worker (gpointer user_data)
{
    FleetWorker *w = user_data;

    g_main_loop_quit (w->loop);
    return G_SOURCE_REMOVE;
}

static void
fleet_henb_stop (FleetHenb *h)
{
    if (h->manager != NULL)
        g_signal_handlers_disconnect_by_data (h->manager, h);
    g_clear_object (&h->manager);
}

static void
henb_shut_down (GObject *source, GAsyncResult *result, gpointer user_data)
{
    FleetWorker *w = user_data;

    henb_manager_shutdown_finish (HENB_MANAGER (source), result, NULL);
    w->shutting_down--;
}

static gboolean
shutdown_overdue (gpointer user_data)
{
    FleetWorker *w = user_data;

    w->shutdown_timer = 0;
    w->shutdown_overdue = TRUE;
    return G_SOURCE_REMOVE;
}

/* Ends every HeNB as henbd ends at SIGTERM (a procedure under way is cancelled and waited
 * for), 10 s at most, then drops them: nothing of theirs is left to run afterwards. */
static void
worker_end_henbs (FleetWorker *w)
{
    for (guint i = 0; i < w->henbs->len; i++) {
        FleetHenb *h = w->henbs->pdata[i];

        if (h->manager == NULL)
            continue;
        w->shutting_down++;
        henb_manager_shutdown_async (h->manager, henb_shut_down, w);
    }
    w->shutdown_timer = henb_timeout_add_seconds (10, shutdown_overdue, w);
    while (w->shutting_down > 0 && !w->shutdown_overdue)
        g_main_context_iteration (w->context, TRUE);
    g_clear_handle_id (&w->shutdown_timer, henb_source_remove);
    if (w->shutting_down > 0)
        g_printerr ("henb-fleet: %u HeNBs did not shut down within 10 s\n", w->shutting_down);
    for (guint i = 0; i < w->henbs->len; i++)
        fleet_henb_stop (w->henbs->pdata[i]);
}

/* A worker thread: its HeNBs start, run and end in its own main context. */
static gpointer
worker_run (gpointer data)
{
    FleetWorker *w = data;
    Fleet *f = w->fleet;

    g_main_context_push_thread_default (w->context);
    worker_pump (w);
    if (w->next < w->henbs->len)
        w->pump_id = henb_timeout_add (10, on_worker_pump, w);
    /* till the main thread says so (quit_worker) */
    g_main_loop_run (w->loop);
    g_clear_handle_id (&w->pump_id, henb_source_remove);
    /* their timers and sockets belong to this context (source ids are per context: removed
     * in another thread they would miss) */
    worker_end_henbs (w);
    g_main_context_pop_thread_default (w->context);
    /* queued, not called: the main loop may not be running yet */
    if (g_atomic_int_dec_and_test (&f->workers_running))
        g_main_context_invoke (NULL, quit_main, f);
    return NULL;
}

static void
worker_free (FleetWorker *w)
{
    g_ptr_array_unref (w->henbs);
    g_main_loop_unref (w->loop);
    g_main_context_unref (w->context);
    g_free (w);
}

/* Shares N out of @total among @n workers, the remainder to the first ones; 0 stays 0. */
static guint
share (guint total, guint n, guint i)
{
    return total == 0 ? 0 : MAX (1, total / n + (i < total % n ? 1 : 0));
}

/* ------------------------------------------------------------------------------------------ */
/* Output */

static gboolean
on_progress (gpointer user_data)
{
    Fleet *f = user_data;
    gdouble elapsed = (g_get_monotonic_time () - f->t0_us) / (gdouble) G_USEC_PER_SEC;

    gint registered = g_atomic_int_get (&f->registered);

    g_printerr ("%s[%6.1f s] started %d/%u, registered %d, in flight %d, failed attempts %d, %.1f registrations/s%s",
                f->tty ? "\r" : "", elapsed, g_atomic_int_get (&f->started), f->count, registered,
                g_atomic_int_get (&f->in_flight), g_atomic_int_get (&f->failed_attempts),
                elapsed > 0 ? registered / elapsed : 0.0, f->tty ? "\033[K" : "\n");
    return G_SOURCE_CONTINUE;
}

static gint
compare_gint64 (gconstpointer a, gconstpointer b)
{
    gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

    return x < y ? -1 : x > y;
}

/* nearest rank */
static gdouble
percentile_ms (GArray *sorted, gdouble p)
{
    guint rank;

    if (sorted->len == 0)
        return 0;
    rank = (guint) MAX (1.0, p / 100.0 * sorted->len + 0.999999);
    return g_array_index (sorted, gint64, MIN (rank, sorted->len) - 1) / 1000.0;
}

/* After the workers ended: the counters are final. */
static void
report (Fleet *f)
{
    g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
    gdouble cpu, span, rate;
    glong rss = f->rss1_kb;
    guint started = 0;
    GHashTableIter it;
    gpointer key, value;

    cpu = cpu_seconds (&f->usage1) - cpu_seconds (&f->usage0);
    for (guint i = 0; i < f->henbs->len; i++) {
        FleetHenb *h = f->henbs->pdata[i];

        if (h->started_us != 0)
            started++;
        if (h->registered_us != 0) {
            gint64 l = h->registered_us - h->started_us;
            g_array_append_val (latencies, l);
        }
    }
    g_array_sort (latencies, compare_gint64);
    span = f->registered > 0 ? (f->last_registered_us - f->t0_us) / (gdouble) G_USEC_PER_SEC : 0;
    rate = span > 0 ? f->registered / span : 0;

    if (f->tsv) {
        g_autoptr(GString) reasons = g_string_new (NULL);

        g_hash_table_iter_init (&it, f->failures);
        while (g_hash_table_iter_next (&it, &key, &value))
            g_string_append_printf (reasons, "%s%s %u", reasons->len > 0 ? "; " : "", (const gchar *) key,
                                    GPOINTER_TO_UINT (value));
        g_print ("count\tregistered\tseconds\tregistrations_per_s\tp50_ms\tp90_ms\tp99_ms\tmax_ms\t"
                 "failed_attempts\tcpu_ms_per_henb\trss_kb\trss_kb_per_henb\tfailures\n");
        g_print ("%u\t%d\t%.3f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%d\t%.2f\t%ld\t%.1f\t%s\n", f->count, f->registered,
                 span, rate, percentile_ms (latencies, 50), percentile_ms (latencies, 90),
                 percentile_ms (latencies, 99), percentile_ms (latencies, 100), f->failed_attempts,
                 started > 0 ? cpu * 1000 / started : 0.0, rss,
                 started > 0 ? (rss - f->rss0_kb) / (gdouble) started : 0.0, reasons->len > 0 ? reasons->str : "-");
        return;
    }
    g_print ("HeNBs:            %u started, %d registered%s, in %u threads\n", started, f->registered,
             f->interrupted ? " (interrupted)" : "", f->n_threads);
    g_print ("time:             %.2f s to the last registration, %.1f registrations/s\n", span, rate);
    g_print ("start->registered p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
             percentile_ms (latencies, 50), percentile_ms (latencies, 90), percentile_ms (latencies, 99),
             percentile_ms (latencies, 100));
    if (g_hash_table_size (f->failures) == 0) {
        g_print ("failures:         none\n");
    } else {
        g_print ("failures:         %d failed attempts (each retried on TR-069's schedule), by reason:\n",
                 f->failed_attempts);
        g_hash_table_iter_init (&it, f->failures);
        while (g_hash_table_iter_next (&it, &key, &value))
            g_print ("  %6u  %s\n", GPOINTER_TO_UINT (value), (const gchar *) key);
    }
    g_print ("CPU:              %.2f s, %.2f ms per HeNB\n", cpu, started > 0 ? cpu * 1000 / started : 0.0);
    g_print ("RSS:              %.1f MB, %.1f KB per HeNB (growth since the first start)\n", rss / 1024.0,
             started > 0 ? (rss - f->rss0_kb) / (gdouble) started : 0.0);
}

/* ------------------------------------------------------------------------------------------ */

/* The figures of the run are taken now, with every HeNB alive; then each worker ends its
 * HeNBs and returns, and the last one ends the main loop. */
static void
stop_workers (Fleet *f)
{
    if (f->stopped)
        return;
    f->stopped = TRUE;
    getrusage (RUSAGE_SELF, &f->usage1);
    f->rss1_kb = rss_kb ();
    for (guint i = 0; i < f->workers->len; i++) {
        FleetWorker *w = f->workers->pdata[i];
        /* queued: a worker that has not entered its loop yet still sees it */
        g_main_context_invoke (w->context, quit_worker, w);
    }
}

static gboolean
on_all_ended (gpointer user_data)
{
    stop_workers (user_data);
    return G_SOURCE_REMOVE;
}

static gboolean
on_signal (gpointer user_data)
{
    Fleet *f = user_data;

    f->interrupted = TRUE;
    stop_workers (f);
    return G_SOURCE_CONTINUE;
}

static gboolean
on_deadline (gpointer user_data)
{
    Fleet *f = user_data;

    f->deadline_id = 0;
    stop_workers (f);
    return G_SOURCE_REMOVE;
}

/* Only henb-fleet's own lines unless --verbose: a thousand HeNBs' logs would bury them. */
static GLogWriterOutput
log_writer (GLogLevelFlags log_level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
    Fleet *f = user_data;

    if (!f->verbose && !(log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL)))
        return G_LOG_WRITER_HANDLED;
    return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/* Each HeNB holds a few descriptors (state folder, sockets while in session). */
static void
raise_fd_limit (void)
{
    struct rlimit rl;

    if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit (RLIMIT_NOFILE, &rl);
    }
}

static void
fleet_henb_free (FleetHenb *h)
{
    /* its worker ended it */
    g_assert (h->manager == NULL);
    g_free (h->serial);
    g_free (h);
}

int
main (int argc, char **argv)
{
    Fleet fleet = { .concurrency = 100, .count = 10, .n_threads = 1 };
    Fleet *f = &fleet;
    g_autofree gchar *dns = NULL;
    g_autofree gchar *rate = NULL;
    g_autofree gchar *duration = NULL;
    const GOptionEntry entries[] = {
        { "count", 'n', 0, G_OPTION_ARG_INT, &f->count, "Number of HeNBs (10)", "N" },
        { "config", 'c', 0, G_OPTION_ARG_FILENAME, &f->config_file,
          "A henbd factory configuration as template (the options below override it)", "FILE" },
        { "conf-dir", 0, 0, G_OPTION_ARG_FILENAME, &f->conf_dir, "Its configuration snippets", "DIR" },
        { "hems", 0, 0, G_OPTION_ARG_STRING, &f->hems_url, "Initial HeMS URL (public variant)", "URL" },
        { "ca", 0, 0, G_OPTION_ARG_FILENAME, &f->root_ca, "Operator root CA", "FILE" },
        { "cert", 0, 0, G_OPTION_ARG_FILENAME, &f->cert_pattern,
          "Device certificate: one for all, or a pattern with {serial} or {n}", "FILE" },
        { "key", 0, 0, G_OPTION_ARG_FILENAME, &f->key_pattern, "Device key, as --cert", "FILE" },
        { "dns", 0, 0, G_OPTION_ARG_STRING, &dns, "Public DNS servers, comma-separated (ip or ip:port)", "LIST" },
        { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &f->state_dir,
          "Folder of the HeNBs' state folders (one per serial number; required)", "DIR" },
        { "serial-prefix", 0, 0, G_OPTION_ARG_STRING, &f->serial_prefix,
          "Serial numbers are PREFIX-000001... (FLEET)", "PREFIX" },
        { "cr-port-base", 0, 0, G_OPTION_ARG_STRING, &f->cr_port_base,
          "Connection Request server of HeNB n on PORT+n, or none (none)", "PORT|none" },
        { "concurrency", 0, 0, G_OPTION_ARG_INT, &f->concurrency,
          "At most N HeNBs between start and registered; 0: no bound (100)", "N" },
        { "threads", 0, 0, G_OPTION_ARG_INT, &f->n_threads,
          "Worker threads the HeNBs are shared out among (1); 0: one per processor, for a HeMS on "
          "other machines", "N" },
        { "rate", 0, 0, G_OPTION_ARG_STRING, &rate, "Start at most R HeNBs per second; 0: no bound (0)", "R" },
        { "duration", 0, 0, G_OPTION_ARG_STRING, &duration,
          "Stop after S seconds (default: once every HeNB registered)", "S" },
        { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &f->settings,
          "A henbd setting for every HeNB, e.g. CWMP.Version=1.0 (repeatable)", "GROUP.KEY=VALUE" },
        { "plugin-dir", 0, 0, G_OPTION_ARG_FILENAME, &f->plugin_dir, "Plugins (" HENB_PLUGIN_DIR ")", "DIR" },
        { "plugins", 0, 0, G_OPTION_ARG_STRING, &f->plugins, "Plugins to load (" DEFAULT_PLUGINS ")", "LIST" },
        { "fsync", 0, 0, G_OPTION_ARG_NONE, &f->fsync,
          "Flush every state write to the disk, as a HeNB does (off: a thousand HeNBs' flushes would "
          "queue in one main loop on one disk)", NULL },
        { "tsv", 0, 0, G_OPTION_ARG_NONE, &f->tsv, "Print the figures as one tab-separated row under a header", NULL },
        { "quiet", 'q', 0, G_OPTION_ARG_NONE, &f->quiet, "No progress line", NULL },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &f->verbose, "Every HeNB's log and failures on stderr", NULL },
        { NULL }
    };
    g_autoptr(GOptionContext) context = g_option_context_new (NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GMainLoop) loop = NULL;
    gint exit_code;

    setlocale (LC_ALL, "");
    g_option_context_set_summary (context,
                                  "Runs N simulated HeNBs, each henbd's own procedure and CWMP engine, in one "
                                  "process against a HeMS, and prints registrations per second, latency "
                                  "percentiles, failures by reason, and CPU and memory per HeNB.");
    g_option_context_add_main_entries (context, entries, NULL);
    if (!g_option_context_parse (context, &argc, &argv, &error)) {
        g_printerr ("henb-fleet: %s\n", error->message);
        return EXIT_FAILURE;
    }
    if (f->state_dir == NULL || (f->config_file == NULL &&
                                 (f->hems_url == NULL || f->root_ca == NULL || f->cert_pattern == NULL ||
                                  f->key_pattern == NULL))) {
        g_printerr ("henb-fleet: --state-dir, and --config or all of --hems, --ca, --cert and --key, are required\n");
        return EXIT_FAILURE;
    }
    if ((gint) f->count <= 0 || (gint) f->concurrency < 0 || (gint) f->n_threads < 0) {
        g_printerr ("henb-fleet: --count must be positive, --concurrency and --threads not negative\n");
        return EXIT_FAILURE;
    }
    if (f->n_threads == 0)
        f->n_threads = g_get_num_processors ();
    /* each thread has one HeNB in flight at least */
    f->n_threads = MIN (f->n_threads, f->concurrency > 0 ? MIN (f->count, f->concurrency) : f->count);
    f->rate = rate != NULL ? g_ascii_strtod (rate, NULL) : 0;
    f->duration = duration != NULL ? g_ascii_strtod (duration, NULL) : 0;
    if (f->rate < 0 || f->duration < 0) {
        g_printerr ("henb-fleet: --rate and --duration must not be negative\n");
        return EXIT_FAILURE;
    }
    if (f->cr_port_base != NULL && g_strcmp0 (f->cr_port_base, "none") != 0) {
        guint64 base = 0;

        if (!g_ascii_string_to_unsigned (f->cr_port_base, 10, 1, 65535, &base, NULL) ||
            base + f->count - 1 > 65535) {
            g_printerr ("henb-fleet: --cr-port-base %s: a port such that port+N-1 <= 65535, or none\n",
                        f->cr_port_base);
            return EXIT_FAILURE;
        }
        f->cr_base = (guint) base;
    }
    if (dns != NULL)
        f->dns = g_strsplit (dns, ",", -1);
    if (f->plugin_dir == NULL)
        f->plugin_dir = g_strdup (HENB_PLUGIN_DIR);
    f->plugin_names = g_strsplit (f->plugins != NULL ? f->plugins : DEFAULT_PLUGINS, ",", -1);
    if (f->serial_prefix == NULL)
        f->serial_prefix = g_strdup ("FLEET");

    g_log_set_writer_func (log_writer, f, NULL);
    henb_errors_register ();
    /* libxml2 is thread-safe once initialised, and that must happen before the threads */
    xmlInitParser ();
    raise_fd_limit ();
    if (g_mkdir_with_parents (f->state_dir, 0700) != 0) {
        g_printerr ("henb-fleet: cannot create %s: %s\n", f->state_dir, g_strerror (errno));
        return EXIT_FAILURE;
    }

    f->workers = g_ptr_array_new_with_free_func ((GDestroyNotify) worker_free);
    for (guint i = 0; i < f->n_threads; i++) {
        FleetWorker *w = g_new0 (FleetWorker, 1);

        w->fleet = f;
        w->context = g_main_context_new ();
        w->loop = g_main_loop_new (w->context, FALSE);
        w->henbs = g_ptr_array_new ();
        w->concurrency = share (f->concurrency, f->n_threads, i);
        w->rate = f->rate / f->n_threads;
        w->first = i == 0;
        g_ptr_array_add (f->workers, w);
    }
    f->henbs = g_ptr_array_new_with_free_func ((GDestroyNotify) fleet_henb_free);
    for (guint i = 1; i <= f->count; i++) {
        FleetHenb *h = g_new0 (FleetHenb, 1);

        h->fleet = f;
        h->index = i;
        h->serial = g_strdup_printf ("%s-%06u", f->serial_prefix, i);
        /* in turn: each worker's HeNBs start in the fleet's order */
        h->worker = f->workers->pdata[(i - 1) % f->n_threads];
        g_ptr_array_add (h->worker->henbs, h);
        g_ptr_array_add (f->henbs, h);
    }
    g_mutex_init (&f->lock);
    f->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    loop = g_main_loop_new (NULL, FALSE);
    f->loop = loop;
    f->tty = isatty (STDERR_FILENO);
    g_unix_signal_add (SIGINT, on_signal, f);
    g_unix_signal_add (SIGTERM, on_signal, f);

    getrusage (RUSAGE_SELF, &f->usage0);
    f->rss0_kb = rss_kb ();
    f->t0_us = g_get_monotonic_time ();
    f->workers_running = (gint) f->workers->len;
    f->workers_busy = (gint) f->workers->len;
    for (guint i = 0; i < f->workers->len; i++) {
        FleetWorker *w = f->workers->pdata[i];
        w->thread = g_thread_new ("henb-fleet", worker_run, w);
    }
    if (!f->quiet)
        f->progress_id = g_timeout_add (f->tty ? 250 : 1000, on_progress, f);
    if (f->duration > 0)
        f->deadline_id = g_timeout_add ((guint) (f->duration * 1000), on_deadline, f);
    g_main_loop_run (loop);
    for (guint i = 0; i < f->workers->len; i++) {
        FleetWorker *w = f->workers->pdata[i];
        g_thread_join (g_steal_pointer (&w->thread));
    }
    if (!f->quiet) {
        on_progress (f);
        if (f->tty)
            g_printerr ("\n");
    }
    report (f);
    exit_code = (guint) f->registered == f->count ? EXIT_SUCCESS : EXIT_FAILURE;

    g_clear_handle_id (&f->progress_id, g_source_remove);
    g_clear_handle_id (&f->deadline_id, g_source_remove);
    g_ptr_array_unref (f->henbs);
    g_ptr_array_unref (f->workers);
    g_hash_table_unref (f->failures);
    g_mutex_clear (&f->lock);
    g_strfreev (f->plugin_names);
    g_strfreev (f->dns);
    g_strfreev (f->settings);
    g_free (f->config_file);
    g_free (f->conf_dir);
    g_free (f->hems_url);
    g_free (f->root_ca);
    g_free (f->cert_pattern);
    g_free (f->key_pattern);
    g_free (f->state_dir);
    g_free (f->plugin_dir);
    g_free (f->plugins);
    g_free (f->serial_prefix);
    g_free (f->cr_port_base);
    return exit_code;
}
