@testable import SysfenceCore
import Testing
import TestSupport

/// What import and export write: policy YAML, config.json with the profile injected, the
/// Kubernetes resource; and the exactness of lowering conditions to OCI tests.
@Suite struct ProfileOutputTests {
    @Test func writesPolicyFormatOne() {
        let policy = Policy(name: "web", defaultAction: .errno(1), arches: [.x86_64, .x86], badArchAction: .killThread, rules: [
            Rule(action: .allow, syscalls: [.name("read"), .name("write")]),
            Rule(action: .allow, syscalls: [.name("socket")], condition: .comparison(Comparison(argument: 0, op: .less, value: 38))),
            Rule(action: .allow, syscalls: [.name("clone")],
                 condition: .comparison(Comparison(argument: 0, width: .low32, mask: 0x7E02_0000, op: .equal, value: 0)),
                 comment: "namespaces: none"),
            Rule(action: .errno(38), syscalls: [.name("arch_prctl")],
                 condition: .not(.or([.comparison(Comparison(argument: 0, op: .equal, value: 0xFFFF_FFFF_FFFF_FF9C)),
                                      .comparison(Comparison(argument: 1, op: .greaterOrEqual, value: 0x1000))])),
                 arches: [.x86_64]),
        ])
        #expect(policy.yamlText(header: ["Imported from test.json"], errnoNames: [1: "EPERM"]) == """
            # Imported from test.json
            sysfence: 1
            name: web
            default: errno(EPERM)
            arches: [x86_64, x86]
            bad-arch: kill-thread
            rules:
              - allow: [read, write]
              - allow: socket
                when: arg0 < 38
              - action: allow
                syscalls: clone
                when: (u32(arg0) & 0x7e020000) == 0
                comment: "namespaces: none"
              - action: errno(38)
                syscalls: arch_prctl
                when: "!(arg0 == -100 || arg1 >= 0x1000)"
                arches: [x86_64]

            """)
    }

    @Test func injectionKeepsEveryOtherField() throws {
        let config = "{\n\t\"ociVersion\": \"1.0.2-dev\",\n\t\"process\": {\"args\": [\"sh\"], \"cpu\": 1.5e3},\n\t\"linux\": {\"namespaces\": [{\"type\": \"pid\"}]}\n}\n"
        let profile = SeccompProfile(defaultAction: .errno(1), architectures: [SeccompArchitecture(.x86_64)],
                                     syscalls: [SeccompSyscallRule(names: ["read"], action: .allow)])
        let injected = try profile.injected(intoConfig: config, file: "config.json")
        #expect(injected == """
            {
            \t"ociVersion": "1.0.2-dev",
            \t"process": {
            \t\t"args": ["sh"],
            \t\t"cpu": 1.5e3
            \t},
            \t"linux": {
            \t\t"namespaces": [
            \t\t\t{
            \t\t\t\t"type": "pid"
            \t\t\t}
            \t\t],
            \t\t"seccomp": {
            \t\t\t"defaultAction": "SCMP_ACT_ERRNO",
            \t\t\t"defaultErrnoRet": 1,
            \t\t\t"architectures": ["SCMP_ARCH_X86_64"],
            \t\t\t"syscalls": [
            \t\t\t\t{
            \t\t\t\t\t"names": ["read"],
            \t\t\t\t\t"action": "SCMP_ACT_ALLOW"
            \t\t\t\t}
            \t\t\t]
            \t\t}
            \t}
            }

            """)
        let back = try SeccompProfileDocument(text: injected, file: "config.json")
        #expect(back.render(for: SeccompRenderOptions(kernel: KernelVersion(kernel: 6, major: 1))) == profile)
    }

    @Test func writesKubernetesResources() {
        let profile = SeccompProfile(defaultAction: .errno(38), architectures: [SeccompArchitecture(.x86_64)], syscalls: [
            SeccompSyscallRule(names: ["read", "write"], action: .allow, comment: "io"),
            SeccompSyscallRule(names: ["socket"], action: .allow, arguments: [SeccompArgument(index: 0, value: 38, op: .less)]),
        ])
        #expect(profile.kubernetesResource(name: "web") == """
            apiVersion: security-profiles-operator.x-k8s.io/v1beta1
            kind: SeccompProfile
            metadata:
              name: web
            spec:
              defaultAction: SCMP_ACT_ERRNO
              defaultErrnoRet: 38
              architectures: [SCMP_ARCH_X86_64]
              syscalls:
                - names: [read, write]
                  action: SCMP_ACT_ALLOW
                - names: [socket]
                  action: SCMP_ACT_ALLOW
                  args:
                    - index: 0
                      value: 38
                      op: SCMP_CMP_LT

            """)
    }

    /// Random conditions lowered to OCI tests decide every sampled argument vector alike.
    @Test func loweringToOCITestsIsExact() throws {
        var generator = SeededGenerator(seed: 0x10_3E41)
        let values: [UInt64] = [0, 1, 7, 38, 0xFF, 0x7FFF_FFFF, 0xFFFF_FFFF, 0x1_0000_0000, 0xFFFF_FFFF_FFFF_FF9C, .max]
        func comparison() -> Condition {
            let width: ArgumentWidth = Bool.random(using: &generator) ? .full : .low32
            let mask: UInt64 = Bool.random(using: &generator) ? .max : [0xFF, 0xF0F0, 0x1_0000_00F0, 0x7E02_0000].randomElement(using: &generator)!
            return .comparison(Comparison(argument: Int.random(in: 0...1, using: &generator), width: width, mask: mask,
                                          op: ComparisonOperator.allCases.randomElement(using: &generator)!,
                                          value: values.randomElement(using: &generator)!))
        }
        for _ in 0..<300 {
            var condition = comparison()
            for _ in 0..<Int.random(in: 0...2, using: &generator) {
                switch Int.random(in: 0...2, using: &generator) {
                case 0: condition = .and([condition, comparison()])
                case 1: condition = .or([condition, comparison()])
                default: condition = .not(.and([condition, comparison()]))
                }
            }
            guard let terms = try? ArgumentTestLowering.terms(condition) else { continue }
            #expect(terms.allSatisfy { term in Set(term.map(\.index)).count == term.count }, "one test per index")
            let samples = try ArgumentSamples(tests: [], comparisons: condition.comparisons)
            for vector in samples.vectors {
                let lowered = terms.contains { term in term.allSatisfy { Condition.comparison($0.comparison).holds(arguments: vector) } }
                #expect(lowered == condition.holds(arguments: vector), "\(condition.expressionText) at \(vector)")
            }
        }
    }
}
