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
        var parts: [String] = []
        if let state = server[.sqlState] { parts.append("SQLSTATE \(state)") }
        if let message = server[.message] { parts.append(message) }
        if let constraint = server[.constraintName] { parts.append("constraint \(constraint)") }
        if let table = server[.tableName] { parts.append("table \(table)") }
        if let column = server[.columnName] { parts.append("column \(column)") }
        // The detail of an integrity violation quotes the offending row ("Key (id)=(…)"): values stay out.
        if let detail = server[.detail], !(server[.sqlState] ?? "").hasPrefix("23") { parts.append("detail: \(detail)") }
        if let hint = server[.hint] { parts.append("hint: \(hint)") }
        return "postgres error: " + parts.joined(separator: "; ")
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
