/// A call on which a policy and a libseccomp filter disagree.
struct FilterDisagreement: Error {
    var arch: Arch
    var nr: UInt32
    var arguments: [UInt64]
    /// What the filter decides (`nil` when no path of it holds, which means a broken walk).
    var filter: Action?
    var policy: Action

    func describe(table: SyscallTable) -> String {
        let name = table.name(of: nr, on: arch) ?? "syscall \(nr)"
        let shown = arguments.enumerated().filter { $0.element != 0 }.map { "arg\($0.offset)=0x\(String($0.element, radix: 16))" }
        let call = shown.isEmpty ? name : "\(name) with \(shown.joined(separator: ", "))"
        return "\(call) on \(arch): libseccomp decides \(filter.map(\.description) ?? "nothing"), the policy \(policy)"
    }
}

extension DecisionProgram {
    /// The first call, among syscall `numbers` of `arch`, on which this program and a libseccomp
    /// filter disagree; the filter is followed path by path and the arguments sampled so that
    /// every case either side distinguishes is met.
    func firstDisagreement(with program: [BPFInstruction], arch: Arch, numbers: [UInt32],
                           pathLimit: Int = 50_000) throws(DiagnosticsError) -> FilterDisagreement? {
        let archDecisions = decisions(for: arch)
        for nr in numbers {
            let paths: [FilterPath]
            do {
                paths = try FilterPath.all(in: program, auditArch: arch.auditArch, nr: nr, limit: pathLimit)
            } catch {
                throw DiagnosticsError(at: nil, "cannot check libseccomp's filter for syscall \(nr) on \(arch): \(error)")
            }
            let branches = archDecisions?.decision(for: nr).branches ?? []
            let samples = try ArgumentSamples(tests: paths.flatMap { $0.tests.map(\.test) },
                                              comparisons: branches.flatMap(\.condition.comparisons))
            for vector in samples.vectors {
                let expected = paths.first { $0.holds(vector) }.map { Action(seccompReturnValue: $0.result) }
                let got = decide(auditArch: arch.auditArch, nr: nr, arguments: vector).action
                if expected != got { return FilterDisagreement(arch: arch, nr: nr, arguments: vector, filter: expected, policy: got) }
            }
        }
        return nil
    }
}
