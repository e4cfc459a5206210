#!/usr/bin/env bash
# A learner's first mistakes, made on purpose: each gets one clear line, a non-zero exit, and no wait.
#   a second step on a busy port · a missing keys folder, realm file, key or env file · step 10 with no
#   authorization server (logged at once, /health degraded, 503 says why, SIGTERM stops it at once) ·
#   step 11 against nothing listening, into a pipe.
source "$(dirname "$0")/lib.sh"
for product in step4 step6 step9 step10 step11 gen-token; do build "$product"; done
BIN=$(build_path)

now_ms() { date +%s%3N; }

# mistake WHAT MAX_MS TEXT COMMAND...: COMMAND exits non-zero within MAX_MS, printing one line that contains TEXT.
mistake() {
    local what=$1 max=$2 text=$3 start status lines
    shift 3
    start=$(now_ms)
    status=0
    timeout 10 "$@" >"$WORK/out" 2>&1 </dev/null || status=$?
    local took=$(($(now_ms) - start))
    lines=$(grep -c . "$WORK/out" || true)
    if ((status != 0 && status != 124)) && [[ "$lines" == 1 ]] && grep -qF -- "$text" "$WORK/out" && ((took <= max)); then
        report "$what: one line, exit $status, ${took} ms" yes "" ""
    else
        report "$what" no "one line with '$text', a non-zero exit, within $max ms" "exit $status after ${took} ms, $lines lines: $(head -c 300 "$WORK/out")"
    fi
}

start_step 4
mistake "a second step4 on the same port" 1000 "port $PORT on 127.0.0.1 is already in use" "$BIN/step4" --port "$PORT"
grep -qF -- "--port" "$WORK/out" && report "…and it suggests --port" yes "" "" || report "…and it suggests --port" no "--port" "$(cat "$WORK/out")"
stop_server

FREE=$(free_port)
mistake "step6 with a missing keys folder" 1000 "no public key at $WORK/no-keys/mcp_public_key.pem" "$BIN/step6" --port "$FREE" --keys "$WORK/no-keys"
mistake "step9 serve with a missing realm file" 1000 "no realm file at $WORK/nope.json" "$BIN/step9" serve --port "$FREE" --realm-file "$WORK/nope.json"
mistake "step9 serve with a missing --key" 1000 "no private key at $WORK/nope.pem" "$BIN/step9" serve --port "$FREE" --key "$WORK/nope.pem"
mistake "step10 with a missing --env" 1000 "no env file at $WORK/nope.env" "$BIN/step10" --port "$FREE" --env "$WORK/nope.env"
mistake "step11 against nothing listening, into a pipe" 5000 "Cannot reach http://127.0.0.1:$FREE/mcp: connection refused" \
    bash -c "set -o pipefail; '$BIN/step11' --server http://127.0.0.1:$FREE/mcp --state-dir '$WORK/s11' 2>&1 | grep -v '^①'"

# The committed demo keys are never replaced by accident.
BEFORE=$(cat keys/mcp_private_key.pem keys/mcp_public_key.pem | cksum)
mistake "gen-token --generate-keys where the demo keys are" 2000 "a key pair is already in keys/; keeping it (--force replaces it" \
    "$BIN/gen-token" --generate-keys
[[ "$(cat keys/mcp_private_key.pem keys/mcp_public_key.pem | cksum)" == "$BEFORE" ]] &&
    report "…and keys/ is unchanged" yes "" "" || report "…and keys/ is unchanged" no "the same keys" "changed"

# step9 with a Keycloak URL where nothing answers, on a moved port: it serves the realm itself, there, and says so.
NOKC=$(free_port)
start_step 9 --keycloak-url "http://127.0.0.1:$NOKC"
expect_log "step9 says no Keycloak answers at the URL it was given" 9 "No Keycloak answers at http://127.0.0.1:$NOKC; serving the realm myself"
expect_log "…and serves the realm on the port it was given" 9 "serving realm mcp-realm at http://localhost:$PORT/realms/mcp-realm"
stop_server

# Output into a pipe that closes early (`| head -1`): no crash, no backtrace.
set +o pipefail
FIRST=$("$BIN/step11" --demo 2>&1 | head -n 1)
STATUS=${PIPESTATUS[0]}
set -o pipefail
[[ "$STATUS" == 0 && "$FIRST" == "demo: realm server on "* ]] && report "step11 --demo | head -1: the first line, and exit 0" yes "" "" ||
    report "step11 --demo | head -1" no "exit 0 and the first line" "exit $STATUS: $FIRST"
PIPE_PORT=$(free_port)
("$BIN/step4" --port "$PIPE_PORT" 2>&1 | head -n 1 >/dev/null) &
wait_for_listening "$PIPE_PORT" $! || true
for _ in 1 2 3; do curl -s -o /dev/null "http://127.0.0.1:$PIPE_PORT/health" || true; done
BASE="http://127.0.0.1:$PIPE_PORT"
post_mcp '{"jsonrpc":"2.0","id":1,"method":"ping"}'
expect "a server whose log pipe closed (step4 2>&1 | head -1) goes on serving" 200 '.result == {}'
pkill -f "step4 --port $PIPE_PORT" || true

# Step 10 with the authorization server down: it says so at once, and stops at once when asked.
NOBODY=$(free_port)
start_step 10 --keycloak-url "http://127.0.0.1:$NOBODY"
wait_for_log 10 "retrying in 1 s"
expect_log "step10 logs the unreachable authorization server at once, with the URL" 10 \
    "cannot fetch signing keys: No usable metadata for http://127.0.0.1:$NOBODY/realms/mcp-realm"
expect_log "…and when it retries" 10 "retrying in 1 s"
get /health
expect "/health says degraded, and why" 200 '.status == "degraded" and (.keycloak_integration.keys.last_error | contains("connection refused"))'
TOKEN=$(gen_token alice mcp:read)
post_mcp '{"jsonrpc":"2.0","id":1,"method":"ping"}' -H "Authorization: Bearer $TOKEN"
expect "a token gets 503 saying why (not a 401 that would blame the token)" 503 '.detail | startswith("No signing keys from http://127.0.0.1:'"$NOBODY"'/realms/mcp-realm yet")'
PID=${SERVER_PIDS[-1]}
start=$(now_ms)
kill -TERM "$PID"
while kill -0 "$PID" 2>/dev/null && (($(now_ms) - start < 5000)); do sleep 0.05; done
took=$(($(now_ms) - start))
((took <= 1000)) && report "SIGTERM stops it within a second (${took} ms)" yes "" "" || report "SIGTERM stops it within a second" no "≤ 1000 ms" "${took} ms"

finish
