#!/usr/bin/env bash
# Step 5: the public key as a JSON Web Key Set.
source "$(dirname "$0")/lib.sh"
start_step 5

get /health
expect "/health says jwt_enabled and jwks_available" 200 '.jwt_enabled == true and .jwks_available == true'

get /.well-known/jwks.json
expect "the JWKS has one RSA key, kid mcp-key-1" 200 '.keys | length == 1 and .[0].kty == "RSA" and .[0].kid == "mcp-key-1"'
expect "…for RS256 signatures" 200 '.keys[0].alg == "RS256" and .keys[0].use == "sig"'
expect "…with n and e in base64url, unpadded" 200 '.keys[0].e == "AQAB" and (.keys[0].n | test("^[A-Za-z0-9_-]+$"))'
expect "…and nothing private (no d, p, q)" 200 '.keys[0] | has("d") or has("p") or has("q") | not'

# The posts' own requests, verbatim.
post_as_posts '{"jsonrpc": "2.0", "id": 1, "method": "initialize"}'
expect "posts: initialize says jwt_enabled in serverInfo" 200 '.result.serverInfo.jwt_enabled == true'
post_as_posts '{"jsonrpc": "2.0", "id": 2, "method": "tools/list"}'
expect_contains "posts: tools/list lists echo" '"name":"echo"'
post_as_posts '{"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "echo", "arguments": {"message": "Hello World", "repeat_count": 3}}}'
expect_contains "posts: echo concatenates" 'Hello WorldHello WorldHello World'

# Without keys, the server does not start: scripts/test_mistakes.sh checks its one line.

finish
