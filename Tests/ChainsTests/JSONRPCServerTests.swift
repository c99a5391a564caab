import BallastChains
import BallastCore
import Testing

@Suite("JSON-RPC server")
struct JSONRPCServerTests {
    let server = JSONRPCServer(handlers: [
        "echo": { params in params.json },
        "double": { params in .integer(try params.integer(0, "value") * 2) },
    ])

    private func answer(_ body: String) async throws -> (status: Int, json: JSONValue) {
        let (status, text) = await server.answer(Array(body.utf8))
        return (status, try JSONValue(parsing: Array(text.utf8)))
    }

    @Test("a 2.0 call gets its result with its id and no error member")
    func result() async throws {
        let (status, json) = try await answer(#"{"jsonrpc":"2.0","id":7,"method":"double","params":[21]}"#)
        #expect(status == 200)
        #expect(json["result"] == .integer(42))
        #expect(json["id"] == .integer(7))
        #expect(json["error"] == nil)
    }

    @Test("named params are read by name")
    func namedParams() async throws {
        let (_, json) = try await answer(#"{"jsonrpc":"2.0","id":1,"method":"double","params":{"value":5}}"#)
        #expect(json["result"] == .integer(10))
    }

    @Test("a 1.0 call gets result and a null error, as Bitcoin Core answers")
    func version1() async throws {
        let (status, json) = try await answer(#"{"id":"a","method":"double","params":[1]}"#)
        #expect(status == 200)
        #expect(json["result"] == .integer(2))
        #expect(json["error"] == .null)
    }

    @Test(
        "unknown methods, bad params and unparsable bodies are JSON-RPC errors with the specification's codes",
        arguments: [
            (#"{"jsonrpc":"2.0","id":1,"method":"nope"}"#, -32601, 200),
            (#"{"id":1,"method":"nope"}"#, -32601, 404),
            (#"{"jsonrpc":"2.0","id":1,"method":"double","params":["x"]}"#, -32602, 200),
            (#"{"jsonrpc":"2.0","id":1,"method":"double","params":[]}"#, -32602, 200),
            (#"{"id":1,"method":"double","params":[1.5]}"#, -32602, 500),
            (#"{"jsonrpc":"2.0","id":1}"#, -32600, 200),
            (#"{"jsonrpc":"2.0","id":1,"method":"echo","params":3}"#, -32600, 200),
            ("{not json", -32700, 500),
            ("[]", -32600, 200),
        ])
    func errors(body: String, code: Int, status: Int) async throws {
        let (answeredStatus, json) = try await answer(body)
        #expect(answeredStatus == status)
        #expect(json["error"]?["code"] == .integer(code))
    }

    @Test("a batch is answered with one answer per request, in order")
    func batch() async throws {
        let (status, json) = try await answer(
            #"[{"jsonrpc":"2.0","id":1,"method":"double","params":[1]},{"jsonrpc":"2.0","id":2,"method":"nope"},{"jsonrpc":"2.0","id":3,"method":"double","params":[3]}]"#
        )
        #expect(status == 200)
        let answers = try #require(json.arrayValue)
        #expect(answers.count == 3)
        #expect(answers[0]["result"] == .integer(2))
        #expect(answers[1]["error"]?["code"] == .integer(-32601))
        #expect(answers[2]["result"] == .integer(6))
        #expect(answers.map { $0["id"] } == [.integer(1), .integer(2), .integer(3)])
    }

    @Test("2.0 notifications are run and not answered; a 1.0 request without an id is answered")
    func notifications() async throws {
        let counter = Counter()
        let server = JSONRPCServer(handlers: ["count": { _ in .integer(await counter.increment()) }])
        let single = await server.answer(Array(#"{"jsonrpc":"2.0","method":"count"}"#.utf8))
        #expect(single.status == 204)
        #expect(single.body.isEmpty)
        let batch = await server.answer(Array(#"[{"jsonrpc":"2.0","method":"count"},{"jsonrpc":"2.0","id":9,"method":"count"}]"#.utf8))
        let answers = try JSONValue(parsing: Array(batch.body.utf8))
        #expect(answers.arrayValue?.count == 1)
        #expect(answers.arrayValue?.first?["id"] == .integer(9))
        let legacy = await server.answer(Array(#"{"method":"count"}"#.utf8))
        #expect(try JSONValue(parsing: Array(legacy.body.utf8))["result"] == .integer(4))
        #expect(await counter.value == 4)
    }

    @Test("the client and the server agree over real HTTP, and an RPC error reaches the caller with its code")
    func overHTTP() async throws {
        try await server.withRunning { url throws in
            let client = JSONRPCClient(url: url, timeout: .seconds(5))
            let doubled = try await client.call("double", [.integer(4)])
            #expect(doubled == .integer(8))
            await #expect(throws: JSONRPCError.rpc(method: "missing", code: -32601, message: "Method not found: missing")) {
                try await client.call("missing")
            }
        }
    }
}

private actor Counter {
    private(set) var value = 0
    func increment() -> Int {
        value += 1
        return value
    }
}
