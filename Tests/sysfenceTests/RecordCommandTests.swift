import Foundation
import Sysfence
import Testing
import TestSupport

/// `sysfence record -- COMMAND`, replayed with `sysfence run`: the recorded policy lets the same
/// work run with no call denied, and denies what the recording never saw.
@Suite(.serialized, .enabled(if: ProbeKernel.isAvailable))
struct RecordCommandTests {
    @Test func recordedCommandReplaysUnderRunWithNoDenialAndUnseenCallsAreDenied() throws {
        let directory = try TemporaryDirectory()
        let www = directory.url.appendingPathComponent("www").path
        try FileManager.default.createDirectory(atPath: www, withIntermediateDirectories: true)
        try "<p>hello from the host</p>\n".write(toFile: www + "/index.html", atomically: true, encoding: .utf8)
        // A CGI program that answers after a pause, so that wget always waits for data; the script
        // avoids paths that depend on timing (such as waiting for a background job), which one
        // recording may not see.
        try FileManager.default.createDirectory(atPath: www + "/cgi-bin", withIntermediateDirectories: true)
        try "#!/bin/busybox sh\necho 'Content-Type: text/plain'\necho\nbusybox sleep 0.1\necho slow page\n"
            .write(toFile: www + "/cgi-bin/slow", atomically: true, encoding: .utf8)
        #expect(chmod(www + "/cgi-bin/slow", 0o755) == 0)
        let port = Int.random(in: 20_000...40_000)
        let script = """
            busybox httpd -f -p 127.0.0.1:\(port) -h \(www) & server=$!
            busybox sleep 0.3
            for page in index.html index.html cgi-bin/slow missing.html; do
                busybox wget -q -O - http://127.0.0.1:\(port)/$page || echo "no $page"
            done
            kill $server
            echo done
            """
        let command = ["busybox", "sh", "-c", script]
        let recorded = try runSysfence(["record", "-o", "p.yaml", "--"] + command, in: directory.url)
        #expect(recorded.status == 0, "\(recorded)")
        #expect(recorded.stdout.components(separatedBy: "hello from the host").count == 3, "\(recorded)")
        #expect(recorded.stdout.hasSuffix("slow page\nno missing.html\ndone\n"), "\(recorded)")
        #expect(recorded.stderr.contains("sysfence: busybox exited with status 0; every process it started has ended"), "\(recorded.stderr)")
        #expect(recorded.stderr.contains("x86_64: "), "no report: \(recorded.stderr)")
        let policy = try String(contentsOf: directory.url.appendingPathComponent("p.yaml"), encoding: .utf8)
        #expect(policy.contains("syscalls: accept") && policy.contains("syscalls: sendfile"), "\(policy)")

        let replay = try runSysfence(["run", "--policy", "p.yaml", "--"] + command, in: directory.url)
        #expect(replay.status == 0, "\(replay)")
        #expect(replay.stdout == recorded.stdout)
        // sysfence run reports every call the policy does not allow on standard error; busybox
        // wget's own complaint about the missing page is all there may be.
        #expect(replay.stderr.split(separator: "\n").allSatisfy { $0.hasPrefix("wget: server returned error") }, "\(replay.stderr)")

        let denied = try runSysfence(["run", "--policy", "p.yaml", "--", "busybox", "sh", "-c", "busybox mkdir new; echo mkdir=$?"],
                                     in: directory.url)
        #expect(denied.stdout == "mkdir=1\n", "\(denied)")
        #expect(denied.stderr.contains("mkdir(") && denied.stderr.contains("errno(EPERM)"), "\(denied)")
        #expect(!FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("new").path))
    }

    @Test func sigtermStopsTheRecordingCleanlyAndStillWritesThePolicy() throws {
        let directory = try TemporaryDirectory()
        let process = Process()
        process.executableURL = TestPaths.sysfenceBinary
        process.arguments = ["record", "-o", "p.yaml", "--", "sleep", "30"]
        process.currentDirectoryURL = directory.url
        let errors = directory.url.appendingPathComponent("stderr")
        #expect(FileManager.default.createFile(atPath: errors.path, contents: nil))
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let mount = try CgroupHierarchy.host().mountPoint
        let prefix = "sysfence-record-\(process.processIdentifier)-"
        var cgroup: String?
        for _ in 0..<500 {
            cgroup = (try? FileManager.default.contentsOfDirectory(atPath: mount))?.first { $0.hasPrefix(prefix) }
            if cgroup != nil { break }
            usleep(10_000)
        }
        let path = mount + "/" + (try #require(cgroup, "no cgroup for the command"))
        // Wait until sleep sleeps in it (blocked in clock_nanosleep, 230), then stop.
        for _ in 0..<500 {
            let pids = (try? String(contentsOfFile: path + "/cgroup.procs", encoding: .utf8))?.split(separator: "\n") ?? []
            if let pid = pids.first, (try? String(contentsOfFile: "/proc/\(pid)/syscall", encoding: .utf8))?.hasPrefix("230 ") == true { break }
            usleep(10_000)
        }
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: path), "the cgroup was left behind")
        let report = try String(contentsOf: errors, encoding: .utf8)
        #expect(report.contains("recording stopped on request"), "\(report)")
        let policy = try String(contentsOf: directory.url.appendingPathComponent("p.yaml"), encoding: .utf8)
        #expect(policy.contains("syscalls: clock_nanosleep"), "\(policy)")
    }

    @Test(.enabled(if: SharedProfiles.directory != nil, "\(SharedProfiles.missingMessage)"))
    func theReportComparesWithMobysDefaultProfile() throws {
        let moby = try #require(SharedProfiles.path("moby-default.json"))
        let result = try runSysfence(["record", "--compare", moby, "--", "/bin/true"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("syscalls: execve"), "\(result)")
        let comparison = result.stderr.split(separator: "\n").drop { !$0.hasPrefix("Compared with moby-default") }
        #expect(comparison.dropFirst().first?.contains(" fewer") == true, "\(result.stderr)")
    }

    @Test func theCommandsFailureToStartIsReported() throws {
        let result = try runSysfence(["record", "--quiet", "--", "/no/such/program"])
        #expect(result.status == 127, "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("cannot execute /no/such/program"), "\(result)")
    }

    @Test("usage errors exit 64 with the reason", arguments: [
        (["record"], "Error: Missing what to record: a command after '--', or --cgroup, --container, --pid or --all-containers"),
        (["record", "--pid", "1", "--", "true"],
         "Error: Give either a command after '--' or a target (--cgroup, --container, --pid, --all-containers), not both"),
        (["record", "--pid", "1", "--duration", "5x"], "Error: '5x' is not a duration: use a number with s, m or h (30s, 5m, 1h)"),
        (["record", "--pid", "1", "--duration", "0s"], "Error: '0s' is not a duration: use a number with s, m or h (30s, 5m, 1h)"),
        (["record", "--duration", "5s", "--", "true"], "Error: --duration applies to a target; a command is recorded until it ends"),
        (["record", "--format", "json", "--", "true"], "Error: Unknown format 'json'; expected one of yaml, oci, k8s"),
    ])
    func usageError(arguments: [String], message: String) throws {
        let result = try runSysfence(arguments)
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix(message + "\n"), "\(result.stderr)")
    }
}

/// `sysfence record --container ID` on a runc container, the policy injected with `sysfence oci
/// inject` into a fresh bundle of the same workload.
@Suite(.serialized, .enabled(if: (RuncBundle.unavailableReason == nil && ProbeKernel.isAvailable) || TestEnvironment.requiresKernel,
                             "\(RuncBundle.unavailableReason ?? "no eBPF") (set SYSFENCE_REQUIRE_KERNEL=1 to fail instead)"))
struct RecordContainerCommandTests {
    init() throws {
        try #require(RuncBundle.unavailableReason == nil, "\(RuncBundle.unavailableReason ?? "")")
    }

    @Test func recordingAContainerByIDGivesAPolicyItRunsUnder() throws {
        let script = "echo hello; ls / > /dev/null; cat /www/index.html; sleep 0.1; echo bye"
        let directory = try TemporaryDirectory()
        let bundle = try RuncBundle(script: script)
        let id = "sysfence-rec-\(UUID().uuidString.prefix(8).lowercased())"
        try bundle.create(id: id)
        defer { bundle.delete(id: id) }
        let recorder = Process()
        recorder.executableURL = TestPaths.sysfenceBinary
        recorder.arguments = ["record", "--container", id, "-o", "rec.yaml"]
        recorder.currentDirectoryURL = directory.url
        let errors = directory.url.appendingPathComponent("stderr")
        #expect(FileManager.default.createFile(atPath: errors.path, contents: nil))
        recorder.standardError = try FileHandle(forWritingTo: errors)
        recorder.standardOutput = FileHandle.nullDevice
        try recorder.run()
        var report: String { (try? String(contentsOf: errors, encoding: .utf8)) ?? "" }
        for _ in 0..<1000 {
            if report.contains("sysfence: recording;") || !recorder.isRunning { break }
            usleep(10_000)
        }
        try #require(report.contains("sysfence: recording;"), "\(report)")
        try bundle.start(id: id)
        for _ in 0..<500 {
            if bundle.status(id: id) != "running" { break }
            usleep(10_000)
        }
        // Deleting the container removes its cgroup: the recording ends by itself.
        bundle.delete(id: id)
        recorder.waitUntilExit()
        #expect(recorder.terminationStatus == 0, "\(report)")
        #expect(report.contains("sysfence: the target ended"), "\(report)")
        #expect(report.contains("container-runtime threads (runc:[...]) are recorded only once they execute the entrypoint"), "\(report)")
        let recorded = bundle.createdOutput(id: id).stdout
        #expect(recorded.hasPrefix("hello\n") && recorded.hasSuffix("bye\n"), "\(recorded)")

        let replay = try RuncBundle(script: script)
        let injected = try runSysfence(["oci", "inject", "--bundle", replay.bundle.directory, "--policy", "rec.yaml"], in: directory.url)
        #expect(injected.status == 0, "\(injected)")
        let outcome = try replay.run()
        #expect(outcome.status == 0, "\(outcome)")
        #expect(outcome.stdout == recorded, "\(outcome)")
    }
}
