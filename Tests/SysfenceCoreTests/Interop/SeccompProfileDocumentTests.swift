import SysfenceCore
import Testing

/// Reading profile files: the accepted forms, moby's template rendering, and bad input reported
/// with the exact JSON path and place.
@Suite struct SeccompProfileDocumentTests {
    func errors(_ text: String) -> [String] {
        do {
            _ = try SeccompProfileDocument(text: text, file: "p.json")
            return []
        } catch {
            return error.diagnostics.filter { $0.severity == .error }.map(\.description)
        }
    }

    @Test func malformedJSONNamesLineAndColumn() {
        #expect(errors("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n}") == ["p.json:2:1: error: expected a member name in double quotes"])
        #expect(errors("{\"a\": 1, \"a\": 2}") == ["p.json:1:10: error: duplicate member \"a\""])
        #expect(errors("") == ["p.json:1:1: error: the file is empty; expected a JSON value"])
        #expect(errors("[1, 2") == ["p.json:1:6: error: unexpected end of input inside an array"])
    }

    @Test func badValuesNameTheirJSONPath() {
        let text = """
            {
              "defaultAction": "SCMP_ACT_ERRNO",
              "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86_46"],
              "syscalls": [
                {"names": ["read"], "action": "SCMP_ACT_ALOW"},
                {"names": [], "action": "SCMP_ACT_ALLOW"},
                {"names": ["ioctl"], "action": "SCMP_ACT_ALLOW",
                 "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": -1, "op": "SCMP_CMP_LQ"}]},
                {"names": ["write"], "action": "SCMP_ACT_ERRNO", "errnoRet": "EPERM"}
              ]
            }
            """
        #expect(errors(text) == [
            "p.json:3:41: error: architectures[1]: unknown architecture \"SCMP_ARCH_X86_46\"; did you mean \"SCMP_ARCH_X86_64\"?",
            "p.json:5:35: error: syscalls[0].action: unknown action \"SCMP_ACT_ALOW\"; did you mean \"SCMP_ACT_ALLOW\"?",
            "p.json:6:15: error: syscalls[1].names: the list of names is empty",
            "p.json:8:25: error: syscalls[2].args[0].index: 6 is out of range; syscalls have arguments 0 to 5",
            "p.json:8:84: error: syscalls[2].args[1].value: -1 is negative; expected an unsigned integer",
            "p.json:8:94: error: syscalls[2].args[1].op: unknown operator \"SCMP_CMP_LQ\"; did you mean \"SCMP_CMP_LT\"?",
            "p.json:9:66: error: syscalls[3].errnoRet: expected an unsigned integer, found a string",
        ])
    }

    @Test func wrongTypesAndMissingFields() {
        #expect(errors("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": {}}")
            == ["p.json:1:49: error: syscalls: expected an array, found an object"])
        #expect(errors("{\"syscalls\": [{\"names\": [\"read\"]}]}") == [
            "p.json:1:1: error: the document: the profile has no \"defaultAction\"",
            "p.json:1:15: error: syscalls[0]: the entry has no \"action\"",
        ])
        #expect(errors("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 18446744073709551616, \"op\": \"SCMP_CMP_EQ\"}]}]}")
            == ["p.json:1:129: error: syscalls[0].args[0].value: 18446744073709551616 does not fit in 64 bits"])
    }

    @Test func pathsInsideConfigAndKubernetesResources() {
        #expect(errors("{\"ociVersion\": \"1.0.2\", \"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_NOPE\"}}}")
            == ["p.json:1:64: error: linux.seccomp.defaultAction: unknown action \"SCMP_ACT_NOPE\"; did you mean \"SCMP_ACT_LOG\"?"])
        #expect(errors("{\"kind\": \"SeccompProfile\", \"apiVersion\": \"security-profiles-operator.x-k8s.io/v1beta1\", \"spec\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 9, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}}")
            == ["p.json:1:213: error: spec.syscalls[0].args[0].index: 9 is out of range; syscalls have arguments 0 to 5"])
    }

    @Test func detectsEachForm() throws {
        let oci = try SeccompProfileDocument(text: "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": []}", file: "p.json")
        #expect(oci.kind == .oci && oci.defaultAction == .errno(1))
        let config = try SeccompProfileDocument(text: "{\"ociVersion\": \"1.0.2\", \"process\": {}, \"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_KILL\"}}}", file: "c.json")
        #expect(config.kind == .ociConfig && config.defaultAction == .killThread)
        let resource = try SeccompProfileDocument(text: """
            {"apiVersion": "security-profiles-operator.x-k8s.io/v1beta1", "kind": "SeccompProfile",
             "metadata": {"name": "web"}, "spec": {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38}}
            """, file: "k.json")
        #expect(resource.kind == .kubernetes && resource.resourceName == "web" && resource.defaultAction == .errno(38))
    }

    @Test func rendersMobyTemplatesAsTheDockerEngineDoes() throws {
        let template = try SeccompProfileDocument(text: """
            {"defaultAction": "SCMP_ACT_ERRNO",
             "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
                         {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}],
             "syscalls": [
               {"names": ["read"], "action": "SCMP_ACT_ALLOW"},
               {"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8"}},
               {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64", "x32"]}},
               {"names": ["chroot"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_CHROOT"]}},
               {"names": ["clone"], "action": "SCMP_ACT_ALLOW", "excludes": {"caps": ["CAP_SYS_ADMIN"], "arches": ["s390x"]}}
             ]}
            """, file: "t.json")
        #expect(template.kind == .mobyTemplate)
        let names = { (profile: SeccompProfile) in profile.syscalls.flatMap(\.names) }
        let amd64 = template.render(for: SeccompRenderOptions(arch: .x86_64, capabilities: ["CAP_SYS_CHROOT"], kernel: KernelVersion(kernel: 6, major: 1)))
        #expect(amd64.architectures.map(\.name) == ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"])
        #expect(names(amd64) == ["read", "ptrace", "arch_prctl", "chroot", "clone"])
        let oldArm = template.render(for: SeccompRenderOptions(arch: .aarch64, capabilities: ["CAP_SYS_ADMIN"], kernel: KernelVersion(kernel: 4, major: 4)))
        #expect(oldArm.architectures.map(\.name) == ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"])
        #expect(names(oldArm) == ["read"])
    }

    @Test func kernelVersionsParseAsMobyParsesThem() {
        #expect(KernelVersion(minKernel: "4.8") == KernelVersion(kernel: 4, major: 8))
        #expect(KernelVersion(minKernel: "4.8.1") == nil)
        #expect(KernelVersion(minKernel: "0.0") == nil)
        #expect(KernelVersion(release: "6.1.0-18-amd64") == KernelVersion(kernel: 6, major: 1))
        #expect(KernelVersion(release: "3.12-rc5") == KernelVersion(kernel: 3, major: 12))
    }
}
