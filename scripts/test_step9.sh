#!/usr/bin/env bash
# Step 9: the built-in realm server — discovery, JWKS, a password grant per user, the code flow, registration.
source "$(dirname "$0")/lib.sh"
start_step 9 serve
REALM="/realms/mcp-realm"
ISSUER="http://localhost:$PORT$REALM"
TOKEN_PATH="$REALM/protocol/openid-connect/token"
SCOPE="openid profile email mcp:read mcp:tools mcp:prompts"

get "$REALM/.well-known/openid-configuration"
expect "discovery names the issuer" 200 ".issuer == \"$ISSUER\""
expect "…requires PKCE S256 and sends iss back (RFC 9207)" 200 '.code_challenge_methods_supported == ["S256"] and .authorization_response_iss_parameter_supported == true'
get "/.well-known/oauth-authorization-server$REALM"
expect "RFC 8414 path-inserted metadata is served too" 200 ".issuer == \"$ISSUER\""

expect "…and takes clients named by a metadata document (CIMD)" 200 '.client_id_metadata_document_supported == true'
get "$REALM/protocol/openid-connect/auth" -G -d response_type=code --data-urlencode "client_id=https://127.0.0.1/client.json" \
    --data-urlencode "redirect_uri=http://127.0.0.1:8765/callback" -d code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM \
    -d code_challenge_method=S256
STATUS_TEXT=$([[ "$STATUS" == 400 && "$BODY" == *"127.0.0.1 resolves to 127.0.0.1, which is not a public address"* ]] && echo yes || echo no)
report "…but never fetches one from a loopback or private address (SSRF)" "$STATUS_TEXT" "400 naming the address" "$STATUS ${BODY:0:200}"

get "$REALM/protocol/openid-connect/certs"
expect "the JWKS has the RS256 signing key" 200 '.keys | length == 1 and .[0].alg == "RS256" and (.[0].kid | length > 0)'

claims() { jq -r '.access_token | split(".")[1] | gsub("-";"+") | gsub("_";"/") | @base64d' <<<"$BODY"; }
for user in "mcp-admin admin123 mcp:read mcp:tools mcp:prompts" "mcp-user user123 mcp:read mcp:tools" "mcp-readonly readonly123 mcp:read"; do
    set -- $user
    name=$1 password=$2
    shift 2
    request POST "$TOKEN_PATH" -d grant_type=password -d client_id=mcp-test-client -d "username=$name" -d "password=$password" --data-urlencode "scope=$SCOPE"
    expect "$name gets a token with exactly: $*" 200 ".scope == \"openid profile email $*\""
    BODY=$(claims)
    expect "…aud echo-mcp-server, azp mcp-test-client, preferred_username $name" 200 \
        ".aud == \"echo-mcp-server\" and .azp == \"mcp-test-client\" and .preferred_username == \"$name\" and .iss == \"$ISSUER\""
done

request POST "$TOKEN_PATH" -d grant_type=password -d client_id=mcp-test-client -d username=mcp-user -d password=wrong
expect "a wrong password: invalid_grant" 400 '.error == "invalid_grant"'
request POST "$TOKEN_PATH" -d grant_type=client_credentials -u echo-mcp-server:wrong-secret
expect "a wrong client secret: 401 invalid_client" 401 '.error == "invalid_client"'

# The authorization-code flow, as a browser and a client would run it.
VERIFIER=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
CHALLENGE=$(printf '%s' "$VERIFIER" | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '=\n')
CALLBACK="http://127.0.0.1:8765/callback"
get "$REALM/protocol/openid-connect/auth" -G -d response_type=code -d client_id=mcp-test-client --data-urlencode "redirect_uri=$CALLBACK" \
    -d state=s-42 -d code_challenge="$CHALLENGE" -d code_challenge_method=S256 --data-urlencode "scope=openid mcp:read"
expect "the authorization endpoint shows a login form" 200
REQUEST_ID=$(grep -o 'name="request_id" value="[^"]*"' <<<"$BODY" | sed 's/.*value="//; s/"$//')
request POST "$REALM/protocol/openid-connect/auth" --data-urlencode "request_id=$REQUEST_ID" -d username=mcp-readonly -d password=readonly123
LOCATION=$(grep -i '^location:' <<<"$HEADERS" | cut -d' ' -f2-)
CODE=$(sed -n 's/.*[?&]code=\([^&]*\).*/\1/p' <<<"$LOCATION")
expect "signing in redirects back with a code" 302
[[ "$LOCATION" == "$CALLBACK"*"state=s-42"* ]] && report "…and the state" yes "" "" || report "…and the state" no "state=s-42" "$LOCATION"
request POST "$TOKEN_PATH" -d grant_type=authorization_code -d client_id=mcp-test-client -d "code=$CODE" --data-urlencode "redirect_uri=$CALLBACK" -d "code_verifier=$VERIFIER"
expect "the code and the PKCE verifier buy a token" 200 '.scope == "openid profile email mcp:read"'
request POST "$TOKEN_PATH" -d grant_type=authorization_code -d client_id=mcp-test-client -d "code=$CODE" --data-urlencode "redirect_uri=$CALLBACK" -d "code_verifier=$VERIFIER"
expect "…once: a replayed code is refused" 400 '.error == "invalid_grant"'

request POST "$REALM/clients-registrations/openid-connect" -H 'Content-Type: application/json' \
    -d '{"client_name":"test_step9","redirect_uris":["http://127.0.0.1:53682/callback"],"token_endpoint_auth_method":"none"}'
expect "anonymous registration (RFC 7591) accepts a loopback redirect URI" 201 '.client_id | length > 0'
request POST "$REALM/clients-registrations/openid-connect" -H 'Content-Type: application/json' -d '{"redirect_uris":["http://evil.example/cb"]}'
expect "…and refuses http on a public host" 400 '.error == "invalid_redirect_uri"'
request POST "$REALM/clients-registrations/openid-connect" -H 'Content-Type: application/json' \
    -d '{"redirect_uris":["http://127.0.0.1:53682/callback"],"grant_types":["password"]}'
expect "…and an unsupported grant type" 400 '.error == "invalid_client_metadata"'

# What the server refuses (RFC 9700): the two attacks of the list, black-box.
# 1. A rotated refresh token used again revokes its whole family.
request POST "$TOKEN_PATH" -d grant_type=password -d client_id=mcp-test-client -d username=mcp-user -d password=user123
RT1=$(jq -r .refresh_token <<<"$BODY")
request POST "$TOKEN_PATH" -d grant_type=refresh_token -d client_id=mcp-test-client -d "refresh_token=$RT1"
expect "refreshing rt1 gives rt2" 200 '.refresh_token | length > 0'
RT2=$(jq -r .refresh_token <<<"$BODY")
ACCESS2=$(jq -r .access_token <<<"$BODY")
request POST "$TOKEN_PATH" -d grant_type=refresh_token -d client_id=mcp-test-client -d "refresh_token=$RT1"
expect "rt1 used again is refused" 400 '.error == "invalid_grant"'
request POST "$TOKEN_PATH" -d grant_type=refresh_token -d client_id=mcp-test-client -d "refresh_token=$RT2"
expect "…and rt2, of the same family, is revoked with it" 400 '.error == "invalid_grant"'
get "$REALM/protocol/openid-connect/userinfo" -H "Authorization: Bearer $ACCESS2"
expect "…and so is the access token it came with" 401 '.detail == "Token revoked: its session was ended"'
expect_log "the reuse is logged with the client and the user, not the token" 9 "refresh token used twice: client=mcp-test-client user=mcp-user"

# 2. No PKCE downgrade: a confidential client without a code_challenge gets no code.
request POST "$REALM/clients-registrations/openid-connect" -H 'Content-Type: application/json' \
    -d '{"redirect_uris":["http://127.0.0.1:53682/callback"],"token_endpoint_auth_method":"client_secret_post"}'
CONFIDENTIAL=$(jq -r .client_id <<<"$BODY")
get "$REALM/protocol/openid-connect/auth" -G -d response_type=code -d "client_id=$CONFIDENTIAL" \
    --data-urlencode "redirect_uri=http://127.0.0.1:53682/callback" -d state=s-43
LOCATION=$(grep -i '^location:' <<<"$HEADERS" | cut -d' ' -f2-)
[[ "$LOCATION" == *"error=invalid_request"* && "$LOCATION" != *"code="* ]] &&
    report "a confidential client without PKCE gets invalid_request, and no code" yes "" "" ||
    report "a confidential client without PKCE gets invalid_request, and no code" no "error=invalid_request" "$LOCATION"

# Ctrl-C or SIGTERM: the server stops, says so, and exits 0: nothing crashes on the way out.
STEP9_PID=${SERVER_PIDS[-1]}
kill -TERM "$STEP9_PID"
STATUS=0
wait "$STEP9_PID" || STATUS=$?
SERVER_PIDS=()
[[ $STATUS == 0 ]] && grep -q "step9 stopped" "$WORK/step9.log" && ! grep -q "Fatal error" "$WORK/step9.log" &&
    report "SIGTERM: step9 says it stopped, and exits 0" yes "" "" ||
    report "SIGTERM: step9 says it stopped, and exits 0" no "exit 0 and 'step9 stopped'" \
        "exit $STATUS: $(tail -n 3 "$WORK/step9.log")"

finish
