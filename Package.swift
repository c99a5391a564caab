// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

/// One folder per service: `Services/<folder>/<Library>` holds the logic, `Services/<folder>/Main` the thin executable.
let services: [(folder: String, library: String, executable: String, dependencies: [Target.Dependency])] = [
    (
        "ingest", "Ingest", "ingest",
        [
            .product(name: "Crypto", package: "swift-crypto"), "BallastMarket", "BallastTrading", "BallastWebhooks", "BallastUsers",
            "BallastPortfolios", "BallastDeposits", .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
        ]
    ),
    ("signal-processor", "SignalProcessor", "signal-processor", ["BallastMarket", "BallastTrading", "BallastVenues"]),
    ("rebalancer", "Rebalancer", "rebalancer", ["BallastPortfolios", "BallastTrading", "BallastMarket", "BallastVenues"]),
    ("market-data", "MarketData", "market-data", ["BallastMarket", "BallastVenues"]),
    ("deposits", "Deposits", "deposits", ["BallastDeposits"]),
    ("notifier", "Notifier", "notifier", ["BallastWebhooks"]),
]

/// Files a service library bundles (`Bundle.module`), relative to its folder.
let serviceResources: [String: [Resource]] = ["Ingest": [.copy("openapi.json")]]

let serviceTargets: [Target] = services.flatMap { service -> [Target] in
    [
        .target(
            name: service.library,
            dependencies: ["BallastService"] + service.dependencies,
            path: "Services/\(service.folder)/\(service.library)",
            resources: serviceResources[service.library],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "\(service.library)Main",
            dependencies: [.target(name: service.library), "BallastService"],
            path: "Services/\(service.folder)/Main",
            swiftSettings: swiftSettings
        ),
    ]
}

let package = Package(
    name: "Ballast",
    platforms: [.macOS(.v15)],
    products: services.map { .executable(name: $0.executable, targets: ["\($0.library)Main"]) } + [
        .executable(name: "ballast", targets: ["BallastCLI"]),
        .executable(name: "ballast-server", targets: ["BallastServer"]),
        .executable(name: "ballast-bench-streams", targets: ["StreamsBenchmark"]),
        .executable(name: "ballast-bench-hello", targets: ["HelloServer"]),
        .executable(name: "ballast-bench-cron", targets: ["CronBenchmark"]),
        .executable(name: "ballast-scheduler-probe", targets: ["SchedulerProbe"]),
        .executable(name: "ballast-bench-market-data", targets: ["MarketDataBenchmark"]),
        .executable(name: "ballast-bench-webhook-sink", targets: ["WebhookSink"]),
        .executable(name: "ballast-bench-rebalancer", targets: ["RebalancerBenchmark"]),
        .executable(name: "ballast-bench-websocket", targets: ["WebSocketBenchmark"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.6.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CHiredis",
            path: "Shared/CHiredis",
            pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        .target(
            name: "BallastCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/BallastCore",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BallastRedis",
            dependencies: [
                "CHiredis",
                "BallastCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/BallastRedis",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BallastPostgres",
            dependencies: [
                "BallastCore",
                "BallastRedis",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/BallastPostgres",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BallastScheduler",
            dependencies: [
                "BallastCore",
                "BallastRedis",
                "BallastPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/BallastScheduler",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BallastService",
            dependencies: [
                "BallastCore",
                "BallastRedis",
                "BallastPostgres",
                "BallastScheduler",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/BallastService",
            swiftSettings: swiftSettings
        ),
        // Domains that more than one service (and the CLI) use: market data (trades, candles, prices, tickers)
        // and paper trading (accounts, orders, positions, ledger, risk, the trading API's queries and actions).
        .target(
            name: "BallastMarket",
            dependencies: ["BallastService"],
            path: "Shared/BallastMarket",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BallastTrading",
            dependencies: ["BallastService", "BallastMarket"],
            path: "Shared/BallastTrading",
            swiftSettings: swiftSettings
        ),
        // Outgoing webhooks: endpoints, signing, the target guard, deliveries and their attempts; the notifier
        // delivers, ingest's API manages endpoints and sends test events.
        .target(
            name: "BallastWebhooks",
            dependencies: [
                "BallastService",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Shared/BallastWebhooks",
            swiftSettings: swiftSettings
        ),
        // Blockchains as deposits sees them: JSON-RPC clients of Bitcoin Core and Ethereum-style nodes, and simulated
        // nodes that speak the same protocol (tests, `ballast chain simulate`).
        .target(
            name: "BallastChains",
            dependencies: [
                "BallastCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/BallastChains",
            swiftSettings: swiftSettings
        ),
        // Deposits: the address pool, chain scanning with reorganisations, crediting the paper ledger exactly once.
        .target(
            name: "BallastDeposits",
            dependencies: ["BallastCore", "BallastPostgres", "BallastTrading", "BallastChains"],
            path: "Shared/BallastDeposits",
            swiftSettings: swiftSettings
        ),
        // Exchanges Ballast trades on beside its paper venue: Kraken's REST API (signed requests, symbol rules, errors),
        // its WebSocket trade feed, account credentials sealed at rest, and a simulated Kraken that speaks the same
        // protocol (tests, `ballast venue simulate kraken`).
        .target(
            name: "BallastVenues",
            dependencies: [
                "BallastCore", "BallastPostgres", "BallastMarket", "BallastTrading", "BallastService",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/BallastVenues",
            swiftSettings: swiftSettings
        ),
        // Users and their API keys: ingest authenticates against them, the CLI creates them.
        .target(
            name: "BallastUsers",
            dependencies: [
                "BallastService", .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Shared/BallastUsers",
            swiftSettings: swiftSettings
        ),
        // Portfolios and rebalancing: target weights, drift, the rebalance planner (pure, exact decimals).
        .target(
            name: "BallastPortfolios",
            dependencies: ["BallastCore", "BallastMarket", "BallastPostgres", "BallastScheduler", "BallastTrading"],
            path: "Shared/BallastPortfolios",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "BallastCLI",
            dependencies: [
                "BallastService",
                "BallastScheduler",
                "BallastUsers",
                "BallastMarket",
                "BallastTrading",
                "BallastWebhooks",
                "BallastRedis",
                "BallastChains",
                "BallastDeposits",
                "BallastVenues",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "WSClient", package: "swift-websocket"),
            ],
            path: "Services/ballast",
            swiftSettings: swiftSettings
        ),
        // The services in one process (`ballast serve` runs it): the one target that links services together.
        .executableTarget(
            name: "BallastServer",
            dependencies: [
                "BallastService", "Ingest", "SignalProcessor", "Rebalancer", "MarketData", "Deposits", "Notifier",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Services/server",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "StreamsBenchmark",
            dependencies: ["BallastService"],
            path: "Benchmarks/StreamsBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "CronBenchmark",
            dependencies: ["BallastScheduler"],
            path: "Benchmarks/CronBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "SchedulerProbe",
            dependencies: [
                "BallastScheduler",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Benchmarks/SchedulerProbe",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "MarketDataBenchmark",
            dependencies: ["BallastMarket"],
            path: "Benchmarks/MarketDataBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "RebalancerBenchmark",
            dependencies: ["BallastPortfolios", "BallastMarket", "BallastPostgres", "BallastRedis", "BallastTrading", "BallastCore"],
            path: "Benchmarks/RebalancerBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "DepositsBenchmark",
            dependencies: ["BallastDeposits", "BallastPostgres", "BallastTrading", "BallastCore"],
            path: "Benchmarks/DepositsBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "WebSocketBenchmark",
            dependencies: [
                "BallastCore", "BallastMarket", "BallastRedis", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "WSClient", package: "swift-websocket"),
            ],
            path: "Benchmarks/WebSocketBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "WebhookSink",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Benchmarks/WebhookSink",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "HelloServer",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "Benchmarks/HelloServer",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BallastTestSupport",
            dependencies: [
                .product(name: "PropertyBased", package: "swift-property-based"), .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "WSClient", package: "swift-websocket"), "BallastWebhooks", "BallastCore",
            ],
            path: "Tests/BallastTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BallastCoreTests",
            dependencies: ["BallastCore", .product(name: "PropertyBased", package: "swift-property-based"), "BallastTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BallastRedisTests",
            dependencies: ["BallastRedis"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BallastSchedulerTests",
            dependencies: ["BallastScheduler", "BallastCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BallastServiceTests",
            dependencies: [
                "BallastService", .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PropertyBased", package: "swift-property-based"), "BallastTestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IngestTests",
            dependencies: [
                "Ingest", "BallastService", .product(name: "PropertyBased", package: "swift-property-based"), "BallastTestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MarketDataTests",
            dependencies: [
                "BallastMarket", "BallastCore", .product(name: "PropertyBased", package: "swift-property-based"), "BallastTestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WebhooksTests",
            dependencies: [
                "BallastWebhooks", "BallastCore", .product(name: "PropertyBased", package: "swift-property-based"), "BallastTestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChainsTests",
            dependencies: ["BallastChains", "BallastCore", "BallastTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VenuesTests",
            dependencies: ["BallastVenues", "BallastTrading", "BallastCore", "BallastTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PortfoliosTests",
            dependencies: [
                "BallastPortfolios", "BallastCore", "BallastMarket", .product(name: "PropertyBased", package: "swift-property-based"),
                "BallastTestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SignalProcessorTests",
            dependencies: ["BallastTrading", "BallastCore", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "BallastService",
                "BallastScheduler",
                "Ingest",
                "BallastUsers",
                "MarketData",
                "BallastMarket",
                "BallastTrading",
                "BallastPortfolios",
                "BallastWebhooks",
                "Notifier",
                "Rebalancer",
                "Deposits",
                "BallastDeposits",
                "BallastChains",
                "BallastVenues",
                "SignalProcessor",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "PropertyBased", package: "swift-property-based"), "BallastTestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "BallastChains",
                "BallastCore",
                "BallastDeposits",
                "BallastPostgres",
                "BallastRedis",
                "BallastMarket",
                "BallastPortfolios",
                "BallastWebhooks",
                "BallastTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "WSClient", package: "swift-websocket"),
            ],
            swiftSettings: swiftSettings
        ),
    ] + serviceTargets
)
