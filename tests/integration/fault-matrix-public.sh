#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The fault matrix (fault-matrix.tsv), TS 32.593 5.1.2.3 discovery on loopback: each row's fault
# at its step of a HeNB fresh from the factory, then the fault goes and henbd registers.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/fault-matrix.sh"

fm_loopback_setup
fm_run loopback public
finish
