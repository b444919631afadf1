import Foundation
import Sysfence

/// Whether tests that load eBPF probes can run here: as root on a kernel with BTF. With
/// `SYSFENCE_REQUIRE_KERNEL=1` they always run, so that a missing feature fails instead of skipping.
public enum ProbeKernel {
    public static var isRequired: Bool { ProcessInfo.processInfo.environment["SYSFENCE_REQUIRE_KERNEL"] == "1" }

    public static var isAvailable: Bool {
        isRequired || (getuid() == 0 && FileManager.default.fileExists(atPath: "/sys/kernel/btf/vmlinux"))
    }
}

/// A fresh cgroup v2 directory for one test, removed on deinit (its processes must have exited).
public final class TestCgroup {
    public let path: String

    public init() throws {
        let hierarchy = try CgroupHierarchy.host()
        path = "\(hierarchy.mountPoint)/sysfence-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }

    /// Creates a child cgroup.
    public func child(_ name: String) throws -> String {
        let child = "\(path)/\(name)"
        try FileManager.default.createDirectory(atPath: child, withIntermediateDirectories: false)
        return child
    }

    deinit {
        // Children first; rmdir (not recursive removal: cgroup files cannot be deleted).
        let subtree = (try? CgroupHierarchy.host().subtree(of: path)) ?? [path]
        for directory in subtree.reversed() { rmdir(directory) }
    }
}

/// `Tests/Helpers/syscall-helper.c`, compiled once per test run, 64-bit or as a static i386 program.
public enum SyscallHelper {
    static let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Helpers/syscall-helper.c").path
    static let directory = NSTemporaryDirectory() + "sysfence-helpers-\(getpid())"
    private static let lock = NSLock()

    public struct BuildFailure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The helper's path, building it on first use.
    public static func path(i386: Bool = false) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        let output = directory + (i386 ? "/syscall-helper-i386" : "/syscall-helper")
        if FileManager.default.fileExists(atPath: output) { return output }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let gcc = Process()
        gcc.executableURL = URL(fileURLWithPath: "/usr/bin/gcc")
        gcc.arguments = (i386 ? ["-m32", "-static"] : []) + ["-O2", "-o", output, source]
        try gcc.run()
        gcc.waitUntilExit()
        guard gcc.terminationStatus == 0 else {
            throw BuildFailure(description: "gcc \(gcc.arguments!.joined(separator: " ")) failed\(i386 ? " (is gcc-multilib installed?)" : "")")
        }
        return output
    }

    /// Starts the helper: it joins `cgroup`, makes `calls` (`NR[:ARG...]`) and exits.
    public static func start(in cgroup: String, calls: [String], i386: Bool = false) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try path(i386: i386))
        process.arguments = [cgroup + "/cgroup.procs"] + calls
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }
}
