import BallastCore

/// A request a client sends on an open WebSocket, as Binance takes them:
/// `{"method":"SUBSCRIBE","params":["btc-usd@trade"],"id":1}`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`.
struct LiveRequest: Sendable, Equatable {
    enum Method: String, Sendable {
        case subscribe = "SUBSCRIBE"
        case unsubscribe = "UNSUBSCRIBE"
        case listSubscriptions = "LIST_SUBSCRIPTIONS"
    }

    /// Binance's error codes for requests: 2 for a request it cannot honour, 3 for text that is not JSON.
    struct Failure: Error, Equatable {
        let code: Int
        let message: String
        /// The request's id when it could be read, JSON `null` otherwise.
        let id: JSONValue
    }

    let method: Method
    let params: [String]
    let id: JSONValue

    static let maxParams = 1_024

    init(parsing text: String) throws(Failure) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: text.utf8)
        } catch {
            throw Failure(code: 3, message: "Invalid JSON: \(error.reason) at byte \(error.offset)", id: .null)
        }
        guard case .object = value else { throw Failure(code: 2, message: "Invalid request: expected a JSON object", id: .null) }
        let id = value["id"] ?? .null
        switch id {
        case .null: break
        case .number(let digits) where digits.utf8.count <= 19 && digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }): break
        case .string(let text) where (1...64).contains(text.utf8.count): break
        default:
            throw Failure(
                code: 2, message: "Invalid request: request ID must be an unsigned integer or a string of 1 to 64 characters", id: .null)
        }
        guard case .string(let methodName)? = value["method"] else {
            throw Failure(code: 2, message: "Invalid request: 'method' must be a string", id: id)
        }
        guard let method = Method(rawValue: methodName) else {
            throw Failure(
                code: 2,
                message: "Invalid request: unknown method '\(methodName.prefix(32))'; use SUBSCRIBE, UNSUBSCRIBE or LIST_SUBSCRIPTIONS",
                id: id)
        }
        var params: [String] = []
        switch value["params"] {
        case nil, .null?:
            if method != .listSubscriptions { throw Failure(code: 2, message: "Invalid request: 'params' must list streams", id: id) }
        case .array(let items)?:
            guard items.count <= Self.maxParams else { throw Failure(code: 2, message: "Invalid request: too many parameters", id: id) }
            for item in items {
                guard case .string(let name) = item else {
                    throw Failure(code: 2, message: "Invalid request: each stream in 'params' must be a string", id: id)
                }
                params.append(name)
            }
            if method != .listSubscriptions && params.isEmpty {
                throw Failure(code: 2, message: "Invalid request: 'params' must list streams", id: id)
            }
        default:
            throw Failure(code: 2, message: "Invalid request: 'params' must be an array of stream names", id: id)
        }
        self.method = method
        self.params = params
        self.id = id
    }

    /// `{"result":<result>,"id":<id>}`.
    static func reply(result: JSONValue, id: JSONValue) -> String {
        "{\"result\":\(result.serialized),\"id\":\(id.serialized)}"
    }

    /// `{"error":{"code":<code>,"msg":<message>},"id":<id>}`.
    static func reply(_ failure: Failure) -> String {
        "{\"error\":{\"code\":\(failure.code),\"msg\":\(JSONValue.string(failure.message).serialized)},\"id\":\(failure.id.serialized)}"
    }
}
