#!/usr/bin/env bash
# docs/mcpauth.md shows the recipes of Examples/ProtectedServer as they are: each "<!-- file: PATH -->" marker is
# followed by a fenced block equal to PATH, and every recipe of the package is shown once.
set -euo pipefail
cd "$(dirname "$0")/.."
doc=docs/mcpauth.md
failed=0
shown=$(grep -o '<!-- file: [^ ]* -->' "$doc" | sed 's/<!-- file: //; s/ -->//')
for path in $shown; do
    block=$(awk -v marker="<!-- file: $path -->" '$0 == marker { found = 1; next }
        found && /^```/ { if (inside) exit; inside = 1; next } inside { print }' "$doc")
    if [[ ! -f "$path" ]]; then
        echo "❌ $doc shows $path, which does not exist"
        failed=1
    elif [[ "$block" != "$(cat "$path")" ]]; then
        echo "❌ $doc shows $path other than it is:"
        diff <(cat "$path") <(echo "$block") | sed 's/^/   /' || true
        failed=1
    fi
done
for path in Examples/ProtectedServer/Sources/ProtectedServer/*.swift; do
    grep -qxF "<!-- file: $path -->" "$doc" || { echo "❌ $doc does not show $path"; failed=1; }
done
((failed == 0)) && echo "✅ $doc shows the example package's recipes as they are"
exit "$failed"
