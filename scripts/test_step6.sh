#!/usr/bin/env bash
# Step 6: /mcp requires a valid bearer JWT.
source "$(dirname "$0")/lib.sh"
start_step 6
PING='{"jsonrpc":"2.0","id":1,"method":"ping"}'
INIT='{"jsonrpc":"2.0","id":2,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'

ALICE=$(gen_token alice mcp:read,mcp:tools)
EXPIRED=$(gen_token alice mcp:read --expires=-120)
WRONG_AUD=$(gen_token alice mcp:read --audience someone-else)
WRONG_ISS=$(gen_token alice mcp:read --issuer https://evil.example)
UNKNOWN_KID=$(gen_token alice mcp:read --kid other-key)
BOUND=$(gen_token alice mcp:read --jkt 0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I)

post_mcp "$PING"
expect "no token: 401 and the posts' detail" 401 '.detail == "Authorization header missing"'
expect_header "…with a Bearer challenge" WWW-Authenticate 'Bearer realm="mcp-server"'

post_mcp "$PING" -H "Authorization: Bearer $ALICE"
expect "alice's token is accepted; ping names her in _meta" 200 '.result._meta.user == "alice"'

post_mcp "$INIT" -H "Authorization: Bearer $ALICE"
expect "initialize names the authenticated user" 200 '.result.serverInfo.authenticatedUser == "alice"'

post_mcp "$PING" -H "Authorization: bearer $ALICE"
expect "the scheme is case-insensitive" 200

post_mcp "$PING" -H "Authorization: Bearer    $ALICE"
expect "more than one space after Bearer is fine (RFC 6750: 1*SP)" 200 '.result._meta.user == "alice"'

STATUS=200 BODY=$(jq '.claims.cnf' "$WORK/token_alice.json")
expect "gen-token --jkt binds a token to a DPoP key (cnf.jkt), for testing DPoP" 200 '.jkt == "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"'
post_mcp "$PING" -H "Authorization: Bearer $BOUND"
expect "…and step 6 refuses it as a bearer token" 401 '.detail | startswith("Token is bound to a DPoP key")'

post_mcp "$PING" -H "Authorization: Bearer $EXPIRED"
expect "an expired token: 401 Token expired" 401 '.detail == "Token expired"'
expect_header "…with error=\"invalid_token\"" WWW-Authenticate 'Bearer realm="mcp-server", error="invalid_token", error_description="Token expired"'

post_mcp "$PING" -H "Authorization: Bearer $WRONG_AUD"
expect "a token for another audience: 401 Invalid audience" 401 '.detail == "Invalid audience"'

post_mcp "$PING" -H "Authorization: Bearer $WRONG_ISS"
expect "a token from another issuer: 401 Invalid issuer" 401 '.detail == "Invalid issuer"'

post_mcp "$PING" -H "Authorization: Bearer $UNKNOWN_KID"
expect "a token naming an unknown key: 401" 401 '.detail == "Unknown signing key (kid other-key)"'

NONE="$(printf '{"alg":"none","typ":"JWT"}' | base64 | tr '+/' '-_' | tr -d '=\n').$(cut -d. -f2 <<<"$ALICE")."
post_mcp "$PING" -H "Authorization: Bearer $NONE"
expect "alg none: 401" 401 '.detail | startswith("Algorithm none is not allowed")'

TAMPERED="$(cut -d. -f1 <<<"$ALICE").$(printf '{"sub":"alice","scope":"mcp:tools","roles":["admin"]}' | base64 | tr '+/' '-_' | tr -d '=\n').$(cut -d. -f3 <<<"$ALICE")"
post_mcp "$PING" -H "Authorization: Bearer $TAMPERED"
expect "a tampered payload: 401 Invalid signature" 401 '.detail == "Invalid signature"'

post_mcp "$PING" -H "Authorization: Bearer"
expect "an empty token: 401" 401 '.detail == "Bearer token is empty"'

request POST "/mcp?access_token=$ALICE" -H 'Content-Type: application/json' --data-binary "$PING"
expect "a token in the query string is ignored: 401" 401 '.detail == "Authorization header missing"'

get /health
expect "/health says auth_required" 200 '.auth_required == true'

# The posts' own requests, verbatim.
ADMIN=$(gen_token admin mcp:read,mcp:tools,mcp:prompts)
post_as_posts '{"jsonrpc": "2.0", "id": 1, "method": "initialize"}'
expect_contains "posts: no token gets their detail" '"detail":"Authorization header missing"'
post_as_posts '{"jsonrpc": "2.0", "id": 1, "method": "initialize"}' -H "Authorization: Bearer $ALICE"
expect_contains "posts: initialize names alice" '"authenticatedUser":"alice"'
post_as_posts '{"jsonrpc": "2.0", "id": 2, "method": "tools/list"}' -H "Authorization: Bearer $ALICE"
expect_contains "posts: tools/list lists echo" '"name":"echo"'
post_as_posts '{"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "echo", "arguments": {"message": "Hello Alice", "repeat_count": 2}}}' -H "Authorization: Bearer $ALICE"
expect_contains "posts: echo for alice" 'Hello AliceHello Alice'
post_as_posts '{"jsonrpc": "2.0", "id": 4, "method": "ping"}' -H "Authorization: Bearer $ALICE"
expect "posts: ping says who and that she is authenticated" 200 '.result._meta == {"user":"alice","authenticated":true}'
post_as_posts '{"jsonrpc": "2.0", "id": 5, "method": "initialize"}' -H "Authorization: Bearer $ADMIN"
expect_contains "posts: initialize names admin" '"authenticatedUser":"admin"'
post_as_posts '{"jsonrpc": "2.0", "id": 6, "method": "initialize"}' -H "Authorization: Bearer invalid.token.here"
expect_contains "posts: a malformed token gets their detail" '"detail":"Invalid token"'

finish
