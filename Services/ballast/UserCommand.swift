import ArgumentParser
import BallastUsers

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage users.",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user.")

        @Argument(help: "A unique name, e.g. alice.")
        var name: String

        func validate() throws {
            guard (1...64).contains(name.count), name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                throw ValidationError("a user name is 1 to 64 letters, digits, '-', '_' or '.'")
            }
        }

        func run() async throws {
            let name = self.name
            let id = try await withDatabase { client, logger in
                do {
                    return try await UserStore(database: client, logger: logger).createUser(named: name)
                } catch let failure as UserStore.Failure {
                    throw CommandFailure.exit(failure.description, code: 1)
                }
            }
            print("created user \(name) (\(id.uuidString.lowercased()))")
        }
    }
}
