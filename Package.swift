// swift-tools-version:6.1
import PackageDescription

/// The tutorial's steps: one executable each (`swift run step4`), tested by `StepNTests`.
let steps = (1...11).map { (number: $0, target: "step\($0)") }

// One module, one folder, under Shared/:
//   Shared/MCPAuth        MCPAuth: the auth layer a real MCP server needs (token verification, bearer and DPoP,
//                         against keys the server holds; resource metadata and challenges; the scope policy)
//   Shared/MCPAuthRemote  MCPAuthRemote: the authorization server's metadata and keys, fetched over AsyncHTTPClient
//   Shared/Core           Shared: the tutorial's building blocks for steps 1-9, on MCPAuth (which it re-exports)
//   Shared/Remote         SharedRemote: what only steps 10 and 11 need (the env configuration, the server that trusts
//                         a remote authorization server, the OAuth client), so steps 1-9 link no HTTP client of ours

/// What a step needs beyond Shared: step 9 talks to Keycloak's admin REST API over HTTP; steps 10 and 11 trust a
/// remote authorization server.
let stepDependencies: [Int: [Target.Dependency]] = [
    9: [.product(name: "AsyncHTTPClient", package: "async-http-client")], 10: ["SharedRemote"], 11: ["SharedRemote"],
]

#if canImport(Glibc)
import Glibc
/// Whether this machine's C library is glibc 2.36 or later ("glibc 2.36", as `confstr` says).
let packsRelocations: Bool = {
    var version = [CChar](repeating: 0, count: 64)
    guard confstr(Int32(_CS_GNU_LIBC_VERSION), &version, version.count) > 0 else { return false }
    let text = String(decoding: version.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let numbers = text.split(separator: " ").last?.split(separator: ".").compactMap { Int($0) }
    return numbers.map { !$0.lexicographicallyPrecedes([2, 36]) } ?? false
}()
/// Whether the linker finds libcurl by its link name (`-lcurl`): Foundation's networking, linked into the binary,
/// asks for it. Only libcurl's development package installs `libcurl.so` (libcurl4-openssl-dev on Debian and Ubuntu,
/// among the packages swift.org asks for; libcurl-devel on Fedora).
let linksCurl = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"].contains {
    access("\($0)/libcurl.so", F_OK) == 0
}
#else
let packsRelocations = false
let linksCurl = false
#endif

/// An executable's release build is built as one deploys a Swift server, what `scripts/bench.sh` measures as "as you
/// run it". On Linux:
/// - the Swift runtime and Foundation linked into the binary (`-static-stdlib`, what `--static-swift-stdlib` does,
///   when libcurl's development package is installed): the loader maps no Swift library, and the binary keeps only
///   the code it uses, so the server starts in less memory;
/// - linked by lld, without exporting the binary's symbols, and with its relative relocations packed where this
///   machine's C library reads them (glibc 2.36 and later), so the loader has fewer pages to touch.
let releaseOnLinux = BuildSettingCondition.when(platforms: [.linux], configuration: .release)
let releaseSwift: [SwiftSetting] = linksCurl ? [.unsafeFlags(["-static-stdlib"], releaseOnLinux)] : []
let releaseLinking: [LinkerSetting] = [
    .unsafeFlags(
        (linksCurl ? ["-static-stdlib"] : []) + ["-use-ld=lld", "-Xlinker", "--no-export-dynamic"]
            + (packsRelocations ? ["-Xlinker", "-zpack-relative-relocs"] : []),
        releaseOnLinux)
]

let package = Package(
    name: "mcp-auth-step-by-step",
    platforms: [.macOS(.v15)],
    products: [
        // MCPAuth links no HTTP client; MCPAuthRemote adds the authorization server's keys, fetched with one.
        .library(name: "MCPAuth", targets: ["MCPAuth"]),
        .library(name: "MCPAuthRemote", targets: ["MCPAuthRemote"]),
        .library(name: "Shared", targets: ["Shared", "SharedRemote"]),
        .executable(name: "gen-token", targets: ["gen-token"]),
    ] + steps.map { .executable(name: $0.target, targets: [$0.target]) },
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", from: "0.12.1"),
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
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            path: "Shared/MCPAuth"
        ),
        .target(
            name: "MCPAuthRemote",
            dependencies: [
                "MCPAuth",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/MCPAuthRemote"
        ),
        .target(
            name: "Shared",
            dependencies: [
                "MCPAuth",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/Core"
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
            path: "Shared/Remote"
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
        .executableTarget(
            name: "gen-token", dependencies: ["Shared"], path: "Steps/GenToken", swiftSettings: releaseSwift,
            linkerSettings: releaseLinking),
        .testTarget(
            name: "MCPAuthTests",
            dependencies: [
                "MCPAuth", "MCPAuthRemote", "TestSupport", .product(name: "MCP", package: "swift-sdk"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Tests/MCPAuthTests"),
        .testTarget(
            name: "SharedTests",
            dependencies: [
                "Shared", "SharedRemote", "TestSupport", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            path: "Tests/SharedTests"),
    ]
        + steps.map {
            .executableTarget(
                name: $0.target, dependencies: ["Shared"] + stepDependencies[$0.number, default: []],
                path: "Steps/Step\($0.number)", swiftSettings: releaseSwift, linkerSettings: releaseLinking)
        }
        + steps.map {
            .testTarget(
                name: "Step\($0.number)Tests",
                dependencies: [
                    .target(name: $0.target), "TestSupport",
                    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                ]
                    + stepDependencies[$0.number, default: []],
                path: "Tests/Step\($0.number)Tests")
        }
)
