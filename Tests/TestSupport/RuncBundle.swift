import Foundation
import Sysfence

/// A throw-away OCI bundle with a busybox-static root file system, run with runc.
///
/// Needs root, `runc` and `busybox` (Debian packages `runc` and `busybox-static`). Tests skip
/// when they are missing, unless `SYSFENCE_REQUIRE_KERNEL=1`, where a missing one fails.
public final class RuncBundle {
    public let bundle: OCIBundle
    private let root: URL

    /// Why runc tests cannot run here, or `nil` when they can.
    public static var unavailableReason: String? {
        if getuid() != 0 { return "runc containers need root" }
        for tool in [runc, busybox] where !FileManager.default.isExecutableFile(atPath: tool) {
            return "\(tool) is missing (install the runc and busybox-static packages)"
        }
        return nil
    }

    static let runc = "/usr/sbin/runc"
    static let busybox = "/bin/busybox"

    /// A bundle whose container runs `/bin/sh -c script` in the host's network namespace (so
    /// that loopback is up), with `runc spec`'s defaults otherwise.
    public init(script: String) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("sysfence-runc-\(UUID().uuidString)")
        bundle = OCIBundle(directory: root.path)
        let bin = root.appendingPathComponent("rootfs/bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        for directory in ["tmp", "proc", "dev", "sys", "www"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent("rootfs/\(directory)"), withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(atPath: Self.busybox, toPath: bin.appendingPathComponent("busybox").path)
        for applet in ["sh", "echo", "cat", "ls", "mkdir", "rmdir", "rm", "touch", "chroot", "sleep", "wget", "httpd", "kill", "ps", "cp", "mv", "ln", "id", "true", "uname", "date", "sync", "stat"] {
            try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent(applet).path, withDestinationPath: "busybox")
        }
        try "<p>hello from the container</p>\n".write(to: root.appendingPathComponent("rootfs/www/index.html"), atomically: true, encoding: .utf8)
        _ = try Self.execute(Self.runc, ["spec"], in: root, timeout: 30)
        let configURL = URL(fileURLWithPath: bundle.configPath)
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as! [String: Any]
        var process = config["process"] as! [String: Any]
        process["terminal"] = false
        process["args"] = ["/bin/sh", "-c", script]
        config["process"] = process
        var root = config["root"] as! [String: Any]
        root["readonly"] = false
        config["root"] = root
        var linux = config["linux"] as! [String: Any]
        linux["namespaces"] = (linux["namespaces"] as! [[String: Any]]).filter { $0["type"] as? String != "network" }
        config["linux"] = linux
        try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted]).write(to: configURL)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// How a container run ended.
    public struct Outcome {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs the container to its end (at most `timeout` seconds) and always deletes it.
    public func run(timeout: TimeInterval = 60) throws -> Outcome {
        let id = "sysfence-test-\(UUID().uuidString.prefix(8).lowercased())"
        defer { _ = try? Self.execute(Self.runc, ["delete", "--force", id], in: root, timeout: 30) }
        return try Self.execute(Self.runc, ["run", "--bundle", bundle.directory, id], in: root, timeout: timeout)
    }

    /// Creates a container of the bundle (`runc create`) without starting it; its process writes
    /// to files that `createdOutput(id:)` reads.
    public func create(id: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.runc)
        process.arguments = ["create", "--bundle", bundle.directory, id]
        process.currentDirectoryURL = root
        for (name, url) in [("out", outputURL(id, "out")), ("err", outputURL(id, "err"))] {
            FileManager.default.createFile(atPath: url.path, contents: nil)
            let handle = try FileHandle(forWritingTo: url)
            if name == "out" { process.standardOutput = handle } else { process.standardError = handle }
        }
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CreateFailed(message: (try? String(contentsOf: outputURL(id, "err"), encoding: .utf8)) ?? "")
        }
    }

    public struct CreateFailed: Error { public var message: String }

    private func outputURL(_ id: String, _ stream: String) -> URL { root.appendingPathComponent("created-\(id).\(stream)") }

    /// Starts a created container (`runc start`).
    public func start(id: String) throws {
        let outcome = try Self.execute(Self.runc, ["start", id], in: root, timeout: 30)
        guard outcome.status == 0 else { throw CreateFailed(message: outcome.stderr) }
    }

    /// The container's status as `runc state` reports it, `nil` once it is gone.
    public func status(id: String) -> String? {
        guard let outcome = try? Self.execute(Self.runc, ["state", id], in: root, timeout: 30), outcome.status == 0,
              let state = try? JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any]
        else { return nil }
        return state["status"] as? String
    }

    /// What a created container's process wrote so far.
    public func createdOutput(id: String) -> (stdout: String, stderr: String) {
        ((try? String(contentsOf: outputURL(id, "out"), encoding: .utf8)) ?? "",
         (try? String(contentsOf: outputURL(id, "err"), encoding: .utf8)) ?? "")
    }

    /// Deletes a container (`runc delete --force`), which removes its cgroup.
    public func delete(id: String) {
        _ = try? Self.execute(Self.runc, ["delete", "--force", id], in: root, timeout: 30)
    }

    static func execute(_ tool: String, _ arguments: [String], in directory: URL, timeout: TimeInterval) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let outURL = directory.appendingPathComponent("stdout-\(UUID().uuidString)")
        let errURL = directory.appendingPathComponent("stderr-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus,
                       stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                       stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }
}
