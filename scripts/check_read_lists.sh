#!/usr/bin/env bash
# Each step's "Read" list has one source, the doc comment of Steps/StepN/main.swift; the README's "**Read.**"
# line for step N names the same files, in the same order, after the main itself. Every file named exists.
set -euo pipefail
cd "$(dirname "$0")/.."
failed=0
for n in $(seq 1 11); do
    main="Steps/Step$n/main.swift"
    # the main's "/// Read: a, b," line and its "///       c, d" continuation lines
    from_main=$(awk 'on && !/^\/\/\/   / { exit } on { sub(/^\/\/\//, ""); print } /^\/\/\/ Read:/ { on = 1; sub(/^\/\/\/ Read:/, ""); print }' "$main" |
        tr ',' '\n' | sed 's/^ *//; s/ *$//; s/ (.*//' | grep -v '^$' || true)
    # the README's "**Read.**" paragraph of "## Step N —": every `path` in it
    from_readme=$(awk -v h="## Step $n — " 'index($0, h) == 1 { section = 1; next } section && /^## / { exit }
        section && /^\*\*Read\.\*\*/ { on = 1 } on && /^$/ { exit } on { print }' README.md | grep -o '`[^`]*`' | tr -d '`' |
        grep -E '\.(swift|json)$' || true)
    expected=$(printf '%s\n%s\n' "$main" "$from_main")
    if [[ "$from_readme" != "$expected" ]]; then
        echo "❌ step $n: README's Read line and $main's Read: differ"
        diff <(echo "$expected") <(echo "$from_readme") | sed 's/^/   /' || true
        failed=1
    fi
    for file in $from_main; do
        [[ -f "$file" ]] || { echo "❌ step $n: $main names $file, which does not exist"; failed=1; }
    done
done
((failed == 0)) && echo "✅ every step's README Read line names its main's Read list"
exit "$failed"
