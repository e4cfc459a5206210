#!/usr/bin/env bash
# The one test command: build, unit and in-process tests, every step's black-box script, then a learner's first mistakes.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "── the README's Read lines name what each step's main names"
bash scripts/check_read_lists.sh
echo "── swift build"
swift build
echo "── swift test"
swift test
for script in $(ls scripts/test_step*.sh | sort -V) scripts/test_mistakes.sh; do
    echo "── $script"
    bash "$script"
done
echo "── all tests passed"
