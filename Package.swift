// swift-tools-version:6.1
import Foundation
import PackageDescription

/// The tutorial's steps: one executable each (`swift run step4`), tested by `StepNTests`.
let steps = (1...11).map { (number: $0, target: "step\($0)") }

/// The auth layer a real MCP server needs, as the `MCPAuth` library: token verification (bearer and DPoP,
/// local or remote keys), protected resource metadata and challenges, the scope policy. Its files live in
/// Shared/ beside the concepts of the steps that introduce them; `Shared` builds on it and re-exports it.
let mcpAuthSources = [
    "Auth/AccessTokenClaims.swift", "Auth/AuthFailure.swift", "Auth/AuthRejection.swift", "Auth/AuthenticatedRequestContext.swift",
    "Auth/AuthenticatedUser.swift", "Auth/BearerChallenge.swift", "Auth/BearerTokenMiddleware.swift", "Auth/CompactJWS.swift",
    "Auth/DPoP", "Auth/JOSEHeader.swift", "Auth/LogSafe.swift", "Auth/ResourceChallenge.swift", "Auth/ScopePolicy.swift",
    "Auth/TokenVerifier.swift", "Auth/VerificationKey.swift", "Auth/VerifiedTokenCache.swift",
    "Keys/Base64URL.swift", "Keys/JSONWebKey+Thumbprint.swift", "Keys/JSONWebKeySet.swift",
    "OAuth/AuthorizationServerDiscovery.swift", "OAuth/AuthorizationServerMetadata.swift", "OAuth/ProtectedResource.swift",
    "OAuth/ProtectedResourceMetadata.swift", "Remote/JSONWebKey+Verification.swift", "Remote/RemoteKeySet.swift",
    "HTTP/JSONResponse.swift", "JSONRPC/JSONRPCError.swift", "JSONRPC/JSONRPCResponse.swift", "JSONRPC/JSONValue.swift", "JSONRPC/JSONWriter.swift",
]

/// The rest of Shared/, which the MCPAuth target leaves out of its view of the folder.
let sharedOnlySources: [String] = {
    let root = Context.packageDirectory + "/Shared"
    let files = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".swift") }
    return files.filter { file in !mcpAuthSources.contains { file == $0 || file.hasPrefix($0 + "/") } }.sorted()
}()

/// What a step needs beyond Shared: step 9 talks to Keycloak's admin REST API over HTTP.
let stepDependencies: [Int: [Target.Dependency]] = [9: [.product(name: "AsyncHTTPClient", package: "async-http-client")]]

let package = Package(
    name: "mcp-auth-step-by-step",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MCPAuth", targets: ["MCPAuth"]),
        .library(name: "Shared", targets: ["Shared"]),
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
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared",
            exclude: sharedOnlySources,
            sources: mcpAuthSources
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
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared",
            exclude: mcpAuthSources
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "Shared",
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
            dependencies: ["MCPAuth", "TestSupport", .product(name: "MCP", package: "swift-sdk"), .product(name: "HummingbirdTesting", package: "hummingbird")],
            path: "Tests/MCPAuthTests"),
        .testTarget(
            name: "SharedTests",
            dependencies: [
                "Shared", "TestSupport", .product(name: "Crypto", package: "swift-crypto"), .product(name: "CryptoExtras", package: "swift-crypto"),
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
