#!/usr/bin/env bash
# Step 8: who may call what — scopes, the admin role, and the per-tool guard.
source "$(dirname "$0")/lib.sh"
start_step 8

ALICE=$(gen_token alice mcp:read,mcp:tools)
BOB=$(gen_token bob mcp:read,mcp:prompts)
ADMIN=$(gen_token admin mcp:read,mcp:tools,mcp:prompts --roles admin)
GUEST=$(gen_token guest "")

call() { # call TOKEN METHOD [PARAMS]
    post_mcp "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$2\",\"params\":${3:-{\}}}" -H "Authorization: Bearer $1"
}
ECHO='{"name":"echo","arguments":{"message":"hi"}}'
PROMPT='{"name":"echo_prompt","arguments":{"message":"hi"}}'
STATS='{"name":"server_stats","arguments":{}}'

call "$ALICE" tools/call "$ECHO"
expect "alice (mcp:tools) calls echo" 200 '.result.structuredContent.echo == "hi"'
call "$ALICE" prompts/get "$PROMPT"
expect "alice (mcp:read) gets a prompt" 200 '.result.messages[0].content.text == "Please echo: hi"'

call "$BOB" tools/list
expect "bob (mcp:read) lists tools" 200 '.result.tools | length == 2'
call "$BOB" tools/call "$ECHO"
expect "bob may not call tools: 403 Forbidden (-32001)" 403 '.error.code == -32001 and .error.message == "Forbidden"'
expect_header "…and the challenge names the scope to ask for" WWW-Authenticate \
    "Bearer realm=\"mcp-server\", resource_metadata=\"http://localhost:$PORT/.well-known/oauth-protected-resource/mcp\", error=\"insufficient_scope\", scope=\"mcp:tools\", error_description=\"Insufficient scope: this request needs mcp:tools\""

call "$GUEST" ping
expect "guest (no scopes) may ping" 200 '.result._meta.user == "guest"'
call "$GUEST" tools/list
expect "…but not list tools" 403 '.error.code == -32001'
call "$GUEST" prompts/list
expect "…nor list prompts" 403 '.error.data.detail == "Insufficient scope: this request needs mcp:prompts"'

call "$ALICE" tools/call "$STATS"
expect "server_stats needs mcp:admin: alice gets 403" 403 '.error.data.detail == "Insufficient scope: this request needs mcp:admin"'
call "$ADMIN" tools/call "$STATS"
expect "…admin (role admin) gets the stats" 200 '.result.structuredContent.caller == "admin"'

get /health
expect "/health says scope_based_auth" 200 '.scope_based_auth == true'

# The posts' own requests, verbatim: in step 8, mcp:read also lists (as the posts' step 8).
post_as_posts '{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}' -H "Authorization: Bearer $ALICE"
expect_contains "posts: alice lists tools" '"name":"echo"'
post_as_posts '{"jsonrpc": "2.0", "id": 2, "method": "prompts/list"}' -H "Authorization: Bearer $ALICE"
expect_contains "posts: alice lists prompts" '"name":"echo_prompt"'
post_as_posts '{"jsonrpc": "2.0", "id": 3, "method": "tools/list"}' -H "Authorization: Bearer $BOB"
expect_contains "posts: bob lists tools" '"name":"echo"'
post_as_posts '{"jsonrpc": "2.0", "id": 7, "method": "tools/list"}' -H "Authorization: Bearer $GUEST"
expect "posts: guest is Forbidden (-32001)" 403 '.error.code == -32001 and .error.message == "Forbidden"'

finish
