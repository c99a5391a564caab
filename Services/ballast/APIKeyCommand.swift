import ArgumentParser
import BallastUsers

struct APIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-key",
        abstract: "Manage API keys (Authorization: Bearer <key> on /api/v1).",
        subcommands: [Create.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a key. It is printed once, alone on the last line; only its hash is stored."
        )

        @Option(help: "The user the key acts for.")
        var user: String

        @Flag(help: "An admin key: it may also change what is global, such as scheduled jobs (/api/v1/scheduler).")
        var admin = false

        func run() async throws {
            let (user, admin) = (self.user, self.admin)
            let issued = try await withDatabase { client, logger in
                do {
                    return try await UserStore(database: client, logger: logger).createAPIKey(forUser: user, isAdmin: admin)
                } catch let failure as UserStore.Failure {
                    throw CommandFailure.exit(failure.description, code: 1)
                }
            }
            let kind = admin ? "Admin API key" : "API key"
            print("\(kind) \(issued.prefix)… for \(user) (id \(issued.id.uuidString.lowercased())). Store it now; it is not shown again:")
            print(issued.key)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its id or its prefix.")

        @Argument(help: "The key's id, or the prefix shown when it was created (bal_xxxxxxxx).")
        var key: String

        func run() async throws {
            let key = self.key
            try await withDatabase { client, logger in
                do {
                    try await UserStore(database: client, logger: logger).revokeAPIKey(key)
                } catch let failure as UserStore.Failure {
                    throw CommandFailure.exit(failure.description, code: 1)
                }
            }
            print("revoked \(key)")
        }
    }
}
