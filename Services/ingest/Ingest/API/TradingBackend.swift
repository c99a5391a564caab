import BallastService
import BallastTrading
import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// What the paper-trading routes use: signal-processor's read queries, its owner actions (cancel an order,
/// close a position), and the database the risk limits are written to.
public struct TradingBackend: Sendable {
    let queries: TradingQueries
    let actions: AccountActions
    let database: PostgresClient
    let logger: Logger

    public init(queries: TradingQueries, actions: AccountActions, database: PostgresClient, logger: Logger) {
        self.queries = queries
        self.actions = actions
        self.database = database
        self.logger = logger
    }

    /// The 404 of a caller without a paper account, saying how to create one.
    func noAccount(_ user: UUID) async throws -> ProblemDetails {
        let name = try await queries.userName(user) ?? "<user>"
        return ProblemDetails(status: .notFound, detail: PaperAccountStore.Failure.noAccount(name).description)
    }

    /// The `{id}` path parameter; a value that is not a UUID names nothing, so it is a 404 like an unknown id.
    static func id(_ context: IngestRequestContext, _ noun: String) throws -> UUID {
        let text = try context.parameters.require("id")
        guard let id = UUID(uuidString: text) else { throw notFound(noun, text) }
        return id
    }

    static func notFound(_ noun: String, _ id: some StringProtocol) -> ProblemDetails {
        ProblemDetails(status: .notFound, detail: "no \(noun) with id '\(id.prefix(64))'")
    }
}

/// The query string of a trading list, read like `SignalQuery`: every bad parameter is collected and
/// reported in one 400.
struct TradingListParameters {
    static let limits = 1...500

    let parameters: [String: String]
    private(set) var problems: [ProblemDetails.InvalidParameter] = []

    init(_ parameters: [String: String]) { self.parameters = parameters }

    /// `symbol`, upper-cased; nil when absent or empty.
    mutating func symbol() -> String? {
        guard let text = parameters["symbol"], !text.isEmpty else { return nil }
        guard text.count <= 64, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._/!-".contains($0)) }) else {
            problems.append(.init(name: "symbol", reason: "is not a symbol"))
            return nil
        }
        return text.uppercased()
    }

    /// `limit`: 1 to 500, 100 when absent.
    mutating func limit() -> Int {
        guard let text = parameters["limit"] else { return 100 }
        guard let value = Int(text), Self.limits.contains(value), text.utf8.allSatisfy({ (48...57).contains($0) }) else {
            problems.append(.init(name: "limit", reason: "expected an integer in 1...500"))
            return 100
        }
        return value
    }

    /// `cursor`, the `nextCursor` of a previous page.
    mutating func cursor() -> PageCursor? {
        guard let text = parameters["cursor"] else { return nil }
        guard let cursor = PageCursor(text) else {
            problems.append(.init(name: "cursor", reason: "is not a cursor this API issued"))
            return nil
        }
        return cursor
    }

    mutating func uuid(_ name: String) -> UUID? {
        guard let text = parameters[name] else { return nil }
        guard let id = UUID(uuidString: text) else {
            problems.append(.init(name: name, reason: "is not a UUID"))
            return nil
        }
        return id
    }

    /// The value of `name` among `allowed`; nil when absent.
    mutating func choice(_ name: String, _ allowed: [String]) -> String? {
        guard let text = parameters[name] else { return nil }
        guard allowed.contains(text) else {
            problems.append(.init(name: name, reason: "expected one of \(allowed.joined(separator: ", "))"))
            return nil
        }
        return text
    }

    func check() throws(ProblemDetails) {
        guard problems.isEmpty else {
            throw ProblemDetails(status: .badRequest, detail: "the query has invalid parameters", invalidParams: problems)
        }
    }
}
