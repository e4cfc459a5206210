// swift-tools-version:6.1
// MCPAuth's recipes, as a server of your own would use them: a package that depends on this repository by path.
import PackageDescription

let package = Package(
    name: "ProtectedServer",
    platforms: [.macOS(.v15)],
    dependencies: [
        // A path dependency's identity is its folder's name; `name:` gives it the one the products are named by.
        .package(name: "mcp-auth-step-by-step", path: "../.."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        .target(
            name: "ProtectedServer",
            dependencies: [
                .product(name: "MCPAuth", package: "mcp-auth-step-by-step"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),
        .testTarget(
            name: "ProtectedServerTests",
            dependencies: [
                "ProtectedServer", .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]),
    ]
)
