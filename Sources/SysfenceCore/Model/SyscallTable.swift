/// Syscall names and numbers for each arch, as the kernel numbers them.
///
/// x32 numbers carry `Arch.x32SyscallBit`, as they arrive in `seccomp_data.nr`. The table is data:
/// the `Sysfence` library fills it from libseccomp, tests may build their own.
public struct SyscallTable: Sendable {
    private let numbersByArch: [Arch: [String: UInt32]]
    private let namesByArch: [Arch: [UInt32: String]]
    /// Every name known on at least one arch, sorted.
    public let allNames: [String]

    public init(_ numbersByArch: [Arch: [String: UInt32]]) {
        self.numbersByArch = numbersByArch
        var names: [Arch: [UInt32: String]] = [:]
        for (arch, table) in numbersByArch {
            var byNumber: [UInt32: String] = [:]
            for (name, number) in table {
                // Keep the alphabetically first name where two share a number, so output is stable.
                if let existing = byNumber[number], existing < name { continue }
                byNumber[number] = name
            }
            names[arch] = byNumber
        }
        self.namesByArch = names
        self.allNames = Set(numbersByArch.values.flatMap(\.keys)).sorted()
    }

    /// The number of `name` on `arch`, or `nil` where the arch has no such syscall.
    public func number(of name: String, on arch: Arch) -> UInt32? { numbersByArch[arch]?[name] }

    /// The name of syscall `number` on `arch`.
    public func name(of number: UInt32, on arch: Arch) -> String? { namesByArch[arch]?[number] }

    /// Every (name, number) of one arch, ordered by number.
    public func syscalls(on arch: Arch) -> [(name: String, number: UInt32)] {
        (namesByArch[arch] ?? [:]).map { (name: $0.value, number: $0.key) }.sorted { $0.number < $1.number }
    }

    /// Whether any arch knows the name.
    public func isKnown(_ name: String) -> Bool { numbersByArch.values.contains { $0[name] != nil } }

    /// The known name closest to a misspelled one, if one is close enough to be what was meant.
    public func suggestion(for name: String) -> String? {
        closestName(to: name, among: allNames)
    }
}

/// The candidate within a small edit distance of `word` (a third of its length, at least 1), if any.
public func closestName(to word: String, among candidates: [String]) -> String? {
    let limit = max(1, word.count / 3)
    var best: (name: String, distance: Int)?
    let length = word.utf8.count
    for candidate in candidates where abs(candidate.utf8.count - length) <= limit {
        let distance = editDistance(word, candidate)
        if distance <= limit, distance < (best?.distance ?? .max) { best = (candidate, distance) }
    }
    return best?.name
}

/// Levenshtein distance, with a swap of two neighbours counting as one edit.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.utf8), b = Array(b.utf8)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previousPrevious = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                current[j] = min(current[j], previousPrevious[j - 2] + 1)
            }
        }
        (previousPrevious, previous, current) = (previous, current, previousPrevious)
    }
    return previous[b.count]
}
