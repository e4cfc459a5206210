#!/usr/bin/env bash
# What a server of MCPAuth alone compiles against: every Swift module the example's ProtectedServer module takes,
# directly or through another, read from its build plan (.build/debug.yaml). None may be an HTTP client or a second
# TLS stack.
#
#   scripts/check_mcpauth_links.sh      (after the example is built)
set -euo pipefail
cd "$(dirname "$0")/../Examples/ProtectedServer"
plan=.build/debug.yaml
[[ -f "$plan" ]] || { echo "❌ no build plan at Examples/ProtectedServer/$plan: build the example first"; exit 1; }

# direct MODULE: the Swift modules MODULE's compile command takes.
direct() {
    grep -A2 "^  \"C\.$1-[^\"]*\.module\":" "$plan" | grep '^    inputs:' | grep -o '[A-Za-z0-9_]*\.swiftmodule"' \
        | sed 's/\.swiftmodule"$//' | grep -vx "$1" || true
}

declare -A seen=([ProtectedServer]=1)
queue=(ProtectedServer)
while ((${#queue[@]})); do
    module=${queue[0]}
    queue=("${queue[@]:1}")
    for dependency in $(direct "$module"); do
        [[ -n "${seen[$dependency]:-}" ]] && continue
        seen[$dependency]=1
        queue+=("$dependency")
    done
done
for expected in MCPAuth Hummingbird Crypto MCP; do
    [[ -n "${seen[$expected]:-}" ]] || { echo "❌ the walk missed $expected: is $plan a build of the example?"; exit 1; }
done
for forbidden in AsyncHTTPClient NIOSSL NIOHTTP2 MCPAuthRemote; do
    [[ -z "${seen[$forbidden]:-}" ]] || { echo "❌ a server of MCPAuth alone compiles against $forbidden"; exit 1; }
done
echo "✅ a server of MCPAuth alone: ${#seen[@]} modules, none of them an HTTP client or a second TLS stack (no AsyncHTTPClient, NIOSSL, NIOHTTP2)"
