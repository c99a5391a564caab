import Logging

/// An error whose plain description hides what an operator needs (PostgresNIO's `PSQLError` prints a
/// generic sentence to avoid leaking bind values). `diagnosis` says what failed without any value the
/// caller sent: codes, server messages, constraint and table names.
public protocol DiagnosableError: Error {
    var diagnosis: String { get }
}

/// What a log line or dead letter says about `error`: its `diagnosis` when it has one, else its description.
public func diagnosis(of error: any Error) -> String {
    if let diagnosable = error as? any DiagnosableError { return diagnosable.diagnosis }
    return String(describing: error)
}

extension Logger.MetadataValue {
    /// `metadata: ["error": .error(error)]`: the error's diagnosis, never a bind value.
    public static func error(_ error: any Error) -> Logger.MetadataValue {
        .string(diagnosis(of: error))
    }
}
