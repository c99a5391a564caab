import Foundation

/// An exchange API key file: `api_key=...` and `api_secret=...` lines (blank lines and `#` comments allowed), or the
/// key and the secret alone on the first two lines, as a key copied from the exchange's page is often saved.
public struct ExchangeCredentialsFile: Sendable {
    public var apiKey: String
    public var secret: String

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case missing(String)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): "cannot read the API key file \(path): \(reason)"
            case .missing(let what): "the API key file has no \(what) (lines api_key=... and api_secret=...)"
            }
        }
    }

    public init(apiKey: String, secret: String) {
        self.apiKey = apiKey
        self.secret = secret
    }

    public init(contentsOf path: String) throws(Failure) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        try self.init(parsing: text)
    }

    public init(parsing text: String) throws(Failure) {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        var named: [String: String] = [:]
        for line in lines {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            named[name] = value.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        }
        if named.isEmpty, lines.count == 2 {
            apiKey = lines[0]
            secret = lines[1]
        } else {
            guard let key = named["api_key"] ?? named["key"], !key.isEmpty else { throw .missing("api_key") }
            guard let secret = named["api_secret"] ?? named["secret"] ?? named["private_key"], !secret.isEmpty else {
                throw .missing("api_secret")
            }
            apiKey = key
            self.secret = secret
        }
    }

    /// The file's text, as `ballast venue simulate` writes a generated key.
    public var text: String { "api_key=\(apiKey)\napi_secret=\(secret)\n" }

    /// The key's last four characters, to tell keys apart without showing one.
    public var keyHint: String { "…" + String(apiKey.suffix(4)) }
}
