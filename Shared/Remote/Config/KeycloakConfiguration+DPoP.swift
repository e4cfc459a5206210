/// Step 10's DPoP settings: whether bearer tokens are refused, and whether proofs must carry a nonce of the server's.
///
/// Going further: DPoP. Read by ``KeycloakConfiguration/load(envFile:required:flags:listenPort:environment:)`` in
/// the same order as the other variables:
///
/// | variable | meaning | default |
/// |---|---|---|
/// | `DPOP_REQUIRED` | `true`: accept DPoP-bound tokens only, refuse `Bearer` | `false` |
/// | `DPOP_NONCE_REQUIRED` | `true`: DPoP proofs must carry a fresh nonce of this server's (RFC 9449 §8) | `false` |
/// | `DPOP_NONCE_SECRET` | the key replicas derive their nonces from, so each accepts the others' (a secret: never logged) | a random key per process |
///
/// DPoP-bound tokens with their proofs are accepted either way.
public import MCPAuthRemote
import Shared

public struct DPoPSettings: Sendable, Equatable {
    /// `DPOP_REQUIRED`: whether bearer tokens are refused.
    public var required = false
    /// `DPOP_NONCE_REQUIRED`.
    public var nonceRequired = false
    /// `DPOP_NONCE_SECRET` (a secret: not in ``summary``).
    var nonceSecret: String?

    public init(required: Bool = false, nonceRequired: Bool = false) {
        self.required = required
        self.nonceRequired = nonceRequired
    }

    /// The variables, for `step10 --help`.
    static let help = "DPOP_REQUIRED (false), DPOP_NONCE_REQUIRED (false), DPOP_NONCE_SECRET (a random key)"

    /// The settings from `value(key, default)`, the configuration's reader.
    ///
    /// - Throws: ``KeycloakConfiguration/InvalidValue`` for a value that is not `true` or `false`.
    static func load(_ value: (String, String) -> String) throws -> DPoPSettings {
        var settings = DPoPSettings(
            required: try KeycloakConfiguration.boolean("DPOP_REQUIRED", value("dpop.required", "false")),
            nonceRequired: try KeycloakConfiguration.boolean(
                "DPOP_NONCE_REQUIRED", value("dpop.nonce.required", "false")))
        let secret = value("dpop.nonce.secret", "")
        settings.nonceSecret = secret.isEmpty ? nil : secret
        return settings
    }

    /// The policy `DPOP_REQUIRED` picks.
    public var policy: DPoPPolicy { required ? .required : .allowed }

    /// The nonces proofs must carry, when `DPOP_NONCE_REQUIRED`; make them once per server.
    public func makeNonces() -> DPoPNonces? {
        guard nonceRequired else { return nil }
        return nonceSecret.map { DPoPNonces(secret: $0) } ?? DPoPNonces()
    }

    /// The proof checks of a server with these settings; make it once per server (it holds the seen proofs).
    public func makeProofVerifier() -> DPoPProofVerifier { DPoPProofVerifier(nonces: makeNonces()) }

    /// The settings as the start-up log shows them, the secret left out.
    var summary: String { "DPOP_REQUIRED=\(required) DPOP_NONCE_REQUIRED=\(nonceRequired)" }
}
