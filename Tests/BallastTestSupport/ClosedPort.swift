import Glibc

/// A port on 127.0.0.1 where a connection is refused, for as long as this value lives: a socket is bound to it and
/// never listens. A port only found free (`freePort`) can be taken meanwhile by a server another test starts, and a
/// client retrying its refused connection would then reach that server, even while it stops.
public final class ClosedPort: @unchecked Sendable {
    public let port: Int
    private let socket: Int32

    public init() throws {
        (socket, port) = try boundLoopbackSocket()
    }

    deinit { close(socket) }
}
