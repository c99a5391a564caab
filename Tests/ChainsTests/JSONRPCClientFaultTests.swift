import BallastChains
import BallastCore
import BallastTestSupport
import Foundation
import Testing

/// A node that answers badly, or not at all: every case ends in a `JSONRPCError`, never a crash.
@Suite("JSON-RPC client faults")
struct JSONRPCClientFaultTests {
    private func call(answer: WebhookReceiver.Answer, timeout: Duration = .seconds(5)) async throws -> Result<JSONValue, JSONRPCError> {
        try await WebhookReceiver.with(answer: { _, _ in answer }) { receiver in
            let client = JSONRPCClient(url: receiver.url("/rpc"), timeout: timeout)
            do {
                return .success(try await client.call("getblockcount"))
            } catch let error as JSONRPCError {
                return .failure(error)
            }
        }
    }

    @Test("a body that is not JSON is a malformed answer", arguments: ["not json", "{\"result\":", "", "[1,2", "\u{0}\u{1}"])
    func garbage(body: String) async throws {
        let result = try await call(answer: .status(200, body: body))
        guard case .failure(.malformedResponse(let method, _)) = result else {
            Issue.record("expected a malformed answer, got \(result)")
            return
        }
        #expect(method == "getblockcount")
    }

    @Test(
        "JSON that is not a JSON-RPC answer is a malformed answer",
        arguments: [#"{"foo":1}"#, "[]", "42", #"{"error":{"message":"no code"}}"#])
    func notAnAnswer(body: String) async throws {
        let result = try await call(answer: .status(200, body: body))
        guard case .failure(.malformedResponse) = result else {
            Issue.record("expected a malformed answer, got \(result)")
            return
        }
    }

    @Test("an answer for another id is refused")
    func otherID() async throws {
        let result = try await call(answer: .status(200, body: #"{"jsonrpc":"2.0","id":999999,"result":5}"#))
        guard case .failure(.malformedResponse) = result else {
            Issue.record("expected a malformed answer, got \(result)")
            return
        }
    }

    @Test("an HTTP error without a JSON-RPC body is an HTTP status error", arguments: [500, 401, 503])
    func httpStatus(status: Int) async throws {
        let result = try await call(answer: .status(status, body: "<html>down</html>"))
        #expect(result == .failure(.httpStatus(method: "getblockcount", status: status, bodyExcerpt: "<html>down</html>")))
    }

    @Test("an HTTP 500 carrying a JSON-RPC error (Bitcoin Core's 1.0 form) is the node's RPC error")
    func rpcErrorIn500() async throws {
        let result = try await call(
            answer: .status(500, body: #"{"result":null,"error":{"code":-8,"message":"Block height out of range"},"id":1}"#))
        #expect(result == .failure(.rpc(method: "getblockcount", code: -8, message: "Block height out of range")))
    }

    @Test("a node that never answers is a timeout within the call's limit")
    func timeout() async throws {
        let started = ContinuousClock.now
        let result = try await call(answer: .hang, timeout: .milliseconds(500))
        #expect(result == .failure(.timeout(method: "getblockcount", limit: .milliseconds(500))))
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test("a connection dropped without an answer is a transport error")
    func dropped() async throws {
        let server = try ClosingServer()
        let client = JSONRPCClient(url: server.url("/"), timeout: .seconds(5))
        await #expect {
            try await client.call("getblockcount")
        } throws: { error in
            guard case .transport(let method, _) = error as? JSONRPCError else { return false }
            return method == "getblockcount"
        }
    }

    /// AsyncHTTPClient retries a refused connection until the call's deadline, so the error is a timeout or the
    /// connection's failure, whichever comes first; either way within the limit.
    @Test("nothing listening is an error within the call's limit")
    func refused() async throws {
        let closed = try ClosedPort()
        let client = JSONRPCClient(url: "http://127.0.0.1:\(closed.port)/", timeout: .seconds(1))
        let started = ContinuousClock.now
        await #expect {
            try await client.call("getblockcount")
        } throws: { error in
            switch error as? JSONRPCError {
            case .transport?, .timeout?: true
            default: false
            }
        }
        // Well past the 1 s limit: a loaded machine (the whole suite beside it) is slow, not the client stuck.
        #expect(ContinuousClock.now - started < .seconds(30))
        withExtendedLifetime(closed) {}
    }

    @Test("credentials go as HTTP basic auth, as Bitcoin Core expects them")
    func basicAuth() async throws {
        try await WebhookReceiver.with(answer: { _, _ in .status(200, body: #"{"result":3,"error":null,"id":1}"#) }) { receiver in
            let client = JSONRPCClient(url: receiver.url("/rpc"), credentials: .init(user: "rpcuser", password: "secret"))
            #expect(try await client.call("getblockcount") == .integer(3))
            let request = try #require(receiver.requests.first)
            #expect(request.headers["authorization"] == "Basic " + Data("rpcuser:secret".utf8).base64EncodedString())
            let body = try JSONValue(parsing: Array(request.body.utf8))
            #expect(body["method"] == .string("getblockcount"))
            #expect(body["params"] == .array([]))
        }
    }

    @Test("a block whose amount is not exact satoshis is an unexpected result, not a wrong amount")
    func badAmount() async throws {
        let block =
            #"{"result":{"hash":"\#(String(repeating: "a", count: 64))","height":1,"time":1,"tx":[{"txid":"t","vout":[{"n":0,"value":0.000000001,"scriptPubKey":{"address":"x"}}]}]},"error":null,"id":1}"#
        try await WebhookReceiver.with(answer: { _, _ in .status(200, body: block) }) { receiver in
            let client = BitcoinRPCClient(rpc: JSONRPCClient(url: receiver.url("/rpc")))
            await #expect {
                try await client.block(hash: String(repeating: "a", count: 64))
            } throws: { error in
                if case .unexpectedResult(let method, _) = error as? JSONRPCError { return method == "getblock" }
                return false
            }
        }
    }
}
