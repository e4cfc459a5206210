#!/usr/bin/env bash
# Step 11: the whole story, non-interactively: `step11 --demo` for mcp-user and for mcp-admin, and `--demo --dpop` and
# `--demo --cimd` for mcp-admin.
source "$(dirname "$0")/lib.sh"
build step11
STEP11="$(build_path)/step11"

check_line() { # check_line WHAT TEXT: the transcript has a line containing TEXT
    if grep -qF -- "$2" "$WORK/transcript"; then report "$1" yes "" ""; else report "$1" no "a line with: $2" "$(tail -n 5 "$WORK/transcript")"; fi
}

LEFT_BEFORE=$(ls -d "${TMPDIR:-/tmp}"/step11-* 2>/dev/null | wc -l)
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
check_line "…and the demo says that refusal is expected, and how to see the other outcome" "The refusal is expected: mcp-user holds no role for that scope in the realm. --user mcp-admin holds them all."
LEFT_AFTER=$(ls -d "${TMPDIR:-/tmp}"/step11-* 2>/dev/null | wc -l)
((LEFT_AFTER <= LEFT_BEFORE)) && report "--demo leaves nothing in the temporary directory" yes "" "" ||
    report "--demo leaves nothing in the temporary directory" no "$LEFT_BEFORE step11-* folders" "$LEFT_AFTER"

# Going further: DPoP: the same story with tokens bound to a key made for the run, against a step-10 server that requires DPoP.
if timeout 120 "$STEP11" --demo --dpop --user mcp-admin >"$WORK/transcript" 2>&1; then report "step11 --demo --dpop exits 0" yes "" ""; else
    report "step11 --demo --dpop exits 0" no "exit 0" "exit $?: $(tail -n 3 "$WORK/transcript")"
fi
THUMBPRINT=$(sed -n 's/^DPoP: a P-256 key made for this run, thumbprint \([A-Za-z0-9_-]*\) .*/\1/p' "$WORK/transcript")
check_line "--dpop: the client makes a key for the run" "DPoP: a P-256 key made for this run, thumbprint "
check_line "--dpop: the server takes DPoP only" "← 401 WWW-Authenticate: DPoP algs=\"ES256 RS256\""
check_line "--dpop: the resource metadata says DPoP is required" "✔ (it is the server called), DPoP-bound tokens required"
check_line "--dpop: the authorization server offers DPoP ES256" "DPoP ES256 ✔"
check_line "--dpop: the code is exchanged with a DPoP proof" "exchanging the code (with the PKCE verifier and a DPoP proof)"
check_line "--dpop: the token is bound to the client's key" "token_type DPoP ✔, cnf.jkt ${THUMBPRINT:-?} = this client's key ✔"
check_line "--dpop: the MCP session uses DPoP" "⑧ MCP session with DPoP: Authorization: DPoP <token>"
check_line "--dpop: the echo tool answers" "✔ tools/call echo → hello from step 11"
check_line "--dpop: mcp-admin may list prompts" "✔ prompts/list → echo_prompt"

# A client named by its metadata document (CIMD, MCP 2025-11-25): the demo serves the document on loopback, and the
# realm server, in dev mode, fetches it instead of a registration.
if timeout 120 "$STEP11" --demo --cimd --user mcp-admin >"$WORK/transcript" 2>&1; then report "step11 --demo --cimd exits 0" yes "" ""; else
    report "step11 --demo --cimd exits 0" no "exit 0" "exit $?: $(tail -n 3 "$WORK/transcript")"
fi
check_line "--cimd: the demo serves the client's metadata document" "demo: the client's metadata document at http://127.0.0.1:"
check_line "--cimd: the authorization server takes metadata documents" "client metadata documents ✔"
check_line "--cimd: the client_id is the document's URL, nothing is registered" "⑤ client_id is this client's metadata document, http://127.0.0.1:"
check_line "--cimd: the echo tool answers" "✔ tools/call echo → hello from step 11"
check_line "--cimd: mcp-admin may list prompts" "✔ prompts/list → echo_prompt"

# Against servers started on their own (step9 serve and step 10), as a learner runs them.
start_step 9 serve
KEYCLOAK_PORT=$PORT
start_step 10 --keycloak-url "http://localhost:$PORT"
MCP_URL="http://localhost:$PORT/mcp"
wait_until /health '.keycloak_integration.keys.state == "fresh"'
timeout 60 "$STEP11" --server "$MCP_URL" --state-dir "$WORK/s11" --password wrong >"$WORK/transcript" 2>&1 || true
check_line "a wrong password shows the login page's error" "✘ The authorization server refused: Invalid username or password."
timeout 60 "$STEP11" --server "$MCP_URL" --state-dir "$WORK/s11d" --client-id-url https://127.0.0.1/client.json \
    --password user123 >"$WORK/transcript" 2>&1 || true
check_line "--client-id-url naming a loopback document: step 9 refuses to fetch it, in one line" \
    "✘ The authorization server refused: The client_id URL is refused: 127.0.0.1 resolves to 127.0.0.1, which is not a public address."

# Into a pipe, each stage shows as it happens: the transcript has the browser stage while step 11 still waits for it.
"$STEP11" --server "$MCP_URL" --state-dir "$WORK/s11b" > >(cat >"$WORK/piped") 2>&1 &
CLIENT=$!
deadline=$((SECONDS + 20))
until grep -qF "waiting up to 5 minutes for the browser" "$WORK/piped" 2>/dev/null || ((SECONDS > deadline)); do sleep 0.1; done
if kill -0 "$CLIENT" 2>/dev/null && grep -qF "waiting up to 5 minutes for the browser" "$WORK/piped"; then
    report "into a pipe, the lines arrive while step 11 still runs (and every wait says its limit)" yes "" ""
else
    report "into a pipe, the lines arrive while step 11 still runs" no "the waiting line before exit" "$(tail -n 3 "$WORK/piped")"
fi
kill "$CLIENT" 2>/dev/null || true

# Against a server that answers with an event stream, as the official SDKs' servers do by default (step 10 with
# MCP_EVENT_STREAM=true): the client reads its responses from the stream.
REALM_URL="http://localhost:${KEYCLOAK_PORT}"
export MCP_EVENT_STREAM=true
start_step 10 --keycloak-url "$REALM_URL"
unset MCP_EVENT_STREAM
SSE_URL="http://localhost:$PORT/mcp"
wait_until /health '.keycloak_integration.keys.state == "fresh"'
post_mcp '{"jsonrpc":"2.0","id":1,"method":"ping"}' -H "Authorization: Bearer $(curl -sS -X POST \
    "$REALM_URL/realms/mcp-realm/protocol/openid-connect/token" -d grant_type=password -d client_id=mcp-test-client \
    -d username=mcp-user -d password=user123 -d 'scope=openid mcp:read' | jq -r .access_token)"
STREAMED=$([[ "$STATUS" == 200 && "${HEADERS,,}" == *"content-type: text/event-stream"* && "$BODY" == "event: message"$'\n'"data: {"* ]] && echo yes || echo no)
report "MCP_EVENT_STREAM=true: step 10 answers with an event stream" "$STREAMED" "200, text/event-stream, event: message" "$STATUS ${BODY:0:120}"
timeout 60 "$STEP11" --server "$SSE_URL" --state-dir "$WORK/s11c" --user mcp-admin --password admin123 >"$WORK/transcript" 2>&1 || true
check_line "step 11 against it: initialize from the stream" "initialize ✔"
check_line "…tools/call from the stream" "✔ tools/call echo → hello from step 11"
check_line "…prompts/list from the stream" "✔ prompts/list → echo_prompt"

finish
