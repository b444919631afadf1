import Foundation
import LinuxKernel
import Sysfence
import TestSupport

/// What a run of the test program showed: its output lines and how it ended.
struct Observed: Hashable {
    var lines: [String]
    var termination: ProcessTermination
}

/// A supervised run: what the program showed, the events, and the call that ended it.
struct SupervisedRun {
    var observed: Observed
    var events: [ViolationEvent]
    var killedBy: ViolationEvent?
}

/// Runs the test program of `Tests/Programs/syscalls.c` under policies, with and without a supervisor.
enum SyscallsProgram {
    static func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The program under the policy's own filter, installed with no supervisor.
    static func underKernel(_ policy: Policy, _ arguments: [String]) throws -> Observed {
        let program = try TestPrograms.syscalls()
        let output = try TestPrograms.scratchFile("kernel")
        let filter = try policy.compileFilter(table: .libseccomp)
        let child = try FilteredChild(path: program, arguments: [program, "-o", output] + arguments, environment: [],
                                      filter: filter.instructions, flags: [.threadSync])
        let termination = try child.wait()
        return Observed(lines: lines(output), termination: termination)
    }

    /// The program under `sysfence run`'s supervisor.
    static func supervised(_ policy: Policy, _ arguments: [String], mode: EnforcementMode = .enforce) throws -> SupervisedRun {
        let program = try TestPrograms.syscalls()
        let output = try TestPrograms.scratchFile("supervised")
        var events: [ViolationEvent] = []
        let outcome = try Enforcer.run([program, "-o", output] + arguments, policy: policy,
                                       options: RunOptions(mode: mode, environment: [:])) { events.append($0) }
        guard case .finished(let termination, let killedBy) = outcome else {
            throw NotRun(outcome: outcome)
        }
        return SupervisedRun(observed: Observed(lines: lines(output), termination: termination), events: events, killedBy: killedBy)
    }
}

/// The test program did not get to run.
struct NotRun: Error {
    var outcome: RunOutcome
}

/// A rule written at `line` of `test.yaml`.
func rule(_ action: Action, _ names: [String], line: Int) -> Rule {
    Rule(action: action, syscalls: names.map { .name($0) },
         source: RuleSource(rule: SourceLocation(file: "test.yaml", line: line, column: 3)))
}
