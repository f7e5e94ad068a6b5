#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A radio stack's client of the cell through Henb-1.0 (libhenb-glib over GObject introspection).

radio_gi_client.py watch FILE: one JSON line per cell-configuration-changed (the signal's key
  and configuration, and what the client's properties hold in the handler), and per change
  of cell-configuration-key, written to FILE as they come; "ready" once connected.
radio_gi_client.py report NAME=VALUE...: henb_client_report_status; prints "ok", or the
  error's D-Bus name and message; exit status 0 or 1.
"""
import json
import sys

import gi

gi.require_version("Henb", "1.0")
gi.require_version("Gio", "2.0")
from gi.repository import GLib, Gio, Henb  # noqa: E402

bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
client = Henb.Client.new_sync(bus, None)
loop = GLib.MainLoop()


def watch(path):
    out = open(path, "a", encoding="utf-8")

    def write(record):
        out.write(json.dumps(record, sort_keys=True) + "\n")
        out.flush()

    def on_changed(c, key, configuration):
        write({
            "signal": "cell-configuration-changed",
            "key": key,
            "configuration": dict(configuration),
            "property_key": c.get_cell_configuration_key(),
            "property_configuration": dict(c.dup_cell_configuration()),
            "admin_state": c.get_cell_admin_state(),
        })

    def on_key(c, _pspec):
        write({"notify": "cell-configuration-key", "value": c.props.cell_configuration_key})

    client.connect("cell-configuration-changed", on_changed)
    def on_admin(c, _pspec):
        write({"notify": "cell-admin-state", "value": c.get_cell_admin_state()})

    client.connect("notify::cell-configuration-key", on_key)
    client.connect("notify::cell-admin-state", on_admin)
    write({"ready": True, "backend": client.get_radio_backend(),
           "status": dict(client.dup_cell_status())})
    loop.run()


def report(assignments):
    values = {}
    for a in assignments:
        name, _, value = a.partition("=")
        values[name] = value
    result = {}

    def done(c, res):
        try:
            c.report_status_finish(res)
            result["out"] = "ok"
        except GLib.Error as e:
            result["out"] = "error %s: %s" % (Gio.DBusError.encode_gerror(e), e.message)
        loop.quit()

    client.report_status(values, None, done)
    loop.run()
    print(result["out"])
    return 0 if result["out"] == "ok" else 1


if sys.argv[1] == "watch":
    watch(sys.argv[2])
else:
    sys.exit(report(sys.argv[2:]))
