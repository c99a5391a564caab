import BallastCore

/// One service as a process that runs several (`ballast serve`) holds it: its name, which is its consumer group on every
/// stream it reads and the owner of its jobs, and the function that builds its parts, the one its executable calls.
public struct ServiceModule: Sendable {
    public let service: ServiceName
    public let build: @Sendable (ServiceContext) throws -> ServiceDefinition

    public init(_ service: ServiceName, build: @escaping @Sendable (ServiceContext) throws -> ServiceDefinition) {
        self.service = service
        self.build = build
    }
}
