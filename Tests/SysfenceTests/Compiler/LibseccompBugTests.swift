import Foundation
import Libseccomp
import Sysfence
import Testing
import TestSupport

/// Where libseccomp 2.5 is wrong and sysfence is not, shown by the kernel itself.
///
/// Two conditional rules on one syscall of a 32-bit arch: libseccomp's code generator reuses the
/// accumulator across the two argument chains and compares argument 1 against a constant meant
/// for argument 0. If this test starts failing, libseccomp was fixed and the differential test
/// may allow several rules per syscall again.
@Suite struct LibseccompBugTests {
    @Test func twoChainsOnOneSyscallOfA32BitArch() throws {
        let table = SyscallTable.libseccomp
        let rules = [
            Rule(action: .errno(2), syscalls: [.name("getppid")], condition: .and([
                .comparison(Comparison(argument: 2, op: .notEqual, value: 8_039_095)),
                .comparison(Comparison(argument: 0, op: .greaterOrEqual, value: 269_295_583_424)),
            ])),
            Rule(action: .errno(2), syscalls: [.name("getppid")], condition: .and([
                .comparison(Comparison(argument: 4, op: .less, value: 1)),
                .comparison(Comparison(argument: 0, op: .lessOrEqual, value: 0x8000_0000)),
                .comparison(Comparison(argument: 1, op: .less, value: 39_150_395_981_963)),
            ])),
        ]
        let policy = Policy(defaultAction: .errno(1), arches: [.x86], rules: rules)
        let arguments: [UInt64] = [0x0B5B_6464, 0xFFFF_FFFE, 0x4B27_1C8C, 0, 0xFFFF_FF9C, 0]
        let nr = table.number(of: "getppid", on: .x86)!
        let input = SeccompData(nr: nr, arch: Arch.x86.auditArch, arguments: arguments)

        let ours = try policy.compileFilter(table: table)
        let theirs = try SeccompContext(expressing: policy).exportBPF()
        // Neither rule holds: argument 0 is below both of its lower bounds' low words, argument 4 is not below 1.
        #expect(ours.decisions.decide(auditArch: input.arch, nr: nr, arguments: arguments).action == .errno(1))
        #expect(BPFEmulator.run(ours.instructions, on: input) == Action.errno(1).seccompReturnValue)
        #expect(BPFEmulator.run(theirs, on: input) == Action.errno(2).seccompReturnValue)

        // The kernel runs both programs the same way the emulator does.
        #if arch(x86_64)
        let scratch = try TemporaryDirectory()
        let directory = scratch.url
        let helper = try TestHelpers.compile("filter-probe", into: directory)
        let line = "32 \(nr) " + arguments.map(String.init).joined(separator: " ") + "\n"
        for (program, expected) in [(ours.instructions, "-1\n"), (theirs, "-2\n")] {
            let file = directory.appendingPathComponent("filter.bpf")
            try Data(program.programImage).write(to: file)
            #expect(try runProgram(URL(fileURLWithPath: helper), [file.path], input: line).stdout == expected)
        }
        #endif
    }
}
