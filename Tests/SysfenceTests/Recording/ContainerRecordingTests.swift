import Foundation
import Libseccomp
import Sysfence
import Testing
import TestSupport

private let table = SyscallTable.libseccomp

/// The proof of recording: busybox httpd in a runc container is recorded while a client fetches
/// pages, and a fresh container of the same bundle under the recorded policy serves the same pages
/// with no call denied, while a call the recording never saw is denied.
@Suite(.serialized, .enabled(if: (RuncBundle.unavailableReason == nil && ProbeKernel.isAvailable) || TestEnvironment.requiresKernel,
                             "\(RuncBundle.unavailableReason ?? "no eBPF") (set SYSFENCE_REQUIRE_KERNEL=1 to fail instead)"))
struct ContainerRecordingTests {
    init() throws {
        try #require(RuncBundle.unavailableReason == nil, "\(RuncBundle.unavailableReason ?? "")")
    }

    /// httpd on loopback and four fetches: a page twice, a CGI program that answers after a pause
    /// (so that wget always waits for data), a missing page; then the server is stopped. A policy
    /// from one recording allows what the workload did then: the script avoids paths that depend
    /// on timing, such as a shell waiting for a background job.
    static func script(port: Int) -> String {
        """
        httpd -f -p 127.0.0.1:\(port) -h /www & server=$!
        sleep 0.3
        for page in index.html index.html cgi-bin/slow missing.html; do
            wget -q -O - http://127.0.0.1:\(port)/$page || echo "no $page"
        done
        kill $server
        echo done
        """
    }

    /// A bundle running `script`, with the CGI program `/www/cgi-bin/slow`.
    static func bundle(_ script: String) throws -> RuncBundle {
        let bundle = try RuncBundle(script: script)
        let cgi = bundle.bundle.directory + "/rootfs/www/cgi-bin"
        try FileManager.default.createDirectory(atPath: cgi, withIntermediateDirectories: true)
        try "#!/bin/sh\necho 'Content-Type: text/plain'\necho\nsleep 0.1\necho slow page\n".write(toFile: cgi + "/slow", atomically: true, encoding: .utf8)
        guard chmod(cgi + "/slow", 0o755) == 0 else { throw CocoaError(.fileWriteNoPermission) }
        return bundle
    }

    /// Creates a container of `bundle`, runs `watch` with its id and a closure that starts it on
    /// its first call and then tells whether it has stopped, and deletes it.
    private func withContainer<T>(of bundle: RuncBundle, _ watch: (_ id: String, _ started: () -> Bool) throws -> T) throws -> (T, stdout: String) {
        let id = "sysfence-rec-\(UUID().uuidString.prefix(8).lowercased())"
        try bundle.create(id: id)
        defer { bundle.delete(id: id) }
        var started = false
        let result = try watch(id) {
            if !started {
                started = true
                return (try? bundle.start(id: id)) == nil
            }
            return bundle.status(id: id) != "running"
        }
        return (result, bundle.createdOutput(id: id).stdout)
    }

    @Test func recordedPolicyReplaysTheContainerWithNoDenialAndDeniesWhatWasNotSeen() throws {
        let port = Int.random(in: 20_000...40_000)
        let script = Self.script(port: port)
        var watches: [Arch: [UInt32: ArgumentWatch]] = [:]
        for arch in [Arch.x86_64, .x86, .x32] { watches[arch] = SyscallRecording.argumentWatches(on: arch, table: table) }

        // Record, attached after `runc create` and before `runc start`.
        let recordBundle = try Self.bundle(script)
        let (outcome, recordedOutput) = try withContainer(of: recordBundle) { id, started in
            try SyscallRecorder(watches: watches).record([.container(id)], shouldStop: started)
        }
        #expect(recordedOutput.components(separatedBy: "hello from the container").count == 3, "\(recordedOutput)")
        #expect(recordedOutput.contains("slow page\nno missing.html") && recordedOutput.hasSuffix("done\n"))
        #expect(outcome.runtimeTasksLeftOut > 0, "runc init was not found waiting in the container")
        let native = outcome.recording.calls[.x86_64] ?? [:]
        for name in ["execve", "socket", "bind", "listen", "accept", "connect", "sendfile", "poll", "wait4"] {
            #expect(native[table.number(of: name, on: .x86_64)!] != nil, "\(name) was not recorded")
        }
        // What runc init does after `runc start` and before the entrypoint's execve (found with
        // `sysfence trace`): busybox never makes these calls, so the recording must not have them.
        for name in ["epoll_ctl", "fstatfs", "getdents64", "futex"] {
            #expect(native[table.number(of: name, on: .x86_64)!] == nil, "runc init's \(name) was recorded")
        }
        let recordedSockets = outcome.recording.argumentValues[.x86_64]?[table.number(of: "socket", on: .x86_64)!] ?? [:]
        #expect(recordedSockets.keys.contains([2, 1]), "socket(AF_INET, SOCK_STREAM) values: \(recordedSockets)")
        let policy = outcome.recording.policy(options: RecordingOptions(name: "httpd"), table: table)

        // Replay under the policy, run to its end: same pages, exit status 0.
        let replayBundle = try Self.bundle(script)
        try replayBundle.bundle.inject(try policy.seccompProfile().profile)
        let replay = try replayBundle.run()
        #expect(replay.status == 0, "\(replay)")
        #expect(replay.stdout == recordedOutput, "\(replay)")

        // Again, created and started with the policy audited in eBPF alongside: no call it denies.
        final class Collected: @unchecked Sendable { var events: [ProbeEvent] = [] }
        let collected = Collected()
        let filter = try policy.compileFilter(table: table)
        let (_, auditedOutput) = try withContainer(of: replayBundle) { id, started in
            let session = try ProbeSession(targets: [.container(id)], mode: .audit(filter, kill: false), policy: policy)
            return try session.run(shouldStop: started) { collected.events.append($0) }
        }
        #expect(auditedOutput == recordedOutput)
        #expect(collected.events.isEmpty, "denied: \(collected.events.map { "\($0.command) \($0.syscall ?? "?")" })")

        // A call the recording never saw: mkdir works without the policy and is denied with it.
        let mkdir = "mkdir /tmp/new; echo mkdir=$?"
        let free = try RuncBundle(script: mkdir).run()
        #expect(free.stdout == "mkdir=0\n", "\(free)")
        let denyBundle = try RuncBundle(script: mkdir)
        try denyBundle.bundle.inject(try policy.seccompProfile().profile)
        let denied = try denyBundle.run()
        #expect(denied.stdout == "mkdir=1\n", "\(denied)")
        #expect(denied.stderr.contains("Operation not permitted"), "\(denied)")
    }
}
