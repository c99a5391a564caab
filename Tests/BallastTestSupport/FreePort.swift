import Glibc

/// A TCP port on 127.0.0.1 that nothing listens on right now: the kernel's choice for a socket bound to port 0, then
/// released. A test server started on it cannot collide with a port in use, as a random pick in the ephemeral range can.
public func freePort() throws -> Int {
    let (socket, port) = try boundLoopbackSocket()
    close(socket)
    return port
}

/// A socket bound to a port of the kernel's choice on 127.0.0.1, not listening, and that port.
func boundLoopbackSocket() throws -> (socket: Int32, port: Int) {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
            bind(socket, socketAddress, length) == 0 && getsockname(socket, socketAddress, &length) == 0
        }
    }
    guard bound else {
        close(socket)
        throw NoFreePort()
    }
    return (socket, Int(UInt16(bigEndian: address.sin_port)))
}

/// The kernel gave no port to bind.
public struct NoFreePort: Error, CustomStringConvertible {
    public var description: String { "cannot find a free TCP port on 127.0.0.1" }
}
