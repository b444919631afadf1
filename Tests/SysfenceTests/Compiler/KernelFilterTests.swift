import Foundation
import Sysfence
import Testing
import TestSupport

/// Compiled filters loaded into the real kernel, in a child process, against the emulator.
@Suite(.serialized) struct KernelFilterTests {
    let table = SyscallTable.libseccomp
    static let getppid = SyscallTable.libseccomp.number(of: "getppid", on: .x86_64)!
    /// x86_64 `uretprobe` (335) and `uprobe` (336).
    static let unfilteredByKernel: Set<UInt32> = [335, 336]

    /// Builds the probe helper, or says why the kernel tests cannot run here.
    func probe(in directory: URL) throws -> String? {
        #if arch(x86_64)
        if !TestEnvironment.requiresKernel, !FileManager.default.fileExists(atPath: "/usr/bin/cc") { return nil }
        return try TestHelpers.compile("filter-probe", into: directory)
        #else
        #expect(!TestEnvironment.requiresKernel, "the kernel filter tests drive x86_64 syscalls")
        return nil
        #endif
    }

    func write(_ filter: [BPFInstruction], to url: URL) throws {
        try Data(filter.programImage).write(to: url)
    }

    /// Policies whose every action is an errno: the kernel answers each call without running it.
    @Test func kernelVerdictsEqualTheEmulatorsOnRandomPolicies() throws {
        let scratch = try TemporaryDirectory()
        let directory = scratch.url
        guard let helper = try probe(in: directory) else { return }
        let filterFile = directory.appendingPathComponent("filter.bpf")

        var generator = RandomPolicyGenerator(seed: 0x4B45_524E, table: table)
        var checked = 0
        for index in 0..<12 {
            // Keep to what this x86_64 machine can issue: x86_64, i386 (int $0x80) and x32 numbers.
            let arches: [Arch] = [[.x86_64], [.x86_64, .x86], [.x86_64, .x32, .x86], [.x86, .x32]][index % 4]
            let policy = generator.anyPolicy(rules: 10...40, arches: arches)
            let remapped = ActionRemapping.remap(policy)
            let filter = try remapped.compileFilter(table: table)
            let original = try policy.compileFilter(table: table)
            try write(filter.instructions, to: filterFile)

            var lines: [String] = []
            var expected: [Int] = []
            for input in generator.inputs(for: policy, argumentVectors: 4) {
                let isI386 = input.arch == Arch.x86.auditArch
                guard input.arch == Arch.x86_64.auditArch || isI386 else { continue }
                // Since Linux 6.12 the kernel lets uretprobe and uprobe through without consulting
                // seccomp, and raises SIGILL when they are called from outside a probe trampoline.
                if !isI386, Self.unfilteredByKernel.contains(input.nr) { continue }
                // int $0x80 passes 32-bit registers; the kernel sees them zero-extended.
                let arguments = isI386 ? input.arguments.map { $0 & 0xFFFF_FFFF } : input.arguments
                let data = SeccompData(nr: input.nr, arch: input.arch, arguments: arguments)
                let verdict = BPFEmulator.run(filter.instructions, on: data)
                // The remapped policy must still decide like the original one.
                #expect(ActionRemapping.errno(for: Action(seccompReturnValue: BPFEmulator.run(original.instructions, on: data)))
                        == UInt16(verdict & 0xFFFF))
                lines.append("\(isI386 ? 32 : 64) \(input.nr) " + arguments.map(String.init).joined(separator: " "))
                expected.append(-Int(verdict & 0xFFFF))
            }
            let result = try runProgram(URL(fileURLWithPath: helper), [filterFile.path], input: lines.joined(separator: "\n") + "\n")
            #expect(result.status == 0, "probe failed: \(result.stderr)")
            let answers = result.stdout.split(separator: "\n").compactMap { Int($0) }
            #expect(answers.count == expected.count)
            for (i, (answer, want)) in zip(answers, expected).enumerated() where answer != want {
                Issue.record("policy \(index) input \(lines[i]): kernel \(answer), emulator \(want)")
                return
            }
            checked += answers.count
        }
        #expect(checked >= 1_000)
    }

    /// Runs the helper under a policy where only getppid gets `action`, and lets it call getppid.
    func callGetppid(under action: Action) throws -> ProcessResult? {
        let scratch = try TemporaryDirectory()
        guard let helper = try probe(in: scratch.url) else { return nil }
        let policy = Policy(defaultAction: .allow, arches: [.x86_64], rules: [Rule(action: action, syscalls: [.name("getppid")])])
        let filterFile = scratch.url.appendingPathComponent("filter.bpf")
        try write(try policy.compileFilter(table: table).instructions, to: filterFile)
        return try runProgram(URL(fileURLWithPath: helper), [filterFile.path, "call", String(Self.getppid)])
    }

    /// Each action, not remapped, does what the kernel promises.
    @Test(arguments: [
        (Action.errno(13), "returned -13"),
        (Action.log, "returned \(getpid())"),  // getppid of the helper is this test process
        (Action.trap, "trapped \(getppid)"),
        (Action.trace(7), "returned -38"),  // no tracer: ENOSYS
        (Action.notify, "returned -38"),  // no listener: ENOSYS
    ])
    func actionsBehaveAsTheKernelDefines(action: Action, expected: String) throws {
        guard let result = try callGetppid(under: action) else { return }
        #expect(result.stdout == expected + "\n")
    }

    @Test(arguments: [Action.killProcess, .killThread])
    func killActionsEndTheProcessWithSIGSYS(action: Action) throws {
        guard let result = try callGetppid(under: action) else { return }
        #expect(result.status == 128 + SIGSYS)
        #expect(result.stdout.isEmpty)
    }
}
