/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

G_BEGIN_DECLS

/* libFuzzer's entry points; every harness defines LLVMFuzzerTestOneInput. */
int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/*
 * Quiet logging for millions of inputs: debug, info, message and warning are dropped, while
 * a CRITICAL or ERROR (a g_return_if_fail() hit, a programming error whatever the input)
 * aborts, so that libFuzzer records the input as a crash.
 */
void henb_fuzz_init_logging (void);

/* Aborts with @what when @condition is false: the harness's own checks on what it parsed. */
#define henb_fuzz_check(condition, what) \
    G_STMT_START { if (G_UNLIKELY (!(condition))) henb_fuzz_fail (G_STRLOC, what); } G_STMT_END

G_NORETURN void henb_fuzz_fail (const gchar *location, const gchar *what);

G_END_DECLS
