import Foundation
import Libseccomp

extension SyscallFrequencies {
    /// The syscall frequencies recorded from real workloads by `bench/record-frequencies.sh`,
    /// shipped with sysfence; uniform when the resource cannot be read.
    public static let recorded: SyscallFrequencies = {
        guard let url = Bundle.module.url(forResource: "syscall-frequencies", withExtension: "tsv"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return .uniform }
        return SyscallFrequencies(tsv: text)
    }()
}

extension CompileOptions {
    /// Optimized, with the search tree shaped by the recorded frequencies.
    public static var recommended: CompileOptions { CompileOptions(optimize: true, frequencies: .recorded) }
}

extension Policy {
    /// Compiles the policy into a classic-BPF seccomp program with libseccomp's syscall tables.
    /// Throws `DiagnosticsError` when the policy has problems or the program would be too long.
    public func compileFilter(options: CompileOptions = .recommended) throws(DiagnosticsError) -> SeccompFilter {
        try compileFilter(table: .libseccomp, options: options)
    }
}
