import Sysfence

/// Mutates text files (policies, profiles) the ways people and tools break them: flipped bytes
/// and bits, runs deleted or duplicated, tokens swapped, fragments of the format dropped in, lines
/// duplicated, dropped or indented.
public struct TextMutator {
    var random: SeededGenerator
    /// Pieces of the format to drop in.
    let fragments: [[UInt8]]

    public init(random: SeededGenerator, fragments: [String]) {
        self.random = random
        self.fragments = fragments.map { Array($0.utf8) }
    }

    /// Bytes that mean something to YAML, JSON or the condition language, and some that are not text.
    static let interestingBytes = Array(":-[]{},#&*!|>'\"%@?~()=<^ \t\n0189xXabfAF_".utf8) + [0x00, 0x7F, 0xC3, 0xE9, 0xFF]

    mutating func index(_ count: Int) -> Int { count == 0 ? 0 : Int.random(in: 0..<count, using: &random) }

    /// A byte range within `bytes`, at most `limit` long.
    mutating func range(in bytes: [UInt8], limit: Int) -> Range<Int> {
        let start = index(bytes.count)
        return start..<min(bytes.count, start + 1 + index(limit))
    }

    /// The line ranges of `bytes`, newline included.
    func lines(of bytes: [UInt8]) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        var start = 0
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            lines.append(start..<offset + 1)
            start = offset + 1
        }
        if start < bytes.count { lines.append(start..<bytes.count) }
        return lines
    }

    /// The word-like tokens of `bytes`: runs of letters, digits, `_` and `-`, or single other bytes.
    func tokens(of bytes: [UInt8]) -> [Range<Int>] {
        func isWord(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x5F || byte == 0x2D
        }
        var tokens: [Range<Int>] = []
        var offset = 0
        while offset < bytes.count {
            var end = offset + 1
            if isWord(bytes[offset]) { while end < bytes.count, isWord(bytes[end]) { end += 1 } }
            if bytes[offset] != UInt8(ascii: " ") { tokens.append(offset..<end) }
            offset = end
        }
        return tokens
    }

    /// One to five mutations of `input`.
    public mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0...index(4) {
            switch index(8) {
            case 0 where !bytes.isEmpty:  // flip a byte
                bytes[index(bytes.count)] = Self.interestingBytes[index(Self.interestingBytes.count)]
            case 1 where !bytes.isEmpty:  // flip bits
                bytes[index(bytes.count)] ^= UInt8(1 << index(8))
            case 2:  // delete a run
                bytes.removeSubrange(range(in: bytes, limit: 16))
            case 3:  // duplicate a run elsewhere
                let run = bytes[range(in: bytes, limit: 24)]
                bytes.insert(contentsOf: run, at: index(bytes.count + 1))
            case 4:  // insert a fragment
                bytes.insert(contentsOf: fragments[index(fragments.count)], at: index(bytes.count + 1))
            case 5:  // swap two tokens
                let tokens = self.tokens(of: bytes)
                guard tokens.count >= 2 else { continue }
                let (a, b) = (tokens[index(tokens.count)], tokens[index(tokens.count)])
                guard a.upperBound <= b.lowerBound else { continue }
                let (first, second) = (Array(bytes[a]), Array(bytes[b]))
                bytes.replaceSubrange(b, with: first)
                bytes.replaceSubrange(a, with: second)
            case 6:  // replace a token with a fragment
                let tokens = self.tokens(of: bytes)
                guard !tokens.isEmpty else { continue }
                bytes.replaceSubrange(tokens[index(tokens.count)], with: fragments[index(fragments.count)])
            default:  // duplicate, drop or swap whole lines
                let lines = self.lines(of: bytes)
                guard !lines.isEmpty else { continue }
                let line = lines[index(lines.count)]
                switch index(3) {
                case 0: bytes.insert(contentsOf: bytes[line], at: lines[index(lines.count)].lowerBound)
                case 1: bytes.removeSubrange(line)
                default: bytes.insert(contentsOf: Array("  ".utf8), at: line.lowerBound)
                }
            }
        }
        return bytes
    }
}

/// The first diagnostic of `error` (errors only, unless `allSeverities`) that does not point into
/// `file` within its `lineCount` lines; `nil` when every one is located there.
public func unlocatedDiagnostic(in error: DiagnosticsError, file: String, lineCount: Int, allSeverities: Bool = true) -> Diagnostic? {
    error.diagnostics.first { diagnostic in
        guard allSeverities || diagnostic.severity == .error else { return false }
        guard let location = diagnostic.location else { return true }
        return location.file != file || location.line < 1 || location.line > lineCount || location.column < 1
    }
}
