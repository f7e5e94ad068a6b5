#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The man pages name every option henbd and henbctl have and every henbctl command, and the
# built pages render without a groff warning. Prints TAP.
# check-man-options.sh MAN_SOURCE_DIR HENBD HENBCTL [BUILT_MAN_DIR]
set -u
src=$1 henbd=$2 henbctl=$3 built=${4:-}
n=0 failed=0

check() {  # check DESCRIPTION DETAIL COMMAND...
    local description=$1 detail=$2
    shift 2
    n=$((n + 1))
    if "$@"; then
        echo "ok $n - $description"
    else
        echo "not ok $n - $description"
        [ -n "$detail" ] && echo "#   $detail"
        failed=$((failed + 1))
    fi
}

# every long option --help names is in the page as **--option**
options_missing() {  # options_missing PROGRAM PAGE
    local opts missing=""
    opts=$(LC_ALL=C "$1" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u)
    [ -n "$opts" ] || { echo " (no options read from $1 --help)"; return; }
    for opt in $opts; do
        grep -qF -- "**$opt**" "$2" || missing="$missing $opt"
    done
    echo "$missing"
}

missing=$(options_missing "$henbd" "$src/henbd.8.rst")
check "henbd(8) names every option of henbd --help" "missing:$missing" test -z "$missing"
missing=$(options_missing "$henbctl" "$src/henbctl.1.rst")
check "henbctl(1) names every option of henbctl --help" "missing:$missing" test -z "$missing"

# henbctl's commands: its "Commands:" list ("  status [--json] ...", "  cell ... | cell report
# ..."), or the usage line of an older henbctl ("status|monitor|...|cell [report ...]")
help=$(LC_ALL=C "$henbctl" --help 2>/dev/null)
if grep -q '^Commands:' <<<"$help"; then
    commands=$(sed -n '/^Commands:/,/^$/p' <<<"$help" | sed '1d' |
               sed -E 's/\[[^]]*\]//g; s/\|/\n/g' | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[a-z][a-z-]*$/) print $i }' | sort -u)
else
    commands=$(sed -n 's/^ *henbctl \[OPTION[^]]*\] *//p' <<<"$help" | grep -o '[a-z][a-z-]*')
fi
missing=""
for c in $commands; do
    grep -qE -- "\*\*([a-z-]+ )*$c\*\*" "$src/henbctl.1.rst" || missing="$missing $c"
done
check "henbctl(1) describes every command ($(echo $commands | wc -w))" "missing:$missing" \
    test -n "$commands" -a -z "$missing"

if [ -n "$built" ] && command -v groff >/dev/null; then
    for page in henbd.8 henbctl.1 henbd.conf.5 henb-panel.1; do
        warnings=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$built/$page" 2>&1)
        check "$page renders without warnings" "$warnings" test -s "$built/$page" -a -z "$warnings"
    done
else
    echo "# man pages not built (rst2man) or no groff: rendering not checked"
fi
echo "1..$n"
[ $failed = 0 ]
