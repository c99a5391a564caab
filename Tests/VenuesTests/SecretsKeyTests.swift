import BallastVenues
import Foundation
import Testing

@Suite struct SecretsKeyTests {
    static let keyText = Data(repeating: 7, count: 32).base64EncodedString()

    @Test func sealedSecretOpensWithTheSameKeyAndContext() throws {
        let key = try SecretsKey(base64: Self.keyText)
        let secret = "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg=="
        let sealed = try key.seal(secret, context: "account-1")
        #expect(!String(decoding: sealed, as: UTF8.self).contains("kQH5HW"))
        #expect(try key.open(sealed, context: "account-1").hasPrefix("kQH5HW"))
    }

    @Test func anotherContextOrKeyCannotOpen() throws {
        let key = try SecretsKey(base64: Self.keyText)
        let sealed = try key.seal("secret", context: "account-1")
        #expect(throws: SecretsKey.Failure.cannotOpen) { try key.open(sealed, context: "account-2") }
        let other = try SecretsKey(base64: Data(repeating: 8, count: 32).base64EncodedString())
        #expect(throws: SecretsKey.Failure.cannotOpen) { try other.open(sealed, context: "account-1") }
    }

    @Test(arguments: [
        ("", SecretsKey.Failure.missing),
        ("not base64!", .malformed("not base64")),
        (Data(repeating: 1, count: 16).base64EncodedString(), .malformed("16 bytes, expected 32")),
    ])
    func badKeysAreRefusedByName(text: String, failure: SecretsKey.Failure) {
        #expect(throws: failure) { try SecretsKey.fromEnvironment([SecretsKey.environmentVariable: text]) }
    }
}
