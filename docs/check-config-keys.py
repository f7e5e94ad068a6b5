#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""henbd.conf(5) lists every key henbd and its plugins read, and no other; prints TAP.

The keys come from the code (core/daemon/henb-config.c and every other reader of the
configuration key file) and from the documented example, data/factory.conf.example."""
import glob
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")


def keys_from_code(path):
    text = open(path, encoding="utf-8").read()
    macros = dict(re.findall(r'#define\s+(\w+)\s+"(\w+)"', text))
    found = set()
    # get_string (kf, "Group", "Key" ...), require (c, FACTORY, "Key" ...), g_key_file_get_* (config, GROUP, "Key" ...)
    for group, key in re.findall(r'(?:get_\w+|require)\s*\(\s*(?:kf|config|c->keyfile|c)\s*,\s*("\w+"|[A-Z_]+)\s*,\s*"(\w+)"', text):
        group = group.strip('"') if group.startswith('"') else macros.get(group)
        if group is not None:
            found.add((group, key))
    # get_seconds (kf, "Key" ...) reads [Timeouts]
    found.update(("Timeouts", key) for key in re.findall(r'get_seconds\s*\(\s*kf\s*,\s*"(\w+)"', text))
    return found


def keys_from_example(path):
    found, group = set(), None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^\[(\w+)\]\s*$", line)
        if m:
            group = m.group(1)
            continue
        m = re.match(r"^#?(\w+)=", line)
        if m and group:
            found.add((group, m.group(1)))
    return found


def keys_from_man(path):
    found, group, lines = set(), None, open(path, encoding="utf-8").read().split("\n")
    for i, line in enumerate(lines):
        m = re.match(r"^\[(\w+)\]$", line)
        if m and i + 1 < len(lines) and re.match(r"^=+$", lines[i + 1]):
            group = m.group(1)
            continue
        if re.match(r"^[A-Z ]+$", line) and i + 1 < len(lines) and re.match(r"^=+$", lines[i + 1]):
            group = None  # EXAMPLE, SEE ALSO ...
            continue
        # a definition list term: ``Key=``, or several of them
        if group and line.startswith("``"):
            found.update((group, k) for k in re.findall(r"``(\w+)=``", line))
    return found


readers = [os.path.join(root, "core/daemon/henb-config.c"), os.path.join(root, "core/daemon/henb-ipsec-backend.c")]
# the plugins, not their tests (which read the files the plugins write)
readers += sorted(p for p in glob.glob(os.path.join(root, "plugins/*/*.c"))
                  if os.path.basename(os.path.dirname(p)) != "tests")
code = set()
for path in readers:
    code |= keys_from_code(path)
example = keys_from_example(os.path.join(root, "data/factory.conf.example"))
man = keys_from_man(os.path.join(root, "docs/man/henbd.conf.5.rst"))

n = 0
failed = 0


def check(description, condition, detail=""):
    global n, failed
    n += 1
    print("%s %d - %s" % ("ok" if condition else "not ok", n, description))
    if not condition:
        failed += 1
        if detail:
            print("#   %s" % detail)


def names(keys):
    return ", ".join("[%s] %s" % k for k in sorted(keys))


check("the code reads keys (%d) in the groups of the example" % len(code),
      len(code) >= 50 and {"Factory", "DeviceInfo", "Timeouts", "S1", "IPsec"} <= {g for g, _k in code},
      names(code))
check("the example documents every key the code reads", not (code - example), "missing: " + names(code - example))
check("henbd.conf(5) names every key the code reads (%d)" % len(code), not (code - man),
      "missing: " + names(code - man))
check("henbd.conf(5) names every key of the example (%d)" % len(example), not (example - man),
      "missing: " + names(example - man))
check("henbd.conf(5) names no key that nothing reads", not (man - code - example),
      "unknown: " + names(man - code - example))
print("1..%d" % n)
sys.exit(1 if failed else 0)
