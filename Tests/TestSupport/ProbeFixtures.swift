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

    /// The helper's path, building it on first use; the i386 build is always static.
    public static func path(i386: Bool = false, static isStatic: Bool = false) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        let output = directory + (i386 ? "/syscall-helper-i386" : isStatic ? "/syscall-helper-static" : "/syscall-helper")
        if FileManager.default.fileExists(atPath: output) { return output }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let gcc = Process()
        gcc.executableURL = URL(fileURLWithPath: "/usr/bin/gcc")
        gcc.arguments = (i386 ? ["-m32", "-static"] : isStatic ? ["-static"] : []) + ["-O2", "-o", output, source]
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

/// A runc container (OCI bundle in a temporary directory, root file system with busybox-static and
/// the static syscall helper), created but not started; deleted on deinit.
public final class TestContainer {
    public let id = "sysfence-test-\(UUID().uuidString.prefix(8).lowercased())"
    private let bundle: String

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Creates the container (`runc create`); its process is `args`, run from `/`.
    public init(args: [String]) throws {
        bundle = NSTemporaryDirectory() + id
        let bin = bundle + "/rootfs/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: bin + "/busybox")
        try FileManager.default.createSymbolicLink(atPath: bin + "/sh", withDestinationPath: "busybox")
        try FileManager.default.copyItem(atPath: try SyscallHelper.path(static: true), toPath: bin + "/syscall-helper")
        try Self.runc(["spec", "--bundle", bundle])
        let configPath = bundle + "/config.json"
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: configPath))) as! [String: Any]
        var process = config["process"] as! [String: Any]
        process["terminal"] = false
        process["args"] = args
        config["process"] = process
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: configPath))
        try Self.runc(["create", "--bundle", bundle, id], output: false)
    }

    /// Lets the container's process run (`runc start`).
    public func start() throws { try Self.runc(["start", id], output: false) }

    /// The container's state as `runc state` reports it (`created`, `running`, `stopped`).
    public var status: String {
        guard let output = try? Self.runc(["state", id]),
              let state = try? JSONSerialization.jsonObject(with: output) as? [String: Any]
        else { return "gone" }
        return state["status"] as? String ?? "gone"
    }

    /// Runs runc and returns its output; with `output: false` its output goes nowhere, as for
    /// `create`, whose container process would otherwise hold the pipe open.
    @discardableResult
    private static func runc(_ arguments: [String], output: Bool = true) throws -> Data {
        let runc = Process()
        runc.executableURL = URL(fileURLWithPath: "/usr/sbin/runc")
        runc.arguments = arguments
        let pipe = Pipe()
        runc.standardOutput = output ? pipe : FileHandle.nullDevice
        runc.standardError = FileHandle.nullDevice
        runc.standardInput = FileHandle.nullDevice
        try runc.run()
        let data = output ? pipe.fileHandleForReading.readDataToEndOfFile() : Data()
        runc.waitUntilExit()
        guard runc.terminationStatus == 0 else {
            throw Failure(description: "runc \(arguments.joined(separator: " ")) exited with \(runc.terminationStatus)")
        }
        return data
    }

    deinit {
        _ = try? Self.runc(["delete", "--force", id])
        try? FileManager.default.removeItem(atPath: bundle)
    }
}
