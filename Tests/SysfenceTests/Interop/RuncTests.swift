import Foundation
import Sysfence
import Testing
import TestSupport

/// Profiles exported by sysfence, injected into an OCI bundle and run by runc.
@Suite(.serialized, .enabled(if: RuncBundle.unavailableReason == nil || TestEnvironment.requiresKernel,
                             "\(RuncBundle.unavailableReason ?? "") (set SYSFENCE_REQUIRE_KERNEL=1 to fail instead)"))
struct RuncTests {
    init() throws {
        try #require(RuncBundle.unavailableReason == nil, "\(RuncBundle.unavailableReason ?? "")")
    }

    /// Exports `policy`, injects it into a bundle running `script`, and runs it.
    func run(_ script: String, under policy: Policy) throws -> RuncBundle.Outcome {
        let exported = try policy.seccompProfile()
        let bundle = try RuncBundle(script: script)
        try bundle.bundle.inject(exported.profile)
        return try bundle.run()
    }

    @Test func deniedSyscallFailsWithThePolicysErrno() throws {
        let policy = Policy(defaultAction: .allow, rules: [
            Rule(action: .errno(13), syscalls: [.name("mkdir"), .name("mkdirat")]),
        ])
        let outcome = try run("echo hello; mkdir /tmp/x; echo \"mkdir=$?\"", under: policy)
        #expect(outcome.status == 0, "\(outcome)")
        #expect(outcome.stdout.contains("hello"))
        #expect(outcome.stdout.contains("mkdir=1"))
        #expect(outcome.stderr.contains("Permission denied"), "\(outcome.stderr)")
    }

    @Test func killActionKillsTheContainerProcess() throws {
        let policy = Policy(defaultAction: .allow, rules: [Rule(action: .killProcess, syscalls: [.name("chroot")])])
        let outcome = try run("echo before; exec chroot / /bin/true", under: policy)
        #expect(outcome.stdout.contains("before"))
        #expect(outcome.status == 128 + 31, "killed by SIGSYS: \(outcome)")
    }

    @Test(.enabled(if: SharedProfiles.directory != nil, "\(SharedProfiles.missingMessage)"))
    func mobyDefaultImportedRunsOrdinaryWork() throws {
        let path = try #require(SharedProfiles.path("moby-default.json"))
        let kernel = try #require(KernelVersion.running)
        let imported = try SeccompProfileDocument(contentsOfFile: path)
            .importPolicy(name: "moby-default", options: SeccompRenderOptions(kernel: kernel))
        let port = Int.random(in: 20_000...40_000)
        let script = """
            set -e
            echo data > /tmp/f; cat /tmp/f; cp /tmp/f /tmp/g; mv /tmp/g /tmp/h; ln -s /tmp/h /tmp/l; stat /tmp/l > /dev/null
            rm /tmp/h /tmp/l; mkdir /tmp/d; rmdir /tmp/d; touch /tmp/t; ls / > /dev/null; id; uname -a; date; sync
            sh -c 'exit 0' & wait $!
            httpd -f -p 127.0.0.1:\(port) -h /www & server=$!
            sleep 0.5
            wget -q -O - http://127.0.0.1:\(port)/index.html
            kill $server
            echo done
            """
        let outcome = try run(script, under: imported.policy)
        #expect(outcome.status == 0, "\(outcome)")
        #expect(outcome.stdout.contains("hello from the container"), "\(outcome)")
        #expect(outcome.stdout.contains("done"))
        #expect(!outcome.stderr.contains("Operation not permitted"), "\(outcome.stderr)")
    }
}
