#if canImport(Darwin)
    import Darwin
#else
    import Glibc
#endif

/// Writes log lines to a file descriptor with `write(2)`, as many calls as a partial write needs.
public struct FileDescriptorLogSink: LogSink {
    public static let standardOutput = FileDescriptorLogSink(fileDescriptor: STDOUT_FILENO)

    public let fileDescriptor: Int32

    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    public func write(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                #if canImport(Darwin)
                    let written = Darwin.write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #else
                    let written = Glibc.write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #endif
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }
}
