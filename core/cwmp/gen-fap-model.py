#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""
Generates core/cwmp/henb-datamodel-fap.c: the LTE cell parameters of the henbd data model, with
their names, types, ranges, sizes, list bounds and enumerations taken from the Broadband Forum
XML, so that nobody types a range twice.

    core/cwmp/gen-fap-model.py --bbf-dir ../shared/spec/bbf > core/cwmp/henb-datamodel-fap.c

The set is chosen by profiles (PROFILES below); EXTRA_PARAMETERS adds what the issue names and
none of those profiles holds; EXCLUDED_* leave out what henbd does not serve. Standard library
only, so that it runs wherever the tests run (test-datamodel-bbf reruns it and compares).
"""

import argparse
import re
import sys
import xml.etree.ElementTree as ET

TR196_FILE = "tr-196-2-1-2-cwmp-full.xml"
TR181_FILE = "tr-181-2-17-0-cwmp-full.xml"
TR106_FILE = "tr-106-types.xml"

# henbd serves one FAPService instance under Device.Services (TR-196 on top of TR-181).
FAP_MOUNT = "Device.Services."

# (file, profile): every parameter a profile lists, of the objects it lists.
PROFILES = [
    # FAPService:2.1 (TR-196 Issue 2)
    (TR196_FILE, "Baseline:1"),          # Capabilities.{GPSEquipped, MaxTxPower, SupportedSystems}
    (TR196_FILE, "LTEBaseline:1"),       # Capabilities.LTE, FAPControl.LTE, Gateway
    (TR196_FILE, "LTECellConfigEPC:1"),  # EPC (TAC, PLMNList), RAN.Common.CellIdentity, S1AP, S1U
    (TR196_FILE, "LTECellConfigRANPHY:1"),     # RAN.RF and RAN.PHY
    (TR196_FILE, "LTECellConfigRANMACRLC:1"),  # RAN.MAC, RAN.RLC, RAN.CellRestriction
    # Device:2.17 (TR-181 Issue 2): the FAP objects live at the Device root
    (TR181_FILE, "FAP_GPS:1"),
    (TR181_FILE, "FAP_PerfMgmt:1"),
]

# Named by the issue, held by none of the profiles above; defined by the XML all the same.
EXTRA_PARAMETERS = [
    (TR196_FILE, "FAPService.{i}.CellConfig.LTE.EPC.PLMNList.{i}.Enable"),
    (TR196_FILE, "FAPService.{i}.CellConfig.LTE.EPC.PLMNList.{i}.IsPrimary"),
    (TR181_FILE, "Device.FAP.GPS.ContinuousGPSStatus.CurrentFix"),
    (TR181_FILE, "Device.FAP.GPS.ContinuousGPSStatus.GotFix"),
    (TR181_FILE, "Device.FAP.GPS.ContinuousGPSStatus.TimingGood"),
    (TR181_FILE, "Device.FAP.GPS.ContinuousGPSStatus.Latitude"),
    (TR181_FILE, "Device.FAP.GPS.ContinuousGPSStatus.Longitude"),
    (TR181_FILE, "Device.FAP.GPS.ContinuousGPSStatus.Elevation"),
    (TR181_FILE, "Device.FAP.GPS.ContinuousGPSStatus.LastFixTime"),
    (TR181_FILE, "Device.FAP.GPS.ContinuousGPSStatus.SatellitesTracked"),
    (TR181_FILE, "Device.IPsec.Enable"),
]

# Left out of the profiles' set, and why.
EXCLUDED_PREFIXES = [
    # hand-written in henb-datamodel-defs.c: the bootstrap reads them with host-name syntax,
    # deferred application and vendor extensions beside them (test-datamodel-bbf checks them)
    "FAPService.{i}.FAPControl.LTE.AdminState",
    "FAPService.{i}.FAPControl.LTE.OpState",
    "FAPService.{i}.FAPControl.LTE.RFTxStatus",
    "FAPService.{i}.FAPControl.LTE.Gateway.",
    # Tunnel.{i}.TunnelRef points into Device.IPsec.Tunnel, which henbd does not model; the
    # EPC QoS table and the MBSFN subframe table are configuration no HeNB radio stack of ours
    # takes yet
    "FAPService.{i}.CellConfig.LTE.Tunnel",
    "FAPService.{i}.CellConfig.LTE.EPC.QoS",
    "FAPService.{i}.CellConfig.LTE.EPC.MaxQoSEntries",
    "FAPService.{i}.CellConfig.LTE.RAN.PHY.MBSFN.",
]
# GPS scan control (ScanOnBoot, ScanPeriodically ...) is writable in TR-181; the issue keeps
# Device.FAP.GPS read-only to the HeMS: the radio stack runs the receiver and reports.
READ_ONLY_ONLY_PREFIXES = ["Device.FAP.GPS."]

# Tables whose XML maxEntries is unbounded: henbd's own cap.
TABLE_CAPS = {"Device.FAP.PerfMgmt.Config.{i}.": 4}

BASE_TYPES = {
    "string": "HENB_CWMP_TYPE_STRING",
    "unsignedInt": "HENB_CWMP_TYPE_UNSIGNED_INT",
    "int": "HENB_CWMP_TYPE_INT",
    "unsignedLong": "HENB_CWMP_TYPE_UNSIGNED_LONG",
    "long": "HENB_CWMP_TYPE_LONG",
    "boolean": "HENB_CWMP_TYPE_BOOLEAN",
    "dateTime": "HENB_CWMP_TYPE_DATE_TIME",
    "base64": "HENB_CWMP_TYPE_BASE64",
    "hexBinary": "HENB_CWMP_TYPE_HEX_BINARY",
}

# "{{list}} Each item is ... with a numeric range between -60 and 50 inclusive ... '..'":
# the XML types these string lists and gives the item range only in the description.
ITEM_RANGE_RE = re.compile(r"numeric range between (-?\d+) and (-?\d+) inclusive")


def local(tag):
    return tag.rsplit("}", 1)[-1]


class Doc:
    def __init__(self, path):
        self.root = ET.parse(path).getroot()
        self.objects = {}
        self.data_types = {}
        self.profiles = {}
        for child in self.root:
            kind = local(child.tag)
            if kind == "dataType":
                self.data_types.setdefault(child.get("name"), child)
            elif kind == "model":
                for item in child:
                    if local(item.tag) == "object":
                        self.objects.setdefault(item.get("name"), item)
                    elif local(item.tag) == "profile":
                        self.profiles.setdefault(item.get("name"), item)


class Syntax:
    def __init__(self):
        self.type = None
        self.is_list = False
        self.min_items = 0
        self.list_max_length = 0
        self.max_length = 0
        self.ranges = None
        self.enumeration = None
        self.hidden = False
        self.default = None


def apply_facets(s, node):
    sizes, ranges, enums = [], [], []
    for child in node:
        kind = local(child.tag)
        if kind == "size":
            sizes.append(child.get("maxLength"))
        elif kind == "range":
            if child.get("step", "1") != "1":
                raise SystemExit("range step unsupported")
            ranges.append((child.get("minInclusive"), child.get("maxInclusive")))
        elif kind == "enumeration":
            enums.append(child.get("value"))
        elif kind in ("pattern", "enumerationRef", "pathRef", "instanceRef"):
            pass  # references and patterns: checked by meaning, not here
    if sizes:
        s.max_length = 0 if None in sizes else max(int(v) for v in sizes)
    if ranges:
        s.ranges = ranges
    if enums:
        s.enumeration = enums


def resolve_named(docs, doc, s, name):
    node = doc.data_types.get(name)
    found = doc
    if node is None:
        found = docs[TR106_FILE]
        node = found.data_types[name]
    if node.get("base"):
        resolve_named(docs, found, s, node.get("base"))
    for child in node:
        kind = local(child.tag)
        if kind == "list":
            apply_list(s, child)
        elif kind == "dataType" or kind in BASE_TYPES or kind == "decimal":
            resolve_type(docs, found, s, child)
    apply_facets(s, node)


def resolve_type(docs, doc, s, node):
    if local(node.tag) == "dataType":
        resolve_named(docs, doc, s, node.get("ref") or node.get("base"))
    else:
        s.type = local(node.tag)
    apply_facets(s, node)


def apply_list(s, node):
    s.is_list = True
    s.min_items = int(node.get("minItems", "0"))
    for child in node:
        if local(child.tag) == "size" and child.get("maxLength"):
            s.list_max_length = max(s.list_max_length, int(child.get("maxLength")))


def parse_syntax(docs, doc, node):
    s = Syntax()
    # TR-181 2.17 marks passwords secured="true"; older parameters say hidden="true"
    s.hidden = node.get("hidden") == "true" or node.get("secured") == "true"
    for child in node:
        kind = local(child.tag)
        if kind == "list":
            apply_list(s, child)
        elif kind == "default" and child.get("type") == "object":
            s.default = child.get("value")
        elif kind == "dataType" or kind in BASE_TYPES or kind == "decimal":
            resolve_type(docs, doc, s, child)
    if s.type not in BASE_TYPES:
        raise SystemExit("unsupported type %s" % s.type)
    return s


def c_string(value):
    if value is None:
        return "NULL"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def model_path(file, object_name, param):
    path = object_name + param
    return FAP_MOUNT + path if file == TR196_FILE else path


def excluded(schema_path, access):
    if any(schema_path.startswith(p) for p in EXCLUDED_PREFIXES):
        return True
    return access != "readOnly" and any(schema_path.startswith(p) for p in READ_ONLY_ONLY_PREFIXES)


def collect(docs):
    """[(file, object, param-name)] in profile order, each once."""
    seen, out = set(), []

    def add(file, object_name, param):
        key = (file, object_name + param)
        if key in seen:
            return
        node = find_param(docs[file], object_name, param)
        if excluded(object_name + param, node.get("access")):
            return
        seen.add(key)
        out.append((file, object_name, param))

    for file, profile in PROFILES:
        prof = docs[file].profiles[profile]
        for item in prof:
            if local(item.tag) != "object":
                continue
            for p in item:
                if local(p.tag) == "parameter":
                    add(file, item.get("ref"), p.get("ref"))
    for file, path in EXTRA_PARAMETERS:
        object_name, param = path.rsplit(".", 1)
        add(file, object_name + ".", param)
    return out


def find_param(doc, object_name, param):
    obj = doc.objects[object_name]
    for child in obj:
        if local(child.tag) == "parameter" and child.get("name") == param:
            return child
    raise SystemExit("%s%s is not defined" % (object_name, param))


def table_of(object_name):
    """The innermost "{i}." table of a schema path, except FAPService.{i} (instance 1 fixed)."""
    head = object_name
    if head.startswith("FAPService.{i}."):
        head = head[len("FAPService.{i}."):]
    if "{i}." not in head:
        return None
    return object_name[: object_name.rindex("{i}.") + len("{i}.")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--bbf-dir", required=True)
    args = parser.parse_args()

    docs = {f: Doc("%s/%s" % (args.bbf_dir, f)) for f in (TR196_FILE, TR181_FILE, TR106_FILE)}
    params = collect(docs)

    tables = {}
    for file, object_name, _ in params:
        t = table_of(object_name)
        if t is not None and t not in tables:
            obj = docs[file].objects[t]
            count = obj.get("numEntriesParameter")
            # "….EPC.PLMNList.{i}." is counted by "….EPC.PLMNListNumberOfEntries"
            table_object = t[:-len("{i}.")]
            parent = table_object[: table_object[:-1].rindex(".") + 1]
            max_entries = obj.get("maxEntries")
            cap = int(max_entries) if max_entries and max_entries != "unbounded" else TABLE_CAPS[t]
            tables[t] = (file, parent, count, cap)

    out = []
    w = out.append
    w("/* SPDX-License-Identifier: GPL-2.0-or-later */")
    w("/*")
    w(" * GENERATED by core/cwmp/gen-fap-model.py from the Broadband Forum XML; do not edit.")
    w(" * Regenerate with:")
    w(" *   core/cwmp/gen-fap-model.py --bbf-dir ../shared/spec/bbf > core/cwmp/henb-datamodel-fap.c")
    w(" * (test-datamodel-bbf reruns it and fails when this file differs.)")
    w(" *")
    w(" * Profiles:")
    for file, profile in PROFILES:
        w(" *   %s %s" % (file, profile))
    w(" * and, named by issue 11 but in none of them:")
    for file, path in EXTRA_PARAMETERS:
        w(" *   %s %s" % (file, path))
    w(" * Left out (hand-written in henb-datamodel-defs.c, or not served):")
    for prefix in EXCLUDED_PREFIXES:
        w(" *   %s" % prefix)
    for prefix in READ_ONLY_ONLY_PREFIXES:
        w(" *   the writable parameters under %s" % prefix)
    w(" */")
    w('#include "config.h"')
    w("")
    w('#include "henb-datamodel-fap.h"')
    w("")

    entries = []
    for n, (file, object_name, param) in enumerate(params):
        node = find_param(docs[file], object_name, param)
        s = parse_syntax(docs, docs[file], node.find("./{*}syntax"))
        access = node.get("access")
        writable = access in ("readWrite", "writeOnceReadOnly")
        flags = []
        table = table_of(object_name)
        is_count = any(param == t[2] and object_name == t[1] for t in tables.values())
        # "MaxPLMNListEntries" beside the table: reads the table's bound
        max_of = [t for t, v in tables.items()
                  if object_name == v[1] and param == "Max" + t[len(v[1]):-len(".{i}.")] + "Entries"]
        if writable:
            flags += ["HENB_DM_FLAG_WRITABLE", "HENB_DM_FLAG_PERSISTENT", "HENB_DM_FLAG_CELL_CONFIG"]
        elif not is_count and not max_of:
            flags.append("HENB_DM_FLAG_RADIO_STATUS")
        if node.get("forcedInform") == "true":
            flags.append("HENB_DM_FLAG_FORCED_INFORM")
        # activeNotify="forceDefaultEnabled" is not followed for the cell's status (README: Data
        # model): the radio stack's reports are notified when the HeMS asks for it
        if s.hidden:
            flags.append("HENB_DM_FLAG_HIDDEN")
        if s.is_list:
            flags.append("HENB_DM_FLAG_LIST")

        syntax = "HENB_DM_SYNTAX_PLAIN"
        ranges = s.ranges
        if s.type == "string" and s.is_list:
            desc = " ".join((node.findtext("./{*}description") or "").split())
            m = ITEM_RANGE_RE.search(desc)
            if m and '".."' in desc:
                syntax = "HENB_DM_SYNTAX_INT_OR_RANGE"
                ranges = [(m.group(1), m.group(2))]
        if param == "PLMNID":
            syntax = "HENB_DM_SYNTAX_PLMNID"

        default = s.default
        if max_of:
            default = str(tables[max_of[0]][3])
        elif default is None and s.type == "boolean":
            default = "false"

        enum_ref = "NULL"
        if s.enumeration:
            enum_ref = "enum_%d" % n
            w("static const gchar *const %s[] = { %s, NULL };"
              % (enum_ref, ", ".join(c_string(v) for v in s.enumeration)))
        ranges_ref, n_ranges = "NULL", 0
        has_range, lo, hi = "FALSE", "0", "0"
        if ranges:
            los = [int(r[0]) if r[0] is not None else None for r in ranges]
            his = [int(r[1]) if r[1] is not None else None for r in ranges]
            type_lo = {"int": -2**31, "long": -2**63}.get(s.type, 0)
            type_hi = {"int": 2**31 - 1, "unsignedInt": 2**32 - 1, "long": 2**63 - 1}.get(s.type, 2**63 - 1)
            los = [type_lo if v is None else v for v in los]
            his = [type_hi if v is None else v for v in his]
            has_range, lo, hi = "TRUE", "%dLL" % min(los), "%dLL" % max(his)
            if len(ranges) > 1:
                ranges_ref, n_ranges = "ranges_%d" % n, len(ranges)
                w("static const HenbDmRange %s[] = { %s };"
                  % (ranges_ref, ", ".join("{ %dLL, %dLL }" % r for r in zip(los, his))))
        if s.is_list:
            ctype = "HENB_CWMP_TYPE_STRING"
            item_type = BASE_TYPES[s.type]
            max_length, item_max_length = s.list_max_length, s.max_length
        else:
            ctype = BASE_TYPES[s.type]
            item_type = "HENB_CWMP_TYPE_NONE"
            max_length, item_max_length = s.max_length, 0
        entries.append("    { %s, %s, %s, %d, %d, %s, %s, %s, %s, %s, %s, %s, %d, %s, %d },"
                       % (c_string(model_path(file, object_name, param)), ctype,
                          " | ".join(flags) if flags else "HENB_DM_FLAG_NONE",
                          max_length, s.min_items, has_range, lo, hi, enum_ref, syntax,
                          c_string(default), item_type, item_max_length, ranges_ref, n_ranges))

    w("")
    w("const HenbDmParamDef henb_dm_fap_definitions[] = {")
    out.extend(entries)
    w("};")
    w("const guint henb_dm_fap_n_definitions = G_N_ELEMENTS (henb_dm_fap_definitions);")
    w("")
    w("const HenbDmTableDef henb_dm_fap_tables[] = {")
    for t, (file, parent, count, cap) in tables.items():
        w("    { %s, %s, %d }," % (c_string(model_path(file, t, "")),
                                  c_string(model_path(file, parent, count)), cap))
    w("};")
    w("const guint henb_dm_fap_n_tables = G_N_ELEMENTS (henb_dm_fap_tables);")
    sys.stdout.write("\n".join(out) + "\n")
    print("%d parameters, %d tables" % (len(entries), len(tables)), file=sys.stderr)


if __name__ == "__main__":
    main()
