import CSysHeaders
import Glibc

/// An open file descriptor owned by this object and closed when it goes away.
public final class FileDescriptor: Sendable {
    /// The descriptor number.
    public let rawValue: Int32

    /// Takes ownership of `rawValue`.
    public init(adopting rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// Opens `path` for writing, created with mode 0644 or truncated (`O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC`).
    public convenience init(writingTo path: String) throws(SystemCallError) {
        let descriptor = try checkErrno(open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644), "open(\(path))")
        self.init(adopting: descriptor)
    }

    /// Opens `path` for reading (`O_RDONLY|O_CLOEXEC`).
    public convenience init(readingFrom path: String) throws(SystemCallError) {
        self.init(adopting: try checkErrno(open(path, O_RDONLY | O_CLOEXEC), "open(\(path))"))
    }

    deinit { close(rawValue) }

    /// Reads up to `limit` bytes from the start of the file (`pread` at offset 0): for a `/proc`
    /// file kept open, its current content, or `ESRCH` once its task has ended.
    public func readFromStart(limit: Int) throws(SystemCallError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: limit)
        let count = bytes.withUnsafeMutableBytes { pread(rawValue, $0.baseAddress, limit, 0) }
        if count < 0 { throw SystemCallError("pread", errno: errno) }
        bytes.removeLast(limit - count)
        return bytes
    }
}

/// Writes all of `text` (UTF-8) to `descriptor`, retrying after short writes and `EINTR`.
public func writeAll(_ descriptor: Int32, _ text: String) throws(SystemCallError) {
    var text = text
    let failure: Int32? = text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return nil
    }
    if let failure { throw SystemCallError("write", errno: failure) }
}

/// Reads a small file at once (up to `limit` bytes), as `/proc` files are meant to be read.
public func readSmallFile(_ path: String, limit: Int = 4096) throws(SystemCallError) -> [UInt8] {
    try FileDescriptor(readingFrom: path).readFromStart(limit: limit)
}

/// Reads up to `limit` bytes at `address` in the memory of `process` (a process or thread id)
/// with `process_vm_readv(2)`; fewer when the range runs into unmapped memory.
public func readMemory(of process: Int32, at address: UInt64, limit: Int) throws(SystemCallError) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: limit)
    let count = bytes.withUnsafeMutableBytes { sysfence_read_memory(process, address, $0.baseAddress, UInt(limit)) }
    try check(count, "process_vm_readv(\(process))")
    bytes.removeLast(limit - count)
    return bytes
}
