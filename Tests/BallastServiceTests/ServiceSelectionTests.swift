import BallastCore
import BallastService
import Testing

@Suite("ballast serve --modules: names and presets")
struct ServiceSelectionTests {
    @Test(
        "a list of names and presets gives those services once each, in the usual order",
        arguments: [
            ("all", ServiceName.allCases),
            ("monolith", ServiceName.allCases),
            ("api", [.ingest]),
            ("background", [.signalProcessor, .rebalancer, .marketData, .deposits, .notifier]),
            ("ingest,signal-processor", [.ingest, .signalProcessor]),
            ("notifier, ingest", [.ingest, .notifier]),
            ("api,background", ServiceName.allCases),
            ("market-data,market-data,", [.marketData]),
            ("Ingest", [.ingest]),
        ] as [(String, [ServiceName])]
    )
    func parses(text: String, services: [ServiceName]) throws {
        #expect(try ServiceSelection.parse(text) == services)
    }

    @Test(
        "an unknown name or a list without one is refused, naming what is wrong",
        arguments: [
            ("nonsense", ServiceSelection.Invalid.unknown("nonsense")),
            ("ingest,signal_processor", .unknown("signal_processor")),
            ("", .empty),
            (" , ,", .empty),
        ]
    )
    func refuses(text: String, error: ServiceSelection.Invalid) {
        #expect(throws: error) { try ServiceSelection.parse(text) }
    }
}
