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
    public let tools: [any MCPTool]
    public let prompts: [any MCPPrompt]

    public init(
        methods: MCPMethods,
        serverInfo: ServerInfo = ServerInfo(),
        tools: [any MCPTool] = [],
        prompts: [any MCPPrompt] = []
    ) {
        self.methods = methods
        self.serverInfo = serverInfo
        self.tools = tools
        self.prompts = prompts
    }

    public func handle(_ request: JSONRPCRequest, caller: AuthenticatedUser?) async throws -> any Encodable & Sendable {
        guard methods.contains(request.method) else {
            throw JSONRPCError.methodNotFound("Unknown method: \(request.method)")
        }
        guard !request.paramsAreMalformed else { throw JSONRPCError.invalidParams("\"params\" must be an object") }
        switch request.method {
        case Initialize.name: return try initialize(request, caller: caller)
        case Ping.name: return PingResult(caller: caller, metadataAvailable: serverInfo.oauthMetadata != nil)
        case ListTools.name: return ListTools.Result(tools: tools.map(\.definition))
        case CallTool.name: return try await tool(for: request).run(request, context: ToolContext(caller: caller))
        case ListPrompts.name: return ListPrompts.Result(prompts: prompts.map(\.definition))
        case GetPrompt.name: return try await prompt(for: request).run(request)
        default: throw JSONRPCError.methodNotFound("Unknown method: \(request.method)")
        }
    }

    /// `initialize`: agree on a protocol version and say what this server offers.
    ///
    /// Sent without `params`, as the posts' curl does, it is answered with our latest version;
    /// `params` that are there but malformed (no `protocolVersion`, not an object) get -32602.
    func initialize(_ request: JSONRPCRequest, caller: AuthenticatedUser?) throws(JSONRPCError) -> InitializeResult {
        let requested =
            request.hasParams ? try request.params(InitializeParams.self).protocolVersion : ProtocolVersion.latest
        return InitializeResult(
            protocolVersion: ProtocolVersion.negotiate(clientRequested: requested),
            capabilities: .init(
                prompts: prompts.isEmpty ? nil : .init(listChanged: false),
                tools: tools.isEmpty ? nil : .init(listChanged: false)
            ),
            serverInfo: serverInfo.authenticated(as: caller?.username)
        )
    }

    func tool(for request: JSONRPCRequest) throws(JSONRPCError) -> any MCPTool {
        let name = try request.name()
        guard let tool = tools.first(where: { $0.definition.name == name }) else {
            throw .invalidParams("Unknown tool: \(name)")
        }
        return tool
    }

    func prompt(for request: JSONRPCRequest) throws(JSONRPCError) -> any MCPPrompt {
        let name = try request.name()
        guard let prompt = prompts.first(where: { $0.definition.name == name }) else {
            throw .invalidParams("Unknown prompt: \(name)")
        }
        return prompt
    }
}

extension MCPDispatcher {
    /// One line per tool and prompt this server defines, for a start-up log (step 3 shows its
    /// definitions this way, before step 4 dispatches them):
    /// `tool echo (Echo Tool): Echoes a message back, … [arguments: message (required), repeat_count]`.
    public var definitionSummary: [String] {
        func arguments(_ names: [(String, Bool)]) -> String {
            "[arguments: "
                + (names.isEmpty ? "none" : names.map { $0.1 ? "\($0.0) (required)" : $0.0 }.joined(separator: ", "))
                + "]"
        }
        let toolLines = tools.map { tool in
            let definition = tool.definition
            let required = Set(
                definition.inputSchema.objectValue?["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            let names = (definition.inputSchema.objectValue?["properties"]?.objectValue?.keys.sorted() ?? []).map {
                ($0, required.contains($0))
            }
            let title = definition.title.map { " (\($0))" } ?? ""
            return "tool \(definition.name)\(title): \(definition.description ?? "") \(arguments(names))"
        }
        let promptLines = prompts.map { prompt in
            let definition = prompt.definition
            let names = (definition.arguments ?? []).map { ($0.name, $0.required ?? false) }
            return "prompt \(definition.name): \(definition.description ?? "") \(arguments(names))"
        }
        return toolLines + promptLines
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
/// where the spec lets a result carry extra information without breaking its shape
/// (and, from step 7, that OAuth metadata is published, as the posts' ping says).
struct PingResult: JSONWritable, Sendable {
    struct Meta: Encodable {
        let user: String
        let authenticated = true
        let oauthMetadataAvailable: Bool?

        enum CodingKeys: String, CodingKey {
            case user, authenticated
            case oauthMetadataAvailable = "oauth_metadata_available"
        }
    }

    let _meta: Meta?

    init(caller: AuthenticatedUser?, metadataAvailable: Bool = false) {
        _meta = caller.map { Meta(user: $0.username, oauthMetadataAvailable: metadataAvailable ? true : nil) }
    }

    /// `{}`, or `{"_meta":{"authenticated":true,"user":"alice"}}`, plus `"oauth_metadata_available":true` from step 7.
    func write(to json: inout JSONWriter) {
        json.beginObject()
        if let _meta {
            json.key("_meta")
            json.beginObject()
            json.key("authenticated")
            json.bool(_meta.authenticated)
            if let available = _meta.oauthMetadataAvailable {
                json.key("oauth_metadata_available")
                json.bool(available)
            }
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

/// `serverInfo` in the `initialize` result, with the members the posts add to it
/// (the spec's `Implementation` allows more than `name` and `version`):
///
/// | member | from step |
/// |---|---|
/// | `jwt_enabled`: whether the server has its keys | 5 |
/// | `authenticatedUser`: the caller, filled in per request | 6 |
/// | `oauth_metadata`: where the metadata documents are | 7 |
public struct ServerInfo: Encodable, Sendable, Equatable {
    public let name: String
    public let version: String
    public let jwtEnabled: Bool?
    public let authenticatedUser: String?
    public let oauthMetadata: HealthStatus.OAuthMetadataLinks?

    public init(
        name: String = "mcp-echo", version: String = "1.0.0", jwtEnabled: Bool? = nil, authenticatedUser: String? = nil,
        oauthMetadata: HealthStatus.OAuthMetadataLinks? = nil
    ) {
        self.name = name
        self.version = version
        self.jwtEnabled = jwtEnabled
        self.authenticatedUser = authenticatedUser
        self.oauthMetadata = oauthMetadata
    }

    enum CodingKeys: String, CodingKey {
        case name, version, authenticatedUser
        case jwtEnabled = "jwt_enabled"
        case oauthMetadata = "oauth_metadata"
    }

    func authenticated(as user: String?) -> ServerInfo {
        ServerInfo(
            name: name, version: version, jwtEnabled: jwtEnabled, authenticatedUser: user, oauthMetadata: oauthMetadata)
    }
}
