import Foundation

/// What one attempt to deliver got: a status code and an excerpt of the answer, or the reason no answer came.
public struct AttemptResult: Sendable, Equatable {
    public var attemptedAt: Date
    public var duration: Duration
    public var statusCode: Int?
    /// The start of the answer's body, for the delivery log.
    public var responseExcerpt: String?
    /// Why the attempt failed when the status code does not say it alone (timeout, refused target, redirect).
    public var error: String?
    /// A 429's or 503's `Retry-After`.
    public var retryAfter: Duration?

    public init(
        attemptedAt: Date, duration: Duration, statusCode: Int? = nil, responseExcerpt: String? = nil, error: String? = nil,
        retryAfter: Duration? = nil
    ) {
        self.attemptedAt = attemptedAt
        self.duration = duration
        self.statusCode = statusCode
        self.responseExcerpt = responseExcerpt
        self.error = error
        self.retryAfter = retryAfter
    }

    /// Only a 2xx answer is a delivery.
    public var succeeded: Bool { error == nil && statusCode.map { (200..<300).contains($0) } == true }

    /// How the outcome is counted in metrics: `succeeded`, `http_<code>`, `timeout`, `refused`, ...
    public var outcomeLabel: String {
        if succeeded { return "succeeded" }
        if let statusCode { return "http_\(statusCode / 100)xx" }
        return "error"
    }
}
