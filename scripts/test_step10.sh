#!/usr/bin/env bash
# Step 10: step10 trusting `step9 serve` — tokens by password grant, every method per user, the 401 and discovery.
source "$(dirname "$0")/lib.sh"
start_step 9 serve
KEYCLOAK_URL="http://localhost:$PORT"
ISSUER="$KEYCLOAK_URL/realms/mcp-realm"

# The default env file (scripts/keycloak/keycloak_direct.env) with the realm server's URL as a flag: flags beat the
# file, and MCP_SERVER_URL follows the port step 10 listens on.
MCP_PORT=$(free_port)
start_step_at "$MCP_PORT" 10 --keycloak-url "$KEYCLOAK_URL"
expect_log "the configuration names the moved authorization server" 10 "KEYCLOAK_URL=$KEYCLOAK_URL"
expect_log "…and the public URL follows --port" 10 "MCP_SERVER_URL=http://localhost:$MCP_PORT"

wait_until /health '.keycloak_integration.keys.state == "fresh"'
expect "/health names the realm and its issuer" 200 ".keycloak_integration.realm == \"mcp-realm\" and .keycloak_integration.issuer == \"$ISSUER\""
expect "…and the keys it fetched are fresh" 200 '.keycloak_integration.keys.state == "fresh" and .keycloak_integration.keys.count == 1'

post_mcp '{"jsonrpc":"2.0","id":1,"method":"ping"}'
expect "no token: 401" 401 '.detail == "Authorization header missing"'
expect_header "…with the challenge pointing at the resource metadata" WWW-Authenticate \
    "Bearer realm=\"mcp-server\", resource_metadata=\"http://localhost:$MCP_PORT/.well-known/oauth-protected-resource/mcp\""

get /.well-known/oauth-protected-resource/mcp
expect "the resource metadata names the realm as authorization server" 200 ".authorization_servers == [\"$ISSUER\"]"
AS_METADATA="http://localhost:${KEYCLOAK_URL##*:}/.well-known/oauth-authorization-server/realms/mcp-realm"
STATUS=$(curl -sS -o "$WORK/body" -w '%{http_code}' "$AS_METADATA")
BODY=$(cat "$WORK/body")
expect "…and its metadata is found there (RFC 8414)" 200 ".issuer == \"$ISSUER\" and .code_challenge_methods_supported == [\"S256\"]"

token() { # token USER PASSWORD: a password-grant access token from the realm
    curl -sS -X POST "$ISSUER/protocol/openid-connect/token" -d grant_type=password -d client_id=mcp-test-client \
        -d "username=$1" -d "password=$2" --data-urlencode 'scope=openid profile email mcp:read mcp:tools mcp:prompts' | jq -r .access_token
}
call() { # call TOKEN METHOD PARAMS
    post_mcp "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$2\",\"params\":$3}" -H "Authorization: Bearer $1"
}
INIT='{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}'
ECHO='{"name":"echo","arguments":{"message":"hi"}}'
PROMPT='{"name":"echo_prompt","arguments":{"message":"hi"}}'

for user in "mcp-admin admin123 200 200" "mcp-user user123 200 403" "mcp-readonly readonly123 403 403"; do
    set -- $user
    name=$1 tools=$3 prompts=$4
    TOKEN=$(token "$1" "$2")
    call "$TOKEN" initialize "$INIT"
    expect "$name: initialize" 200 ".result.serverInfo.authenticatedUser == \"$name\""
    call "$TOKEN" ping '{}'
    expect "$name: ping" 200
    call "$TOKEN" tools/list '{}'
    expect "$name: tools/list → $tools" "$tools"
    call "$TOKEN" tools/call "$ECHO"
    expect "$name: tools/call → $tools" "$tools"
    call "$TOKEN" prompts/list '{}'
    expect "$name: prompts/list → $prompts" "$prompts"
    call "$TOKEN" prompts/get "$PROMPT"
    expect "$name: prompts/get → $prompts" "$prompts"
done
PRM="http://localhost:$MCP_PORT/.well-known/oauth-protected-resource/mcp"
NEEDS='error="insufficient_scope", scope="mcp:prompts", error_description="Insufficient scope: this request needs mcp:prompts"'
expect_header "…a bearer token's 403 is the Bearer scope challenge" WWW-Authenticate "Bearer realm=\"mcp-server\", resource_metadata=\"$PRM\", $NEEDS"

# The posts' own requests, verbatim (their greps: "result" for success, "error.*Forbidden" for a refusal).
get /health
expect_contains "posts: /health has keycloak_integration" '"keycloak_integration"'
USER_TOKEN=$(token mcp-user user123)
post_as_posts '{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "echo", "arguments": {"message": "Hello from user", "repeat_count": 1}}}' \
    -H "Authorization: Bearer $USER_TOKEN"
expect_contains "posts: mcp-user calls echo" '"result"'
post_as_posts '{"jsonrpc": "2.0", "id": 1, "method": "prompts/list"}' -H "Authorization: Bearer $USER_TOKEN"
[[ "$BODY" =~ error.*Forbidden ]] && report "posts: mcp-user's prompts/list is Forbidden" yes "" "" || report "posts: mcp-user's prompts/list is Forbidden" no "error…Forbidden" "$BODY"
get /.well-known/oauth-protected-resource
expect "posts: the root resource metadata names the authorization server" 200 ".authorization_servers[0] == \"$ISSUER\""

finish
