#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Every step id henbd plans exists in the text of TS 32.593 clause 5.1 and names the action
the step performs (TAP).

The clause text ($HENB_SPEC_DIR/ts32593-clause5.1.txt) is read as a reader would: a step is a
line opening with its number ("1.3 A secure connection ...", "2.2. The HeNB ..."); a step whose
text says "steps 1.1-1.3" has those sub-steps; "Steps 2 to 4 are identical to steps 2 to 4 in
the procedure ... private ..." and "Steps 5.1 to 5.5 are identical to steps 6.1 to 6.5" make the
public-internet variant's steps those of 5.1.2.2. The plans come from list-planned-steps, with
the discovery plugins as built.
"""
import os
import re
import subprocess
import sys

SPEC = os.path.join(os.environ.get("HENB_SPEC_DIR", ""), "ts32593-clause5.1.txt")
LISTER = os.environ.get("HENB_LIST_PLANNED_STEPS", "")

# what each step does, as words the clause uses for that action
ACTIONS = {
    "resolve-initial-segw": r"DNS",
    "resolve-serving-segw": r"DNS",
    "resolve-initial-hems": r"DNS",
    "resolve-serving-hems": r"DNS",
    "tunnel-initial-segw": r"IPSec tunnel is established",
    "tunnel-serving-segw": r"IPSec tunnel is established",
    "connect-initial-hems": r"establish a TR-069 session",
    "connect-serving-hems": r"establish a TR-069 session",
    "tls-initial-hems": r"SSL/TLS",
    "inform-initial-hems": r"Inform request.*InformResponse",
    "inform-serving-hems": r"Inform request.*InformResponse",
    "set-serving-identities": r"SetParameterValues RPC method to configure the FQDN or the IP address of the Serving SeGW and Serving HeMS.*SetParameterValuesResponse",
    "receive-s1-configuration": r"SetParameterValues RPC method to configure the far-end IP address of the S1 interface.*SetParameterValuesResponse",
    "release-initial-session": r"releases the TR-069 Session",
    "release-serving-session": r"release the TR-069 Session",
    "close-initial-tunnel": r"IPSec tunnel association may be destroyed",
    "start-s1-setup": r"S1 Setup",
}

PLANS = [
    ("public", "discover", ""), ("public", "registration", ""), ("public", "registration", "segw"),
    ("private", "discover", ""), ("private", "registration", ""), ("private", "registration", "segw"),
    ("public", "s1", ""),
]

STEP_LINE = re.compile(r"^(\d+)(?:\.(\d+))?\.?\s*(\S.*)$")
SECTION = re.compile(r"^\[bookmark.*\](5\.1\.[23](?:\.[23])?)\s")
SUBRANGE = re.compile(r"[Ss]teps (\d+)\.(\d+)\s*[-\u2013]\s*(\d+)\.(\d+)")


def parse(path):
    """{section: {"1.3": text, ...}} with the aliases resolved."""
    sections = {}
    current = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            m = SECTION.search(line)
            if m:
                current = sections.setdefault(m.group(1), {})
                continue
            if current is None:
                continue
            m = STEP_LINE.match(line)
            if not m:
                if line.startswith("Steps ") and "identical" in line:
                    current.setdefault("_aliases", []).append(line)
                continue
            number = m.group(1) + ("." + m.group(2) if m.group(2) else "")
            current[number] = m.group(3)
            # "1. In steps 1.1-1.3 ...": sub-steps named by their parent's text
            r = SUBRANGE.search(m.group(3))
            if r and m.group(2) is None and r.group(1) == m.group(1):
                for k in range(int(r.group(2)), int(r.group(4)) + 1):
                    current.setdefault("%s.%d" % (m.group(1), k), m.group(3))
    private = sections.get("5.1.2.2", {})
    public = sections.get("5.1.2.3", {})
    for sentence in public.pop("_aliases", []):
        for part in re.split(r"(?<=\))\.\s+|\.\s+(?=Steps)", sentence):
            m = re.search(r"Steps (\d+(?:\.\d+)?) to (\d+(?:\.\d+)?) are identical to steps (\d+(?:\.\d+)?) to (\d+(?:\.\d+)?)", part)
            if not m:
                continue
            a, b, c, d = m.groups()
            if "." in a:  # 5.1 to 5.5 -> 6.1 to 6.5
                pa, sa = a.split(".")
                pc, sc = c.split(".")
                for k in range(int(sa), int(b.split(".")[1]) + 1):
                    src = "%s.%d" % (pc, int(sc) + k - int(sa))
                    if src in private:
                        public["%s.%d" % (pa, k)] = private[src]
            else:  # 2 to 4 -> 2 to 4, sub-steps included
                for key, text in private.items():
                    if int(key.split(".")[0]) in range(int(c), int(d) + 1):
                        n = int(key.split(".")[0]) - int(c) + int(a)
                        public[".".join([str(n)] + key.split(".")[1:])] = text
    return sections


def expand(step_range):
    """"1.1-1.2" -> ["1.1", "1.2"]; "4" -> ["4"]."""
    if "-" not in step_range:
        return [step_range]
    lo, hi = step_range.split("-")
    lp, ls = lo.split(".")
    hp, hs = hi.split(".")
    if lp != hp:
        return None
    return ["%s.%d" % (lp, k) for k in range(int(ls), int(hs) + 1)]


def main():
    n = 0
    failed = 0
    print("TAP version 13")
    if not os.path.exists(SPEC):
        if os.environ.get("CI"):
            print("Bail out! the clause text %s is missing" % SPEC)
            return 1
        print("1..0 # SKIP the clause text %s is missing (set HENB_SPEC_DIR)" % SPEC)
        return 0
    sections = parse(SPEC)
    for key in ("5.1.2.2", "5.1.2.3", "5.1.3"):
        n += 1
        count = len(sections.get(key, {}))
        ok = count >= 4
        failed += not ok
        print("%s %d - clause %s read: %d steps (%s)" % ("ok" if ok else "not ok", n, key, count,
                                                       " ".join(sorted(sections.get(key, {})))))
    seen = set()
    for variant, kind, segw in PLANS:
        out = subprocess.run([LISTER, variant, kind] + ([segw] if segw else []), capture_output=True,
                             text=True)
        n += 1
        ok = out.returncode == 0 and out.stdout.strip() != ""
        failed += not ok
        print("%s %d - henbd plans a %s %s run%s" % ("ok" if ok else "not ok", n, variant, kind,
                                                     " with a Serving SeGW" if segw else ""))
        if not ok:
            print("#   %s" % out.stderr.strip())
            continue
        for line in out.stdout.strip().split("\n"):
            step_id, name = line.split("\t")
            if (step_id, name) in seen:
                continue
            seen.add((step_id, name))
            clause, _, numbers = step_id.partition("/")
            steps = sections.get(clause, {})
            expanded = expand(numbers)
            missing = [x for x in expanded or [numbers] if x not in steps]
            n += 1
            ok = expanded is not None and not missing
            failed += not ok
            print("%s %d - %s %s: %s exists in clause %s" % ("ok" if ok else "not ok", n, step_id, name,
                                                           numbers, clause))
            if not ok:
                print("#   not in the clause: %s" % ", ".join(missing or [numbers]))
                continue
            text = " ".join(steps[x] for x in expanded)
            action = ACTIONS.get(name)
            n += 1
            ok = action is not None and re.search(action, text) is not None
            failed += not ok
            print("%s %d - %s %s: the clause's step says what the step does" % ("ok" if ok else "not ok", n,
                                                                                step_id, name))
            if not ok:
                print("#   expected /%s/ in: %s" % (action, text[:300]))
    print("1..%d" % n)
    return 1 if failed else 0


sys.exit(main())
