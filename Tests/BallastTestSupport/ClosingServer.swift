import Foundation
import Glibc

/// A TCP server on 127.0.0.1 that accepts each connection, reads what arrives, and closes it without answering:
/// an endpoint that drops the connection mid-request.
public final class ClosingServer: @unchecked Sendable {
    public let port: Int
    private let socket: Int32
    private let thread: Thread

    public init() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(socket, socketAddress, length) == 0 && listen(socket, 16) == 0 && getsockname(socket, socketAddress, &length) == 0
            }
        }
        guard listening else {
            close(socket)
            throw NoFreePort()
        }
        self.socket = socket
        self.port = Int(UInt16(bigEndian: address.sin_port))
        // Accepts until the listening socket is closed (accept then fails).
        thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 4_096)
            while true {
                let connection = accept(socket, nil, nil)
                if connection < 0 { return }
                _ = read(connection, &buffer, buffer.count)
                close(connection)
            }
        }
        thread.start()
    }

    public func url(_ path: String = "/hook") -> String { "http://127.0.0.1:\(port)\(path)" }

    deinit {
        shutdown(socket, Int32(SHUT_RDWR))
        close(socket)
    }
}
