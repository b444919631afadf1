import Foundation

/// What a probe watches: processes in a cgroup v2 directory and every cgroup below it.
public enum ProbeTarget: Hashable, Sendable {
    /// A cgroup v2 directory, absolute or relative to the cgroup2 mount.
    case cgroup(String)
    /// A container by id or unique id prefix, as runc, Docker, containerd, CRI-O or Podman name it.
    case container(String)
    /// The cgroup of a running process.
    case pid(Int32)
    /// Every container on the host, including those started while the probe runs.
    case allContainers
}

/// A cgroup the probe watches, with what to call it in events.
public struct WatchedCgroup: Hashable, Sendable {
    /// The absolute directory.
    public var path: String
    /// The cgroup id (`bpf_get_current_cgroup_id`): the directory's inode number.
    public var id: UInt64
    /// The container id, when the target named a container.
    public var container: String?
}

/// The cgroup v2 hierarchy of this host: pure v2 at `/sys/fs/cgroup`, or hybrid with cgroup2 at
/// `/sys/fs/cgroup/unified`. Reads `/proc` and the cgroup file system; changes nothing.
public struct CgroupHierarchy: Sendable {
    /// Where cgroup2 is mounted.
    public var mountPoint: String

    /// Directories under which container runtimes keep runc-style `state.json` files, per id.
    static let runtimeStateRoots = ["/run/runc", "/run/docker/runtime-runc/*", "/run/containerd/runc/*", "/run/crun"]

    /// Name prefixes container runtimes give cgroups (systemd scopes or cgroupfs directories).
    static let containerPrefixes = ["docker-", "cri-containerd-", "crio-", "libpod-", "runc-", "containerd-"]

    /// The host's cgroup2 mount, from `/proc/self/mountinfo`.
    public static func host() throws(DiagnosticsError) -> CgroupHierarchy {
        guard let mountInfo = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else {
            throw DiagnosticsError(at: nil, "cannot read /proc/self/mountinfo")
        }
        for line in mountInfo.split(separator: "\n") {
            let halves = line.components(separatedBy: " - ")
            let fields = halves[0].split(separator: " "), tail = halves.count > 1 ? halves[1].split(separator: " ") : []
            if tail.first == "cgroup2", fields.count > 4 { return CgroupHierarchy(mountPoint: String(fields[4])) }
        }
        throw DiagnosticsError(at: nil, "no cgroup2 file system is mounted (neither /sys/fs/cgroup nor /sys/fs/cgroup/unified)")
    }

    /// The cgroup id of a directory.
    public func id(of path: String) throws(DiagnosticsError) -> UInt64 {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType == .typeDirectory,
              let inode = attributes[.systemFileNumber] as? NSNumber
        else { throw DiagnosticsError(at: nil, "\(path) is not a cgroup directory") }
        return inode.uint64Value
    }

    /// The cgroup v2 directory of a process (the `0::` line of `/proc/PID/cgroup`).
    public func path(ofProcess pid: Int32) throws(DiagnosticsError) -> String {
        guard let lines = try? String(contentsOfFile: "/proc/\(pid)/cgroup", encoding: .utf8) else {
            throw DiagnosticsError(at: nil, "no process \(pid)")
        }
        guard let line = lines.split(separator: "\n").first(where: { $0.hasPrefix("0::") }) else {
            throw DiagnosticsError(at: nil, "process \(pid) has no cgroup v2 membership")
        }
        return absolute(String(line.dropFirst(3)))
    }

    /// A cgroup path relative to the mount, made absolute.
    func absolute(_ relative: String) -> String {
        relative == "/" ? mountPoint : mountPoint + (relative.hasPrefix("/") ? "" : "/") + relative
    }

    /// Every cgroup directory at or below `path`, parents first.
    public func subtree(of path: String) -> [String] {
        var result = [path]
        var index = 0
        while index < result.count {
            let directory = result[index]
            index += 1
            let children = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for child in children.sorted() {
                let full = directory + "/" + child
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), isDirectory.boolValue {
                    result.append(full)
                }
            }
        }
        return result
    }

    /// The container id a cgroup directory name stands for, under the runtimes' naming:
    /// `docker-ID.scope`, `cri-containerd-ID.scope`, `crio-ID.scope`, `libpod-ID.scope` (systemd
    /// driver) or a bare 64-hex-digit id (cgroupfs driver, as under `kubepods`). Runtime helpers
    /// (`crio-conmon-`, `libpod-conmon-`) are not containers.
    public static func containerID(fromCgroupName name: String) -> String? {
        var name = Substring(name)
        if name.hasSuffix(".scope") { name = name.dropLast(6) }
        if name.contains("conmon") { return nil }
        for prefix in containerPrefixes where name.hasPrefix(prefix) {
            let id = name.dropFirst(prefix.count)
            return id.isEmpty ? nil : String(id)
        }
        return name.count == 64 && name.allSatisfy(\.isHexDigit) ? String(name) : nil
    }

    /// Every running container: those runc-style runtimes keep state for (found through their init
    /// process) and every cgroup named as a container's.
    public func containers() -> [WatchedCgroup] {
        var found: [String: WatchedCgroup] = [:]
        for path in subtree(of: mountPoint) {
            let name = (path as NSString).lastPathComponent
            if let container = Self.containerID(fromCgroupName: name), let id = try? id(of: path) {
                found[path] = WatchedCgroup(path: path, id: id, container: container)
            }
        }
        for (container, pid) in runtimeStates() {
            guard let path = try? self.path(ofProcess: pid), path != mountPoint, let id = try? id(of: path) else { continue }
            found[path] = WatchedCgroup(path: path, id: id, container: container)
        }
        return found.values.sorted { $0.path < $1.path }
    }

    /// (container id, init pid) from the runtimes' `state.json` (runc) or `status` (crun) files.
    func runtimeStates() -> [(String, Int32)] {
        let manager = FileManager.default
        var roots: [String] = []
        for pattern in Self.runtimeStateRoots {
            if pattern.hasSuffix("/*") {
                let parent = String(pattern.dropLast(2))
                roots += ((try? manager.contentsOfDirectory(atPath: parent)) ?? []).map { parent + "/" + $0 }
            } else {
                roots.append(pattern)
            }
        }
        var states: [(String, Int32)] = []
        for root in roots {
            for container in (try? manager.contentsOfDirectory(atPath: root)) ?? [] {
                for file in ["state.json", "status"] {
                    guard let data = manager.contents(atPath: "\(root)/\(container)/\(file)"),
                          let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                          let pid = (object["init_process_pid"] ?? object["pid"]) as? Int, pid > 0
                    else { continue }
                    states.append((container, Int32(pid)))
                }
            }
        }
        return states
    }

    /// The cgroups a target names now.
    public func resolve(_ target: ProbeTarget) throws(DiagnosticsError) -> [WatchedCgroup] {
        switch target {
        case .cgroup(let path):
            let absolute = path.hasPrefix(mountPoint) ? path : absolute(path)
            return [WatchedCgroup(path: absolute, id: try id(of: absolute), container: nil)]
        case .pid(let pid):
            let path = try path(ofProcess: pid)
            return [WatchedCgroup(path: path, id: try id(of: path), container: nil)]
        case .allContainers:
            return containers()
        case .container(let name):
            let all = containers()
            let matches = all.filter { $0.container == name }.isEmpty
                ? all.filter { $0.container?.hasPrefix(name) == true } : all.filter { $0.container == name }
            let ids = Set(matches.compactMap(\.container))
            guard !matches.isEmpty else {
                throw DiagnosticsError(at: nil, "no running container '\(name)' (looked for runtime state under \(Self.runtimeStateRoots.joined(separator: ", ")) and container cgroups under \(mountPoint))")
            }
            guard ids.count == 1 else {
                throw DiagnosticsError(at: nil, "'\(name)' names several containers: \(ids.sorted().joined(separator: ", "))")
            }
            // A container found both by name and through its init process: keep the topmost cgroup.
            return matches.filter { match in !matches.contains { match.path.hasPrefix($0.path + "/") } }
        }
    }
}
