import Foundation
import Sysfence
import Testing
import TestSupport

/// Pieces of profile text that mean something to JSON, YAML or the profile format.
private let profileFragments = [
    "{", "}", "[", "]", ",", ":", "\"", "\\u0000", "\\ud800", "null", "true", "-1", "1e3", "0.5", "0x10", "010",
    "18446744073709551616", "99999999999999999999999", "\"names\"", "\"action\"", "\"args\"", "\"index\"", "\"value\"",
    "\"valueTwo\"", "\"op\"", "\"SCMP_CMP_MASKED_EQ\"", "\"SCMP_ACT_ERRNO\"", "\"SCMP_ACT_KILL_THREAD\"", "\"SCMP_ACT_NOTIFY\"",
    "\"errnoRet\"", "\"defaultErrnoRet\"", "\"SCMP_ARCH_X32\"", "\"archMap\"", "\"subArchitectures\"", "\"includes\"",
    "\"excludes\"", "\"caps\"", "\"CAP_SYS_ADMIN\"", "\"minKernel\"", "\"4.x\"", "\"arches\"", "\"linux\"", "\"seccomp\"",
    "\"kind\"", "\"spec\"", "\"opne\"", "- ", ": ", "\n  - ", "*a", "&a", "!!str", "yes", "~", "---",
    String(repeating: "[", count: 70), String(repeating: "{\"a\":", count: 70),
]

/// Small profiles of every accepted form, to mutate.
private let seeds = [
    """
    {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
     "syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW", "comment": "basics"},
                  {"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
                  {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
                   "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]},
                  {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}
    """,
    """
    {"ociVersion": "1.0.2", "process": {"args": ["sh"]},
     "linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW",
                           "syscalls": [{"names": ["ptrace", "bpf"], "action": "SCMP_ACT_KILL_PROCESS"},
                                        {"names": ["socket"], "action": "SCMP_ACT_ERRNO",
                                         "args": [{"index": 0, "value": 16, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 17, "op": "SCMP_CMP_GE"}]}]}}}
    """,
    """
    {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
     "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]}],
     "syscalls": [{"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
                  {"names": ["chroot"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_CHROOT"]}},
                  {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64"]}},
                  {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38, "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
                  {"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8"}}]}
    """,
    """
    apiVersion: security-profiles-operator.x-k8s.io/v1beta1
    kind: SeccompProfile
    metadata: {name: web}
    spec:
      defaultAction: SCMP_ACT_ERRNO
      architectures: [SCMP_ARCH_X86_64]
      syscalls:
        - names: [read, write]
          action: SCMP_ACT_ALLOW
        - names: [socket]
          action: SCMP_ACT_ALLOW
          args:
            - {index: 0, value: 0xa, op: SCMP_CMP_EQ}
    """,
]

@Suite struct ProfileFuzzTests {
    /// Thousands of mutated profiles (JSON and Kubernetes YAML) each either read and import, or fail
    /// with diagnostics located in the file; none crashes, hangs or fails any other way. Bounded by
    /// a count and, on slow machines, by time.
    @Test func mutatedProfilesImportOrFailWithLocatedDiagnostics() throws {
        var mutator = TextMutator(random: SeededGenerator(seed: 0xF0CC_5EED), fragments: profileFragments)
        let options = SeccompRenderOptions(arch: .x86_64, kernel: KernelVersion(kernel: 6, major: 1))
        let deadline = ContinuousClock.now + .seconds(20)
        var imported = 0, rejected = 0
        for round in 0..<10_000 where ContinuousClock.now < deadline {
            let bytes = mutator.mutate(Array(seeds[round % seeds.count].utf8))
            let file = "mutant-\(round).json"
            let text = String(decoding: bytes, as: UTF8.self)
            let lineCount = text.count { $0 == "\n" || $0 == "\r\n" } + 1
            do {
                let document = try SeccompProfileDocument(profileText: text, file: file)
                _ = try document.importPolicy(name: "mutant", options: options)
                imported += 1
            } catch {
                rejected += 1
                #expect(!error.diagnostics.isEmpty)
                if let diagnostic = unlocatedDiagnostic(in: error, file: file, lineCount: lineCount, allSeverities: false) {
                    Issue.record("unlocated diagnostic for \(text.debugDescription): \(diagnostic)")
                    return
                }
            }
        }
        // The mutations must explore both sides, or the test proves little.
        #expect(imported > 0)
        #expect(rejected > 0)
    }
}
