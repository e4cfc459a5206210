#!/usr/bin/env bash
# Step 2: JSON-RPC 2.0 over POST /mcp: ping, and every way a message can be wrong.
source "$(dirname "$0")/lib.sh"
start_step 2
LOCAL=(-H 'Origin: http://localhost:6274')

post_mcp '{"jsonrpc":"2.0","id":1,"method":"ping"}' "${LOCAL[@]}"
expect "ping answers an empty result" 200 '.jsonrpc == "2.0" and .id == 1 and .result == {}'
expect_body "…as compact JSON" '{"jsonrpc":"2.0","id":1,"result":{}}'

post_mcp '{"jsonrpc":"2.0","id":1,"method":"ping"}'
expect "without Origin, step 2 still refuses" 403

post_mcp '{"jsonrpc":"2.0","id":2,"method":"tools/list"}' "${LOCAL[@]}"
expect "an unknown method gets -32601" 200 '.error.code == -32601 and .id == 2'

post_mcp '{"jsonrpc":"2.0","id":3,"method":' "${LOCAL[@]}"
expect "malformed JSON gets -32700 and HTTP 400" 400 '.error.code == -32700 and .id == null'

post_mcp '[{"jsonrpc":"2.0","id":4,"method":"ping"}]' "${LOCAL[@]}"
expect "a batch is refused with -32600" 400 '.error.code == -32600'

post_mcp '"ping"' "${LOCAL[@]}"
expect "a message that is not an object gets -32600" 400 '.error.code == -32600'

post_mcp '{"jsonrpc":"1.0","id":5,"method":"ping"}' "${LOCAL[@]}"
expect "jsonrpc other than 2.0 gets -32600" 400 '.error.code == -32600'

post_mcp '{"jsonrpc":"2.0","method":"notifications/initialized"}' "${LOCAL[@]}"
expect "a notification gets 202 and no body" 202
expect_body "…the body is empty" ''

post_mcp '{"jsonrpc":"2.0","id":6,"method":"ping"}' "${LOCAL[@]}" -H 'Content-Type: text/plain'
expect "Content-Type text/plain gets 415" 415

# The posts' own requests, verbatim.
post_as_posts '{"jsonrpc": "2.0", "id": 1, "method": "ping"}' -H "Origin: http://localhost:3000"
expect "posts: ping with Origin http://localhost:3000" 200
expect_contains "…answers \"jsonrpc\":\"2.0\"" '"jsonrpc":"2.0"'
expect_contains "…and \"id\":1" '"id":1'
post_as_posts '{"jsonrpc": "2.0", "id": 2, "method": "ping"}' -H "Origin: http://127.0.0.1:8080"
expect "posts: ping with Origin http://127.0.0.1:8080" 200 '.id == 2 and .result == {}'
post_as_posts '{"jsonrpc": "2.0", "id": 3, "method": "ping"}'
expect "posts: ping without Origin is refused" 403
for origin in http://evil.com https://localhost:3000; do
    post_as_posts '{"jsonrpc": "2.0", "id": 4, "method": "ping"}' -H "Origin: $origin"
    expect "posts: ping with Origin $origin is refused" 403
done
post_as_posts '{"jsonrpc": "2.0", "id": 6, "method": "unknown_method"}' -H "Origin: http://localhost:5000"
expect "posts: unknown_method gets -32601" 200 '.error.code == -32601 and .id == 6'

head -c 1100000 /dev/zero | tr '\0' ' ' >"$WORK/big.json"
request POST /mcp "${LOCAL[@]}" -H 'Content-Type: application/json' --data-binary @"$WORK/big.json"
expect "a body over 1 MiB gets 413" 413

finish
