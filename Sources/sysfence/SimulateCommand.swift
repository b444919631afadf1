import Foundation
import Sysfence

/// `sysfence simulate`: the verdict of a policy or a raw filter for one call, in the emulator.
struct SimulateCommand: Command {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "simulate",
            abstract: "Show the verdict a policy or a compiled filter gives one system call.",
            discussion: """
                Runs the compiled program in sysfence's classic-BPF emulator on one input and prints the \
                verdict; for a policy, also the rule that decided. With --bpf, the program is read from a raw \
                filter file (as 'compile --format raw' or seccomp_export_bpf write it); --arch-list names the \
                arches it was built for, so that syscall names in --trace resolve. Arguments are integers \
                (decimal, 0x hex, 0o octal, 0b binary, negative as 64-bit two's complement) or named \
                constants, separated by commas; missing ones are 0.
                """,
            options: [OptionSpec("bpf", .value(placeholder: "file"), help: "A raw filter file instead of a policy."),
                      OptionSpec("arch-list", .value(placeholder: "arches"), help: "With --bpf: the arches the filter was built for."),
                      OptionSpec("arch", .value(placeholder: "arch"), help: "The calling ABI (default: native)."),
                      OptionSpec("syscall", .value(placeholder: "name|number"), help: "The system call."),
                      OptionSpec("args", .value(placeholder: "a0,a1,..."), help: "Up to six argument values."),
                      OptionSpec("trace", help: "Print every instruction executed.")],
            arguments: [ArgumentSpec(name: "policy", help: "The policy file (YAML).", optional: true)])
    }

    var policyPath: String?
    var bpfPath: String?
    var arch: Arch
    var syscall: String
    var arguments: [UInt64]
    var trace: Bool

    init(_ parsed: ParsedArguments) throws(UsageError) {
        policyPath = parsed.arguments("policy").first
        bpfPath = parsed.value("bpf")
        guard (policyPath == nil) != (bpfPath == nil) else { throw UsageError(message: "Give either a policy file or '--bpf <file>'") }
        if policyPath != nil, parsed.value("arch-list") != nil { throw UsageError(message: "'--arch-list' goes with '--bpf'") }
        if let list = parsed.value("arch-list") {
            for name in list.split(separator: ",") where Arch(name: String(name)) == nil {
                throw UsageError(message: "Unknown arch '\(name)' in '--arch-list'")
            }
        }
        let archName = parsed.value("arch") ?? Arch.native.rawValue
        guard let arch = Arch(name: archName) else { throw UsageError(message: "Unknown arch '\(archName)'") }
        self.arch = arch
        guard let syscall = parsed.value("syscall") else { throw UsageError(message: "Missing '--syscall <name|number>'") }
        self.syscall = syscall
        let texts = parsed.value("args").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
        guard texts.count <= 6 else { throw UsageError(message: "At most six arguments, got \(texts.count)") }
        var values: [UInt64] = []
        for text in texts {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard let value = ConstantTable.system.commandLineValue(trimmed) else {
                throw UsageError(message: "'\(trimmed)' in '--args' is neither an integer nor a known constant")
            }
            values.append(value)
        }
        arguments = values
        trace = parsed.flag("trace")
    }

    func run(on console: Console) -> ExitStatus {
        let program: [BPFInstruction]
        var policy: Policy?
        var filter: SeccompFilter?
        if let policyPath {
            guard let compiled = PolicyInput.compile(policyPath, on: console) else { return .failure }
            (policy, filter) = (compiled.0, compiled.1)
            program = compiled.1.instructions
        } else {
            guard let loaded = loadRawFilter(on: console) else { return .failure }
            program = loaded
        }
        let source = policyPath ?? bpfPath!
        guard let nr = syscallNumber() else {
            console.report(Diagnostic(.error, at: nil, "no syscall '\(syscall)' on \(arch)"), in: source)
            return .failure
        }
        let data = SeccompData(nr: nr, arch: arch.auditArch, arguments: arguments)
        let errnoNames = ConstantTable.system.errnoNames
        var text = ""
        if trace {
            let listing = Disassembler(table: .libseccomp, errnoNames: errnoNames).lines(program)
            _ = BPFEmulator.run(program, on: data) { step in
                text += "A=0x\(String(step.accumulator, radix: 16).leftPadded(8)) \(listing[step.index])\n"
            }
        }
        let result = BPFEmulator.run(program, on: data)
        let name = SyscallTable.libseccomp.name(of: nr, on: arch) ?? String(nr)
        let argumentList = data.arguments.map { "0x" + String($0, radix: 16) }.joined(separator: ", ")
        text += "call:    \(arch) \(name)(\(argumentList))\n"
        text += "verdict: \(Action(seccompReturnValue: result).spelling(errnoNames: errnoNames))\n"
        if let policy, let filter {
            let verdict = filter.decisions.decide(auditArch: data.arch, nr: nr, arguments: data.arguments)
            text += "rule:    \(ruleDescription(verdict, policy: policy, admitted: filter.decisions.arch(auditArch: data.arch, nr: nr) != nil))\n"
        }
        console.out.write(text)
        return .success
    }

    private func ruleDescription(_ verdict: Verdict, policy: Policy, admitted: Bool) -> String {
        guard let index = verdict.rule else { return admitted ? "none (default action)" : "none (bad-arch action)" }
        let location = policy.rules[index].source.map { " at \($0.rule)" } ?? ""
        return "\(index + 1)\(location)"
    }

    private func syscallNumber() -> UInt32? {
        if let number = UInt32(syscall) ?? (syscall.hasPrefix("0x") ? UInt32(syscall.dropFirst(2), radix: 16) : nil) {
            return SyscallSelector.number(number).number(on: arch, table: .libseccomp)
        }
        return SyscallTable.libseccomp.number(of: syscall, on: arch)
    }

    private func loadRawFilter(on console: Console) -> [BPFInstruction]? {
        guard let bpfPath else { return nil }
        do {
            try PolicyInput.checkReadable(bpfPath)
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: bpfPath)))
            guard let program = [BPFInstruction](programImage: bytes) else {
                throw DiagnosticsError(at: nil, "\(bytes.count) bytes is not a whole number of 8-byte instructions")
            }
            try BPFEmulator.validate(program)
            return program
        } catch {
            PolicyInput.report(error, in: bpfPath, on: console)
            return nil
        }
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
