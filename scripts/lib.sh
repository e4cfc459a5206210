#!/usr/bin/env bash
# Helpers shared by scripts/test_stepN.sh: start a step, send requests, check answers.
#
#   start_step 4                  build if needed, start step4 on a free port, wait for /health
#   get /health                   GET; sets STATUS, BODY and HEADERS
#   post_mcp '{"jsonrpc":…}'      POST to /mcp as an MCP client would (extra curl args may follow)
#   expect "what" 200 '.jq test'  ✅ when the status matches and the jq test is true, else ❌
#   expect_header "what" Name value
#   finish                        summary; exit status 1 if anything failed
#
# The server is stopped by its PID when the script exits, however it exits.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
WORK=$(mktemp -d)
PASSED=0
FAILED=0
SERVER_PID=""
BASE=""

for tool in curl jq; do
    command -v "$tool" >/dev/null || { echo "❌ $tool is required (apt-get install $tool)"; exit 1; }
done

stop_server() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap stop_server EXIT

# start_step N [ARGS...]: starts stepN on a port the OS picks, then waits (30 s at most) for /health.
start_step() {
    local step=$1
    shift
    swift build --product "step$step" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; echo "❌ build of step$step failed"; exit 1; }
    local bin
    bin="$(swift build --show-bin-path)/step$step"
    "$bin" --port 0 "$@" >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    local deadline=$((SECONDS + 30)) port=""
    while [[ -z "$port" ]]; do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            cat "$WORK/server.log"; echo "❌ step$step exited before listening"; exit 1
        fi
        if ((SECONDS > deadline)); then
            cat "$WORK/server.log"; echo "❌ step$step did not start within 30 s"; exit 1
        fi
        port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$WORK/server.log" | head -n 1 | grep -o '[0-9]*$' || true)
        [[ -n "$port" ]] || sleep 0.1
    done
    BASE="http://127.0.0.1:$port"
    get /health
    [[ "$STATUS" == 200 ]] || { echo "❌ step$step: /health answered $STATUS"; exit 1; }
    echo "▶ step$step is listening on $BASE (pid $SERVER_PID)"
}

# request METHOD PATH [CURL ARGS...]: sets STATUS, BODY and HEADERS (lower-case names).
request() {
    local method=$1 path=$2
    shift 2
    STATUS=$(curl -sS --max-time 10 -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' -X "$method" "$BASE$path" "$@" || echo 000)
    BODY=$(cat "$WORK/body" 2>/dev/null || true)
    HEADERS=$(tr -d '\r' <"$WORK/headers" 2>/dev/null | tr 'A-Z' 'a-z' || true)
}

get() { request GET "$@"; }

# post_mcp JSON [CURL ARGS...]: the POST an MCP client sends.
post_mcp() {
    local json=$1
    shift
    request POST /mcp -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' --data-binary "$json" "$@"
}

# expect WHAT STATUS [JQ_TEST]
expect() {
    local what=$1 status=$2 test=${3:-}
    if [[ "$STATUS" == "$status" ]] && { [[ -z "$test" ]] || jq -e "$test" >/dev/null 2>&1 <<<"$BODY"; }; then
        echo "✅ $what"
        PASSED=$((PASSED + 1))
    else
        echo "❌ $what"
        echo "   expected: HTTP $status${test:+ and jq '$test'}"
        echo "   got:      HTTP $STATUS ${BODY:0:300}"
        FAILED=$((FAILED + 1))
    fi
}

# expect_header WHAT NAME VALUE: the last response had header NAME with exactly VALUE.
expect_header() {
    local what=$1 name=${2,,} value=$3
    local actual
    actual=$(grep -i "^$name:" <<<"$HEADERS" | head -n 1 | cut -d: -f2- | sed 's/^ *//' || true)
    if [[ "$actual" == "${value,,}" ]]; then
        echo "✅ $what"
        PASSED=$((PASSED + 1))
    else
        echo "❌ $what"
        echo "   expected header $name: $value"
        echo "   got:             ${actual:-(none)}"
        FAILED=$((FAILED + 1))
    fi
}

# expect_body WHAT TEXT: the last body is exactly TEXT.
expect_body() {
    local what=$1 text=$2
    if [[ "$BODY" == "$text" ]]; then
        echo "✅ $what"
        PASSED=$((PASSED + 1))
    else
        echo "❌ $what"
        echo "   expected: $text"
        echo "   got:      $BODY"
        FAILED=$((FAILED + 1))
    fi
}

finish() {
    echo "── $PASSED passed, $FAILED failed"
    if ((FAILED > 0)); then
        echo "server log:"
        tail -n 30 "$WORK/server.log"
        exit 1
    fi
}
