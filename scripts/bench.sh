#!/usr/bin/env bash
# Load benchmark of the authenticated request path, with wrk (apt-get install wrk).
#
#   scripts/bench.sh                          step 8 as you run it, then step 8 and step 10 tuned
#   scripts/bench.sh --against URL [--token T]  the same load against any other MCP endpoint, side by side
#
# Two ways to run the same servers, in one run:
#   as you run it  `swift build -c release` (with Package.swift's release settings), the default log level (info),
#                  the log to a file, as a service manager or `2>step8.log` has it;
#   tuned          the deployment build below, --log-level warning.
# For tools/call (echo) and ping at 1, 16 and 64 connections (DURATION seconds each, default 10), and step 8's
# GET /health as the floor of the same server (no token, no body, no JSON; and again with a call's headers), it prints
# requests per second, p50 and p99 latency, errors (non-2xx answers and socket errors), the server's CPU time per
# request (user + system, the kernel's networking included; it depends less than req/s on how wrk and the server
# shared the cores), the server's peak RSS, and how much of its memory is its own (RssAnon: heap, stacks, and the
# pages of data the loader relocated; the rest of RSS is code and data of the binary and the shared libraries, mapped
# from files), and the share of the machine's CPU time the hypervisor gave to other guests during the run (steal:
# well above 0, the row measured them too). wrk runs WRK_THREADS threads (default 1): on a machine with few cores, a
# second load thread takes CPU from the server it measures.
# REPEAT (default 1) runs each load that many times and shows the run with the median req/s: on a shared VM whose
# speed drifts, REPEAT=3 shows a steadier table (and takes three times as long). For the tuned step 8, the shares of
# tools/call's rate in /health's are also measured in turns (ROUNDS rounds, default 5, of ROUND seconds, default 5).
# Then a soak: SOAK seconds (default 60) of tools/call at c=64 on step 8, with its RSS before and after; and the
# JWKS fetches step 10 made during its load, read from its /health (0: the request path never calls the server).
# It ends with a summary of both. Numbers, not assertions: the tests never time anything.
CONFIGURATION=release
# The deployment build: the Swift runtime and Foundation linked into the binary (--static-swift-stdlib), linked by lld
# with relative relocations packed (glibc 2.36 and later) and without exporting the binary's symbols. Package.swift's
# release settings are that build when libcurl's development package is installed (Foundation's networking, linked
# in, asks the linker for libcurl.so); then "tuned" runs the same binary. Without it, the tuned servers are built in
# their own folder (.build-bench, so the tests' builds are left as they are), the linker shown the libcurl the
# toolchain's own FoundationNetworking loads. TUNED_FLAGS is that build's `swift build` flags.
TUNED_FLAGS=()
links_runtime_in() { ! readelf -d "$1" 2>/dev/null | grep -q 'NEEDED.*libswiftCore'; }
tuned_build_flags() {
    TUNED_FLAGS=(--scratch-path .build-bench --static-swift-stdlib -Xswiftc -use-ld=lld -Xlinker --no-export-dynamic)
    local glibc toolchain_lib curl_lib
    glibc=$(getconf GNU_LIBC_VERSION | awk '{print $2}')
    [[ "$(printf '%s\n' 2.36 "$glibc" | sort -V | head -1)" == 2.36 ]] && TUNED_FLAGS+=(-Xlinker -z -Xlinker pack-relative-relocs)
    toolchain_lib="$(dirname "$(readlink -f "$(command -v swift)")")/../lib/swift/linux"
    curl_lib=$(ldd "$toolchain_lib/libFoundationNetworking.so" 2>/dev/null | awk '/libcurl/ {print $3; exit}')
    [[ -e "$curl_lib" ]] || { echo "❌ no libcurl found for --static-swift-stdlib: apt-get install libcurl4-openssl-dev"; exit 1; }
    mkdir -p .build-bench/lib
    ln -sf "$curl_lib" .build-bench/lib/libcurl.so
    TUNED_FLAGS+=(-Xlinker -L"$PWD/.build-bench/lib")
}
BUILD_FLAGS=()
source "$(dirname "$0")/lib.sh"
command -v wrk >/dev/null || { echo "❌ wrk is required: apt-get install wrk"; exit 1; }

DURATION=${DURATION:-10}
REPEAT=${REPEAT:-1}
WRK_THREADS=${WRK_THREADS:-1}
SOAK=${SOAK:-60}
AGAINST="" AGAINST_TOKEN=""
usage() { echo "usage: scripts/bench.sh [--against URL [--token TOKEN]]"; exit 2; }
while (($# > 0)); do
    (($# >= 2)) || usage
    case $1 in
        --against) AGAINST=$2; shift 2 ;;
        --token) AGAINST_TOKEN=$2; shift 2 ;;
        *) usage ;;
    esac
done
# The endpoint to compare with answers before minutes of loading begin: a URL mistyped, or a server not started yet.
if [[ -n "$AGAINST" ]] && ! curl -sS -o /dev/null --max-time 5 "$AGAINST" 2>/dev/null; then
    echo "❌ nothing answers at $AGAINST: start the server to compare with first (Benchmarks/README.md shows how)"
    exit 1
fi

# The headers of a call (headers.lua), and the call itself: those headers, POST and a body (post.lua).
cat >"$WORK/headers.lua" <<'LUA'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
local token = os.getenv("BENCH_TOKEN")
if token ~= nil and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
LUA
{ cat "$WORK/headers.lua"; printf 'wrk.method = "POST"\nwrk.body = os.getenv("BENCH_BODY")\n'; } >"$WORK/post.lua"
CALL='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"bench"}}}'
PING='{"jsonrpc":"2.0","id":1,"method":"ping"}'
ROWS=()

# run_wrk METHOD URL TOKEN C SECONDS: wrk's report of one load of METHOD (below) at C connections against URL's server.
run_wrk() {
    local method=$1 url=$2 token=$3 c=$4 seconds=$5 body=$CALL target=$2 script=(-s "$WORK/post.lua")
    [[ $method == ping ]] && body=$PING
    [[ $method == health ]] && target=${url%/mcp}/health script=()
    [[ $method == health+token ]] && target=${url%/mcp}/health script=(-s "$WORK/headers.lua")
    BENCH_BODY=$body BENCH_TOKEN=$token wrk -t"$((c < WRK_THREADS ? c : WRK_THREADS))" -c"$c" -d"${seconds}s" --latency \
        "${script[@]}" "$target"
}

# cpu_ticks PID: the CPU time (user + system, in clock ticks) server PID has used so far, 0 without a PID. Per request,
# it does not depend on how wrk was scheduled.
cpu_ticks() { [[ -n "$1" ]] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0; }

# load NAME URL TOKEN PID [METHODS]: runs every load against URL; PID (or empty) is the server whose peak RSS is read.
# METHODS defaults to "tools/call ping"; "health" is GET /health on the same server: no token, no body, no JSON,
# what Hummingbird and the server's first middleware cost alone on this machine. "health+token" is the same GET with a
# call's headers (the bearer token, Content-Type, Accept), which /health does not read: what the HTTP layer alone
# costs for the headers every authenticated call carries (it parses and checks each of a token's hundreds of bytes).
load() {
    local name=$1 url=$2 token=$3 pid=$4 methods=${5:-tools/call ping} method c out rps p50 p99 bad rss own cpu busy run machine
    # The machine's stolen and total CPU time so far (/proc/stat): steal is the time the hypervisor gave the cores to
    # other guests. On a shared VM, a run with steal well above 0 measured the neighbours too.
    cpu_stat() { awk '/^cpu / {print $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }
    for method in $methods; do
        for c in 1 16 64; do
            # REPEAT runs of the same load; the row shows the one with the median req/s, and the errors of all of them.
            local outs=() ticks=() steals=() pick
            for ((run = 0; run < REPEAT; run++)); do
                busy=$(cpu_ticks "$pid") machine=$(cpu_stat)
                outs+=("$(run_wrk "$method" "$url" "$token" "$c" "$DURATION")")
                ticks+=($(($(cpu_ticks "$pid") - busy)))
                steals+=("$(awk -v before="$machine" -v after="$(cpu_stat)" 'BEGIN { split(before, a); split(after, b)
                    printf "%.1f%%", (b[2] > a[2] ? 100 * (b[1] - a[1]) / (b[2] - a[2]) : 0) }')")
            done
            pick=$(for run in "${!outs[@]}"; do awk -v run="$run" '/Requests\/sec/ {print $2, run}' <<<"${outs[$run]}"; done | sort -n | awk -v middle=$((REPEAT / 2 + 1)) 'NR == middle {print $2}')
            out=${outs[$pick]}
            rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
            p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
            p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
            bad=$(printf '%s\n' "${outs[@]}" | awk '/Non-2xx/ {n += $5} /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}')
            rss="" own="" cpu=""
            if [[ -n "$pid" ]]; then
                cpu=$(awk -v ticks="${ticks[$pick]}" -v hz="$(getconf CLK_TCK)" '/requests in/ {printf "%.0f µs", ticks * 1e6 / hz / $1}' <<<"$out")
                rss="$(awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$pid/status")"
                own="$(awk '/RssAnon/ {printf "%.0f MB", $2 / 1024}' "/proc/$pid/status")"
            fi
            ROWS+=("$(printf '%-10s %-12s %4s %10s %9s %9s %7s %8s %9s %7s %6s' "$name" "$method" "$c" "$rps" "$p50" "$p99" "$bad" "$cpu" "$rss" "$own" "${steals[$pick]}")")
            echo "${ROWS[-1]}"
        done
    done
}

# alternate URL TOKEN PID: tools/call's rate as a share of GET /health's, without and with a call's headers, at 16
# connections. The three loads take turns, ROUNDS times (default 5) for ROUND seconds each (default 5), and each share
# is the median of its rounds: a VM whose speed drifts over minutes slows the three alike, which rows measured minutes
# apart cannot promise. The same for the server's CPU time per request (PID's): how much more a call costs it, which
# depends less than the rate on how wrk and the server shared the cores.
alternate() {
    local url=$1 token=$2 pid=$3 round call health header call_cpu health_cpu header_cpu
    local calls=() healths=() headers=() cpus=() health_cpus=() header_cpus=()
    # measure METHOD: "REQ/S CPU-µs-PER-REQUEST" of one load
    measure() {
        local before out
        before=$(cpu_ticks "$pid")
        out=$(run_wrk "$1" "$url" "$token" 16 "${ROUND:-5}")
        awk -v ticks=$(($(cpu_ticks "$pid") - before)) -v hz="$(getconf CLK_TCK)" '
            /requests in/ { n = $1 } /Requests\/sec/ { rps = $2 }
            END { printf "%s %.1f\n", rps, (n > 0 ? ticks * 1e6 / hz / n : 0) }' <<<"$out"
    }
    percent() { awk -v a="$1" -v b="$2" 'BEGIN { print (b > 0 ? 100 * a / b : 0) }'; }
    for ((round = 0; round < ${ROUNDS:-5}; round++)); do
        read -r call call_cpu <<<"$(measure tools/call)"
        read -r health health_cpu <<<"$(measure health)"
        read -r header header_cpu <<<"$(measure health+token)"
        calls+=("$call") cpus+=("$call_cpu")
        healths+=("$(percent "$call" "$health")") headers+=("$(percent "$call" "$header")")
        health_cpus+=("$(percent "$health_cpu" "$call_cpu")") header_cpus+=("$(percent "$header_cpu" "$call_cpu")")
    done
    median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { printf "%.0f", v[int((NR + 1) / 2)] }'; }
    printf 'in turns (%s rounds of %s s at c=16): tools/call %s req/s, %s%% of GET /health, %s%% with its headers;' \
        "${ROUNDS:-5}" "${ROUND:-5}" "$(median "${calls[@]}")" "$(median "${healths[@]}")" "$(median "${headers[@]}")"
    printf ' by CPU per request (%s µs), %s%% and %s%%\n' "$(median "${cpus[@]}")" "$(median "${health_cpus[@]}")" \
        "$(median "${header_cpus[@]}")"
}

header() { printf '%-10s %-12s %4s %10s %9s %9s %7s %8s %9s %7s %6s\n' server method c req/s p50 p99 errors "cpu/req" "peak RSS" "own" steal; }
# summary LABEL NAME: one line of step NAME's rows so far: tools/call at 16 connections, and its share of GET /health's
# rate, without and with a call's headers.
summary() {
    printf '%s\n' "${ROWS[@]}" | awk -v label="$1" -v name="$2" '
        $1 == name && $2 == "tools/call" && $3 == 16 { rps = $4; p99 = $6; rss = $10 " " $11 }
        $1 == name && $2 == "health" && $3 == 16 { health = $4 }
        $1 == name && $2 == "health+token" && $3 == 16 { headers = $4 }
        function share(floor) { return floor > 0 ? sprintf("%.0f%%", 100 * rps / floor) : "-" }
        END { printf "%-14s step8 tools/call at c=16: %6.0f req/s, p99 %s, peak RSS %s;", label, rps, p99, rss
              printf " of GET /health %s (%.0f req/s), with its headers %s (%.0f req/s)\n", share(health), health,
                  share(headers), headers }'
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr); ${DURATION} s per load, the median of $REPEAT run(s), wrk with $WRK_THREADS thread(s)"

build step8
if links_runtime_in "$(build_path)/step8"; then
    linked="the Swift runtime linked in"
else
    linked="the Swift runtime in shared libraries: no libcurl development package (see Benchmarks/README.md)"
    tuned_build_flags
fi
echo "── as you run it: swift build -c $CONFIGURATION; swift run -c $CONFIGURATION step8 (log level info, the log to a file; $linked)"
header
start_step 8
TOKEN=$(gen_token bench mcp:read,mcp:tools,mcp:prompts)
load step8-run "$BASE/mcp" "$TOKEN" "${SERVER_PIDS[-1]}" "tools/call health health+token"
stop_server
AS_YOU_RUN_IT=$(summary "as you run it" step8-run)

BUILD_FLAGS=(${TUNED_FLAGS[@]+"${TUNED_FLAGS[@]}"})
echo "── tuned: swift build -c $CONFIGURATION ${BUILD_FLAGS[*]}; --log-level warning"
header
start_step 8 --log-level warning
TOKEN=$(gen_token bench mcp:read,mcp:tools,mcp:prompts)
load step8 "$BASE/mcp" "$TOKEN" "${SERVER_PIDS[-1]}" "tools/call ping health health+token"
STEP8_RPS=$(awk '$1 == "step8" && $2 == "tools/call" && $3 == 16 {print $4}' <<<"$(printf '%s\n' "${ROWS[@]}")")
TURNS=$(alternate "$BASE/mcp" "$TOKEN" "${SERVER_PIDS[-1]}")
echo "$TURNS"
rss() { awk '/VmRSS/ {total = $2} /RssAnon/ {own = $2} END {printf "%.1f MB (own %.1f MB)", total / 1024, own / 1024}' "/proc/$1/status"; }
BEFORE=$(rss "${SERVER_PIDS[-1]}")
SOAKED=$(run_wrk tools/call "$BASE/mcp" "$TOKEN" 64 "$SOAK" | awk '/Requests\/sec/ {print $2}')
SOAK_LINE="soak: step8 tools/call at c=64 for ${SOAK} s: ${SOAKED} req/s; RSS ${BEFORE} before, $(rss "${SERVER_PIDS[-1]}") after"
echo "$SOAK_LINE"
stop_server

start_step 9 serve
REALM="http://localhost:$PORT/realms/mcp-realm"
MCP_PORT=$(free_port)
printf 'KEYCLOAK_URL=http://localhost:%s\nMCP_SERVER_URL=http://localhost:%s\n' "$PORT" "$MCP_PORT" >"$WORK/bench.env"
start_step_at "$MCP_PORT" 10 --env "$WORK/bench.env" --log-level warning
wait_until /health '.keycloak_integration.keys.state == "fresh"'
TOKEN=$(curl -sS -X POST "$REALM/protocol/openid-connect/token" -d grant_type=password -d client_id=mcp-test-client \
    -d username=mcp-admin -d password=admin123 --data-urlencode 'scope=mcp:read mcp:tools mcp:prompts' | jq -r .access_token)
FETCHES=$(curl -sS "$BASE/health" | jq .keycloak_integration.keys.fetches)
load step10 "$BASE/mcp" "$TOKEN" "${SERVER_PIDS[-1]}"
echo "JWKS fetches by step10 during its load: $(($(curl -sS "$BASE/health" | jq .keycloak_integration.keys.fetches) - FETCHES))"

echo "── summary"
echo "$AS_YOU_RUN_IT"
summary "tuned" step8
echo "               $TURNS"

if [[ -n "$AGAINST" ]]; then
    load other "$AGAINST" "$AGAINST_TOKEN" ""
    OTHER_RPS=$(printf '%s\n' "${ROWS[@]}" | awk '$1 == "other" && $2 == "tools/call" && $3 == 16 {print $4}')
    RUN_RPS=$(printf '%s\n' "${ROWS[@]}" | awk '$1 == "step8-run" && $2 == "tools/call" && $3 == 16 {print $4}')
    awk -v run="$RUN_RPS" -v tuned="$STEP8_RPS" -v b="$OTHER_RPS" 'BEGIN { if (b > 0)
        printf "step8 / other, tools/call at c=16: %.1fx as you run it, %.1fx tuned\n", run / b, tuned / b }'
fi
