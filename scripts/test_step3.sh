#!/usr/bin/env bash
# Step 3: the echo tool and echo_prompt, defined; as in the posts, only ping is dispatched yet.
source "$(dirname "$0")/lib.sh"
start_step 3

expect_log "the start-up log shows the echo tool's definition" 3 "defined tool echo (Echo Tool): "
expect_log "…with its arguments" 3 "[arguments: message (required), repeat_count]"
expect_log "…and echo_prompt's" 3 "defined prompt echo_prompt: "

post_mcp '{"jsonrpc":"2.0","id":1,"method":"ping"}'
expect "from step 3 on, a client without Origin is let in" 200 '.result == {}'

post_mcp '{"jsonrpc":"2.0","id":1,"method":"ping"}' -H 'Origin: http://localhost.evil.com'
expect "a hostile Origin is still refused" 403

# The posts' own requests, verbatim: the definitions exist, the dispatch is step 4's.
post_as_posts '{"jsonrpc": "2.0", "id": 1, "method": "ping"}'
expect "posts: ping" 200 '.result == {}'
post_as_posts '{"jsonrpc": "2.0", "id": 2, "method": "tools/list"}'
expect "posts: tools/list gets -32601 (not dispatched yet)" 200 '.error.code == -32601 and .id == 2'
post_as_posts '{"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "echo", "arguments": {"message": "Hello World", "repeat_count": 3}}}'
expect "posts: tools/call gets -32601" 200 '.error.code == -32601'
post_as_posts '{"jsonrpc": "2.0", "id": 4, "method": "prompts/list"}'
expect "posts: prompts/list gets -32601" 200 '.error.code == -32601'
post_as_posts '{"jsonrpc": "2.0", "id": 5, "method": "prompts/get", "params": {"name": "echo_prompt", "arguments": {"message": "Test Message"}}}'
expect "posts: prompts/get gets -32601" 200 '.error.code == -32601'

finish
