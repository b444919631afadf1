// Compiler benchmark: sysfence against libseccomp 2.5 (optimize level 2) on the same rules, in one run.
//
//   bench-compiler [POLICY...]          compare on each policy (default: moby's default profile from
//                                       ../shared/profiles, imported as rendered for amd64 with
//                                       Docker's default capabilities, then policies/*.yaml)
//   bench-compiler --one-shot sysfence|libseccomp POLICY
//                                       one whole-process compile, for the timing of whole processes
//
// Figures per policy: program length; instructions executed per syscall, weighted by the recorded
// frequency table (bench/record-frequencies.sh), on the policy's first arch with zero arguments;
// the share of argument-free allows that the kernel's constant-action cache can skip
// (seccomp_is_const_allow, as ported to BPFEmulator.constantResult); and compile time, in process
// (median of 200 builds from the parsed policy) and as whole processes (median of 15 runs of this
// binary in --one-shot mode, which parses the file and compiles with one or the other).
import Foundation
import Libseccomp
import Sysfence

struct Figures {
    var length: Int
    var meanPath: Double
    var cachedAllows: Int
    var argumentFreeAllows: Int
}

func figures(of program: [BPFInstruction], decisions: DecisionProgram, arch: Arch, frequencies: SyscallFrequencies) -> Figures {
    let table = SyscallTable.libseccomp
    var weighted = 0.0, total = 0.0, cached = 0, allows = 0
    for (name, number) in table.syscalls(on: arch).map({ ($0.name, $0.number) }) {
        guard decisions.arch(auditArch: arch.auditArch, nr: number)?.arch == arch else { continue }
        if let count = frequencies.counts[name] {
            var steps = 0
            _ = BPFEmulator.run(program, on: SeccompData(nr: number, arch: arch.auditArch)) { _ in steps += 1 }
            weighted += Double(steps) * count
            total += count
        }
        let decision = decisions.arches.first { $0.arch == arch }!.decision(for: number)
        if decision.isArgumentFree, decision.fallback.action == .allow {
            allows += 1
            if BPFEmulator.constantResult(program, arch: arch.auditArch, nr: number) == Action.allow.seccompReturnValue { cached += 1 }
        }
    }
    return Figures(length: program.count, meanPath: total > 0 ? weighted / total : 0, cachedAllows: cached, argumentFreeAllows: allows)
}

/// The policy without what libseccomp cannot express, so that both compilers build the same
/// rules: rules with conditions it lacks, and, where a syscall meets a second action after a first
/// (first-match fallbacks such as "allow these ioctls, ENOTTY for the rest"), the later rules.
func libseccompExpressible(_ policy: Policy) -> (Policy, dropped: Int) {
    var copy = policy
    var actions: [SyscallSelector: Action] = [:]
    var dropped = 0
    copy.rules = policy.rules.compactMap { rule in
        guard SeccompContext.canExpress(rule.condition) else {
            dropped += 1
            return nil
        }
        var rule = rule
        rule.syscalls = rule.syscalls.filter { selector in
            if let earlier = actions[selector], earlier != rule.action { return false }
            actions[selector] = rule.action
            return true
        }
        if rule.syscalls.count < policy.rules.count, rule.syscalls.isEmpty { dropped += 1 }
        return rule.syscalls.isEmpty ? nil : rule
    }
    return (copy, dropped)
}

/// Inputs on which the two programs disagree: every number of each arch with zero arguments, and
/// each constant of the policy, ±1, in every argument of the syscalls that have conditions.
func disagreements(_ ours: [BPFInstruction], _ theirs: [BPFInstruction], policy: Policy) -> Int {
    var inputs: [SeccompData] = []
    let values = Set(policy.rules.flatMap { $0.condition?.comparisons ?? [] }.flatMap { [$0.value &- 1, $0.value, $0.value &+ 1, 0] })
    for arch in policy.arches {
        for (name, number) in SyscallTable.libseccomp.syscalls(on: arch).map({ ($0.name, $0.number) }) {
            inputs.append(SeccompData(nr: number, arch: arch.auditArch))
            guard policy.rules.contains(where: { $0.condition != nil && $0.syscalls.contains(.name(name)) }) else { continue }
            for value in values {
                for index in 0..<6 {
                    var arguments = [UInt64](repeating: 0, count: 6)
                    arguments[index] = value
                    inputs.append(SeccompData(nr: number, arch: arch.auditArch, arguments: arguments))
                }
            }
        }
    }
    return inputs.filter { BPFEmulator.run(ours, on: $0) != BPFEmulator.run(theirs, on: $0) }.count
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func wholeProcess(_ compiler: String, _ path: String) throws -> Double {
    let runs = try (0..<15).map { _ in
        try seconds {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            process.arguments = ["--one-shot", compiler, path]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
        }
    }
    return median(runs)
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--one-shot", arguments.count == 3 {
    let policy = libseccompExpressible(try load(arguments[2])).0
    let program = arguments[1] == "libseccomp"
        ? try SeccompContext(expressing: policy).exportBPF()
        : try policy.compileFilter().instructions
    FileHandle.standardOutput.write(Data(program.programImage))
    exit(0)
}

/// A policy file, or a seccomp profile (moby's template rendered as the Docker engine renders it
/// for amd64 with Docker's default capabilities on the running kernel) imported as a policy.
func load(_ path: String) throws -> Policy {
    guard path.hasSuffix(".json") else { return try Policy(contentsOfFile: path) }
    let options = SeccompRenderOptions(arch: .x86_64, kernel: KernelVersion.running ?? KernelVersion(kernel: 6, major: 1))
    return try SeccompProfileDocument(contentsOfFile: path).importPolicy(name: "moby-default (amd64)", options: options).policy
}

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let moby = root.deletingLastPathComponent().appendingPathComponent("shared/profiles/moby-default.json").path
let paths = arguments.isEmpty
    ? [moby].filter(FileManager.default.fileExists) + (try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("policies").path)
        .filter { $0.hasSuffix(".yaml") }.sorted().map { root.appendingPathComponent("policies/\($0)").path })
    : arguments
let frequencies = SyscallFrequencies.recorded

print("policy                     len sf/ls (ratio)   instr/syscall sf/ls (ratio)  cached allows sf | ls   build µs sf/ls (ratio)  process ms sf/ls (ratio)  verdicts")
for path in paths {
    let name = URL(fileURLWithPath: path).lastPathComponent
    do {
        let (policy, dropped) = libseccompExpressible(try load(path))
        let filter = try policy.compileFilter()
        let reference = try SeccompContext(expressing: policy).exportBPF()
        let arch = policy.arches[0]
        let ours = figures(of: filter.instructions, decisions: filter.decisions, arch: arch, frequencies: frequencies)
        let theirs = figures(of: reference, decisions: filter.decisions, arch: arch, frequencies: frequencies)
        let ourBuild = try median((0..<200).map { _ in try seconds { _ = try policy.compileFilter() } })
        let theirBuild = try median((0..<200).map { _ in try seconds { _ = try SeccompContext(expressing: policy).exportBPF() } })
        let ourProcess = try wholeProcess("sysfence", path), theirProcess = try wholeProcess("libseccomp", path)
        let differences = disagreements(filter.instructions, reference, policy: policy)
        func ratio(_ a: Double, _ b: Double) -> String { String(format: "%.2fx", a / b) }
        print(name.padding(toLength: 24, withPad: " ", startingAt: 0),
              String(format: "%5d/%-5d (%@)", ours.length, theirs.length, ratio(Double(ours.length), Double(theirs.length))),
              String(format: "   %6.2f/%-6.2f (%@)", ours.meanPath, theirs.meanPath, ratio(ours.meanPath, theirs.meanPath)),
              String(format: "   %d/%d | %d/%d", ours.cachedAllows, ours.argumentFreeAllows, theirs.cachedAllows, theirs.argumentFreeAllows),
              String(format: "   %6.0f/%-6.0f (%@)", ourBuild * 1e6, theirBuild * 1e6, ratio(ourBuild, theirBuild)),
              String(format: "   %5.1f/%-5.1f (%@)", ourProcess * 1e3, theirProcess * 1e3, ratio(ourProcess, theirProcess)),
              "   \(differences) differ",
              dropped > 0 ? "  [\(dropped) rules libseccomp cannot express left out for both]" : "")
    } catch {
        print(name, "skipped:", error)
    }
}
