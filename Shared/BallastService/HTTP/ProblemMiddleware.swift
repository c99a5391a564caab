import BallastCore
import HTTPTypes
import Hummingbird
import Logging

/// Turns every error into an RFC 9457 problem response, and gives each response an `X-Request-Id`.
///
/// Errors the application did not anticipate become a bare 500 whose details go to the log only.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        let requestID = Self.requestID(of: request, context: context)
        var response: Response
        do {
            response = try await next(request, context)
        } catch let problem as ProblemDetails {
            response = problem.response
        } catch let error as HTTPResponseError {
            response = ProblemDetails(status: error.status, detail: Self.detail(of: error), instance: request.uri.path).response
        } catch {
            context.logger.error("request failed", metadata: ["error": .error(error), "request_id": "\(requestID)"])
            response = ProblemDetails(status: .internalServerError, detail: "see the server log for request \(requestID)").response
        }
        response.headers[.requestID] = requestID
        return response
    }

    /// The id this middleware puts in `X-Request-Id`: the caller's own, when it sent one, or Hummingbird's.
    /// A handler that names the request in its body uses this, so body and header agree.
    public static func requestID(of request: Request, context: Context) -> String {
        request.headers[.requestID] ?? context.id
    }

    private static func detail(of error: some HTTPResponseError) -> String? {
        (error as? HTTPError)?.body
    }
}

extension HTTPField.Name {
    public static let requestID = Self("X-Request-Id")!
}
