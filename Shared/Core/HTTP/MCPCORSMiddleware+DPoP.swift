/// What CORS lets a browser's DPoP client send and read.
///
/// Introduced in step 10, Going further: DPoP. A browser client sends its proof in a `DPoP` request header, and must
/// read the `DPoP-Nonce` a server answers with (RFC 9449 §8) to sign its next proof.
extension MCPCORSMiddleware {
    static var proofHeaders: String { "DPoP" }
    static var proofNonceHeaders: String { "DPoP-Nonce" }
}
