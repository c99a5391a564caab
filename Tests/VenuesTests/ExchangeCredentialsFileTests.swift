import BallastVenues
import Testing

@Suite struct ExchangeCredentialsFileTests {
    @Test(arguments: [
        ("api_key=K1\napi_secret=S1==\n", "K1", "S1=="),
        ("# from Kraken\n\nAPI_KEY = K2\nAPI_SECRET = \"S2\"\n", "K2", "S2"),
        ("key=K3\nsecret=S3\n", "K3", "S3"),
        ("K4\nS4\n", "K4", "S4"),
    ])
    func readsTheFormsKeysAreSavedIn(text: String, key: String, secret: String) throws {
        let file = try ExchangeCredentialsFile(parsing: text)
        #expect(file.apiKey == key && file.secret == secret)
    }

    @Test(arguments: [
        ("api_key=K\n", ExchangeCredentialsFile.Failure.missing("api_secret")),
        ("api_secret=S\n", .missing("api_key")),
        ("", .missing("api_key")),
        ("one line only\n", .missing("api_key")),
    ])
    func refusesAFileWithoutBoth(text: String, failure: ExchangeCredentialsFile.Failure) {
        #expect(throws: failure) { try ExchangeCredentialsFile(parsing: text) }
    }

    @Test func showsOnlyTheKeysLastFourCharacters() throws {
        let file = try ExchangeCredentialsFile(parsing: "api_key=ABCDEFGH1234\napi_secret=SECRET\n")
        #expect(file.keyHint == "…1234")
        #expect(try ExchangeCredentialsFile(parsing: file.text).secret == "SECRET")
    }

    @Test func anUnreadableFileIsNamed() {
        #expect(throws: (any Error).self) { try ExchangeCredentialsFile(contentsOf: "/nonexistent/kraken.key") }
        do {
            _ = try ExchangeCredentialsFile(contentsOf: "/nonexistent/kraken.key")
        } catch {
            #expect("\(error)".contains("/nonexistent/kraken.key"))
        }
    }
}
