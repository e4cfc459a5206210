#!/usr/bin/env bash
# Helpers shared by scripts/test_stepN.sh: start a step, send requests, check answers.
#
#   start_step 4                  build if needed, start step4 on a free port, wait for /health
#   start_step_at 9123 10 …       the same on a given port
#   gen_token alice mcp:read      a demo token from gen-token
#   build step11; $(build_path)/step11  build a product (as start_step does), and where it is
#   get /health                   GET; sets STATUS, BODY and HEADERS
#   post_mcp '{"jsonrpc":…}'      POST to /mcp as an MCP client would (extra curl args may follow)
#   post_as_posts '{"jsonrpc":…}' POST to /mcp exactly as the posts' curl does (Content-Type only)
#   expect_contains "what" TEXT   the last body contains TEXT, as the posts' own scripts grep for it
#   expect_log "what" N TEXT      stepN's log has a line containing TEXT (within 3 s)
#   wait_until /health '.ok'      GET until the jq test passes (bounded)
#   expect "what" 200 '.jq test'  ✅ when the status matches and the jq test is true, else ❌
#   expect_header "what" Name value
#   finish                        summary; exit status 1 if anything failed
#
# Servers are stopped by their PIDs when the script exits, however it exits.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
WORK=$(mktemp -d)
PASSED=0
FAILED=0
SERVER_PIDS=()
CONFIGURATION=${CONFIGURATION:-debug}  # release for scripts/bench.sh
BUILD_FLAGS=(${BUILD_FLAGS[@]+"${BUILD_FLAGS[@]}"})  # more `swift build` flags (scripts/bench.sh sets them)
BASE=""

for tool in curl jq; do
    command -v "$tool" >/dev/null || { echo "❌ $tool is required (apt-get install $tool)"; exit 1; }
done

# stop_server: stops every server this script started, by PID (TERM, then KILL after 5 s).
stop_server() {
    local pid
    for pid in "${SERVER_PIDS[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -9 "$pid" 2>/dev/null || true
        fi
    done
    SERVER_PIDS=()
}

cleanup() {
    stop_server
    rm -rf "$WORK"
}
trap cleanup EXIT

# free_port: a port nobody listens on now (a server that loses the race fails to bind and is retried).
free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 40000))
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
    done
}

# start_step N [ARGS...]: builds stepN if needed, starts it on a free port, waits (30 s at most) for /health.
# Sets BASE (http://127.0.0.1:PORT) and PORT.
start_step() {
    local attempt
    for attempt in 1 2 3 4 5; do
        launch "$(free_port)" "$@" && return
        grep -q "Address already in use" "$WORK/step$1.log" || break
    done
    cat "$WORK/step$1.log"
    echo "❌ step$1 did not start"
    exit 1
}

# start_step_at PORT N [ARGS...]: the same on a port chosen beforehand (when a configuration must name it).
start_step_at() {
    launch "$@" && return
    cat "$WORK/step$2.log"
    echo "❌ step$2 did not start on port $1"
    exit 1
}

# build PRODUCT: builds it (CONFIGURATION, BUILD_FLAGS), or shows the build log and exits.
build() {
    swift build -c "$CONFIGURATION" ${BUILD_FLAGS[@]+"${BUILD_FLAGS[@]}"} --product "$1" >"$WORK/build.log" 2>&1 \
        || { cat "$WORK/build.log"; echo "❌ build of $1 failed"; exit 1; }
}

# build_path: the folder the products of `build` are in.
build_path() { swift build -c "$CONFIGURATION" ${BUILD_FLAGS[@]+"${BUILD_FLAGS[@]}"} --show-bin-path; }

# launch PORT N [ARGS...]: starts stepN on PORT; true once it answers /health.
launch() {
    local port=$1 step=$2
    shift 2
    build "step$step"
    : >"$WORK/step$step.log"
    "$(build_path)/step$step" "$@" --port "$port" >>"$WORK/step$step.log" 2>&1 &
    SERVER_PIDS+=($!)
    wait_for_listening "$port" $! || return 1
    PORT=$port
    BASE="http://127.0.0.1:$PORT"
    get /health
    [[ "$STATUS" == 200 ]] || { echo "❌ step$step: /health answered $STATUS"; exit 1; }
    echo "▶ step$step is listening on $BASE (pid ${SERVER_PIDS[-1]})"
}

# wait_for_listening PORT PID: true once http://127.0.0.1:PORT/health answers 200; false if the server exits or 30 s pass.
wait_for_listening() {
    local port=$1 pid=$2 deadline=$((SECONDS + 30))
    until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/health" || true)" == 200 ]]; do
        kill -0 "$pid" 2>/dev/null || return 1
        if ((SECONDS > deadline)); then
            kill "$pid" 2>/dev/null || true
            return 1
        fi
        sleep 0.1
    done
}

# gen_token USER SCOPES [GEN-TOKEN ARGS...]: prints a demo token (built with gen-token).
gen_token() {
    local user=$1 scopes=$2
    shift 2
    build gen-token
    "$(build_path)/gen-token" --username "$user" --scopes "$scopes" --out "$WORK/token_$user.json" "$@" 2>/dev/null
}

# request METHOD PATH [CURL ARGS...]: sets STATUS, BODY and HEADERS.
request() {
    local method=$1 path=$2
    shift 2
    STATUS=$(curl -sS --max-time 10 -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' -X "$method" "$BASE$path" "$@" || true)
    BODY=$(cat "$WORK/body" 2>/dev/null || true)
    HEADERS=$(tr -d '\r' <"$WORK/headers" 2>/dev/null || true)
}

get() { request GET "$@"; }

# post_as_posts JSON [CURL ARGS...]: the posts' curl, verbatim: -H "Content-Type: application/json" -d JSON, no Accept.
post_as_posts() {
    local json=$1
    shift
    request POST /mcp -H "Content-Type: application/json" -d "$json" "$@"
}

# wait_until PATH JQ_TEST: GETs PATH until its body passes the jq test (15 s at most); the last answer stays in STATUS/BODY.
wait_until() {
    local path=$1 test=$2 deadline=$((SECONDS + 15))
    while :; do
        get "$path"
        jq -e "$test" >/dev/null 2>&1 <<<"$BODY" && return
        ((SECONDS < deadline)) || return
        sleep 0.2
    done
}

# post_mcp JSON [CURL ARGS...]: the POST an MCP client sends.
post_mcp() {
    local json=$1
    shift
    request POST /mcp -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' --data-binary "$json" "$@"
}

# report WHAT OK EXPECTED GOT: prints ✅ or ❌ (with what was expected and what came) and counts it.
report() {
    local what=$1 ok=$2 expected=$3 got=$4
    if [[ "$ok" == yes ]]; then
        echo "✅ $what"
        PASSED=$((PASSED + 1))
    else
        echo "❌ $what"
        echo "   expected: $expected"
        echo "   got:      $got"
        FAILED=$((FAILED + 1))
    fi
}

# expect WHAT STATUS [JQ_TEST]: the last response had STATUS and its body passes the jq test.
expect() {
    local what=$1 status=$2 test=${3:-} ok=no
    if [[ "$STATUS" == "$status" ]] && { [[ -z "$test" ]] || jq -e "$test" >/dev/null 2>&1 <<<"$BODY"; }; then ok=yes; fi
    report "$what" "$ok" "HTTP $status${test:+ and jq '$test'}" "HTTP $STATUS ${BODY:0:300}"
}

# expect_header WHAT NAME VALUE: the last response had header NAME (any case) with exactly VALUE.
expect_header() {
    local what=$1 name=$2 value=$3 actual ok=no
    actual=$(grep -i "^$name:" <<<"$HEADERS" | head -n 1 | cut -d: -f2- | sed 's/^ *//' || true)
    [[ "$actual" == "$value" ]] && ok=yes
    report "$what" "$ok" "$name: $value" "${actual:-(no $name header)}"
}

# expect_body WHAT TEXT: the last body is exactly TEXT.
expect_body() {
    local what=$1 text=$2 ok=no
    [[ "$BODY" == "$text" ]] && ok=yes
    report "$what" "$ok" "$text" "$BODY"
}

# expect_contains WHAT TEXT: the last body contains TEXT (as the posts' scripts check with grep).
expect_contains() {
    local what=$1 text=$2 ok=no
    [[ "$BODY" == *"$text"* ]] && ok=yes
    report "$what" "$ok" "a body containing $text" "HTTP $STATUS ${BODY:0:300}"
}

# wait_for_log N TEXT: waits (5 s at most) until stepN's log has a line containing TEXT.
wait_for_log() {
    local deadline=$((SECONDS + 5))
    until grep -qF -- "$2" "$WORK/step$1.log" || ((SECONDS > deadline)); do sleep 0.1; done
}

# expect_log WHAT N TEXT: stepN's log (what it printed since it started) has a line containing TEXT.
expect_log() {
    local what=$1 step=$2 text=$3 ok=no attempt
    # A server whose log is a file writes its lines in batches, at most 100 ms after the first: wait up to 3 s.
    for attempt in $(seq 1 30); do
        grep -qF -- "$text" "$WORK/step$step.log" && { ok=yes; break; }
        sleep 0.1
    done
    report "$what" "$ok" "a log line with: $text" "$(tail -n 3 "$WORK/step$step.log")"
}

finish() {
    echo "── $PASSED passed, $FAILED failed"
    if ((FAILED > 0)); then
        local log
        for log in "$WORK"/step*.log; do
            echo "── $(basename "$log"):"
            tail -n 30 "$log"
        done
        exit 1
    fi
}
