/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib-object.h>

#include "henb-datamodel.h"

G_BEGIN_DECLS

#define HENB_STORE_FILE_NAME "henbd.state"

/* After a failed write: the first retry after 5 s, the wait doubling up to 5 minutes. */
#define HENB_STORE_RETRY_MIN_MS (5 * 1000)
#define HENB_STORE_RETRY_MAX_MS (5 * 60 * 1000)

/*
 * What henbd must not lose: the parameters the HeMS configured (every persistent parameter of
 * the data model, ParameterKey included) and the events not yet delivered. One file, written
 * atomically (temporary file, fsync, rename) and sealed with a SHA-256 so that a damaged file
 * is detected rather than half-believed.
 */
#define HENB_TYPE_STORE (henb_store_get_type ())
G_DECLARE_FINAL_TYPE (HenbStore, henb_store, HENB, STORE, GObject)

HenbStore   *henb_store_new (const gchar *state_dir, HenbDataModel *dm);
const gchar *henb_store_get_path (HenbStore *self);
/*
 * Whether a write is flushed to the disk (fsync of the file and its folder) before it counts
 * as done: TRUE, the default, for a HeNB. henb-fleet turns it off for its simulated HeNBs,
 * whose state need not survive a power cut, and whose flushes would queue in one process's
 * main loop on one disk where each real HeNB has its own. Writes stay atomic (rename).
 */
void         henb_store_set_durable (HenbStore *self, gboolean durable);

/*
 * Loads the state into the data model. @out_fresh is TRUE when there was no state (a HeNB
 * fresh from the factory). A damaged file (also: a symbolic link, FIFO, device, directory or
 * anything but a regular file of at most HENB_FILE_MAX_STATE bytes) is moved aside (its new
 * name in the error) and HENB_CORE_ERROR_STATE_CORRUPT returned; the store is then empty. When
 * it cannot be moved aside (a read-only file system), it is moved before the next write.
 */
gboolean     henb_store_load (HenbStore *self, gboolean *out_fresh, GError **error);

/*
 * Writes the state. A failure (HENB_CORE_ERROR_STATE_NOT_SAVED: full or read-only file system,
 * a state larger than HENB_FILE_MAX_STATE, ...) leaves the old file intact and memory as it is;
 * the store logs it once per distinct error, keeps it (henb_store_get_write_error(),
 * "write-error-changed") and retries on its own, from HENB_STORE_RETRY_MIN_MS doubling to
 * HENB_STORE_RETRY_MAX_MS; every later write is an attempt too. Callers need not log it again.
 * A state the same as the file holds (written by this store and not replaced since) is not
 * written again: a session that changed nothing costs no write.
 */
gboolean     henb_store_save (HenbStore *self, GError **error);
/*
 * Writes the state HENB_STORE_SAVE_SOON_MS after the last call (unless it is written before),
 * for what is about to change back (an event the session starting now delivers and retires):
 * the two changes then cost no write at all. Pending at dispose, it is written then.
 */
#define HENB_STORE_SAVE_SOON_MS 1000
void         henb_store_save_soon (HenbStore *self);
/* Why the last write failed; NULL when it succeeded. */
const GError *henb_store_get_write_error (HenbStore *self);
/* The retry waits (tests: shorter than the defaults). */
void         henb_store_set_retry_interval (HenbStore *self, guint min_ms, guint max_ms);

/*
 * The data model's commit hook: makes a SetParameterValues durable before it is applied. A
 * change of ManagementServer.URL queues "0 BOOTSTRAP" in the same write. When the write fails
 * nothing changes (the RPC is refused with 9002).
 */
gboolean     henb_store_commit (HenbStore   *self,
                                GHashTable  *changes,
                                const gchar *parameter_key,
                                GError     **error);

/* Factory reset: no events, no records; the data model is reset by its owner. Call save afterwards. */
void         henb_store_clear (HenbStore *self);

/*
 * An Inform carries at most HENB_CWMP_MAX_EVENTS (64) events. Single events ("0 BOOTSTRAP" ..
 * "14 HEARTBEAT") are kept once each, 15 at most; the events with a command key ("M Reboot",
 * "M ScheduleInform", "M Download") are kept up to this many, so that everything queued fits
 * one Inform.
 */
#define HENB_STORE_MAX_COMMAND_EVENTS 48

/*
 * Queues an event (single events such as "1 BOOT" are kept once, others once per command key);
 * call save afterwards. FALSE when it is a new command event and HENB_STORE_MAX_COMMAND_EVENTS
 * are queued already: it is not queued.
 */
gboolean     henb_store_queue_event (HenbStore *self, const gchar *code, const gchar *command_key);
/* The queued events that are not single events. */
guint        henb_store_count_command_events (HenbStore *self);
/* The undelivered events, oldest first (HenbCwmpEvent). */
GPtrArray   *henb_store_dup_events (HenbStore *self);
/* Puts the single event @code first in @events (a list from henb_store_dup_events()) unless
 * it is there already: a cause an Inform states without it being queued. */
void         henb_store_events_ensure (GPtrArray *events, const gchar *code);
/*
 * Records the agent keeps across restarts (e.g. a transfer whose TransferComplete is still due):
 * string fields by name; NULL removes the record. Call henb_store_save() afterwards.
 */
void         henb_store_set_record (HenbStore *self, const gchar *name, GHashTable *fields);
/* A copy of the record's fields, NULL when there is none. */
GHashTable  *henb_store_dup_record (HenbStore *self, const gchar *name);

/* Retires the events an InformResponse acknowledged and saves; when the write fails they stay
 * queued (in memory too), to be delivered again rather than lost. */
gboolean     henb_store_retire_events (HenbStore *self, GPtrArray *delivered, GError **error);
/* Retires the single event @code, as henb_store_retire_events() does. */
gboolean     henb_store_retire_event (HenbStore *self, const gchar *code, GError **error);

G_END_DECLS
