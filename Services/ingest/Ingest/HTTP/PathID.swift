import BallastService
import Foundation

extension IngestRequestContext {
    /// The `{id}` path parameter; a value that is not a UUID names nothing, so it is a 404 like an unknown id.
    func pathID(of noun: String) throws -> UUID {
        let text = try parameters.require("id")
        guard let id = UUID(uuidString: text) else { throw ProblemDetails.notFound(noun, text) }
        return id
    }
}

extension ProblemDetails {
    /// 404: no `noun` with `id` (for this caller).
    static func notFound(_ noun: String, _ id: some StringProtocol) -> ProblemDetails {
        ProblemDetails(status: .notFound, detail: "no \(noun) with id '\(id.prefix(64))'")
    }
}
