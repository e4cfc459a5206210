/// How a token's parts are read: strict base64url, the claims' JSON shapes, and the parsed-header memo.
import Foundation
import Shared
import TestSupport
import Testing

@testable import MCPAuth

/// Claims the demo verifier accepts, with `changes` applied.
func demoClaims(_ changes: [String: Any] = [:]) -> [String: Any] {
    ["iss": "mcp-simple-auth", "aud": "mcp-server", "sub": "alice", "exp": 1_800_000_300].merging(changes) { $1 }
}

extension TokenDecodingTests {
    /// `value` as JSONSerialization gives it, to compare the two parsers.
    static func foundationValue(_ value: JSONValue) -> Any {
        switch value {
        case .object(let members): members.mapValues(foundationValue) as NSDictionary
        case .array(let elements): elements.map(foundationValue) as NSArray
        case .string(let string): string as NSString
        case .integer(let integer): NSNumber(value: integer)
        case .number(let number): NSNumber(value: number)
        case .bool(let bool): NSNumber(value: bool)
        case .null: NSNull()
        }
    }
}

// MARK: Tests

@Suite("Token decoding")
struct TokenDecodingTests {
    let issuedAt = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a bearer token is every b64token byte (RFC 6750 §2.1) and nothing else, wherever the odd byte sits")
    func b64TokenAlphabet() {
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/=".utf8)
        let valid = String(repeating: "eyJhbGciOiJSUzI1NiJ9-_~+/=.", count: 30)
        #expect(B64Token.isValid(valid))
        for byte in UInt8.min...UInt8.max {
            for position in [0, 1, valid.utf8.count / 2, valid.utf8.count - 1] {
                var bytes = Array(valid.utf8)
                bytes[position] = byte
                let token = String(decoding: bytes, as: UTF8.self)
                // A byte over 0x7F alone is not UTF-8; decoding repairs it, and the repair is no b64token byte either.
                #expect(B64Token.isValid(token) == alphabet.contains(byte), "byte \(byte) at \(position)")
            }
        }
        #expect(B64Token.isValid("caf\u{E9}") == false)
    }

    @Test("base64url decodes every length and byte value exactly as Foundation's base64 does")
    func base64URLRoundTrip() {
        var generator = SystemRandomNumberGenerator()
        for count in 0...70 {
            let bytes = Data((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
            #expect(Data(base64URLEncoded: bytes.base64URLEncodedString()) == bytes)
        }
        #expect(Data(base64URLEncoded: "-_-_") == Data(base64Encoded: "+/+/"))
    }

    @Test("base64url refuses padding, +, /, whitespace, a 4n+1 length and non-zero unused bits")
    func base64URLStrict() {
        for bad in ["QQ==", "QUI=", "+/+/", "QU I", "QUJDR", "QR", "QUJ", "QUJD\n", "QUJDé"] {
            #expect(Data(base64URLEncoded: bad) == nil, "\(bad)")
        }
        #expect(Data(base64URLEncoded: "QQ") == Data("A".utf8))
        #expect(Data(base64URLEncoded: "QUI") == Data("AB".utf8))
        #expect(Data(base64URLEncoded: "") == Data())
    }

    @Test("the claims parser reads what RFC 8259 allows, as Foundation's JSONSerialization does")
    func jsonAccepted() throws {
        let documents = [
            #"{}"#, #" { "a" : [ 1 , -0.5e+2 , 3E-1 , 0 ] , "b" : { "c" : null } , "d" : true , "e" : false } "#,
            #"{"s":"tab\t quote\" slash\/ back\\ \u00e9 \ud83d\ude00 é 😀"}"#, #"["x",{"y":[[[]]]}]"#,
            #""just a string""#, "-12.25",
            #"{"realm_access":{"roles":["a","b"]},"resource_access":{"echo-mcp-server":{"roles":["tools"]}},"allowed-origins":["*"]}"#,
        ]
        for document in documents {
            let data = Data(document.utf8)
            let parsed = try #require(JSONValue.parse(data), "\(document)")
            let foundation = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)
            #expect(Self.foundationValue(parsed) as? NSObject == foundation as? NSObject, "\(document)")
        }
    }

    @Test("integers keep every digit; a fraction, an exponent or a value past Int makes a Double")
    func jsonNumbers() {
        #expect(JSONValue.parse(Data("9007199254740993".utf8)) == .integer(9_007_199_254_740_993))
        #expect(JSONValue.parse(Data("-9223372036854775808".utf8)) == .integer(.min))
        #expect(JSONValue.parse(Data("9223372036854775808".utf8)) == .number(9_223_372_036_854_775_808))
        #expect(JSONValue.parse(Data("1.0".utf8)) == .number(1))
        #expect(JSONValue.parse(Data("1e2".utf8)) == .number(100))
        #expect(JSONValue.parse(Data("-0".utf8)) == .number(-0.0))
        #expect(
            JSONValue.parse(Data("-0".utf8)).map {
                if case .number(let zero) = $0 { zero.sign == .minus } else { false }
            } == true)
    }

    @Test("the claims parser refuses anything RFC 8259 does not allow, duplicate names, and deep nesting")
    func jsonRefused() {
        let refused = [
            "", " ", "{", #"{"a":1"#, #"{"a":1,}"#, "[1,]", #"{"a" 1}"#, #"{a:1}"#, "{'a':1}", "01", "1.", ".5", "+1",
            "-", "1e", "NaN", "Infinity",
            "1e999", "tru", "nul", #"{"a":1}x"#, #"{"a":1} {"b":2}"#, #""\x""#, #""\u12""#, #""\ud800""#, #""\udc00""#,
            #""\ud800\u0041""#,
            "\"line\nbreak\"", #"{"a":1,"a":2}"#, #"{"exp":1,"exp":1}"#,
            String(repeating: "[", count: 40) + String(repeating: "]", count: 40),
        ]
        for document in refused { #expect(JSONValue.parse(Data(document.utf8)) == nil, "\(document)") }
        #expect(JSONValue.parse(Data([0x22, 0xC3, 0x28, 0x22])) == nil, "invalid UTF-8")
        #expect(JSONValue.parse(Data([0x22, 0xED, 0xA0, 0x80, 0x22])) == nil, "an encoded surrogate")
        let nested =
            String(repeating: "[", count: JSONValue.maximumDepth)
            + String(repeating: "]", count: JSONValue.maximumDepth)
        #expect(JSONValue.parse(Data(nested.utf8)) != nil)
    }

    @Test("aud may be one string or an array of strings; anything else is refused")
    func audienceShapes() async throws {
        let verifier = try await verifier(now: issuedAt)
        let header: [String: Any] = ["alg": "RS256", "kid": "mcp-key-1"]
        #expect(
            try await verifier.verify(ForgedToken.signWithDemoKey(header: header, claims: demoClaims())).username
                == "alice")
        let several = demoClaims(["aud": ["other", "mcp-server"]])
        #expect(
            try await verifier.verify(ForgedToken.signWithDemoKey(header: header, claims: several)).username == "alice")
        let malformed = AuthFailure.invalidToken("Token claims are not a JSON object of the registered claim types")
        for aud: Any in [42, ["mcp-server", 7], ["inner": "mcp-server"]] {
            await #expect(throws: malformed) {
                try await verifier.verify(ForgedToken.signWithDemoKey(header: header, claims: demoClaims(["aud": aud])))
            }
        }
        await #expect(throws: AuthFailure.invalidToken("Invalid audience")) {
            try await verifier.verify(
                ForgedToken.signWithDemoKey(header: header, claims: demoClaims(["aud": NSNull()])))
        }
        await #expect(throws: malformed) {
            try await verifier.verify(
                ForgedToken.signWithDemoKey(header: header, claims: demoClaims(["exp": "1800000300"])))
        }
    }

    @Test("a token whose claims repeat a name is refused, whichever value comes first")
    func duplicateClaims() async throws {
        let verifier = try await verifier(now: issuedAt)
        let header = Data(#"{"alg":"RS256","kid":"mcp-key-1"}"#.utf8).base64URLEncodedString()
        let claims = #"{"iss":"mcp-simple-auth","aud":"mcp-server","sub":"alice","exp":1800000300,"sub":"admin"}"#
        let token = ForgedToken.signWithDemoKey(signingInput: header + "." + Data(claims.utf8).base64URLEncodedString())
        await #expect(
            throws: AuthFailure.invalidToken("Token claims are not a JSON object of the registered claim types")
        ) {
            try await verifier.verify(token)
        }
    }

    @Test("a fractional NumericDate is read as seconds since 1970")
    func fractionalTimes() async throws {
        let claims = try #require(AccessTokenClaims(json: Data(#"{"exp":1800000300.5,"iat":1800000000}"#.utf8)))
        #expect(claims.exp == Date(timeIntervalSince1970: 1_800_000_300.5))
        #expect(claims.iat == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(claims.aud == nil)
    }

    @Test("tokens sharing a header parse it once; a refused header is never remembered")
    func headerMemo() async throws {
        let verifier = try await verifier(now: issuedAt)
        for name in ["alice", "bob", "carol"] {
            let token = ForgedToken.signWithDemoKey(
                header: ["alg": "RS256", "kid": "mcp-key-1"], claims: demoClaims(["sub": name]))
            #expect(try await verifier.verify(token).username == name)
        }
        #expect(verifier.headers.count == 1)
        let proof = ForgedToken.signWithDemoKey(
            header: ["alg": "RS256", "typ": "dpop+jwt", "kid": "mcp-key-1"], claims: demoClaims())
        for _ in 0..<2 {
            await #expect(throws: AuthFailure.invalidToken("Token type dpop+jwt is not an access token")) {
                try await verifier.verify(proof)
            }
        }
        #expect(verifier.headers.count == 1)
    }

    @Test("the header memo is bounded: when full it starts again, and every header is still checked")
    func headerMemoBounded() throws {
        let cache = JOSEHeader.Cache(capacity: 4)
        for index in 0..<10 {
            let json = Data(#"{"alg":"RS256","kid":"key-\#(index)"}"#.utf8)
            let header = try cache.header(of: #require(CompactJWS(json.base64URLEncodedString() + ".e30.AA")))
            #expect(header.kid == "key-\(index)")
            #expect(cache.count <= 4)
        }
        let critical = Data(#"{"alg":"RS256","crit":["exp"]}"#.utf8)
        let jws = try #require(CompactJWS(critical.base64URLEncodedString() + ".e30.AA"))
        #expect(throws: AuthFailure.self) { try cache.header(of: jws) }
    }
}
