#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Every public symbol of libhenb-glib has a doc comment (gi-docgen check), says since when
it exists (Since:, the GIR's version attribute), and each function is exported in the symbol
version node of that version (Since: 0.3 -> LIBHENB_GLIB_0.3, libhenb-glib.map). Prints TAP.
check-gir-docs.py HENB-1.0.GIR [LIBHENB-GLIB.SO]"""
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

gir = sys.argv[1]
CORE = "{http://www.gtk.org/introspection/core/1.0}"
GLIB = "{http://www.gtk.org/introspection/glib/1.0}"
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


namespace = ET.parse(gir).getroot().find(CORE + "namespace")
kinds = ["class", "record", "enumeration", "bitfield", "constant", "function", "function-macro",
         "method", "constructor", "property", GLIB + "signal"]
symbols, unversioned = 0, []
for element in namespace.iter():
    tag = element.tag.replace(CORE, "")
    if tag not in kinds or element.get("introspectable") == "0" and tag != "function-macro":
        continue
    # the enum types' GType functions and the like are not API of their own
    if tag == "record" and element.get(GLIB + "is-gtype-struct-for"):
        continue
    symbols += 1
    if element.get("version") is None:
        unversioned.append(element.get(CORE + "identifier") or element.get("name"))
check("every symbol says since when it exists (%d symbols)" % symbols, symbols > 80 and not unversioned,
      "no Since: for " + ", ".join(unversioned))

if len(sys.argv) > 2:
    exported = {}
    dump = subprocess.run(["objdump", "-T", sys.argv[2]], capture_output=True, text=True, check=True).stdout
    for line in dump.splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[-2].startswith("LIBHENB_GLIB_"):
            exported[fields[-1]] = fields[-2]
    wrong, functions = [], 0
    for element in namespace.iter():
        if element.tag.replace(CORE, "") not in ("function", "method", "constructor"):
            continue
        name = element.get("{http://www.gtk.org/introspection/c/1.0}identifier")
        functions += 1
        want = "LIBHENB_GLIB_%s" % element.get("version")
        if exported.get(name) != want:
            wrong.append("%s (Since: %s) is %s" % (name, element.get("version"), exported.get(name, "not exported")))
    check("every function is exported in the version node of its Since: (%d functions)" % functions,
          functions > 60 and not wrong, "; ".join(wrong))

if shutil.which("gi-docgen") is None:
    print("ok %d # SKIP gi-docgen is not installed" % (n + 1))
    n += 1
else:
    out = subprocess.run(["gi-docgen", "check", gir], capture_output=True, text=True)
    warnings = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in (out.stdout + out.stderr).splitlines()
                if "WARNING" in line or "ERROR" in line]
    check("gi-docgen check: every public symbol is documented", out.returncode == 0 and not warnings,
          "; ".join(warnings[:20]))
print("1..%d" % n)
sys.exit(1 if failed else 0)
