#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Drives henbd through Henb-1.0 (libhenb-glib via GObject introspection); prints TAP."""
import glob
import os
import xml.etree.ElementTree as ET

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



def uscore(name):
    """A D-Bus member name as gdbus-codegen turns it into a GObject name (S1IPsec -> s1_ipsec)."""
    out, prev_lower = "", False
    for c in name:
        if c.isupper():
            if prev_lower:
                out += "_"
            prev_lower = False
        else:
            prev_lower = True
        out += c.lower()
    return out


# D-Bus properties whose HenbClient property is not named by the rule below
RENAMED = {
    ("org.henbd.HeNB1.Procedure", "CurrentStep"): ["current-step-id", "current-step-name"],
    ("org.henbd.HeNB1.Radio", "Configuration"): ["cell-configuration"],
    ("org.henbd.HeNB1.Radio", "ConfigurationKey"): ["cell-configuration-key"],
    ("org.henbd.HeNB1.Radio", "AdminState"): ["cell-admin-state"],
    ("org.henbd.HeNB1.Radio", "Status"): ["cell-status"],
    ("org.henbd.HeNB1.ConnectionRequest", "Transports"): ["cr-transports"],
}
client_props = {p.name for p in Henb.Client.list_properties()}


def client_property_names(interface, prop):
    """The HenbClient properties of a D-Bus property: its own name, or with the interface's
    last name as prefix (Tunnel.Active -> tunnel-active); [] when there is none."""
    if (interface, prop) in RENAMED:
        return RENAMED[(interface, prop)]
    own = uscore(prop).replace("_", "-")
    prefixed = uscore(interface.rsplit(".", 1)[1]).replace("_", "-") + "-" + own
    for candidate in (prefixed, own):
        if candidate in client_props:
            return [candidate]
    return []


# every property of every interface henbd exports, from the introspection XML
dbus_properties = []
for path in sorted(glob.glob(os.path.join(os.environ["HENB_INTROSPECTION_DIR"], "org.henbd.*.xml"))):
    for iface in ET.parse(path).getroot().iter("interface"):
        for prop in iface.iter("property"):
            dbus_properties.append((iface.get("name"), prop.get("name"), prop.get("type")))
check("the introspection XML has the interfaces' properties (%d)" % len(dbus_properties),
      len(dbus_properties) >= 40, str(dbus_properties))
missing = ["%s.%s" % (i, p) for i, p, _t in dbus_properties if not client_property_names(i, p)]
check("every D-Bus property has a HenbClient property", not missing,
      "no GObject property for: " + ", ".join(missing))
claimed = {}
for i, p, _t in dbus_properties:
    for name in client_property_names(i, p):
        claimed.setdefault(name, []).append("%s.%s" % (i, p))
shared = {name: owners for name, owners in claimed.items() if len(owners) > 1}
check("no HenbClient property stands for two D-Bus properties", not shared, str(shared))
no_getter = [name for i, p, _t in dbus_properties for name in client_property_names(i, p)
             if not any(hasattr(client, v + "_" + name.replace("-", "_")) for v in ("get", "dup", "is"))]
check("every such property has a getter", not no_getter, "no getter for: " + ", ".join(no_getter))

loop = GLib.MainLoop()
changes = []
notified = set()
# what henbd announced on the bus during the run, as busctl monitor would see it
bus_changed = set()


def on_properties_changed(_conn, _sender, _path, _iface, _signal, params):
    interface, changed, invalidated = params.unpack()
    bus_changed.update((interface, name) for name in list(changed) + list(invalidated))


bus.signal_subscribe("org.henbd.HeNB1", "org.freedesktop.DBus.Properties", "PropertiesChanged",
                     "/org/henbd/HeNB1", None, Gio.DBusSignalFlags.NONE, on_properties_changed)


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



def get_all(interface):
    reply = bus.call_sync("org.henbd.HeNB1", "/org/henbd/HeNB1", "org.freedesktop.DBus.Properties",
                          "GetAll", GLib.Variant("(s)", (interface,)), None, Gio.DBusCallFlags.NONE,
                          -1, None)
    return reply.unpack()[0]


def as_bus_value(value, dbus_type):
    """A HenbClient property's value in the D-Bus property's form."""
    if isinstance(value, GLib.Error):
        return (Gio.DBusError.encode_gerror(value), value.message)
    if value is None and dbus_type == "(ss)":
        return ("", "")
    if hasattr(value, "value_nick"):  # an enum: its number, or its nick for a string property
        return value.value_nick if dbus_type == "s" else int(value)
    if dbus_type == "a(sssxts)":
        return [(s.get_id(), s.get_name(), Henb.step_result_to_string(s.get_result()),
                 s.get_start_time(), s.get_duration(), s.get_detail()) for s in value]
    if dbus_type == "as":
        return list(value or [])
    if dbus_type == "a{ss}":
        return dict(value or {})
    if isinstance(value, GLib.Variant):
        # structures and arrays of them as the bus gives them (lists of tuples)
        unpacked = value.unpack()
        return [tuple(v) for v in unpacked] if isinstance(unpacked, list) else unpacked
    return value


# A round trip: henbd's replies come after the signals it sent before, so once it is back and
# the main context is drained, every PropertiesChanged of the run reached the proxies.
bus_values = {}
for interface in sorted({i for i, _p, _t in dbus_properties}):
    for name, value in get_all(interface).items():
        bus_values[(interface, name)] = value
context = GLib.MainContext.default()
while context.pending():
    context.iteration(False)

differ = []
for interface, prop, dbus_type in dbus_properties:
    names = client_property_names(interface, prop)
    if not names or (interface, prop) not in bus_values:
        continue
    values = [as_bus_value(client.get_property(n), dbus_type) for n in names]
    mine = tuple(values) if len(values) > 1 else values[0]
    theirs = bus_values[(interface, prop)]
    if dbus_type == "a(sssxts)" or dbus_type.startswith("a("):
        theirs = [tuple(t) for t in theirs]
    if mine != theirs:
        differ.append("%s.%s: bus %r, client %r" % (interface, prop, theirs, mine))
check("every HenbClient property reads what the bus says (%d properties)" % len(bus_values),
      not differ and len(bus_values) >= len(dbus_properties) - len(missing), "; ".join(differ))
unnotified = sorted("%s.%s" % (i, p) for i, p in bus_changed
                    for n in client_property_names(i, p) if n not in notified)
check("each D-Bus property that changed during the run was notified (%d changed)" % len(bus_changed),
      bus_changed and not unnotified, "no notify for: " + ", ".join(unnotified))
check("completed-steps is a typed array of HenbStepInfo",
      len(client.props.completed_steps) == 13
      and all(isinstance(s, Henb.StepInfo) for s in client.props.completed_steps)
      and client.props.completed_steps[0].get_name() == "resolve-initial-hems")


def wait_for(condition):
    """Runs the main loop until condition() holds or the suite's deadline passes."""
    deadline = GLib.get_monotonic_time() + 30 * 1000000 * int(os.environ.get("HENB_TIMEOUT_SCALE", "1"))
    while not condition() and GLib.get_monotonic_time() < deadline:
        context.iteration(True)
    return condition()


# the agent listens for Connection Requests once registered, a moment after the state says so
GLib.timeout_add(100, lambda: True)  # wakes the loop to look at the deadline
check("the Management values of a registered HeNB",
      wait_for(lambda: client.props.connection_request_url != "")
      and client.get_connection_request_url().startswith("http://")
      and client.get_retry_count() == 0 and client.props.next_attempt == 0,
      "%r %r %r" % (client.props.connection_request_url, client.get_retry_count(), client.props.next_attempt))
check("version macros in the typelib", (Henb.GLIB_MAJOR_VERSION, Henb.GLIB_MINOR_VERSION) >= (0, 3),
      "%s.%s" % (Henb.GLIB_MAJOR_VERSION, Henb.GLIB_MINOR_VERSION))

try:
    client.cancel_sync(None)
    check("cancel when nothing runs raises", False)
except GLib.Error as e:
    check("cancel when nothing runs raises HenbCoreError.WRONG_STATE",
          e.matches(Henb.core_error_quark(), int(Henb.CoreError.WRONG_STATE)),
          "%s %s %s" % (e.domain, e.code, e.message))

# henbd goes away (SIGTERM): the client says so and its properties fall back to their
# defaults, each with a notify, as a panel showing them needs
notified.clear()
os.kill(int(os.environ["HENBD_PID"]), 15)
check("running turns false when henbd leaves the bus", wait_for(lambda: not client.is_running()))
check("state unknown, the serving values gone",
      wait_for(lambda: client.get_state() == Henb.State.UNKNOWN and client.get_serving_hems_url() == ""
               and list(client.get_s1_addresses()) == [] and len(client.dup_completed_steps()) == 0),
      "%s %r" % (client.get_state(), client.get_serving_hems_url()))
check("notify for running, state and the values that were set",
      {"running", "state", "serving-hems-url", "s1-addresses", "completed-steps", "percentage"} <= notified,
      str(sorted(notified)))

print("1..%d" % n)
raise SystemExit(1 if failed else 0)
