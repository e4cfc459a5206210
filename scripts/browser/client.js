// What a browser MCP client does, with fetch and WebCrypto only, for scripts/test_browser.sh.
//
// Each function of `mcpTests` resolves to a plain object the script checks with jq. The flow is MCP's: a call
// without a token gets 401 and a challenge naming the resource metadata; that names the authorization server,
// whose metadata gives the registration, authorization and token endpoints; the client registers, signs the
// user in with PKCE (S256), exchanges the code, refreshes, and calls tools, with a bearer token and then with a
// DPoP-bound one (a P-256 key made by WebCrypto, never exported).
"use strict";

const utf8 = new TextEncoder();
const base64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const sha256 = async (text) => base64url(await crypto.subtle.digest("SHA-256", utf8.encode(text)));
const randomString = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

// The echo tool's answer: its structured content (MCP: the same JSON is in the text too).
const echoed = (answer) => answer.body?.result?.structuredContent?.echo ?? null;

const initialize = {
  protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "browser-test", version: "1.0.0" },
};

// One JSON-RPC request; the status, the body and the challenge (readable only if CORS exposes it).
async function rpc(url, method, params, headers = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", ...headers },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, ...(params ? { params } : {}) }),
  });
  const text = await response.text();
  let body = null;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: response.status, body, challenge: response.headers.get("WWW-Authenticate") };
}

// A DPoP proof (RFC 9449 §4.2) for `method` on `url`, with `ath` when a token is sent.
async function dpopProof(key, method, url, accessToken) {
  const { kty, crv, x, y } = await crypto.subtle.exportKey("jwk", key.publicKey);
  const header = { typ: "dpop+jwt", alg: "ES256", jwk: { kty, crv, x, y } };
  const claims = { jti: randomString(), htm: method, htu: url, iat: Math.floor(Date.now() / 1000) };
  if (accessToken) claims.ath = await sha256(accessToken);
  const input = base64url(utf8.encode(JSON.stringify(header))) + "." + base64url(utf8.encode(JSON.stringify(claims)));
  // WebCrypto's ECDSA signature is r || s, as JWS wants it (RFC 7518 §3.4).
  const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key.privateKey, utf8.encode(input));
  return input + "." + base64url(signature);
}

// A token request (a form POST), with a DPoP proof when `key` is given.
async function tokenRequest(endpoint, fields, key) {
  const headers = { "Content-Type": "application/x-www-form-urlencoded" };
  if (key) headers.DPoP = await dpopProof(key, "POST", endpoint);
  const response = await fetch(endpoint, { method: "POST", headers, body: new URLSearchParams(fields) });
  return { status: response.status, body: await response.json() };
}

const flow = {
  save(value) { sessionStorage.setItem("flow", JSON.stringify(value)); },
  load() { return JSON.parse(sessionStorage.getItem("flow")); },
};

window.mcpTests = {
  // Step 4 from another origin: initialize, tools/call and prompts/get, each after a CORS preflight.
  async step4(mcp) {
    const init = await rpc(mcp, "initialize", initialize);
    const echo = await rpc(mcp, "tools/call", { name: "echo", arguments: { message: "Hello from a browser" } });
    const prompt = await rpc(mcp, "prompts/get", { name: "echo_prompt", arguments: { message: "hi" } });
    return {
      server: init.body?.result?.serverInfo?.name ?? null,
      echo: echoed(echo),
      prompt: prompt.body?.result?.messages?.[0]?.content?.text ?? null,
    };
  },

  // Discovery from the 401 challenge, registration (RFC 7591), and the authorization URL to send the browser to.
  async discoverAndRegister(mcp) {
    const unauthorized = await rpc(mcp, "initialize", initialize);
    const metadataURL = /resource_metadata="([^"]+)"/.exec(unauthorized.challenge ?? "")?.[1];
    const resource = await (await fetch(metadataURL)).json();
    const issuer = new URL(resource.authorization_servers[0]);
    const server = await (await fetch(issuer.origin + "/.well-known/oauth-authorization-server" + issuer.pathname)).json();
    const redirectURI = location.origin + location.pathname;
    const registration = await fetch(server.registration_endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        client_name: "Browser test", redirect_uris: [redirectURI], token_endpoint_auth_method: "none",
        grant_types: ["authorization_code", "refresh_token"], response_types: ["code"],
        scope: "mcp:read mcp:tools mcp:prompts",
      }),
    });
    const client = await registration.json();
    const verifier = randomString();
    const state = randomString();
    flow.save({
      mcp, resource: resource.resource, issuer: issuer.href, tokenEndpoint: server.token_endpoint,
      clientID: client.client_id, redirectURI, verifier, state,
    });
    const authorize = new URL(server.authorization_endpoint);
    const query = {
      response_type: "code", client_id: client.client_id, redirect_uri: redirectURI,
      scope: "openid mcp:read mcp:tools mcp:prompts", state, code_challenge: await sha256(verifier),
      code_challenge_method: "S256", resource: resource.resource,
    };
    for (const [name, value] of Object.entries(query)) authorize.searchParams.set(name, value);
    return {
      unauthorized: unauthorized.status, challenge: unauthorized.challenge, resource: resource.resource,
      issuer: issuer.href, pkce: server.code_challenge_methods_supported, registered: registration.status,
      clientID: client.client_id ?? null, authorizeURL: authorize.href,
    };
  },

  // Back from the sign-in: the code exchanged, a refresh, tool calls with the bearer token, the step-up
  // challenge, then a DPoP-bound token and a call with it.
  async afterSignIn() {
    const saved = flow.load();
    const answer = new URLSearchParams(location.search);
    const result = { state: answer.get("state") === saved.state, iss: answer.get("iss") };
    const exchanged = await tokenRequest(saved.tokenEndpoint, {
      grant_type: "authorization_code", code: answer.get("code"), client_id: saved.clientID,
      redirect_uri: saved.redirectURI, code_verifier: saved.verifier, resource: saved.resource,
    });
    result.exchange = { status: exchanged.status, tokenType: exchanged.body.token_type };
    const refreshed = await tokenRequest(saved.tokenEndpoint, {
      grant_type: "refresh_token", refresh_token: exchanged.body.refresh_token, client_id: saved.clientID,
    });
    result.refresh = {
      status: refreshed.status, rotated: refreshed.body.refresh_token !== exchanged.body.refresh_token,
    };
    const bearer = { Authorization: "Bearer " + refreshed.body.access_token };
    const echo = await rpc(saved.mcp, "tools/call", { name: "echo", arguments: { message: "signed in" } }, bearer);
    result.echo = { status: echo.status, text: echoed(echo) };
    const stepUp = await rpc(saved.mcp, "prompts/get", { name: "echo_prompt", arguments: { message: "hi" } }, bearer);
    result.stepUp = { status: stepUp.status, challenge: stepUp.challenge };

    const key = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
    const bound = await tokenRequest(saved.tokenEndpoint, {
      grant_type: "refresh_token", refresh_token: refreshed.body.refresh_token, client_id: saved.clientID,
    }, key);
    result.dpopToken = { status: bound.status, tokenType: bound.body.token_type };
    const token = bound.body.access_token;
    const dpop = await rpc(saved.mcp, "tools/call", { name: "echo", arguments: { message: "bound" } }, {
      Authorization: "DPoP " + token, DPoP: await dpopProof(key, "POST", saved.mcp, token),
    });
    result.dpopEcho = { status: dpop.status, text: echoed(dpop) };
    const asBearer = await rpc(saved.mcp, "ping", undefined, { Authorization: "Bearer " + token });
    result.boundAsBearer = { status: asBearer.status, challenge: asBearer.challenge };
    return result;
  },
};
