#!/usr/bin/env bash
# Step 4: the full MCP dispatch, the Streamable HTTP rules and CORS.
source "$(dirname "$0")/lib.sh"
start_step 4

post_mcp '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'
expect "initialize agrees on the client's version" 200 '.result.protocolVersion == "2025-06-18"'
expect "…names the server and its capabilities" 200 '.result.serverInfo.name == "mcp-echo" and (.result.capabilities | has("tools") and has("prompts"))'

post_mcp '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"1999-01-01","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'
expect "an unknown version is answered with the latest" 200 '.result.protocolVersion == "2025-11-25"'

post_mcp '{"jsonrpc":"2.0","method":"notifications/initialized"}'
expect "notifications/initialized gets 202" 202

post_mcp '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"message":"hello","repeat_count":3}}}'
expect "echo repeats the message 3 times, as the posts do" 200 '.result.structuredContent == {"echo":"hellohellohello","repeat_count":3}'
expect "…and gives the same JSON as text" 200 '.result.content[0].text | fromjson == {"echo":"hellohellohello","repeat_count":3}'

post_mcp '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"message":"hi","repeat_count":11}}}'
expect "repeat_count 11 gets -32602" 200 '.error.code == -32602'

post_mcp '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"echo","arguments":{}}}'
expect "a missing message gets -32602" 200 '.error.code == -32602'

post_mcp '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"rm_rf","arguments":{}}}'
expect "an unknown tool gets -32602" 200 '.error.code == -32602 and .error.data.detail == "Unknown tool: rm_rf"'

post_mcp '{"jsonrpc":"2.0","id":6,"method":"prompts/get","params":{"name":"echo_prompt","arguments":{"message":"hello"}}}'
expect "prompts/get fills echo_prompt" 200 '.result.messages[0].content.text == "Please echo: hello"'

# The posts' own requests, verbatim.
post_as_posts '{"jsonrpc": "2.0", "id": 1, "method": "initialize"}'
expect "posts: initialize without params is answered with our latest version" 200 '.result.protocolVersion == "2025-11-25"'
expect_contains "…with \"serverInfo\"" '"serverInfo"'
post_as_posts '{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}'
expect "…but params that are there without protocolVersion get -32602" 200 '.error.code == -32602'
post_as_posts '{"jsonrpc": "2.0", "id": 2, "method": "tools/list"}'
expect_contains "posts: tools/list lists echo" '"name":"echo"'
post_as_posts '{"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "echo", "arguments": {"message": "Hello World", "repeat_count": 3}}}'
expect "posts: echo concatenates" 200 '.result.structuredContent.echo == "Hello WorldHello WorldHello World"'
expect_contains "…and the text has it too" 'Hello WorldHello WorldHello World'
post_as_posts '{"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {"name": "echo", "arguments": {"message": "Test", "repeat_count": 2}}}'
expect_contains "posts: Test × 2" 'TestTest'
post_as_posts '{"jsonrpc": "2.0", "id": 5, "method": "unknown_method"}'
expect "posts: unknown_method gets -32601 (the spec's code; the Python original answers -32603)" 200 '.error.code == -32601'

get /mcp
expect "GET /mcp gets 405" 405
expect_header "…with Allow: POST" Allow POST

request POST /mcp -H 'Content-Type: application/json' -H 'Accept: text/html' --data-binary '{"jsonrpc":"2.0","id":7,"method":"ping"}'
expect "an Accept without JSON gets 406" 406

post_mcp '{"jsonrpc":"2.0","id":8,"method":"ping"}' -H 'MCP-Protocol-Version: 2024-01-01'
expect "an unsupported MCP-Protocol-Version gets 400" 400

request OPTIONS /mcp -H 'Origin: http://localhost:6274' -H 'Access-Control-Request-Method: POST'
expect "a CORS preflight from MCP Inspector's origin is answered" 204
expect_header "…naming the origin" Access-Control-Allow-Origin http://localhost:6274

post_mcp '{"jsonrpc":"2.0","id":9,"method":"ping"}' -H 'Origin: http://localhost:6274'
expect_header "a cross-origin answer exposes WWW-Authenticate and the MCP headers" \
    Access-Control-Expose-Headers "WWW-Authenticate, Mcp-Session-Id, MCP-Protocol-Version, DPoP-Nonce"

finish
