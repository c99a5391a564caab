import BallastCore
import Synchronization
import Testing

@testable import BallastRedis

@Suite("Handling a batch")
struct ConcurrentMessageHandlerTests {
    static func messages(_ count: Int) -> [StreamMessage] {
        (0..<count).map { index in
            StreamMessage(
                stream: "s",
                entryID: "\(index)-0",
                envelope: Envelope(type: "t", data: "\(index)"),
                deliveryCount: 1
            )
        }
    }

    @Test("never runs more than maxConcurrency at once, and returns results in message order")
    func boundedAndOrdered() async {
        let running = Atomic<Int>(0)
        let peak = Atomic<Int>(0)
        let handler = ConcurrentMessageHandler(maxConcurrency: 3) { message in
            let now = running.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue
            peak.max(now, ordering: .sequentiallyConsistent)
            try await Task.sleep(for: .milliseconds(Int.random(in: 1...5)))
            running.wrappingSubtract(1, ordering: .sequentiallyConsistent)
            if Int(message.envelope.data)! % 4 == 0 { throw Failure(index: Int(message.envelope.data)!) }
        }
        let results = await handler.handle(Self.messages(20))
        #expect(peak.load(ordering: .sequentiallyConsistent) == 3)
        for (index, result) in results.enumerated() {
            switch result {
            case .success: #expect(index % 4 != 0)
            case .failure(let error): #expect((error as? Failure)?.index == index)
            }
        }
    }

    struct Failure: Error { var index: Int }
}

@Suite("Stream replies")
struct StreamEntryTests {
    @Test("entries are parsed into ordered fields; trimmed ones are reported as deleted")
    func parse() throws {
        let reply = RedisReply.array([
            .array([.string("1-0"), .array([.string("id"), .string("a"), .string("type"), .string("t")])]),
            .array([.string("2-0"), .null]),
        ])
        let parsed = try StreamEntry.parse(reply)
        #expect(parsed.entries.count == 1)
        #expect(parsed.entries[0].id == "1-0")
        #expect(parsed.entries[0].fields.map(\.0) == ["id", "type"])
        #expect(parsed.deleted == ["2-0"])
        #expect(try StreamEntry.parse(.null).entries.isEmpty)
        #expect(throws: RedisError.self) { try StreamEntry.parse(.array([.string("junk")])) }
    }

    @Test("commands keep their arguments byte-exact, including empty ones and UTF-8")
    func command() {
        var command = RedisCommand("XADD", "s", "*")
        command.append("data")
        command.append("")
        command.append("€")
        #expect(command.name == "XADD")
        #expect(command.lengths == [4, 1, 1, 4, 0, 3])
        #expect(
            StreamCommands.add(stream: "s", fields: [("id", "1")], maxLength: 1000).lengths.count == 8
        )
    }

    @Test("error replies become server errors; NOGROUP is recognised")
    func errors() {
        #expect(throws: RedisError.server("NOGROUP No such key")) { try RedisReply.error("NOGROUP No such key").checked() }
        #expect(RedisError.server("NOGROUP No such key").isMissingGroup)
        #expect(RedisError.connectionLost("EOF").isConnectionProblem)
        #expect(!RedisError.server("ERR").isConnectionProblem)
    }
}
