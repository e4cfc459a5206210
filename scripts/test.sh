#!/usr/bin/env bash
# The one test command: build, unit and in-process tests, every step's black-box script, a learner's first mistakes,
# then a browser MCP client in headless Chromium (skipped, saying how to install it, when Chromium is not there).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "── the README's Read lines name what each step's main names"
bash scripts/check_read_lists.sh
echo "── swift format lint --strict (.swift-format: Hummingbird's settings, 120 columns)"
swift format lint --strict --recursive --parallel Package.swift Steps Shared Tests Benchmarks Examples
echo "── Examples/ProtectedServer: MCPAuth in a package of its own, and what a server of MCPAuth alone links"
(cd Examples/ProtectedServer && swift build --build-tests && swift test)
bash scripts/check_mcpauth_links.sh
bash scripts/check_mcpauth_docs.sh
echo "── swift build"
swift build
echo "── swift test"
swift test
for script in $(ls scripts/test_step*.sh | sort -V) scripts/test_mistakes.sh scripts/test_browser.sh; do
    echo "── $script"
    bash "$script"
done
echo "── all tests passed"
