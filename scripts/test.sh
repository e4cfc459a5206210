#!/usr/bin/env bash
# The one test command: build, unit and in-process tests, every step's black-box script, then a learner's first mistakes.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "── swift build"
swift build
echo "── swift test"
swift test
for script in $(ls scripts/test_step*.sh | sort -V) scripts/test_mistakes.sh; do
    echo "── $script"
    bash "$script"
done
echo "── all tests passed"
