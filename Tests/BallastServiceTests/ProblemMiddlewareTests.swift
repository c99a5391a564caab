import BallastService
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("HTTP errors as RFC 9457 problems")
struct ProblemMiddlewareTests {
    static func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ProblemMiddleware())
        router.get("/invalid") { _, _ -> String in
            throw ProblemDetails(
                status: .badRequest,
                detail: "the signal has 1 bad field",
                invalidParams: [.init(name: "quantity", reason: "must be positive")]
            )
        }
        router.get("/crash") { _, _ -> String in
            struct Secret: Error {}
            throw Secret()
        }
        return router
    }

    @Test("unknown routes, thrown problems and unexpected errors all answer problem+json with a request id")
    func problems() async throws {
        let app = Application(router: Self.router())
        try await app.test(.router) { client in
            try await client.execute(uri: "/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.headers[.requestID] != nil)
            }
            try await client.execute(uri: "/invalid", method: .get, headers: [.requestID: "abc"]) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.requestID] == "abc")
                let problem = try JSONDecoder().decode(ProblemDetails.self, from: Data(buffer: response.body))
                #expect(problem.invalidParams == [.init(name: "quantity", reason: "must be positive")])
                #expect(problem.title == "Bad Request")
            }
            try await client.execute(uri: "/crash", method: .get) { response in
                #expect(response.status == .internalServerError)
                let body = String(buffer: response.body)
                #expect(!body.contains("Secret"))
            }
        }
    }
}
