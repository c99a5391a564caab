import BallastService
import Foundation
import Hummingbird

/// `POST/PUT/DELETE /api/v1/userDataStream`, as Binance's spot API names them: `POST` gives the caller's listen key
/// (`{"listenKey": …}`) for `ws://…/ws/<listenKey>`; `PUT ?listenKey=` keeps it alive for another TTL; `DELETE
/// ?listenKey=` closes it. A key that is unknown, expired or another user's is a 404, the same answer for all three,
/// so that a key's existence is never told to someone it does not belong to.
struct UserDataStreamController: Sendable {
    let listenKeys: ListenKeyStore

    struct ListenKeyView: ResponseEncodable {
        let listenKey: String
    }

    /// Binance answers keep-alive and close with an empty object.
    struct EmptyView: ResponseEncodable {}

    func addRoutes(to group: RouterGroup<IngestRequestContext>) {
        group.post { _, context in
            ListenKeyView(listenKey: try await listenKeys.open(for: try context.requireUser()))
        }
        group.put { request, context in
            let user = try context.requireUser()
            guard try await listenKeys.keepAlive(try Self.listenKey(request), of: user) else { throw Self.unknownListenKey }
            return EmptyView()
        }
        group.delete { request, context in
            let user = try context.requireUser()
            guard try await listenKeys.close(try Self.listenKey(request), of: user) else { throw Self.unknownListenKey }
            return EmptyView()
        }
    }

    private static func listenKey(_ request: Request) throws(ProblemDetails) -> String {
        guard let text = request.uri.queryParameters.get("listenKey"), !text.isEmpty else {
            throw ProblemDetails(
                status: .badRequest, detail: "the listen key is missing",
                invalidParams: [.init(name: "listenKey", reason: "is required (the key POST /api/v1/userDataStream gave)")])
        }
        guard LiveStream.isListenKey(Substring(text)) else {
            throw ProblemDetails(
                status: .badRequest, detail: "the listen key is malformed",
                invalidParams: [.init(name: "listenKey", reason: "is not 60 letters and digits")])
        }
        return text
    }

    private static var unknownListenKey: ProblemDetails {
        ProblemDetails(
            status: .notFound, detail: "the listen key is unknown, expired or not yours: POST /api/v1/userDataStream for a new one",
            invalidParams: [.init(name: "listenKey", reason: "is unknown or expired")])
    }
}
