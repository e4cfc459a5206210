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

stop_server
start_step 5 --keys "$WORK/no-such-dir"
get /.well-known/jwks.json
expect "without a key file, the JWKS answers 503 and says why" 503 '.detail | startswith("No public key at")'
get /health
expect "…and /health says jwks_available false" 200 '.jwks_available == false'

finish
