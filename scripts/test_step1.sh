#!/usr/bin/env bash
# Step 1: /health, and the DNS-rebinding defence (Origin parsed, Host checked).
# Loopback origins are http only, any port, as in the posts; https://localhost is refused unless allowed.
source "$(dirname "$0")/lib.sh"
start_step 1

get /health
expect "GET /health is healthy" 200 '.status == "healthy"'
expect_body "…and the body is exactly {\"status\":\"healthy\"}" '{"status":"healthy"}'

get /health -H 'Origin: http://evil.example'
expect "/health is exempt from the Origin check" 200

get /mcp
expect "a request without Origin is refused in step 1" 403 '.detail == "Origin header required"'

for origin in http://localhost.evil.com null http://127.0.0.1.nip.io https://evil.example https://localhost:3000; do
    get /mcp -H "Origin: $origin"
    expect "Origin $origin is refused (parsed, not prefix-matched)" 403 ".detail == \"Origin not allowed: $origin\""
done

for origin in http://localhost:6274 http://127.0.0.1:8080 'http://[::1]:3000'; do
    get /mcp -H "Origin: $origin"
    expect "Origin $origin passes (step 1 has no /mcp yet, so: 404)" 404
done

get /health -H 'Host: evil.example'
expect "a Host naming another server gets 421" 421 '.detail == "Host not allowed: evil.example"'

# The log goes to a file here: in batches, at most 100 ms after their first line, and what is left at exit.
expect_log "the log file has the listening line while the server runs" 1 "step1 listening on"
stop_server
expect_log "stopped by SIGTERM, the server's last line reaches the file too" 1 "step1 stopped"

finish
