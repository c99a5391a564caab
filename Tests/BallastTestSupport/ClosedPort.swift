import Glibc

/// A port on 127.0.0.1 where a connection is refused, for as long as this value lives: a socket is bound to it and
/// never listens. A port only found free (`freePort`) can be taken meanwhile by a server another test starts, and a
/// client retrying its refused connection would then reach that server, even while it stops.
public final class ClosedPort: @unchecked Sendable {
    public let port: Int
    private let socket: Int32

    public init() throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let socket = self.socket
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(socket, socketAddress, length) == 0 && getsockname(socket, socketAddress, &length) == 0
            }
        }
        guard bound else {
            close(socket)
            throw NoFreePort()
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(socket) }
}
