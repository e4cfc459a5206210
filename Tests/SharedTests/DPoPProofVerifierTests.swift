/// Step 10, Going further: DPoP — the proof checks of RFC 9449 §4.3, the JWK thumbprint, the htu normal form and the replay cache.
import Crypto
import CryptoExtras
import Foundation
import Shared
import TestSupport
import Testing

let resourceURL = "https://resource.test/mcp"

/// The clock tests move forward (TestSupport's; this target has another `TestClock`).
typealias ProofClock = TestSupport.TestClock

/// A verifier on `clock`, with a fresh replay cache of `capacity`.
func proofVerifier(_ clock: ProofClock, capacity: Int = 1000) -> DPoPProofVerifier {
    DPoPProofVerifier(replayCache: DPoPReplayCache(capacity: capacity), now: { clock.now })
}

/// The reason `proof` is refused for a POST to the resource, or nil when it passes.
func refusal(
    _ proof: String, verifier: DPoPProofVerifier, method: String = "POST", url: String = resourceURL,
    accessToken: String? = nil,
    boundTo thumbprint: String? = nil
) -> String? {
    do {
        _ = try verifier.verify(proof, method: method, url: url, accessToken: accessToken, boundTo: thumbprint)
        return nil
    } catch {
        return error.reason
    }
}

// MARK: Tests

@Suite("DPoP proofs (step 10, Going further)")
struct DPoPProofVerifierTests {
    @Test("RFC 7638 thumbprint: the RFC's RSA example; EC from crv, kty, x, y only")
    func thumbprints() throws {
        let n =
            "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
        #expect(
            JSONWebKey(kty: "RSA", kid: "2011-04-29", alg: "RS256", n: n, e: "AQAB").thumbprint
                == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        let key = DPoPKey()
        let jwk = key.publicJWK
        let canonical = #"{"crv":"P-256","kty":"EC","x":"\#(jwk.x!)","y":"\#(jwk.y!)"}"#
        #expect(key.thumbprint == Data(SHA256.hash(data: Data(canonical.utf8))).base64URLEncodedString())
        var decorated = jwk
        (decorated.kid, decorated.use, decorated.alg) = ("some-id", "sig", "ES256")
        #expect(decorated.thumbprint == key.thumbprint)
        #expect(DPoPKey().thumbprint != key.thumbprint)
        #expect(JSONWebKey(kty: "oct").thumbprint == nil)
        #expect(JSONWebKey(kty: "RSA", n: n).thumbprint == nil)
    }

    @Test("the realm's signing key is named by its RFC 7638 thumbprint")
    func realmKeyID() async throws {
        let key = try RealmSigningKey()
        #expect(key.keyID == key.publicJWK.thumbprint)
        #expect(key.publicJWK.kid == key.keyID)
    }

    @Test("a good proof passes, ES256 and RS256, and names its key's thumbprint")
    func goodProofs() throws {
        let clock = ProofClock()
        let verifier = proofVerifier(clock)
        let key = DPoPKey()
        let proof = try verifier.verify(
            try key.proof(method: "POST", url: resourceURL, issuedAt: clock.now), method: "POST", url: resourceURL)
        #expect(proof.thumbprint == key.thumbprint)
        let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        #expect(
            refusal(
                ForgedProof.rs256(claims: ForgedProof.claims(url: resourceURL, issuedAt: clock.now), key: rsa),
                verifier: verifier) == nil)
    }

    @Test("htm must be the request method")
    func method() {
        let clock = ProofClock()
        let key = DPoPKey()
        #expect(
            refusal(
                ForgedProof.proof(key, method: "GET", url: resourceURL, issuedAt: clock.now),
                verifier: proofVerifier(clock))?.contains("htm") == true)
        #expect(
            refusal(
                ForgedProof.proof(key, method: "post", url: resourceURL, issuedAt: clock.now),
                verifier: proofVerifier(clock)) != nil)
        #expect(
            refusal(
                ForgedProof.proof(key, method: "GET", url: resourceURL, issuedAt: clock.now),
                verifier: proofVerifier(clock), method: "GET") == nil)
    }

    @Test(
        "htu must be the request URL: query and fragment ignored, scheme and host case, default port and empty path normalised",
        arguments: [
            ("https://resource.test/mcp?x=1#frag", "https://resource.test/mcp", true),
            ("HTTPS://Resource.TEST/mcp", "https://resource.test/mcp", true),
            ("https://resource.test:443/mcp", "https://resource.test/mcp", true),
            ("http://localhost:80/mcp", "http://localhost/mcp", true),
            ("http://localhost:9000", "http://localhost:9000/", true),
            ("https://resource.test/%6Dcp", "https://resource.test/mcp", true),
            ("https://resource.test/a/../mcp", "https://resource.test/mcp", true),
            ("https://resource.test/MCP", "https://resource.test/mcp", false),
            ("https://resource.test/mcp/", "https://resource.test/mcp", false),
            ("http://resource.test/mcp", "https://resource.test/mcp", false),
            ("https://resource.test:8443/mcp", "https://resource.test/mcp", false),
            ("https://evil.test/mcp", "https://resource.test/mcp", false),
            ("https://user@resource.test/mcp", "https://resource.test/mcp", false),
            ("/mcp", "https://resource.test/mcp", false),
        ])
    func targetURL(htu: String, requestURL: String, passes: Bool) {
        let clock = ProofClock()
        let proof = ForgedProof.proof(DPoPKey(), url: htu, issuedAt: clock.now)
        let reason = refusal(proof, verifier: proofVerifier(clock), url: requestURL)
        #expect((reason == nil) == passes, "\(htu) vs \(requestURL): \(reason ?? "passed")")
    }

    @Test("the normal form of a URL")
    func normalForm() {
        #expect(DPoPTargetURL.normalized("HTTPS://Server.Example:443/mcp?x=1#f") == "https://server.example/mcp")
        #expect(DPoPTargetURL.normalized("http://[::1]:80") == "http://[::1]/")
        #expect(DPoPTargetURL.normalized("http://[::1]:9000/mcp") == "http://[::1]:9000/mcp")
        #expect(DPoPTargetURL.normalized("http://h/a%2fb%7e") == "http://h/a%2Fb~")
        #expect(DPoPTargetURL.normalized("http://h/a/./b/../c/") == "http://h/a/c/")
        #expect(DPoPTargetURL.normalized("http://h:/x") == "http://h/x")
        for bad in ["ftp://h/x", "http:///x", "http://h:99999/x", "http://h:8a/x", "http://h/%zz", "mailto:a@b", ""] {
            #expect(DPoPTargetURL.normalized(bad) == nil, "\(bad)")
        }
    }

    @Test("iat: up to 300 s old and 30 s ahead passes; older or further ahead is refused")
    func issuedAt() {
        let clock = ProofClock()
        let key = DPoPKey()
        for (offset, passes) in [(-299.0, true), (-301.0, false), (29.0, true), (31.0, false)] {
            let proof = ForgedProof.proof(key, url: resourceURL, issuedAt: clock.now.addingTimeInterval(offset))
            let reason = refusal(proof, verifier: proofVerifier(clock))
            #expect((reason == nil) == passes, "iat \(offset): \(reason ?? "passed")")
        }
        let noIat = ForgedProof.proof(key, url: resourceURL, issuedAt: clock.now) { _, claims in claims["iat"] = nil }
        #expect(refusal(noIat, verifier: proofVerifier(clock)) == "DPoP proof is missing iat")
    }

    @Test("a jti is accepted once; a refused proof leaves its jti unused; another jti passes")
    func replay() {
        let clock = ProofClock()
        let verifier = proofVerifier(clock)
        let key = DPoPKey()
        let wrongMethod = ForgedProof.proof(key, method: "GET", url: resourceURL, issuedAt: clock.now, jti: "one")
        #expect(refusal(wrongMethod, verifier: verifier) != nil)
        let proof = ForgedProof.proof(key, url: resourceURL, issuedAt: clock.now, jti: "one")
        #expect(refusal(proof, verifier: verifier) == nil)
        #expect(refusal(proof, verifier: verifier) == "DPoP proof was already used (jti replayed)")
        #expect(
            refusal(ForgedProof.proof(key, url: resourceURL, issuedAt: clock.now, jti: "one"), verifier: verifier)
                != nil)
        #expect(
            refusal(ForgedProof.proof(key, url: resourceURL, issuedAt: clock.now, jti: "two"), verifier: verifier)
                == nil)
        for jti in ["", String(repeating: "j", count: 257)] {
            #expect(
                refusal(ForgedProof.proof(key, url: resourceURL, issuedAt: clock.now, jti: jti), verifier: verifier)?
                    .contains("jti") == true)
        }
    }

    @Test("two concurrent requests with the same jti: exactly one passes")
    func concurrentReplay() async {
        let clock = ProofClock()
        let verifier = proofVerifier(clock)
        let key = DPoPKey()
        for round in 0..<20 {
            let proof = ForgedProof.proof(key, url: resourceURL, issuedAt: clock.now, jti: "round-\(round)")
            let passed = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<2 { group.addTask { refusal(proof, verifier: verifier) == nil } }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(passed == 1, "round \(round)")
        }
    }

    @Test(
        "the replay cache forgets a jti once no proof with it could pass; when full of live ones it refuses, never forgets early"
    )
    func replayCacheBounds() {
        let clock = ProofClock()
        let verifier = proofVerifier(clock, capacity: 2)
        let key = DPoPKey()
        let first = ForgedProof.proof(key, url: resourceURL, issuedAt: clock.now, jti: "a")
        #expect(refusal(first, verifier: verifier) == nil)
        #expect(
            refusal(ForgedProof.proof(key, url: resourceURL, issuedAt: clock.now, jti: "b"), verifier: verifier) == nil)
        #expect(
            refusal(ForgedProof.proof(key, url: resourceURL, issuedAt: clock.now, jti: "c"), verifier: verifier)?
                .hasPrefix("Too many") == true)
        #expect(refusal(first, verifier: verifier) == "DPoP proof was already used (jti replayed)")
        clock.advance(by: 331)
        #expect(verifier.replayCache.accept("c", until: clock.now.addingTimeInterval(330), now: clock.now) == .accepted)
        #expect(verifier.replayCache.count == 1)
        // forgotten, but too old by now anyway
        #expect(refusal(first, verifier: verifier)?.contains("too old") == true)
    }

    @Test("ath must be the hash of the access token sent with the proof")
    func accessTokenHash() {
        let clock = ProofClock()
        let key = DPoPKey()
        let good = ForgedProof.proof(key, url: resourceURL, accessToken: "token-1", issuedAt: clock.now)
        #expect(refusal(good, verifier: proofVerifier(clock), accessToken: "token-1") == nil)
        let other = ForgedProof.proof(key, url: resourceURL, accessToken: "token-2", issuedAt: clock.now)
        #expect(
            refusal(other, verifier: proofVerifier(clock), accessToken: "token-1")
                == "DPoP proof ath does not match the access token")
        let none = ForgedProof.proof(key, url: resourceURL, issuedAt: clock.now)
        #expect(refusal(none, verifier: proofVerifier(clock), accessToken: "token-1")?.contains("no ath") == true)
    }

    @Test("the proof's key must be the one the token is bound to (cnf.jkt)")
    func boundKey() {
        let clock = ProofClock()
        let key = DPoPKey()
        let proof = ForgedProof.proof(key, url: resourceURL, issuedAt: clock.now)
        #expect(refusal(proof, verifier: proofVerifier(clock), boundTo: key.thumbprint) == nil)
        #expect(
            refusal(proof, verifier: proofVerifier(clock), boundTo: DPoPKey().thumbprint)?.contains("cnf.jkt") == true)
    }

    @Test("only asymmetric algorithms: none and HS256 are refused")
    func algorithms() {
        let clock = ProofClock()
        let key = DPoPKey()
        let claims = ForgedProof.claims(url: resourceURL, issuedAt: clock.now)
        #expect(
            refusal(ForgedProof.unsigned(claims: claims, key: key), verifier: proofVerifier(clock))?.contains(
                "algorithm none is not accepted") == true)
        #expect(
            refusal(ForgedProof.hs256(claims: claims), verifier: proofVerifier(clock))?.contains(
                "algorithm HS256 is not accepted") == true)
        let mismatch = ForgedProof.proof(key, url: resourceURL, issuedAt: clock.now) { header, _ in
            header["alg"] = "RS256"
        }
        #expect(refusal(mismatch, verifier: proofVerifier(clock))?.contains("does not fit its jwk") == true)
    }

    @Test("the jwk must be a public key: private members, a symmetric key, or none at all are refused")
    func publicKeyOnly() {
        let clock = ProofClock()
        let key = DPoPKey()
        let withD = ForgedProof.proof(key, url: resourceURL, issuedAt: clock.now) { header, _ in
            var jwk = ForgedProof.jwk(key)
            jwk["d"] = key.privateKey.rawRepresentation.base64URLEncodedString()
            header["jwk"] = jwk
        }
        #expect(refusal(withD, verifier: proofVerifier(clock))?.contains("private key material (d)") == true)
        let oct = ForgedProof.proof(key, url: resourceURL, issuedAt: clock.now) { header, _ in
            header["jwk"] = ["kty": "oct", "k": "c2VjcmV0"]
        }
        #expect(refusal(oct, verifier: proofVerifier(clock))?.contains("symmetric") == true)
        let noJWK = ForgedProof.proof(key, url: resourceURL, issuedAt: clock.now) { header, _ in header["jwk"] = nil }
        #expect(refusal(noJWK, verifier: proofVerifier(clock)) == "DPoP proof has no jwk header")
        let otherKey = ForgedProof.proof(key, url: resourceURL, issuedAt: clock.now) { header, _ in
            header["jwk"] = ForgedProof.jwk(DPoPKey())
        }
        #expect(
            refusal(otherKey, verifier: proofVerifier(clock)) == "DPoP proof signature does not verify with its jwk")
    }

    @Test("typ must be exactly dpop+jwt; crit is refused; the claims must be there")
    func headerAndClaims() {
        let clock = ProofClock()
        let key = DPoPKey()
        for typ in ["JWT", "at+jwt", "DPOP+JWT"] {
            let proof = ForgedProof.proof(key, url: resourceURL, issuedAt: clock.now) { header, _ in header["typ"] = typ
            }
            #expect(refusal(proof, verifier: proofVerifier(clock))?.contains("typ must be dpop+jwt") == true, "\(typ)")
        }
        let noTyp = ForgedProof.proof(key, url: resourceURL, issuedAt: clock.now) { header, _ in header["typ"] = nil }
        #expect(refusal(noTyp, verifier: proofVerifier(clock)) == "DPoP proof typ must be dpop+jwt, got none")
        let crit = ForgedProof.proof(key, url: resourceURL, issuedAt: clock.now) { header, _ in header["crit"] = ["exp"]
        }
        #expect(refusal(crit, verifier: proofVerifier(clock))?.contains("critical") == true)
        let bare = ForgedProof.proof(key, url: resourceURL, issuedAt: clock.now) { _, claims in
            (claims["jti"], claims["htu"]) = (nil, nil)
        }
        #expect(refusal(bare, verifier: proofVerifier(clock)) == "DPoP proof is missing jti, htu")
        for garbage in ["", "a.b", "not a jwt", String(repeating: "a", count: 9000)] {
            #expect(refusal(garbage, verifier: proofVerifier(clock)) != nil)
        }
        let good = ForgedProof.proof(key, url: resourceURL, issuedAt: clock.now)
        #expect(
            refusal(ForgedToken.tamperedSignature(good), verifier: proofVerifier(clock))
                == "DPoP proof signature does not verify with its jwk")
    }
}
