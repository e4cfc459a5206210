#!/usr/bin/env bash
# Step 7: OAuth discovery (RFC 9728, RFC 8414) and the demo token endpoint.
source "$(dirname "$0")/lib.sh"
start_step 7
URL="http://localhost:$PORT"
PING='{"jsonrpc":"2.0","id":1,"method":"ping"}'

post_mcp "$PING"
expect "no token: 401" 401
expect_header "…and the challenge points at the resource metadata" WWW-Authenticate \
    "Bearer realm=\"mcp-server\", resource_metadata=\"$URL/.well-known/oauth-protected-resource/mcp\""

get /.well-known/oauth-protected-resource/mcp
expect "protected resource metadata names the resource" 200 ".resource == \"$URL/mcp\""
expect "…its authorization server" 200 ".authorization_servers == [\"$URL\"]"
expect "…its scopes and bearer methods" 200 '.scopes_supported == ["mcp:read","mcp:tools","mcp:prompts"] and .bearer_methods_supported == ["header"]'
get /.well-known/oauth-protected-resource
expect "…and is served at the root too" 200 ".resource == \"$URL/mcp\""

get /.well-known/oauth-authorization-server
expect "authorization server metadata: issuer and token endpoint" 200 ".issuer == \"$URL\" and .token_endpoint == \"$URL/oauth/token\""
expect "…and no endpoint that does not exist" 200 'has("authorization_endpoint") or has("registration_endpoint") | not'

request POST /oauth/token -d grant_type=password -d username=alice -d password=alice123
expect "the token endpoint mints alice a token" 200 '.token_type == "Bearer" and .scope == "mcp:read mcp:tools"'
TOKEN=$(jq -r .access_token <<<"$BODY")

post_mcp "$PING" -H "Authorization: Bearer $TOKEN"
expect "…that /mcp accepts" 200 '.result._meta.user == "alice"'

request POST /oauth/token -d grant_type=password -d username=alice -d password=wrong
expect "a wrong password: invalid_grant" 400 '.error == "invalid_grant" and (has("access_token") | not)'

request POST /oauth/token -d grant_type=client_credentials
expect "another grant: unsupported_grant_type" 400 '.error == "unsupported_grant_type"'

request POST /oauth/token -d grant_type=password -d username=alice -d password=alice123 --data-urlencode resource=https://evil.example/mcp
expect "a resource that is not this server: invalid_target" 400 '.error == "invalid_target"'

request POST /oauth/token -d grant_type=password -d username=bob -d password=bob123 --data-urlencode "resource=$URL/mcp"
expect "an RFC 8707 resource becomes the audience" 200 '.access_token | split(".")[1] | gsub("-";"+") | gsub("_";"/") | @base64d | fromjson | .aud == "'"$URL"'/mcp"'
post_mcp "$PING" -H "Authorization: Bearer $(jq -r .access_token <<<"$BODY")"
expect "…and /mcp accepts that audience" 200

get /health
expect "/health links the metadata" 200 ".oauth_metadata.protected_resource == \"$URL/.well-known/oauth-protected-resource/mcp\""

# The posts' own requests, verbatim.
get /.well-known/oauth-protected-resource
expect "posts: the resource metadata has their MCP fields" 200 'has("mcp_protocol_version") and has("resource_type")'
get /.well-known/oauth-authorization-server
expect "posts: the authorization server metadata says resource_indicators_supported" 200 '.resource_indicators_supported == true and has("response_types_supported")'
post_as_posts '{"jsonrpc": "2.0", "id": 1, "method": "initialize"}' -H "Authorization: Bearer $TOKEN"
expect "posts: initialize names the metadata in serverInfo.oauth_metadata" 200 \
    ".result.serverInfo.oauth_metadata.protected_resource == \"$URL/.well-known/oauth-protected-resource/mcp\" and (.result.serverInfo.oauth_metadata | has(\"authorization_server\"))"
post_as_posts '{"jsonrpc": "2.0", "id": 2, "method": "ping"}' -H "Authorization: Bearer $TOKEN"
expect_contains "posts: ping says oauth_metadata_available" '"oauth_metadata_available":true'
post_as_posts '{"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {"name": "echo", "arguments": {"message": "Hello OAuth", "repeat_count": 2}}}' -H "Authorization: Bearer $TOKEN"
expect_contains "posts: echo" 'Hello OAuthHello OAuth'

finish
