# SPDX-License-Identifier: GPL-2.0-or-later
# GenieACS as a real HeMS in the integration tests (sourced after common.sh). One minimongod
# (in-memory MongoDB stand-in) and one GenieACS (cwmp over HTTPS with the test PKI, nbi) per
# HeMS role, on the role's loopback address; logs in the work folder; stopped by the EXIT
# trap. GenieACS is configured only through its NBI, as operators do: provisions with
# declare(), presets keyed on Inform events, tasks with ?connection_request.
# Outside CI a missing Node.js or a failed build skips the test; with CI=true it fails it.

GENIEACS_CWMP_PORT_initial=7547
GENIEACS_CWMP_PORT_serving=7548
GENIEACS_NBI_PORT=7557
GENIEACS_MONGO_PORT=27017

genieacs_unavailable() {
    if [ "${CI:-}" = true ]; then
        echo "Bail out! $1"
        exit 1
    fi
    skip_all "$1"
}

# genieacs_require: builds GenieACS once per machine (tests/tools/genieacs-build, cached and
# locked) and sets GENIEACS_HOME
genieacs_require() {
    local rc=0 start=$SECONDS
    GENIEACS_HOME=$("$HENB_TOOLS_DIR/genieacs-build" 2>"$WORK/genieacs-build.out") || rc=$?
    case $rc in
    0) echo "# GenieACS: $GENIEACS_HOME ($(( SECONDS - start )) s)" ;;
    77) genieacs_unavailable "GenieACS: $(tail -1 "$WORK/genieacs-build.out")" ;;
    *) sed 's/^/# /' "$WORK/genieacs-build.out"
       genieacs_unavailable "GenieACS did not build (tests/tools/genieacs-build)" ;;
    esac
}

genieacs_ip() { case $1 in initial) echo "$INITIAL_IP";; serving) echo "$SERVING_IP";; esac; }
genieacs_nbi_url() { echo "http://$(genieacs_ip "$1"):$GENIEACS_NBI_PORT"; }

# genieacs_mongo ROLE 'JS': runs JS with `db` bound to ROLE's database (the test's own
# plumbing: the debug switch, which has no NBI resource)
genieacs_mongo() {
    NODE_PATH=$GENIEACS_HOME/genieacs/dist/node_modules node -e "
        const { MongoClient } = require('mongodb');
        (async () => {
            const c = await MongoClient.connect(process.argv[1]);
            const db = c.db();
            $2;
            await c.close();
        })().catch((e) => { console.error(e); process.exit(1); });" \
        "mongodb://$(genieacs_ip "$1"):$GENIEACS_MONGO_PORT/genieacs-$1"
}

# start_genieacs ROLE (initial|serving): minimongod, then genieacs-cwmp (HTTPS, hems-dns
# certificate, the port henbd's URLs name) and genieacs-nbi, each logging to
# genieacs-ROLE-*.log; GenieACS's HTTP debug log (every envelope, every Connection Request)
# goes to genieacs-ROLE-debug.yaml. GENIEACS_ENV adds environment variables (e.g. its XMPP account).
start_genieacs() {
    local role=$1 ip cwmp_port mongo_url p
    ip=$(genieacs_ip "$role")
    eval "cwmp_port=\$GENIEACS_CWMP_PORT_$role"
    mongo_url=mongodb://$ip:$GENIEACS_MONGO_PORT/genieacs-$role

    HOST=$ip node "$GENIEACS_HOME/minimongod/minimongod.js" $GENIEACS_MONGO_PORT \
        >"$WORK/genieacs-$role-mongo.log" 2>&1 &
    PIDS+=($!)
    wait_for 20 grep -q listening "$WORK/genieacs-$role-mongo.log" ||
        { echo "Bail out! minimongod ($role) did not start: $(tail -3 "$WORK/genieacs-$role-mongo.log")"; exit 1; }
    # GENIEACS_DEBUG=0 (load tests): no envelope log, which would cost GenieACS more than the sessions
    if [ "${GENIEACS_DEBUG:-1}" = 1 ]; then
        genieacs_mongo "$role" "await db.collection('config').insertOne({_id: 'cwmp.debug', value: 'true'})" ||
            { echo "Bail out! minimongod ($role) refused the debug switch"; exit 1; }
    fi

    mkdir -p "$WORK/genieacs-ext"
    for p in cwmp nbi; do
        env ${GENIEACS_ENV:-} GENIEACS_MONGODB_CONNECTION_URL="$mongo_url" \
            GENIEACS_EXT_DIR="$WORK/genieacs-ext" \
            GENIEACS_DEBUG_FILE="$WORK/genieacs-$role-debug.yaml" \
            GENIEACS_CWMP_WORKER_PROCESSES=1 GENIEACS_NBI_WORKER_PROCESSES=1 \
            GENIEACS_CWMP_INTERFACE="$ip" GENIEACS_CWMP_PORT="$cwmp_port" \
            GENIEACS_CWMP_SSL_CERT="$WORK/pki/hems-dns.pem" GENIEACS_CWMP_SSL_KEY="$WORK/pki/hems-dns.key" \
            GENIEACS_NBI_INTERFACE="$ip" GENIEACS_NBI_PORT=$GENIEACS_NBI_PORT \
            GENIEACS_CWMP_LOG_FILE="$WORK/genieacs-$role-cwmp.log" \
            GENIEACS_CWMP_ACCESS_LOG_FILE="$WORK/genieacs-$role-cwmp-access.log" \
            GENIEACS_NBI_LOG_FILE="$WORK/genieacs-$role-nbi.log" \
            GENIEACS_NBI_ACCESS_LOG_FILE="$WORK/genieacs-$role-nbi-access.log" \
            node "$GENIEACS_HOME/genieacs/dist/bin/genieacs-$p" >>"$WORK/genieacs-$role-$p.stderr" 2>&1 &
        PIDS+=($!)
    done
    wait_for 60 curl -sf -o /dev/null "$(genieacs_nbi_url "$role")/presets/" ||
        { echo "Bail out! genieacs-nbi ($role) did not start: $(tail -3 "$WORK/genieacs-$role-nbi.stderr")"; exit 1; }
    # the TLS handshake answers once the cwmp worker listens
    wait_for 60 bash -c "echo | timeout 5 gnutls-cli --insecure --port $cwmp_port $ip" ||
        { echo "Bail out! genieacs-cwmp ($role) did not start: $(tail -3 "$WORK/genieacs-$role-cwmp.stderr")"; exit 1; }
}

# nbi ROLE METHOD PATH [JSON-BODY] -> prints "STATUS REASON" on the first line, the body after;
# the exchange is appended to genieacs-ROLE-nbi-calls.txt
nbi() {
    local role=$1 method=$2 path=$3 body=${4-} out
    out=$(curl -s -i -X "$method" ${body:+-H 'Content-Type: application/json' --data-binary "$body"} \
        --max-time 300 "$(genieacs_nbi_url "$role")$path" | tr -d '\r')
    printf '>>> %s %s %s\n%s\n\n' "$method" "$path" "$body" "$out" >>"$WORK/genieacs-$role-nbi-calls.txt"
    # the status line without "HTTP/1.1 ", then the body
    printf '%s\n' "${out%%$'\n'*}" | cut -d' ' -f2-
    case $out in *$'\n\n'*) printf '%s\n' "${out#*$'\n\n'}";; esac
}

# genieacs_put ROLE PATH JSON-OR-SCRIPT: PUT that must answer 200
genieacs_put() {
    local st
    st=$(nbi "$1" PUT "$2" "$3" | head -1)
    case $st in 200*) GENIEACS_CHANGED_MS=$(( $(date +%s%N) / 1000000 )); return 0;; esac
    echo "Bail out! NBI PUT $2 on $1: $st"
    exit 1
}

# genieacs_config_settled: a worker of GenieACS reads presets and provisions afresh at its first
# session after a 5-second boundary of the clock (lib/local-cache.ts, REFRESH 5000): once that
# boundary after the last PUT has passed, every later session sees the change
genieacs_config_settled() {
    local boundary=$(( (${GENIEACS_CHANGED_MS:-0} / 5000 + 1) * 5000 ))
    wait_eval 10 '[ $(( $(date +%s%N) / 1000000 )) -gt '"$boundary"' ]'
}

# genieacs_provision ROLE NAME SCRIPT
genieacs_provision() { genieacs_put "$1" "/provisions/$2" "$3"; }

# genieacs_preset ROLE NAME PROVISION EVENT... (no EVENT: every Inform)
genieacs_preset() {
    local role=$1 name=$2 prov=$3 events="" e; shift 3
    for e in "$@"; do events+="${events:+,}\"$e\":true"; done
    genieacs_put "$role" "/presets/$name" \
        "{\"weight\":0,\"channel\":\"$name\",\"events\":{$events},\"precondition\":\"\",\"configurations\":[{\"type\":\"provision\",\"name\":\"$prov\"}]}"
}

# genieacs_stock_presets ROLE: the presets and provisions GenieACS's first-run wizard creates
# (bootstrap on 0 BOOTSTRAP, default, inform), read from the release's lib/init.ts
genieacs_stock_presets() {
    local role=$1 name events script
    while IFS=$'\t' read -r name events; do
        script=$(INIT_TS="$GENIEACS_HOME/genieacs/lib/init.ts" NAME=$name /usr/bin/python3 -c '
import os, re
src = open(os.environ["INIT_TS"]).read()
m = re.search(r"const %s_SCRIPT = `(.*?)`\.trim\(\);" % os.environ["NAME"].upper(), src, re.S)
print(m.group(1).strip())')
        [ -n "$script" ] || { echo "Bail out! no $name script in lib/init.ts"; exit 1; }
        genieacs_provision "$role" "$name" "$script"
        genieacs_preset "$role" "$name" "$name" ${events:+"$events"}
    done < <(/usr/bin/python3 -c '
import re, sys
src = open(sys.argv[1]).read()
block = re.search(r"resources\[\"presets\"\] = \[(.*?)\];", src, re.S).group(1)
for obj in re.findall(r"\{(.*?)\}", block, re.S):
    f = dict(re.findall(r"(\w+): \"([^\"]*)\"", obj))
    print(f["_id"] + "\t" + f.get("events", ""))' \
        "$GENIEACS_HOME/genieacs/lib/init.ts")
}

# genieacs_device_count ROLE -> how many devices GenieACS knows
genieacs_device_count() {
    curl -sf "$(genieacs_nbi_url "$1")/devices/?projection=_id" |
        /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'
}

# genieacs_device_id ROLE -> the _id GenieACS gave henbd (the test's only device)
genieacs_device_id() {
    curl -sf "$(genieacs_nbi_url "$1")/devices/?projection=_id" |
        /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[0]["_id"]) if len(d)==1 else sys.exit(1)'
}

# genieacs_value ROLE DEVICE-ID PARAMETER -> the value GenieACS holds for it
genieacs_value() {
    curl -sf -G "$(genieacs_nbi_url "$1")/devices/" --data-urlencode "query={\"_id\":\"$2\"}" \
        --data-urlencode "projection=$3" |
        P=$3 /usr/bin/python3 -c '
import json, os, sys
d = json.load(sys.stdin)[0]
for k in os.environ["P"].split("."):
    d = d[k]
v = d["_value"]
print(json.dumps(v) if isinstance(v, bool) else v)'
}

# genieacs_faults ROLE -> the faults GenieACS recorded, one a line (none: nothing)
genieacs_faults() {
    curl -sf "$(genieacs_nbi_url "$1")/faults/" | /usr/bin/python3 -c '
import json, sys
for f in json.load(sys.stdin):
    print(f["_id"], f.get("code"), json.dumps(f.get("message"))[:300], json.dumps(f.get("detail"))[:300])'
}

# genieacs_informs ROLE -> the event codes of each Inform GenieACS received, one session a line
genieacs_informs() {
    [ -f "$WORK/genieacs-$1-debug.yaml" ] || return 0
    /usr/bin/python3 - "$WORK/genieacs-$1-debug.yaml" <<'EOF'
import re, sys
for body in re.findall(r"<(?:\w+:)?Inform>.*?</(?:\w+:)?Inform>", open(sys.argv[1]).read(), re.S):
    print(",".join(re.findall(r"<EventCode>([^<]*)</EventCode>", body)) or "(no event)")
EOF
}

# --- the bed: both HeMS roles as GenieACS ---------------------------------------------------
GENIEACS_SERVING_URL=https://serving.henb.test:${GENIEACS_CWMP_PORT_serving}/cwmp
GENIEACS_GW=Device.Services.FAPService.1.FAPControl.LTE.Gateway.
GENIEACS_S1=10.12.0.1

# start_genieacs_pair: PKI, bus, DNS for both HeMS names, GenieACS as Initial and as Serving
# HeMS (nothing configured yet). GENIEACS_NO_BUS=1: no dbus-daemon (henb-fleet needs none)
start_genieacs_pair() {
    genieacs_require
    make_pki
    [ -n "${GENIEACS_NO_BUS:-}" ] || start_bus
    start_dns hems.henb.test=$INITIAL_IP serving.henb.test=$SERVING_IP
    start_genieacs initial
    start_genieacs serving
}

# genieacs_initial_hands_out_serving: the operator enters the HeNB in the Initial HeMS: on
# 0 BOOTSTRAP it sets ManagementServer.URL to the Serving HeMS (no Serving SeGW on the public
# internet variant). The stock presets are there as on any GenieACS: without the bootstrap
# one (clear the cached data model on 0 BOOTSTRAP) GenieACS would trust its cached URL after
# a factory reset of the HeNB and set nothing.
genieacs_initial_hands_out_serving() {
    genieacs_stock_presets initial
    genieacs_provision initial serving-hems \
        "declare(\"Device.ManagementServer.URL\", {value: 1}, {value: \"$GENIEACS_SERVING_URL\"});"
    genieacs_preset initial serving-hems serving-hems "0 BOOTSTRAP"
}

# genieacs_serving_sets_s1 [S1-LIST]: the Serving HeMS with GenieACS's stock presets plus a
# provision that sets the S1 far end on 0 BOOTSTRAP and on 1 BOOT (a preset's events must all
# be present, so one preset per event)
genieacs_serving_sets_s1() {
    genieacs_stock_presets serving
    genieacs_s1_provision "${1:-$GENIEACS_S1}"
    genieacs_preset serving s1-bootstrap s1 "0 BOOTSTRAP"
    genieacs_preset serving s1-boot s1 "1 BOOT"
}
genieacs_s1_provision() {
    genieacs_provision serving s1 "const gw = \"$GENIEACS_GW\";
declare(gw + \"S1SigLinkServerList\", {value: 1}, {value: \"$1\"});
declare(gw + \"S1SigLinkPort\", {value: 1}, {value: 36412});
declare(gw + \"S1ConnectionMode\", {value: 1}, {value: \"One\"});
declare(gw + \"X_00005A_S1IPsecUsed\", {value: 1}, {value: false});"
}

# the HeNB's factory configuration for the GenieACS bed; EXTRA lines go to conf.d
genieacs_factory() {
    write_factory "https://hems.henb.test:${GENIEACS_CWMP_PORT_initial}/cwmp" \
        "[ConnectionRequest]" "Address=$NET.9" "MinInterval=0" "$@"
}

# sent_informs -> the event codes of every Inform henbd sent (its trace), one a line, in order
sent_informs() {
    local f
    for f in "$WORK"/trace/*-sent-Inform.xml; do
        [ -f "$f" ] || continue
        echo "$(basename "$f" | cut -c1-4) $(grep -o '<EventCode>[^<]*' "$f" | cut -d'>' -f2 | paste -sd, -)"
    done
}

# genieacs_task ROLE DEVICE-ID JSON: POST /devices/ID/tasks?connection_request as an operator
# posts it (online threshold 30 s: a loaded machine is slow to start a session); sets
# GENIEACS_TASK_STATUS ("200 OK", "202 Device is offline", ...) and GENIEACS_TASK_ID
genieacs_task() {
    local out id
    id=$(/usr/bin/python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$2")
    out=$(nbi "$1" POST "/devices/$id/tasks?connection_request&timeout=30000" "$3")
    GENIEACS_TASK_STATUS=$(printf '%s\n' "$out" | head -1)
    GENIEACS_TASK_ID=$(printf '%s\n' "$out" | sed 1d |
        /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin).get("_id",""))' 2>/dev/null)
}

# genieacs_task_pending ROLE DEVICE-ID TASK-ID: the task is still in GenieACS's queue
genieacs_task_pending() {
    curl -sf -G "$(genieacs_nbi_url "$1")/tasks/" --data-urlencode "query={\"device\":\"$2\"}" \
        --data-urlencode projection=_id | grep -q "\"$3\""
}
