#!/usr/bin/env bash
# Step 11: the whole story, non-interactively: `step11 --demo` for mcp-user and for mcp-admin.
source "$(dirname "$0")/lib.sh"
swift build --product step11 >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; echo "❌ build of step11 failed"; exit 1; }
STEP11="$(swift build --show-bin-path)/step11"

check_line() { # check_line WHAT TEXT: the transcript has a line containing TEXT
    if grep -qF -- "$2" "$WORK/transcript"; then report "$1" yes "" ""; else report "$1" no "a line with: $2" "$(tail -n 5 "$WORK/transcript")"; fi
}

for user in mcp-user mcp-admin; do
    if timeout 120 "$STEP11" --demo --user "$user" >"$WORK/transcript" 2>&1; then report "step11 --demo --user $user exits 0" yes "" ""; else
        report "step11 --demo --user $user exits 0" no "exit 0" "exit $?: $(tail -n 3 "$WORK/transcript")"
    fi
    check_line "$user: the first call gets 401 and a challenge" "← 401 WWW-Authenticate: Bearer"
    check_line "$user: the resource metadata names the server called" "③ resource http://127.0.0.1:"
    check_line "$user: the authorization server offers PKCE S256" "PKCE S256 ✔"
    check_line "$user: the client registers itself (RFC 7591)" "⑤ registered (RFC 7591)"
    check_line "$user: state and iss come back right" "⑦ redirect received: state ✔, iss ✔"
    check_line "$user: the echo tool answers" "✔ tools/call echo → hello from step 11"
done
check_line "mcp-admin may list prompts" "✔ prompts/list → echo_prompt"
timeout 120 "$STEP11" --demo --user mcp-user >"$WORK/transcript" 2>&1 || true
check_line "mcp-user: prompts/list is refused after a step-up the realm does not grant" "✘ prompts/list → 403 insufficient_scope: mcp:prompts not granted"

finish
