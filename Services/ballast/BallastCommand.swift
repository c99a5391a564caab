import ArgumentParser

@main
struct BallastCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ballast",
        abstract: "Administer a Ballast installation.",
        discussion: "Reads the same BALLAST_* environment variables as the services (see docs/configuration.md).",
        subcommands: [
            MigrateCommand.self, UserCommand.self, APIKeyCommand.self, AccountCommand.self, CronCommand.self, MarketCommand.self,
            TradesCommand.self, WebhooksCommand.self, ChainCommand.self, DepositsCommand.self, VenueCommand.self,
            WatchCommand.self,
            ServeCommand.self,
        ]
    )
}
