#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# henbctl's bash completion (data/henbctl.bash-completion), as bash calls it: commands,
# options, log levels, states, status fields (the same names henbctl knows), nothing after a
# command that takes no argument.
. "$(dirname "$0")/../lib/common.sh"

# shellcheck source=/dev/null
. "$HENB_SOURCE_DIR/data/henbctl.bash-completion"
# complete WORDS... -> what _henbctl offers for the last word, space-separated and sorted
complete_() {
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _henbctl
    printf '%s\n' "${COMPREPLY[@]}" | sort | xargs
}

check_eq "registered for henbctl" "complete -F _henbctl henbctl" "$(complete -p henbctl)"
check_eq "commands" "cancel cell help logging monitor rediscover start status wait" "$(complete_ henbctl '')"
check_eq "a command's start" "rediscover" "$(complete_ henbctl re)"
check_eq "after an option: still commands" "start status" "$(complete_ henbctl --session st)"
check_eq "long options" "--session --state" "$(complete_ henbctl --s)"
check_eq "logging: the levels" "debug error info message warning" "$(complete_ henbctl logging '')"
check_eq "help: the commands" "wait" "$(complete_ henbctl help wa)"
check_eq "cell: report" "report" "$(complete_ henbctl cell '')"
check_eq "wait --state: the states" "registered registering" "$(complete_ henbctl wait --state regis)"
check_eq "status --fields: after a comma" "state,s1-addresses state,s1-link state,s1-port" "$(complete_ henbctl status --fields state,s1)"
check_eq "start takes no argument" "" "$(complete_ henbctl start '')"
check_eq "after --timeout N the command is still found" "debug" "$(complete_ henbctl -t 5 logging de)"

# the fields are henbctl's own: its error for an unknown field lists them
known=$("$HENBCTL" --session status --fields bogus 2>&1 | sed -n 's/.*(fields: \(.*\))$/\1/p' | tr ',' '\n' | sort | xargs)
check "henbctl lists its fields" test -n "$known"
check_eq "the completion offers exactly henbctl's fields (and all)" "$known all" \
    "$(complete_ henbctl status --fields '' | tr ' ' '\n' | grep -vx all | sort | xargs) all"
finish
