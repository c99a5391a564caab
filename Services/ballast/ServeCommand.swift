import ArgumentParser
import BallastCore
import BallastService
import Foundation

/// `ballast serve --modules all`: the services in one process. The CLI links no service (Shared/ libraries only), so it
/// checks the arguments and then becomes `ballast-server`, the executable built beside it that links them all: the
/// process keeps its id, so SIGTERM and exit codes are the server's. See docs/architecture.md, "One process or six".
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run several Ballast services in one process.",
        discussion: ServiceSelection.serveDiscussion
    )

    @Option(help: ArgumentHelp("The services to run: \(ServiceSelection.choices).", valueName: "modules"))
    var modules = "all"

    func validate() throws {
        do {
            _ = try ServiceSelection.parse(modules)
        } catch {
            throw CommandFailure.exit("--modules '\(modules)': \(error)", code: 2)
        }
    }

    func run() throws {
        let executable = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        let server = executable.deletingLastPathComponent().appendingPathComponent("ballast-server").path
        guard FileManager.default.isExecutableFile(atPath: server) else {
            throw CommandFailure.exit("ballast serve needs ballast-server beside ballast (\(server)); build it with swift build", code: 2)
        }
        let arguments = [server, "--modules", modules]
        var argv = arguments.map { strdup($0) } + [nil]
        execv(server, &argv)
        throw CommandFailure.exit("cannot run \(server): \(String(cString: strerror(errno)))", code: 1)
    }
}
