import Foundation

/// Targets resolved to cgroups, and kept up to date while a probe or the recorder runs: containers
/// started later are added for `.allContainers`, and the targets' end is noticed.
final class TargetTracker {
    /// The cgroup hierarchy targets were found in.
    let hierarchy: CgroupHierarchy
    /// The cgroups watched, by id (descendants are watched too).
    private(set) var watched: [UInt64: WatchedCgroup] = [:]
    private let targets: [ProbeTarget]
    /// Each target with the cgroups it named at the start.
    private var resolved: [(ProbeTarget, [WatchedCgroup])] = []
    private let onNew: ([WatchedCgroup]) throws(DiagnosticsError) -> Void
    private var lastRescan = Date()

    /// Resolves `targets`, handing their cgroups to `onNew`; fails when one does not exist.
    init(_ targets: [ProbeTarget], onNew: @escaping ([WatchedCgroup]) throws(DiagnosticsError) -> Void) throws(DiagnosticsError) {
        guard !targets.isEmpty else { throw DiagnosticsError(at: nil, "no target: give --cgroup, --container, --pid or --all-containers") }
        hierarchy = try CgroupHierarchy.host()
        self.targets = targets
        self.onNew = onNew
        for target in targets {
            let cgroups = try hierarchy.resolve(target)
            resolved.append((target, cgroups))
            try add(cgroups)
        }
    }

    private func add(_ cgroups: [WatchedCgroup]) throws(DiagnosticsError) {
        let new = cgroups.filter { watched[$0.id] == nil }
        guard !new.isEmpty else { return }
        for cgroup in new { watched[cgroup.id] = cgroup }
        try onNew(new)
    }

    /// With `.allContainers`, adds the containers started since the last look (once a second at most).
    func refresh() throws(DiagnosticsError) {
        guard targets.contains(.allContainers), Date().timeIntervalSince(lastRescan) >= 1 else { return }
        try add(hierarchy.containers())
        lastRescan = Date()
    }

    /// Whether nothing is left to watch: every target process has exited and every target cgroup
    /// was removed. New containers may still come with `.allContainers`.
    var gone: Bool {
        !resolved.contains { target, cgroups in
            switch target {
            case .allContainers: return true
            case .pid(let pid): return Self.isAlive(pid)
            case .cgroup, .container: return cgroups.contains { FileManager.default.fileExists(atPath: $0.path) }
            }
        }
    }

    /// Whether a process exists and is not a zombie (state `Z` or `X` in `/proc/PID/stat`).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: end)...].drop { $0 == " " }.first
        return state != "Z" && state != "X"
    }
}
