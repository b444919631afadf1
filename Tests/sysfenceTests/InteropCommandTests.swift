import Foundation
import Testing
import TestSupport

/// `sysfence import`, `compile --format oci|k8s` and `oci inject`, run as a user runs them.
@Suite struct InteropCommandTests {
    @Test func importReportsBadInputWithItsJSONPath() throws {
        let scratch = try TemporaryDirectory()
        let file = try scratch.write("bad.json", """
            {"defaultAction": "SCMP_ACT_ERRNO",
             "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 7, "value": 1, "op": "SCMP_CMP_EQ"}]}]}
            """)
        let result = try runSysfence(["import", file.path])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "\(file.path):2:82: error: syscalls[0].args[0].index: 7 is out of range; syscalls have arguments 0 to 5\n")
    }

    @Test(.enabled(if: SharedProfiles.directory != nil, "\(SharedProfiles.missingMessage)"))
    func importThenExportAndInject() throws {
        let scratch = try TemporaryDirectory()
        let policy = scratch.url.appendingPathComponent("moby.yaml").path
        let imported = try runSysfence(["import", try #require(SharedProfiles.path("moby-default.json")), "--arch", "amd64",
                                        "--kernel", "6.1", "--docker-default-caps", "-o", policy])
        #expect(imported.status == 0, "\(imported)")
        let text = try String(contentsOfFile: policy, encoding: .utf8)
        #expect(text.contains("default: errno(EPERM)\narches: [x86_64, x86, x32]\nbad-arch: kill-thread\n"))
        #expect(text.contains("  - allow: clone\n    when: (u32(arg0) & 0x7e020000) == 0\n"))
        #expect(try runSysfence(["check", policy]).status == 0)

        let oci = try runSysfence(["compile", policy, "--format", "oci"])
        #expect(oci.status == 0, "\(oci)")
        #expect(oci.stdout.hasPrefix("{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"defaultErrnoRet\": 1,\n"))
        let k8s = try runSysfence(["compile", policy, "--format", "k8s"])
        #expect(k8s.stdout.hasPrefix("apiVersion: security-profiles-operator.x-k8s.io/v1beta1\nkind: SeccompProfile\nmetadata:\n  name: moby-default\n"))

        let config = try scratch.write("config.json", "{\n\t\"ociVersion\": \"1.0.2-dev\",\n\t\"hostname\": \"box\"\n}\n")
        let injected = try runSysfence(["oci", "inject", "--bundle", scratch.url.path, "--policy", policy])
        #expect(injected.status == 0, "\(injected)")
        let written = try String(contentsOf: config, encoding: .utf8)
        #expect(written.hasPrefix("{\n\t\"ociVersion\": \"1.0.2-dev\",\n\t\"hostname\": \"box\",\n\t\"linux\": {\n\t\t\"seccomp\": {\n"))
    }
}
