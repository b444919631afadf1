import Foundation
import LinuxKernel
import Sysfence

/// `sysfence compile POLICY`: the classic-BPF seccomp program, as bytes, C, a listing or figures.
struct CompileCommand: Command {
    enum Format: String, CaseIterable {
        case raw, c, disasm, json
    }

    /// The seccomp profile formats of container runtimes.
    enum ExportFormat: String, CaseIterable {
        case oci, docker, k8s
    }

    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "compile",
            abstract: "Compile a policy into a seccomp filter.",
            discussion: """
                Formats: raw (the default) is the program as an array of struct sock_filter in host byte order, \
                as seccomp_export_bpf writes it and seccomp(SECCOMP_SET_MODE_FILTER) loads it; c is a C array \
                with its struct sock_fprog; disasm lists one instruction a line with syscall, arch and action \
                names; json gives build figures: instructions in all and per arch, syscalls whose verdict needs \
                no argument, which verdicts the kernel's constant-action cache can skip, path lengths and the \
                build time. raw is not written to a terminal: use -o. oci and docker write an OCI linux.seccomp \
                profile (for runc, crun, Podman, docker run --security-opt seccomp=FILE or a kubelet Localhost \
                profile), k8s a security-profiles-operator SeccompProfile resource; each is checked through \
                libseccomp to decide every call as the policy does, or refused with the reason.
                """,
            options: [OptionSpec("output", short: "o", .value(placeholder: "file"), help: "Write to this file instead of standard output."),
                      OptionSpec("format", .value(placeholder: "format"), help: "raw, c, disasm, json, oci, docker or k8s."),
                      OptionSpec("no-optimize", help: "Emit the plain linear program the optimizer is tested against.")],
            arguments: [ArgumentSpec(name: "policy", help: "The policy file (YAML).")])
    }

    var policyPath: String
    var output: String?
    var format: Format
    var exportFormat: ExportFormat?
    var optimize: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        policyPath = arguments.arguments("policy")[0]
        output = arguments.value("output")
        let name = arguments.value("format") ?? Format.raw.rawValue
        exportFormat = ExportFormat(rawValue: name)
        guard let format = exportFormat == nil ? Format(rawValue: name) : .raw else {
            let names = Format.allCases.map(\.rawValue) + ExportFormat.allCases.map(\.rawValue)
            throw UsageError(message: "Unknown format '\(name)'; expected one of \(names.joined(separator: ", "))")
        }
        self.format = format
        optimize = !arguments.flag("no-optimize")
    }

    func run(on console: Console) -> ExitStatus {
        if exportFormat == nil, format == .raw, output == nil, isTerminal(1) {
            console.report(Diagnostic(.error, at: nil, "refusing to write a binary filter to a terminal; use -o FILE or --format disasm"),
                           in: policyPath)
            return .usage
        }
        if let exportFormat { return export(exportFormat, on: console) }
        let started = Date()
        let options = optimize ? CompileOptions.recommended : CompileOptions(optimize: false, frequencies: .recorded)
        guard let (_, filter) = PolicyInput.compile(policyPath, options: options, on: console) else { return .failure }
        let seconds = Date().timeIntervalSince(started)
        let bytes: [UInt8]
        switch format {
        case .raw: bytes = filter.instructions.programImage
        case .c: bytes = Array(filter.cSource(from: policyPath, version: sysfenceVersion).utf8)
        case .disasm:
            let lines = Disassembler(table: .libseccomp, errnoNames: ConstantTable.system.errnoNames).lines(filter.instructions)
            bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        case .json:
            let report = CompileReport(policy: policyPath, buildSeconds: seconds,
                                       statistics: FilterStatistics(filter: filter, table: .libseccomp, frequencies: .recorded))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            guard let json = try? encoder.encode(report) else {
                console.report(Diagnostic(.error, at: nil, "cannot encode the build figures"), in: policyPath)
                return .failure
            }
            bytes = Array(json) + [UInt8(ascii: "\n")]
        }
        return write(bytes, on: console)
    }

    /// What `--format json` prints.
    struct CompileReport: Encodable {
        var policy: String
        var buildSeconds: Double
        var statistics: FilterStatistics
    }

    /// `--format oci|docker|k8s`: the policy as a seccomp profile for container runtimes.
    private func export(_ exportFormat: ExportFormat, on console: Console) -> ExitStatus {
        guard let policy = PolicyInput.load(policyPath, on: console) else { return .failure }
        let name = policy.name ?? ((policyPath as NSString).lastPathComponent as NSString).deletingPathExtension
        guard let text = PolicyInput.profileText(policy, kubernetesName: exportFormat == .k8s ? name : nil, in: policyPath, on: console)
        else { return .failure }
        return write(Array(text.utf8), on: console)
    }

    private func write(_ bytes: [UInt8], on console: Console) -> ExitStatus {
        guard let output else {
            FileHandle.standardOutput.write(Data(bytes))
            return .success
        }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: output))
            return .success
        } catch {
            console.report(Diagnostic(.error, at: nil, "cannot write: \(error.localizedDescription)"), in: output)
            return .failure
        }
    }
}
