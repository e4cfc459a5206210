/// The WWW-Authenticate parser on the headers real servers send, and on tricky ones.
import Shared
import SharedRemote
import Testing

@Suite("AuthenticationChallenge")
struct AuthenticationChallengeTests {
    @Test("RFC 9110's own example: two challenges, quoted strings with escaped quotes, an unquoted value")
    func rfcExample() {
        let challenges = AuthenticationChallenge.parse(
            #"Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple""#)
        #expect(
            challenges == [
                AuthenticationChallenge(
                    scheme: "Newauth", parameters: ["realm": "apps", "type": "1", "title": #"Login to "apps""#]),
                AuthenticationChallenge(scheme: "Basic", parameters: ["realm": "simple"]),
            ])
    }

    @Test("this project's 403: resource_metadata and a scope with spaces")
    func insufficientScope() throws {
        let header =
            #"Bearer realm="mcp-server", resource_metadata="http://localhost:9000/.well-known/oauth-protected-resource/mcp", error="insufficient_scope", scope="mcp:read mcp:tools", error_description="Insufficient scope: this request needs mcp:tools""#
        let bearer = try #require(AuthenticationChallenge.parse(header).first { $0.is("bearer") })
        #expect(
            bearer.parameters["resource_metadata"] == "http://localhost:9000/.well-known/oauth-protected-resource/mcp")
        #expect(bearer.parameters["scope"] == "mcp:read mcp:tools")
        #expect(bearer.parameters["error_description"] == "Insufficient scope: this request needs mcp:tools")
    }

    @Test("commas inside quotes, spaces around '=', case-insensitive names, first value wins")
    func tricky() {
        let challenges = AuthenticationChallenge.parse(#"BEARER Realm = "a, b" , REALM="second", error=invalid_token"#)
        #expect(challenges.count == 1)
        #expect(challenges[0].is("bearer"))
        #expect(challenges[0].parameters == ["realm": "a, b", "error": "invalid_token"])
    }

    @Test("a token68 challenge, a bare scheme, and several header lines")
    func token68AndBareSchemes() {
        let challenges = AuthenticationChallenge.parse(["Negotiate a87421000492aa874209af8bc028==", "Basic, Bearer"])
        #expect(challenges.map(\.scheme) == ["Negotiate", "Basic", "Bearer"])
        #expect(challenges[0].token68 == "a87421000492aa874209af8bc028==")
        #expect(challenges[1].parameters.isEmpty)
    }

    @Test("an empty quoted value is a value; an unclosed quote ends the parameters; garbage is skipped")
    func edges() {
        #expect(AuthenticationChallenge.parse(#"Bearer realm="""#).first?.parameters == ["realm": ""])
        let unclosed = AuthenticationChallenge.parse(#"Bearer realm="abc, scope="x""#)
        #expect(unclosed.first?.is("Bearer") == true)
        #expect(unclosed.first?.parameters["realm"] == "abc, scope=")
        #expect(AuthenticationChallenge.parse(#", , ="#).isEmpty)
        #expect(AuthenticationChallenge.parse("").isEmpty)
    }
}
