/// The MCP server itself: one JSON-RPC request in, one result out.
///
/// Introduced in step 2 (`ping`), grown in step 3 (`tools/list`, `prompts/list`)
/// and step 4 (`initialize`, `tools/call`, `prompts/get`). It knows nothing of
/// HTTP; ``MCPEndpoint`` feeds it, and steps 6–11 put authentication and scope
/// checks around it. From step 6 the verified caller comes along: `initialize`
/// names it in `serverInfo.authenticatedUser`, `ping` in `_meta`, and tools see
/// it in their ``ToolContext``.
///
/// ```swift
/// let mcp = MCPDispatcher(methods: .all, tools: [EchoTool()], prompts: [EchoPrompt()])
/// let result = try await mcp.handle(request, caller: nil)
/// ```
///
/// Errors: a method outside ``methods`` → -32601; unknown tool or prompt, or
/// arguments that do not decode → -32602.
///
/// - SeeAlso: MCP 2025-06-18, Basic › Lifecycle; Server › Tools; Server › Prompts
public import MCP

public struct MCPDispatcher: JSONRPCHandler {
    public let methods: MCPMethods
    public let serverInfo: ServerInfo
    let tools: [any MCPTool]
    let prompts: [any MCPPrompt]

    public init(
        methods: MCPMethods,
        serverInfo: ServerInfo = ServerInfo(name: "mcp-echo", version: "1.0.0"),
        tools: [any MCPTool] = [],
        prompts: [any MCPPrompt] = []
    ) {
        self.methods = methods
        self.serverInfo = serverInfo
        self.tools = tools
        self.prompts = prompts
    }

    public func handle(_ request: JSONRPCRequest, caller: AuthenticatedUser?) async throws -> any Encodable & Sendable {
        guard methods.contains(request.method) else { throw JSONRPCError.methodNotFound("Unknown method: \(request.method)") }
        guard !request.paramsAreMalformed else { throw JSONRPCError.invalidParams("\"params\" must be an object") }
        switch request.method {
        case Initialize.name: return try initialize(request, caller: caller)
        case Ping.name: return PingResult(caller: caller)
        case ListTools.name: return ListTools.Result(tools: tools.map(\.definition))
        case CallTool.name: return try await tool(for: request).run(request, context: ToolContext(caller: caller))
        case ListPrompts.name: return ListPrompts.Result(prompts: prompts.map(\.definition))
        case GetPrompt.name: return try await prompt(for: request).run(request)
        default: throw JSONRPCError.methodNotFound("Unknown method: \(request.method)")
        }
    }

    /// `initialize`: agree on a protocol version and say what this server offers.
    func initialize(_ request: JSONRPCRequest, caller: AuthenticatedUser?) throws(JSONRPCError) -> InitializeResult {
        let params = try request.params(InitializeParams.self)
        return InitializeResult(
            protocolVersion: ProtocolVersion.negotiate(clientRequested: params.protocolVersion),
            capabilities: .init(
                prompts: prompts.isEmpty ? nil : .init(listChanged: false),
                tools: tools.isEmpty ? nil : .init(listChanged: false)
            ),
            serverInfo: serverInfo.authenticated(as: caller?.username)
        )
    }

    func tool(for request: JSONRPCRequest) throws(JSONRPCError) -> any MCPTool {
        let name = try request.name()
        guard let tool = tools.first(where: { $0.definition.name == name }) else { throw .invalidParams("Unknown tool: \(name)") }
        return tool
    }

    func prompt(for request: JSONRPCRequest) throws(JSONRPCError) -> any MCPPrompt {
        let name = try request.name()
        guard let prompt = prompts.first(where: { $0.definition.name == name }) else { throw .invalidParams("Unknown prompt: \(name)") }
        return prompt
    }
}

/// The result of `ping`: `{}`, as the spec requires.
public struct EmptyResult: JSONWritable, Sendable {
    public init() {}

    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.endObject()
    }
}

/// The result of `ping`: `{}` without a caller; from step 6, the caller in `_meta`,
/// where the spec lets a result carry extra information without breaking its shape.
struct PingResult: JSONWritable, Sendable {
    struct Meta: Encodable {
        let user: String
        let authenticated = true
    }

    let _meta: Meta?

    init(caller: AuthenticatedUser?) {
        _meta = caller.map { Meta(user: $0.username) }
    }

    /// `{}`, or `{"_meta":{"authenticated":true,"user":"alice"}}`.
    func write(to json: inout JSONWriter) {
        json.beginObject()
        if let _meta {
            json.key("_meta")
            json.beginObject()
            json.key("authenticated")
            json.bool(_meta.authenticated)
            json.key("user")
            json.string(_meta.user)
            json.endObject()
        }
        json.endObject()
    }
}

/// `initialize` params: only the version matters to a stateless server.
struct InitializeParams: Decodable {
    let protocolVersion: String
}

/// The result of `initialize`.
public struct InitializeResult: Encodable, Sendable {
    public let protocolVersion: String
    public let capabilities: Server.Capabilities
    public let serverInfo: ServerInfo
}

/// `serverInfo` in the `initialize` result; from step 6 it names the caller.
public struct ServerInfo: Encodable, Sendable, Equatable {
    public let name: String
    public let version: String
    public let authenticatedUser: String?

    public init(name: String, version: String, authenticatedUser: String? = nil) {
        self.name = name
        self.version = version
        self.authenticatedUser = authenticatedUser
    }

    func authenticated(as user: String?) -> ServerInfo {
        ServerInfo(name: name, version: version, authenticatedUser: user)
    }
}
