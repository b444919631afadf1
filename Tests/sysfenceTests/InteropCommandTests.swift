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
        // The resource (YAML) imports back to the policy the OCI export imports to: only comments differ,
        // as the resource has no field for them.
        let fromResource = try runSysfence(["import", try scratch.write("resource.yaml", k8s.stdout).path])
        let fromOCI = try runSysfence(["import", try scratch.write("export.json", oci.stdout).path, "--name", "moby-default"])
        #expect(fromResource.status == 0 && fromOCI.status == 0, "\(fromResource)\n\(fromOCI)")
        #expect(Self.rulesWithoutComments(fromResource.stdout) == Self.rulesWithoutComments(fromOCI.stdout))
        #expect(Self.rulesWithoutComments(fromResource.stdout).contains("  - allow: clone\n    when: (u32(arg0) & 0x7e020000) == 0\n"))

        let config = try scratch.write("config.json", "{\n\t\"ociVersion\": \"1.0.2-dev\",\n\t\"hostname\": \"box\"\n}\n")
        let injected = try runSysfence(["oci", "inject", "--bundle", scratch.url.path, "--policy", policy])
        #expect(injected.status == 0, "\(injected)")
        let written = try String(contentsOf: config, encoding: .utf8)
        #expect(written.hasPrefix("{\n\t\"ociVersion\": \"1.0.2-dev\",\n\t\"hostname\": \"box\",\n\t\"linux\": {\n\t\t\"seccomp\": {\n"))
    }

    /// An imported policy's text without comment lines and `comment:` keys.
    static func rulesWithoutComments(_ yaml: String) -> String {
        yaml.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") && !$0.contains("comment: ") }
            .joined(separator: "\n")
    }

    /// A security-profiles-operator resource kept in YAML, as `kubectl apply -f` takes it, imports
    /// exactly as the same resource in JSON: YAML 1.1 integers (hex, octal) are numbers, quoted
    /// ones strings.
    @Test func kubernetesResourceInYAMLImportsAsItsJSON() throws {
        let scratch = try TemporaryDirectory()
        let yaml = try scratch.write("profile.yaml", """
            # A profile for the web tier.
            apiVersion: security-profiles-operator.x-k8s.io/v1beta1
            kind: SeccompProfile
            metadata:
              name: web
              namespace: shop
            spec:
              defaultAction: SCMP_ACT_ERRNO
              architectures: [SCMP_ARCH_X86_64]
              syscalls:
                - names: [read, write, exit_group]
                  action: SCMP_ACT_ALLOW
                - names: [socket]
                  action: SCMP_ACT_ALLOW
                  args:
                    - {index: 0, value: 0xa, op: SCMP_CMP_EQ}
                - names: [personality]
                  action: SCMP_ACT_ALLOW
                  args:
                    - index: 0
                      value: 0o10
                      valueTwo: 0
                      op: SCMP_CMP_EQ
                - names: [mkdir]
                  action: SCMP_ACT_ERRNO
                  errnoRet: 13
            """)
        let json = try scratch.write("profile.json", """
            {"apiVersion": "security-profiles-operator.x-k8s.io/v1beta1", "kind": "SeccompProfile",
             "metadata": {"name": "web", "namespace": "shop"},
             "spec": {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
              "syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"},
                           {"names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 10, "op": "SCMP_CMP_EQ"}]},
                           {"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 8, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]},
                           {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}}
            """)
        let fromYAML = try runSysfence(["import", yaml.path])
        let fromJSON = try runSysfence(["import", json.path])
        #expect(fromYAML.status == 0, "\(fromYAML)")
        #expect(fromYAML.stdout.contains("name: web\n"))
        #expect(fromYAML.stdout.contains("when: arg0 == 10\n") && fromYAML.stdout.contains("when: arg0 == 8\n"))
        #expect(fromYAML.stdout.replacingOccurrences(of: "profile.yaml (Kubernetes", with: "profile.json (Kubernetes") == fromJSON.stdout)
    }

    @Test func yamlProfileErrorsAreLocated() throws {
        let scratch = try TemporaryDirectory()
        func importErrors(_ text: String) throws -> (Int32, String) {
            let file = try scratch.write("p.yaml", text)
            let result = try runSysfence(["import", file.path])
            return (result.status, result.stderr.replacingOccurrences(of: file.path, with: "p.yaml"))
        }
        #expect(try importErrors("kind: SeccompProfile\nspec:\n  defaultAction: SCMP_ACT_ALOW\n")
            == (1, "p.yaml:3:18: error: spec.defaultAction: unknown action \"SCMP_ACT_ALOW\"; did you mean \"SCMP_ACT_ALLOW\"?\n"))
        #expect(try importErrors("kind: SeccompProfile\nspec:\n  defaultAction: SCMP_ACT_ALLOW\n  defaultAction: SCMP_ACT_LOG\n")
            == (1, "p.yaml:4:3: error: duplicate key \"defaultAction\" (first at line 3, column 3)\n"))
        #expect(try importErrors("kind: SeccompProfile\nspec:\n  defaultAction: SCMP_ACT_ERRNO\n  defaultErrnoRet: yes\n")
            == (1, "p.yaml:4:20: error: spec.defaultErrnoRet: expected an unsigned integer, found a boolean\n"))
        // Fullwidth digits are digits to Unicode, not to YAML: a string, not a trap.
        #expect(try importErrors("kind: SeccompProfile\nspec:\n  defaultAction: SCMP_ACT_ERRNO\n  defaultErrnoRet: １２\n")
            == (1, "p.yaml:4:20: error: spec.defaultErrnoRet: expected an unsigned integer, found a string\n"))
        #expect(try importErrors("kind: SeccompProfile\nspec: [\n") .1.hasPrefix("p.yaml:3:1: error: invalid YAML: "))
        #expect(try importErrors("# nothing here\n") == (1, "p.yaml:1:1: error: the file holds no profile: it is empty or only comments\n"))
        #expect(try importErrors("format: 1\ndefault: allow\nrules: []\n")
            == (1, "p.yaml:1:1: error: this is a sysfence policy; import reads seccomp profiles (sysfence commands take the policy as it is)\n"))
    }
}
