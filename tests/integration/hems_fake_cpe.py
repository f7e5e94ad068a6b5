#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A scripted CPE for hems-script.sh: plays, over plain HTTP, the CPE's side of the sessions
whose HeMS side that test's selftest.script describes, for the script features henbd cannot
drive yet. Prints one line per session (what the CPE saw) and saves every envelope
the HeMS sent in OUT_DIR for XSD validation.

usage: hems_fake_cpe.py HOST PORT OUT_DIR CONNECTION_REQUEST_URL HEMS_LOG
"""
import http.client
import os
import socket
import sys
import time
import xml.dom.minidom as minidom

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
NS = {"1.0": "urn:dslforum-org:cwmp-1-0", "1.2": "urn:dslforum-org:cwmp-1-2"}
UNKNOWN_TIME = "0001-01-01T00:00:00Z"

HOST, PORT, OUT_DIR, CR_URL = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
HEMS_LOG = sys.argv[5]
# a bound on failure, stretched under sanitizers like every deadline of the suite
SCALE = int(os.environ.get("HENB_TIMEOUT_SCALE", "1"))
saved = 0


def wait_logged(text, timeout=10):
    """Until the HeMS's log has TEXT: it noticed what the CPE did (it polls its sockets)."""
    end = time.monotonic() + timeout * SCALE
    while time.monotonic() < end:
        with open(HEMS_LOG, errors="replace") as f:
            if text in f.read():
                return
        time.sleep(0.02)
    print(f"the HeMS never logged {text!r}")


def envelope(body, version="1.2", cwmp_id="cpe-1"):
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<soap-env:Envelope xmlns:soap-env="{SOAP_ENV}" xmlns:cwmp="{NS[version]}" '
            f'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
            f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xmlns:soap-enc="http://schemas.xmlsoap.org/soap/encoding/">'
            f'<soap-env:Header><cwmp:ID soap-env:mustUnderstand="1">{cwmp_id}</cwmp:ID></soap-env:Header>'
            f'<soap-env:Body>{body}</soap-env:Body></soap-env:Envelope>').encode()


def inform(events, version="1.2"):
    evs = "".join(f"<EventStruct><EventCode>{c}</EventCode><CommandKey>{k}</CommandKey></EventStruct>"
                  for c, k in events)
    params = (f"<ParameterValueStruct><Name>Device.ManagementServer.ConnectionRequestURL</Name>"
              f'<Value xsi:type="xsd:string">{CR_URL}</Value></ParameterValueStruct>')
    return envelope(
        "<cwmp:Inform><DeviceId><Manufacturer>fake</Manufacturer><OUI>00005A</OUI>"
        "<ProductClass>HeNB</ProductClass><SerialNumber>FAKE-1</SerialNumber></DeviceId>"
        f'<Event soap-enc:arrayType="cwmp:EventStruct[{len(events)}]">{evs}</Event>'
        f"<MaxEnvelopes>1</MaxEnvelopes><CurrentTime>{UNKNOWN_TIME}</CurrentTime>"
        f'<RetryCount>0</RetryCount><ParameterList soap-enc:arrayType="cwmp:ParameterValueStruct[1]">'
        f"{params}</ParameterList></cwmp:Inform>", version)


def transfer_complete(key, code=0, string=""):
    return envelope(f"<cwmp:TransferComplete><CommandKey>{key}</CommandKey><FaultStruct>"
                    f"<FaultCode>{code}</FaultCode><FaultString>{string}</FaultString></FaultStruct>"
                    f"<StartTime>{UNKNOWN_TIME}</StartTime><CompleteTime>{UNKNOWN_TIME}</CompleteTime>"
                    "</cwmp:TransferComplete>")


class Reply:
    """What the HeMS answered: the HTTP status and, for an envelope, its message and headers."""

    def __init__(self, response, data):
        self.status = response.status
        self.location = response.getheader("Location")
        self.challenge = response.getheader("WWW-Authenticate") or ""
        self.method, self.fault, self.ns, self.id, self.args, self.headers = None, None, None, None, [], {}
        if not data:
            return
        root = minidom.parseString(data).documentElement
        header = [c for c in root.childNodes if c.nodeType == c.ELEMENT_NODE and c.localName == "Header"]
        for h in (header[0].childNodes if header else []):
            if h.nodeType == h.ELEMENT_NODE:
                self.headers[h.localName] = h.firstChild.data if h.firstChild else ""
        self.id = self.headers.get("ID")
        body = [c for c in root.childNodes if c.nodeType == c.ELEMENT_NODE and c.localName == "Body"][0]
        rpc = [c for c in body.childNodes if c.nodeType == c.ELEMENT_NODE][0]
        self.method = rpc.localName
        if rpc.localName == "Fault":
            cwmp_fault = rpc.getElementsByTagNameNS("*", "Fault")[0]
            self.ns = cwmp_fault.namespaceURI
            self.fault = cwmp_fault.getElementsByTagName("FaultCode")[0].firstChild.data
        else:
            self.ns = rpc.namespaceURI
            self.args = [s.firstChild.data for s in rpc.getElementsByTagName("string") if s.firstChild]

    def __str__(self):
        if self.method is None:
            return f"{self.status}" + (f" {self.location}" if self.location else "")
        text = f"{self.method} {self.fault}" if self.fault else self.method
        return text + "".join(f" {h}={v}" for h, v in sorted(self.headers.items()) if h != "ID")


class Session:
    def __init__(self):
        self.conn = http.client.HTTPConnection(HOST, PORT, timeout=5 * SCALE)
        self.cookie = None

    def post(self, body=b""):
        global saved
        headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": ""} if body else {}
        if self.cookie:
            headers["Cookie"] = self.cookie
        self.conn.request("POST", "/cwmp", body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.getheader("Set-Cookie"):
            self.cookie = response.getheader("Set-Cookie").split(";")[0]
        reply = Reply(response, data)
        if data:
            saved += 1
            with open(os.path.join(OUT_DIR, f"{saved:04d}-received-{reply.method}.xml"), "wb") as f:
                f.write(data)
        return reply


# canned answers to what the HeMS asks
def answer(reply, version="1.2"):
    names = reply.args or ["Device.X"]
    bodies = {
        "GetRPCMethods": '<cwmp:GetRPCMethodsResponse><MethodList soap-enc:arrayType="xsd:string[1]">'
                         "<string>GetRPCMethods</string></MethodList></cwmp:GetRPCMethodsResponse>",
        "GetParameterValues": '<cwmp:GetParameterValuesResponse><ParameterList soap-enc:arrayType='
                              f'"cwmp:ParameterValueStruct[1]"><ParameterValueStruct><Name>{names[0]}</Name>'
                              '<Value xsi:type="xsd:string">v</Value></ParameterValueStruct>'
                              "</ParameterList></cwmp:GetParameterValuesResponse>",
        "SetParameterAttributes": "<cwmp:SetParameterAttributesResponse/>",
        "GetParameterAttributes": '<cwmp:GetParameterAttributesResponse><ParameterList soap-enc:arrayType='
                                  f'"cwmp:ParameterAttributeStruct[1]"><ParameterAttributeStruct><Name>{names[0]}'
                                  "</Name><Notification>2</Notification><AccessList soap-enc:arrayType="
                                  '"xsd:string[1]"><string>Subscriber</string></AccessList>'
                                  "</ParameterAttributeStruct></ParameterList></cwmp:GetParameterAttributesResponse>",
        "AddObject": "<cwmp:AddObjectResponse><InstanceNumber>3</InstanceNumber><Status>0</Status>"
                     "</cwmp:AddObjectResponse>",
        "DeleteObject": "<cwmp:DeleteObjectResponse><Status>0</Status></cwmp:DeleteObjectResponse>",
        "Reboot": "<cwmp:RebootResponse/>",
        "FactoryReset": "<cwmp:FactoryResetResponse/>",
        "ScheduleInform": "<cwmp:ScheduleInformResponse/>",
        "Download": f"<cwmp:DownloadResponse><Status>1</Status><StartTime>{UNKNOWN_TIME}</StartTime>"
                    f"<CompleteTime>{UNKNOWN_TIME}</CompleteTime></cwmp:DownloadResponse>",
    }
    return envelope(bodies[reply.method], version, reply.id)


def serve(s, reply, limit=20):
    """Answers the HeMS's requests until it ends the session; returns what it asked."""
    seen = []
    while reply.method is not None and len(seen) < limit:
        seen.append(str(reply))
        reply = s.post(answer(reply))
    return seen + [str(reply)]


def report(number, *what):
    print(f"session {number}:", " ".join(str(w) for w in what), flush=True)


BOOT = [("1 BOOT", "")]

# 1: the Inform refused with a fault
s = Session()
report(1, s.post(inform(BOOT)))
# 2: the Inform answered with an empty 204
report(2, Session().post(inform(BOOT)))
# 3: a challenge on the Inform, then every other request a HeMS can send
s = Session()
first = s.post(inform(BOOT))
again = s.post(inform(BOOT))
report(3, first.status, "stale" if "stale=true" in first.challenge else "fresh", again, *serve(s, s.post()))
# 4: a TransferComplete refused, then a redirect
s = Session()
report(4, s.post(inform([("7 TRANSFER COMPLETE", ""), ("M Download", "dl-1")])),
       s.post(transfer_complete("dl-1")), s.post())
# 5: a challenge on the TransferComplete, then it is accepted; then an HTTP error
s = Session()
r = s.post(inform([("7 TRANSFER COMPLETE", "")]))
first = s.post(transfer_complete("dl-2", 9010, "Download failed"))
report(5, r, first, s.post(transfer_complete("dl-2", 9010, "Download failed")), s.post())
# 6, 7: a HeMS that only speaks cwmp-1-0
r = Session().post(inform(BOOT))
report(6, r, r.ns)
s = Session()
r = s.post(inform(BOOT, "1.0"))
gpv = s.post()
wrong = s.post(answer(gpv, "1.2"))
report(7, r, r.ns, gpv, gpv.ns, wrong, wrong.ns, s.post())
# 8: UseCWMPVersion, then a HeMS that never lets go; the CPE hangs up
s = Session()
r = s.post(inform(BOOT))
report(8, r, r.ns, *serve(s, s.post(), limit=3))
s.conn.close()
wait_logged("[session 8] connection closed")
# 9: HoldRequests, then a HeMS that never answers
s = Session()
r = s.post(inform(BOOT))
s.conn.timeout = 1
s.conn.sock.settimeout(1)
try:
    late = s.post()
except socket.timeout:
    late = "no answer"
s.conn.close()
wait_logged("[session 9] connection closed")
report(9, r, late)
# 10, 11: a session left open while the next starts; the next one's connection reset
left = Session()
r = left.post(inform(BOOT))
report(10, r, left.post())
s = Session()
r = s.post(inform(BOOT))
try:
    late = s.post()
except (ConnectionResetError, http.client.RemoteDisconnected) as e:
    late = type(e).__name__
report(11, r, late)
wait_logged("[session 11] -> connection reset")
left.conn.close()
# 12: released; the HeMS then makes Connection Requests to CR_URL
s = Session()
report(12, s.post(inform(BOOT)), s.post())
