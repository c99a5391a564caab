import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A WebSocket client that completes the handshake and then stops reading, as a client on a stalled network would:
/// its small receive buffer fills and the server's writes back up.
final class StalledWebSocket: @unchecked Sendable {
    private let socket: Int32

    init(port: Int, path: String) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var size: Int32 = 4096
        setsockopt(socket, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestSetupError("cannot connect to port \(port)") }
        let request =
            "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        _ = request.withCString { send(socket, $0, strlen($0), 0) }
        // Read the 101 answer only, byte by byte, so that no frame is consumed.
        var head = [UInt8]()
        var byte: UInt8 = 0
        while !head.ends(with: Array("\r\n\r\n".utf8)) {
            guard recv(socket, &byte, 1, 0) == 1 else { throw TestSetupError("no handshake answer") }
            head.append(byte)
        }
        guard String(decoding: head, as: UTF8.self).hasPrefix("HTTP/1.1 101") else {
            throw TestSetupError("not upgraded: \(String(decoding: head, as: UTF8.self))")
        }
    }

    /// Reads everything until the server closes, and returns the code of its close frame, or nil when the connection
    /// ended without one (cut while the close frame could not be written).
    func drainUntilClosed(timeout: Duration) -> UInt16? {
        var timeoutValue = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeoutValue, socklen_t(MemoryLayout<timeval>.size))
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { break }
            data += buffer[0..<count]
        }
        // Walk the server's (unmasked) frames to the close frame.
        var index = 0
        while index + 2 <= data.count {
            let opcode = data[index] & 0x0F
            var length = Int(data[index + 1] & 0x7F)
            var offset = index + 2
            if length == 126, offset + 2 <= data.count {
                length = Int(data[offset]) << 8 | Int(data[offset + 1])
                offset += 2
            } else if length == 127, offset + 8 <= data.count {
                length = (0..<8).reduce(0) { $0 << 8 | Int(data[offset + $1]) }
                offset += 8
            }
            if opcode == 0x8, offset + 2 <= data.count { return UInt16(data[offset]) << 8 | UInt16(data[offset + 1]) }
            index = offset + length
        }
        return nil
    }

    deinit { close(socket) }
}

extension Array where Element: Equatable {
    fileprivate func ends(with suffix: [Element]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
