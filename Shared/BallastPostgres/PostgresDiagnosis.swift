import BallastCore
import PostgresNIO

/// `PSQLError` describes itself as "Generic description to prevent accidental leakage…". Logs need the
/// SQLSTATE, the server's message and the constraint; never the query's bind values, which `PSQLError`
/// also carries and which are left out here.
extension PSQLError: DiagnosableError {
    public var diagnosis: String {
        guard let server = serverInfo else {
            return "postgres \(code.description)" + (underlying.map { ": \(BallastCore.diagnosis(of: $0))" } ?? "")
        }
        let state = server[.sqlState] ?? ""
        // Some classes quote what was sent: a data exception names the value it could not read (`invalid input
        // syntax for type uuid: "…"`), a raised exception whatever its function formatted, and the detail of an
        // integrity violation the offending row (`Key (id)=(…)`). Their quoted parts and details stay out.
        let quotesValues = state.hasPrefix("22") || state.hasPrefix("P0")
        var parts: [String] = []
        if !state.isEmpty { parts.append("SQLSTATE \(state)") }
        if let message = server[.message] { parts.append(quotesValues ? Self.redactingQuotes(message) : message) }
        if let constraint = server[.constraintName] { parts.append("constraint \(constraint)") }
        if let table = server[.tableName] { parts.append("table \(table)") }
        if let column = server[.columnName] { parts.append("column \(column)") }
        if let detail = server[.detail], !quotesValues, !state.hasPrefix("23") { parts.append("detail: \(detail)") }
        if let hint = server[.hint] { parts.append("hint: \(hint)") }
        return "postgres error: " + parts.joined(separator: "; ")
    }

    /// `value "abc" is out of range` becomes `value "…" is out of range`.
    private static func redactingQuotes(_ message: String) -> String {
        var redacted = ""
        var isQuoted = false
        for character in message {
            if character == "\"" {
                redacted.append(isQuoted ? "…\"" : "\"")
                isQuoted.toggle()
            } else if !isQuoted {
                redacted.append(character)
            }
        }
        return isQuoted ? redacted + "…" : redacted
    }
}

extension PostgresTransactionError: DiagnosableError {
    public var diagnosis: String {
        var parts: [String] = []
        if let error = beginError { parts.append("BEGIN failed: \(BallastCore.diagnosis(of: error))") }
        if let error = closureError { parts.append(BallastCore.diagnosis(of: error)) }
        if let error = rollbackError { parts.append("ROLLBACK failed: \(BallastCore.diagnosis(of: error))") }
        if let error = commitError { parts.append("COMMIT failed: \(BallastCore.diagnosis(of: error))") }
        return parts.isEmpty ? "transaction failed" : parts.joined(separator: "; ")
    }
}
