#!/usr/bin/env bash
# Mint a demo token, as in the posts:  scripts/generate_token.sh --username alice --scopes mcp:read,mcp:tools
# A thin wrapper around `swift run gen-token`; every option is gen-token's (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product gen-token >/dev/null
exec "$(swift build --show-bin-path)/gen-token" "$@"
