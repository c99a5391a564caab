import Testing

@testable import BallastService

@Suite("Log lines")
struct StructuredLogHandlerTests {
    let fields = [("level", "info"), ("msg", "consumer starting"), ("error", "say \"hi\"\nbye"), ("stream", "ballast:events")]

    @Test("logfmt quotes only values that need it")
    func logfmt() {
        #expect(
            StructuredLogHandler.logfmt(fields)
                == #"level=info msg="consumer starting" error="say \"hi\"\nbye" stream=ballast:events"#
        )
    }

    @Test("JSON lines are one valid object")
    func json() {
        #expect(
            StructuredLogHandler.json(fields)
                == #"{"level":"info","msg":"consumer starting","error":"say \"hi\"\nbye","stream":"ballast:events"}"#
        )
    }
}
