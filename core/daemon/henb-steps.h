/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "henb-procedure.h"

G_BEGIN_DECLS

/*
 * The building blocks of TS 32.593 5.1 that both discovery variants and registration share.
 * Discovery plugins compose them with their own clause numbers.
 */

/* Resolves the host of the HeMS URL (skipped for an IP address) and pins the answer. */
HenbStep *henb_step_resolve_hems_new (HenbProcedure *proc, const gchar *id, const gchar *name, HenbState state,
                                      HenbHemsRole role);
/* Opens the HTTP(S) connection, TLS with the operator root CA and the device certificate. */
HenbStep *henb_step_connect_hems_new (HenbProcedure *proc, const gchar *id, const gchar *name, HenbState state,
                                      HenbHemsRole role);
/* Inform with the pending events, until the InformResponse; retires the delivered events. */
HenbStep *henb_step_inform_new (HenbProcedure *proc, const gchar *id, const gchar *name, HenbState state,
                                HenbHemsRole role);
/* Answers the HeMS's requests (SetParameterValues, ...) until it ends the session. */
HenbStep *henb_step_serve_hems_new (HenbProcedure *proc, const gchar *id, const gchar *name, HenbState state,
                                    HenbHemsRole role);
/*
 * Closes the session and checks what it had to deliver: the Serving HeMS from the Initial
 * HeMS, the S1 far end from either HeMS after registration.
 */
HenbStep *henb_step_release_new (HenbProcedure *proc, const gchar *id, const gchar *name, HenbState state,
                                 HenbHemsRole role);
/* Resolves the SeGW(s) toward the given HeMS in public DNS: the Initial SeGW, or
 * SecGWServer1..3; skipped for IP addresses and when none is configured. */
HenbStep *henb_step_resolve_segw_new (HenbProcedure *proc, const gchar *id, const gchar *name,
                                      HenbState state, HenbHemsRole role);
/* IKEv2 tunnel to the first SeGW that answers (SecGWServer1, 2, 3 in order; every failed one
 * is recorded); skipped when no SeGW is configured. */
HenbStep *henb_step_tunnel_new (HenbProcedure *proc, const gchar *id, const gchar *name,
                                HenbState state, HenbHemsRole role);
/* Tears the tunnel toward the given HeMS down. */
HenbStep *henb_step_close_tunnel_new (HenbProcedure *proc, const gchar *id, const gchar *name,
                                      HenbState state, HenbHemsRole role);
/* Hands the S1 far end to the S1 hand-off plugin, with the IPsec indicator only when a tunnel
 * to the Serving SeGW exists. @why (may be NULL) heads the step's detail: what made a run
 * after registration hand S1 off again. */
HenbStep *henb_step_s1_setup_new (HenbProcedure *proc, const gchar *id, const gchar *name, const gchar *why);

/* Appends the registration steps (TS 32.593 5.1.3); @after_discovery: the discovery steps
 * already reached and resolved the Serving HeMS. */
void henb_steps_add_registration (HenbProcedure *procedure, GPtrArray *steps, gboolean after_discovery);

G_END_DECLS
