#!/usr/bin/env bash
# The one test command: build, unit and in-process tests, then every step's black-box script.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "── swift build"
swift build
echo "── swift test"
swift test
for script in $(ls scripts/test_step*.sh | sort -V); do
    echo "── $script"
    bash "$script"
done
echo "── all tests passed"
