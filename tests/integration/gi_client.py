#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Drives henbd through Henb-1.0 (libhenb-glib via GObject introspection); prints TAP."""
import os

import gi

gi.require_version("Henb", "1.0")
gi.require_version("Gio", "2.0")
from gi.repository import GLib, Gio, Henb  # noqa: E402

n = 0
failed = 0


def check(description, condition, detail=""):
    global n, failed
    n += 1
    if condition:
        print("ok %d - %s" % (n, description))
    else:
        failed += 1
        print("not ok %d - %s" % (n, description))
        if detail:
            print("#   %s" % detail)


bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
client = Henb.Client.new_sync(bus, None)
check("henbd is running", client.is_running())
check("state idle before Start", client.get_state() == Henb.State.IDLE, str(client.get_state()))
check("discovery variant", client.get_discovery_variant() == Henb.DiscoveryVariant.PUBLIC_INTERNET)
check("state nick via the enum helper", Henb.state_to_string(Henb.State.S1_SETUP) == "s1-setup")

loop = GLib.MainLoop()
changes = []
notified = set()


def on_state_changed(_client, old, new, reason):
    changes.append((old, new, reason))
    if new in (int(Henb.State.REGISTERED), int(Henb.State.FAILED)):
        loop.quit()


client.connect("state-changed", on_state_changed)
client.connect("notify", lambda _c, pspec: notified.add(pspec.name))
# a bound on failure, stretched under sanitizers like every deadline of the suite
GLib.timeout_add_seconds(30 * int(os.environ.get("HENB_TIMEOUT_SCALE", "1")), loop.quit)


def started(source, result):
    check("start (async) accepted", source.start_finish(result))


client.start(None, started)
loop.run()

check("registered", client.get_state() == Henb.State.REGISTERED,
      "state %s, last error %s" % (client.get_state(), client.get_last_error_name()))
check("state-changed saw every stage in order",
      [c[1] for c in changes] == [2, 3, 4, 5, 6], str(changes))
check("state-changed reason: user-requested for Start, then progress",
      [c[2] for c in changes] == [int(Henb.StateChangeReason.USER_REQUESTED)] + [int(Henb.StateChangeReason.PROGRESS)] * 4,
      str(changes))
check("notify for the serving values", {"serving-hems-url", "s1-addresses", "percentage"} <= notified,
      str(sorted(notified)))
steps = client.dup_completed_steps()
check("13 completed steps as HenbStepInfo", len(steps) == 13)
check("first step is 5.1.2.3/1.1-1.2 resolve-initial-hems",
      steps[0].get_id() == "5.1.2.3/1.1-1.2" and steps[0].get_name() == "resolve-initial-hems")
check("steps carry start time and duration",
      all(s.get_start_time() > 0 and s.get_duration() > 0 for s in steps))
check("the resolve step's detail names what it found",
      steps[0].get_detail().startswith("hems.henb.test is "), steps[0].get_detail())
check("all steps ok but the serving tunnel, skipped without a Serving SeGW",
      [s.get_name() for s in steps if s.get_result() != Henb.StepResult.OK]
      == ["resolve-serving-segw", "tunnel-serving-segw"]
      and all(s.get_result() in (Henb.StepResult.OK, Henb.StepResult.SKIPPED) for s in steps))
check("serving HeMS URL", client.get_serving_hems_url() == "https://serving.henb.test:7548/cwmp")
check("no serving SeGW", list(client.get_security_gateways()) == [])
check("S1 addresses", list(client.get_s1_addresses()) == ["10.40.0.1"])
check("S1 IPsec indicator", client.get_s1_ipsec() is False)
check("percentage 100", client.props.percentage == 100, str(client.props.percentage))
check("no last error", client.dup_last_error() is None)
check("the state file is saved: no state-file-write-error",
      client.dup_state_file_write_error() is None and client.props.state_file_write_error is None
      and client.get_state_file_write_error_name() == (False, "", ""),
      str(client.get_state_file_write_error_name()))

try:
    client.cancel_sync(None)
    check("cancel when nothing runs raises", False)
except GLib.Error as e:
    check("cancel when nothing runs raises HenbCoreError.WRONG_STATE",
          e.matches(Henb.core_error_quark(), int(Henb.CoreError.WRONG_STATE)),
          "%s %s %s" % (e.domain, e.code, e.message))

print("1..%d" % n)
raise SystemExit(1 if failed else 0)
