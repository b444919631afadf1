import Foundation
import Glibc

/// A fresh cgroup v2 directory for a recorded command, under the cgroup2 mount; removed (after
/// killing what is left in it) by `remove()`.
final class CommandCgroup {
    let watched: WatchedCgroup
    /// The directory, open for `clone3(CLONE_INTO_CGROUP)`.
    let descriptor: Int32

    init() throws(DiagnosticsError) {
        let hierarchy = try CgroupHierarchy.host()
        let path = "\(hierarchy.mountPoint)/sysfence-record-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
        guard mkdir(path, 0o755) == 0 else {
            throw DiagnosticsError(at: nil, "cannot create the cgroup \(path): \(String(cString: strerror(errno)))")
        }
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let message = String(cString: strerror(errno))
            rmdir(path)
            throw DiagnosticsError(at: nil, "cannot open the cgroup \(path): \(message)")
        }
        self.descriptor = descriptor
        do {
            watched = WatchedCgroup(path: path, id: try hierarchy.id(of: path), container: nil)
        } catch {
            close(descriptor)
            rmdir(path)
            throw error
        }
    }

    /// Whether a process is still in the cgroup or below it (`populated 1` in `cgroup.events`).
    var isPopulated: Bool {
        guard let events = try? String(contentsOfFile: watched.path + "/cgroup.events", encoding: .utf8) else { return false }
        return events.split(separator: "\n").contains("populated 1")
    }

    /// Sends SIGKILL to every process in the cgroup and below (`cgroup.kill`, Linux 5.14).
    func killAll() {
        try? "1".write(toFile: watched.path + "/cgroup.kill", atomically: false, encoding: .utf8)
    }

    /// Kills what is left, waits for it to go (up to five seconds) and removes the directories.
    func remove() {
        close(descriptor)
        if isPopulated { killAll() }
        for _ in 0..<500 {
            if !isPopulated { break }
            usleep(10_000)
        }
        let subtree = (try? CgroupHierarchy.host().subtree(of: watched.path)) ?? [watched.path]
        for directory in subtree.reversed() { rmdir(directory) }
    }
}
