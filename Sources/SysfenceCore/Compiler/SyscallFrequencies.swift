/// How often each syscall is called in real workloads, used to shape the search tree so the
/// busiest syscalls take the fewest comparisons.
public struct SyscallFrequencies: Sendable {
    /// Calls per syscall name, in any unit; only ratios matter.
    public let counts: [String: Double]

    public init(counts: [String: Double]) { self.counts = counts }

    /// Reads `name<TAB>count` lines; `#` starts a comment.
    public init(tsv: String) {
        var counts: [String: Double] = [:]
        for line in tsv.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t")
            if fields.count >= 2, let count = Double(fields[1]) { counts[String(fields[0])] = count }
        }
        self.counts = counts
    }

    /// No recorded frequencies: every syscall weighs the same.
    public static let uniform = SyscallFrequencies(counts: [:])

    /// The weight of a syscall in the tree: its count, and at least 1 so that syscalls that were
    /// never recorded still keep the tree balanced.
    func weight(of name: String) -> Double { max(counts[name] ?? 0, 1) }

    /// The weight of a run of numbers that name no syscall.
    static let gapWeight = 0.01
}
