import LinuxKernel
import SysfenceCore

/// Who makes the calls the supervisor receives: each thread's process id and command name.
///
/// `/proc` is costly to open, so each thread's `/proc/<tid>/comm` stays open and is read again
/// for every call, which also follows renames and `execve`. An open `/proc` file belongs to
/// one task: once its thread has ended it fails with `ESRCH`, so a thread id used again by a
/// new thread is never taken for the old one.
final class ThreadRegistry {
    private struct Entry {
        var comm: FileDescriptor
        var processID: Int32
    }

    private var entries: [Int32: Entry] = [:]
    /// Open files kept at most; the registry starts afresh when it is full.
    private let capacity = 128

    /// The process id and command name of the thread that made `notification`, or `nil` when it
    /// has gone (a thread id read while its call no longer waits could name another thread).
    func lookup(_ notification: SeccompNotification, listener: NotificationListener) -> (processID: Int32, command: String)? {
        let thread = notification.threadID
        if let entry = entries[thread], let name = try? entry.comm.readFromStart(limit: 64) {
            return (entry.processID, Self.commandName(name))
        }
        entries[thread] = nil
        guard let comm = try? FileDescriptor(readingFrom: "/proc/\(thread)/comm"),
              let name = try? comm.readFromStart(limit: 64),
              let status = Self.status(of: thread),
              listener.isWaiting(notification.id) else { return nil }
        if entries.count >= capacity { entries.removeAll() }
        entries[thread] = Entry(comm: comm, processID: status.processID)
        return (status.processID, Self.commandName(name))
    }

    /// A thread's status as it is now: process, signal masks.
    static func status(of thread: Int32) -> ThreadStatus? {
        (try? readSmallFile("/proc/\(thread)/status")).flatMap(ThreadStatus.init(procStatus:))
    }

    /// `comm` without its newline.
    private static func commandName(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.last == UInt8(ascii: "\n") ? bytes.dropLast() : bytes[...], as: UTF8.self)
    }
}
