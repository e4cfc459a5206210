#!/usr/bin/env bash
# Step 10: step10 trusting `step9 serve` — tokens by password grant, every method per user, the 401 and discovery.
source "$(dirname "$0")/lib.sh"
start_step 9 serve
KEYCLOAK_URL="http://localhost:$PORT"
ISSUER="$KEYCLOAK_URL/realms/mcp-realm"

MCP_PORT=$(free_port)
cat >"$WORK/step10.env" <<ENV
KEYCLOAK_URL=$KEYCLOAK_URL
KEYCLOAK_REALM=mcp-realm
MCP_SERVER_URL=http://localhost:$MCP_PORT
JWT_AUDIENCE=echo-mcp-server
ENV
start_step_at "$MCP_PORT" 10 --env "$WORK/step10.env"

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

finish
