#!/usr/bin/env bash
# Step 3: the echo tool and echo_prompt, discoverable with tools/list and prompts/list.
source "$(dirname "$0")/lib.sh"
start_step 3

post_mcp '{"jsonrpc":"2.0","id":1,"method":"ping"}'
expect "from step 3 on, a client without Origin is let in" 200 '.result == {}'

post_mcp '{"jsonrpc":"2.0","id":1,"method":"ping"}' -H 'Origin: http://localhost.evil.com'
expect "a hostile Origin is still refused" 403

post_mcp '{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
expect "tools/list shows the echo tool" 200 '.result.tools | map(.name) == ["echo"]'
expect "…message is required" 200 '.result.tools[0].inputSchema.required == ["message"]'
expect "…repeat_count is an integer from 1 to 10, default 1" 200 \
    '.result.tools[0].inputSchema.properties.repeat_count | .type == "integer" and .minimum == 1 and .maximum == 10 and .default == 1'
expect "…with annotations" 200 \
    '.result.tools[0].annotations == {"title":"Echo Tool","readOnlyHint":false,"destructiveHint":false,"idempotentHint":true,"openWorldHint":false}'
expect "…and an output schema" 200 '.result.tools[0].outputSchema.type == "object"'

post_mcp '{"jsonrpc":"2.0","id":3,"method":"prompts/list"}'
expect "prompts/list shows echo_prompt with a required message" 200 \
    '.result.prompts[0].name == "echo_prompt" and .result.prompts[0].arguments[0] == {"name":"message","description":"The message to echo","required":true}'

post_mcp '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"echo","arguments":{"message":"hi"}}}'
expect "calling tools comes in step 4: -32601 here" 200 '.error.code == -32601'

finish
