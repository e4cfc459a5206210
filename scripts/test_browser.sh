#!/usr/bin/env bash
# A browser MCP client, in a real headless Chromium: step 4 from another origin, then steps 9 and 10 from discovery
# to a DPoP-bound call, and a refused origin.
#
# Drives Debian's `chromium` through `chromium-driver`'s W3C WebDriver HTTP API with curl and jq. The page
# (scripts/browser/) is served by python3's http.server from http://127.0.0.1:<port>, an origin that is none of the
# servers' (they are addressed as localhost). The same page as http://evil.test:<port> (mapped to 127.0.0.1 inside
# the browser) is an origin no step allows. Screenshots of the login form and of a failed login go to .build/browser/.
#
# Without chromium, chromium-driver or python3, says how to install them and skips (exit 0).
source "$(dirname "$0")/lib.sh"

missing=()
for tool in chromium chromedriver python3; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if ((${#missing[@]})); then
    echo "⏭ browser test skipped: ${missing[*]} not found (apt-get install chromium chromium-driver python3)"
    exit 0
fi
SHOTS="$ROOT/.build/browser"
mkdir -p "$SHOTS"

# The servers: step 4, the realm (step 9), and step 10 trusting it.
start_step 4
STEP4="http://localhost:$PORT/mcp"
start_step 9 serve
REALM="http://localhost:$PORT"
MCP_PORT=$(free_port)
start_step_at "$MCP_PORT" 10 --keycloak-url "$REALM"
STEP10="http://localhost:$MCP_PORT/mcp"
wait_until /health '.keycloak_integration.keys.state == "fresh"'

# The page, and the browser.
PAGE_PORT=$(free_port)
python3 -m http.server "$PAGE_PORT" --bind 127.0.0.1 --directory "$ROOT/scripts/browser" >"$WORK/page.log" 2>&1 &
SERVER_PIDS+=($!)
PAGE="http://127.0.0.1:$PAGE_PORT/index.html"
DRIVER_PORT=$(free_port)
chromedriver --port="$DRIVER_PORT" >"$WORK/chromedriver.log" 2>&1 &
SERVER_PIDS+=($!)
DRIVER="http://127.0.0.1:$DRIVER_PORT"
for _ in $(seq 1 100); do
    curl -s --max-time 1 "$DRIVER/status" | jq -e '.value.ready' >/dev/null 2>&1 && break
    sleep 0.1
done

# wd METHOD PATH [JSON]: one WebDriver command; prints its value (compact JSON).
wd() {
    local method=$1 path=$2 body=${3:-}
    if [[ -n "$body" ]]; then
        curl -sS --max-time 60 -X "$method" "$DRIVER$path" -H 'Content-Type: application/json' -d "$body" | jq -c '.value'
    else
        curl -sS --max-time 60 -X "$method" "$DRIVER$path" | jq -c '.value'
    fi
}

CAPABILITIES=$(jq -n --arg profile "$WORK/chromium" '{capabilities: {alwaysMatch: {browserName: "chrome",
    "goog:chromeOptions": {binary: "/usr/bin/chromium", args: ["--headless=new", "--no-sandbox", "--disable-gpu",
    "--disable-dev-shm-usage", "--window-size=1000,1000", "--user-data-dir=\($profile)", "--host-resolver-rules=MAP evil.test 127.0.0.1"]}}}}')
SESSION=$(wd POST /session "$CAPABILITIES" | jq -r '.sessionId // empty')
if [[ -z "$SESSION" ]]; then
    cat "$WORK/chromedriver.log"
    echo "❌ chromium did not start"
    exit 1
fi
stop_browser() { wd DELETE "/session/$SESSION" >/dev/null 2>&1 || true; }
trap 'stop_browser; cleanup' EXIT
wd POST "/session/$SESSION/timeouts" '{"script": 30000, "pageLoad": 30000}' >/dev/null

open_page() { wd POST "/session/$SESSION/url" "$(jq -n --arg url "$1" '{url: $url}')" >/dev/null; }
# run_js CALL ARG: runs `mcpTests.CALL(ARG)` in the page; sets BODY to what it resolved to ({"error": …} if it threw).
run_js() {
    local script="const done = arguments[arguments.length - 1];
        mcpTests.$1(...arguments).then(done, (error) => done({error: String(error)}));"
    BODY=$(wd POST "/session/$SESSION/execute/async" "$(jq -n --arg script "$script" --arg arg "${2:-}" \
        '{script: $script, args: (if $arg == "" then [] else [$arg] end)}')")
    STATUS=200
}
# element CSS: the reference of the first element matching CSS.
element() {
    wd POST "/session/$SESSION/element" "$(jq -n --arg css "$1" '{using: "css selector", value: $css}')" | jq -r '.[]'
}
type_into() { wd POST "/session/$SESSION/element/$(element "$1")/value" "$(jq -n --arg text "$2" '{text: $text}')" >/dev/null; }
click() { wd POST "/session/$SESSION/element/$(element "$1")/click" '{}' >/dev/null; }
screenshot() { wd GET "/session/$SESSION/screenshot" | jq -r . | base64 -d >"$SHOTS/$1"; }
current_url() { wd GET "/session/$SESSION/url" | jq -r .; }

# Step 4 from another origin.
open_page "$PAGE"
run_js step4 "$STEP4"
expect "step 4 from another origin: initialize names the server" 200 '.server == "mcp-echo"'
expect "…tools/call echoes" 200 '.echo == "Hello from a browser"'
expect "…prompts/get answers" 200 '.prompt | test("hi")'

# Discovery from the 401 challenge, and registration, from JS.
run_js discoverAndRegister "$STEP10"
expect "the 401 and its challenge are readable from JS" 200 \
    ".unauthorized == 401 and (.challenge | test(\"resource_metadata=\"))"
expect "…the resource metadata and the realm's metadata are fetched cross-origin" 200 \
    ".resource == \"$STEP10\" and .issuer == \"$REALM/realms/mcp-realm\" and .pkce == [\"S256\"]"
expect "…and the client registers (RFC 7591)" 200 '.registered == 201 and .clientID != null'
AUTHORIZE=$(jq -r .authorizeURL <<<"$BODY")

# The sign-in, typed into step 9's login form: a wrong password first, then the right one.
open_page "$AUTHORIZE"
screenshot login.png
type_into 'input[name=username]' mcp-user
type_into 'input[name=password]' not-the-password
click 'button[value=login]'
screenshot failed-login.png
BODY=$(wd POST "/session/$SESSION/execute/sync" '{"script": "return document.body.innerText", "args": []}')
expect "a wrong password stays on the login form, saying so" 200 'test("Invalid username or password")'
type_into 'input[name=password]' user123
click 'button[value=login]'
for _ in $(seq 1 50); do [[ "$(current_url)" == "$PAGE?"* ]] && break; sleep 0.1; done
STATUS=200 BODY=$(jq -n --arg url "$(current_url)" '$url')
expect "the right one redirects to the page with a code" 200 "startswith(\"$PAGE?\") and test(\"code=\")"

run_js afterSignIn
expect "the redirect carries our state and the realm's iss (RFC 9207)" 200 \
    ".state == true and .iss == \"$REALM/realms/mcp-realm\""
expect "the code is exchanged from JS" 200 '.exchange.status == 200 and .exchange.tokenType == "Bearer"'
expect "…and refreshed, rotating the refresh token" 200 '.refresh.status == 200 and .refresh.rotated'
expect "a tools/call with the token" 200 '.echo.status == 200 and .echo.text == "signed in"'
expect "a method the token lacks the scope for: 403, its step-up challenge readable from JS" 200 \
    '.stepUp.status == 403 and (.stepUp.challenge | test("insufficient_scope")) and (.stepUp.challenge | test("mcp:prompts"))'
expect "a DPoP-bound token, for a proof signed with a WebCrypto P-256 key" 200 \
    '.dpopToken.status == 200 and .dpopToken.tokenType == "DPoP"'
expect "…a DPoP call with it" 200 '.dpopEcho.status == 200 and .dpopEcho.text == "bound"'
expect "…and the same token as a bearer token is refused" 200 \
    '.boundAsBearer.status == 401 and (.boundAsBearer.challenge | test("invalid_token"))'

# An origin no step allows: the server refuses the preflight itself.
open_page "http://evil.test:$PAGE_PORT/index.html"
run_js step4 "$STEP4"
expect "a page from an origin not allowed cannot call step 4" 200 '.error | test("Failed to fetch")'
expect_log "…because step 4 refused it" 4 "Origin not allowed: http://evil.test:$PAGE_PORT"

echo "Screenshots: $SHOTS/login.png, $SHOTS/failed-login.png"
finish
