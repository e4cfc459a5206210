// swift-tools-version:6.1
import Foundation
import PackageDescription

/// The tutorial's steps: one executable each (`swift run step4`), tested by `StepNTests`.
let steps = (1...11).map { (number: $0, target: "step\($0)") }

/// The auth layer a real MCP server needs, as the `MCPAuth` library: token verification (bearer and DPoP,
/// against keys the server holds), protected resource metadata and challenges, the scope policy. Its files live in
/// Shared/ beside the concepts of the steps that introduce them; `Shared` builds on it and re-exports it.
let mcpAuthSources = [
    "Auth/AccessTokenClaims.swift", "Auth/AuthFailure.swift", "Auth/AuthRejection.swift", "Auth/AuthenticatedRequestContext.swift",
    "Auth/AuthenticatedUser.swift", "Auth/AuthorizationHeader.swift", "Auth/BearerChallenge.swift", "Auth/BearerTokenMiddleware.swift", "Auth/CompactJWS.swift",
    "Auth/DPoP", "Auth/JOSEHeader.swift", "Auth/LogSafe.swift", "Auth/ResourceChallenge.swift", "Auth/ScopePolicy.swift",
    "Auth/TokenVerifier.swift", "Auth/VerificationKey.swift", "Auth/VerifiedTokenCache.swift",
    "Keys/Base64URL.swift", "Keys/JSONWebKey+Thumbprint.swift", "Keys/JSONWebKeySet.swift", "Keys/KeySetStatus.swift",
    "OAuth/AuthorizationServerMetadata.swift", "OAuth/ProtectedResource.swift",
    "OAuth/ProtectedResourceMetadata.swift", "Keys/JSONWebKey+Verification.swift",
    "HTTP/JSONResponse.swift", "JSONRPC/JSONRPCError.swift", "JSONRPC/JSONRPCResponse.swift", "JSONRPC/JSONValue.swift", "JSONRPC/JSONWriter.swift",
]

/// The part of the auth layer that talks to the authorization server, as `MCPAuthRemote` (in the `MCPAuth`
/// product): its metadata by discovery and its published keys, over AsyncHTTPClient. A server that holds its keys
/// (steps 5 to 8) links neither these files nor the HTTP client and its TLS stack.
let mcpAuthRemoteSources = ["OAuth/AuthorizationServerDiscovery.swift", "Remote/RemoteKeySet.swift"]

/// The building blocks of steps 10 and 11, as `SharedRemote`: the env file configuration, the server that trusts a
/// remote authorization server, and the OAuth client. Steps 1 to 9 build on `Shared` alone (step 9 adds the HTTP client
/// it drives Keycloak's admin API with).
let sharedRemoteSources = ["Config", "Client", "Remote/Exports.swift", "Remote/ProtectedMCPServer.swift"]

/// Every Swift file under Shared/, for the targets that take a part of the folder to exclude the rest.
let sharedSources: [String] = {
    let root = Context.packageDirectory + "/Shared"
    return (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".swift") }.sorted()
}()

/// The files of `sharedSources` that none of `lists` names (a list names a file or a folder).
func sources(outside lists: [String]...) -> [String] {
    sharedSources.filter { file in !lists.joined().contains { file == $0 || file.hasPrefix($0 + "/") } }
}

/// What a step needs beyond Shared: step 9 talks to Keycloak's admin REST API over HTTP; steps 10 and 11 trust a
/// remote authorization server.
let stepDependencies: [Int: [Target.Dependency]] = [
    9: [.product(name: "AsyncHTTPClient", package: "async-http-client")], 10: ["SharedRemote"], 11: ["SharedRemote"],
]

let package = Package(
    name: "mcp-auth-step-by-step",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MCPAuth", targets: ["MCPAuth", "MCPAuthRemote"]),
        .library(name: "Shared", targets: ["Shared", "SharedRemote"]),
        .executable(name: "gen-token", targets: ["gen-token"]),
    ] + steps.map { .executable(name: $0.target, targets: [$0.target]) },
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", from: "0.12.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .target(
            name: "MCPAuth",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            path: "Shared",
            exclude: sources(outside: mcpAuthSources),
            sources: mcpAuthSources
        ),
        .target(
            name: "MCPAuthRemote",
            dependencies: [
                "MCPAuth",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared",
            exclude: sources(outside: mcpAuthRemoteSources),
            sources: mcpAuthRemoteSources
        ),
        .target(
            name: "Shared",
            dependencies: [
                "MCPAuth",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared",
            exclude: mcpAuthSources + mcpAuthRemoteSources + sharedRemoteSources
        ),
        .target(
            name: "SharedRemote",
            dependencies: [
                "Shared", "MCPAuthRemote",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            path: "Shared",
            exclude: sources(outside: sharedRemoteSources),
            sources: sharedRemoteSources
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "Shared", "SharedRemote",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/TestSupport"
        ),
        .executableTarget(name: "gen-token", dependencies: ["Shared"], path: "Steps/GenToken"),
        .testTarget(
            name: "MCPAuthTests",
            dependencies: ["MCPAuth", "MCPAuthRemote", "TestSupport", .product(name: "MCP", package: "swift-sdk"), .product(name: "HummingbirdTesting", package: "hummingbird")],
            path: "Tests/MCPAuthTests"),
        .testTarget(
            name: "SharedTests",
            dependencies: [
                "Shared", "SharedRemote", "TestSupport", .product(name: "Crypto", package: "swift-crypto"), .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            path: "Tests/SharedTests"),
    ]
        + steps.map {
            .executableTarget(name: $0.target, dependencies: ["Shared"] + stepDependencies[$0.number, default: []], path: "Steps/Step\($0.number)")
        }
        + steps.map { .testTarget(
                name: "Step\($0.number)Tests",
                dependencies: [.target(name: $0.target), "TestSupport", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]
                    + stepDependencies[$0.number, default: []],
                path: "Tests/Step\($0.number)Tests") }
)
