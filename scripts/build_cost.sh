#!/usr/bin/env bash
# What each dependency adds to a cold debug build of step 11, the largest step.
#
# Clones this repository into a scratch folder and builds step 11's module graph
# one dependency at a time, each stage on top of the last, so each row is what
# that dependency adds to what came before (the first row builds the pieces
# every later one shares: SwiftNIO, swift-log, ...). Then it times
# `swift run step11 --demo` from a fresh clone, build included.
#
#   scripts/build_cost.sh [SCRATCH_DIR]      (DEMO=0: the table only)
#
# Takes as long as two cold builds; run it on an otherwise idle machine.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
scratch=${1:-$(mktemp -d)}
jobs=$(getconf _NPROCESSORS_ONLN)

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", b - a }'; }

fresh_clone() {
    rm -rf "$scratch/$1"
    git clone -q "$repo" "$scratch/$1"
}

fresh_clone stages
cd "$scratch/stages"
swift package resolve >/dev/null 2>&1
echo "Cold debug build of step 11 on $jobs cores, one dependency at a time:"
echo
echo "| stage | adds | seconds |"
echo "|---|---|---:|"
total=0
stage() {
    local label=$1 what=$2
    shift 2
    local start end spent
    start=$(now)
    swift build "$@" >"$scratch/stage.log" 2>&1 || { cat "$scratch/stage.log"; exit 1; }
    end=$(now)
    spent=$(seconds "$start" "$end")
    total=$((total + spent))
    echo "| $label | $what | $spent |"
}
stage "swift-log, swift-argument-parser" "Logging, ArgumentParser" --target ArgumentParser --target Logging
stage "swift-crypto" "Crypto, CryptoExtras and their BoringSSL" --target CryptoExtras
stage "hummingbird" "SwiftNIO, NIOHTTP1/2, HTTP types, service lifecycle, configuration" --target Hummingbird
stage "swift-sdk (MCP)" "the MCP spec types and client" --target MCP
if grep -q 'jwt-kit' Package.swift; then
    stage "jwt-kit" "JWTKit, swift-certificates, swift-asn1" --target JWTKit
fi
stage "async-http-client" "NIOSSL (a second BoringSSL), NIOHTTP2, compression, SOCKS" --target AsyncHTTPClient
stage "this project" "MCPAuth, Shared, MCPAuthRemote, SharedRemote, step11, linked" --product step11
echo "| **all** | | **$total** |"

[ "${DEMO:-1}" = 1 ] || exit 0
fresh_clone demo
cd "$scratch/demo"
start=$(now)
swift run step11 --demo >"$scratch/demo.log" 2>&1 || { tail -20 "$scratch/demo.log"; exit 1; }
end=$(now)
echo
echo "\`swift run step11 --demo\` from a fresh clone, package resolution and build included: $(seconds "$start" "$end") s"
