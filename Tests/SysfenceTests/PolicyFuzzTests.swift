import Foundation
import Libseccomp
import LinuxKernel
import Sysfence
import Testing
import TestSupport
import YAML

/// Mutates policy files the ways people and tools break them.
private struct Mutator {
    var random: SeededGenerator

    /// Bytes that mean something to YAML or to the condition language, and some that are not text.
    static let interestingBytes = Array(":-[]{},#&*!|>'\"%@?~()=<^ \t\n0189xXabfAF_".utf8) + [0x00, 0x7F, 0xC3, 0xE9, 0xFF]

    /// Pieces of policy text to drop in.
    static let fragments = [
        "arg0", "arg6", "u32(arg1)", "&&", "||", "!", "in", "not in", "[", "]", "(", ")", "&", "|", "~", "-", "==", "<=",
        "0x", "0xFFFFFFFFFFFFFFFFF", "-0x8000000000000001", "99999999999999999999", "010", "0b2", "1__0",
        "allow", "errno(EPERM)", "errno(5000)", "trace(70000)", "kill-process", "action", "syscalls", "when", "arches",
        "x32", "comment", "rules", "default", "sysfence", "opne", "AF_INTE", "*a", "&a", "!!str", "!tag", "~", "null",
        "---", "...", "? ", "- ", ": ", "\n  - ", "\n    ", "'", "\"", "|\n", ">\n", "# c", "%YAML 1.1\n",
        String(repeating: "(", count: 70), String(repeating: "[", count: 70), String(repeating: "!", count: 70),
    ].map { Array($0.utf8) }

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

    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
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
                bytes.insert(contentsOf: Self.fragments[index(Self.fragments.count)], at: index(bytes.count + 1))
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
                bytes.replaceSubrange(tokens[index(tokens.count)], with: Self.fragments[index(Self.fragments.count)])
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

@Suite struct PolicyFuzzTests {
    /// Thousands of mutated policies each either decode or fail with located diagnostics; none
    /// crashes, hangs or fails any other way. Bounded by a count and, on slow machines, by time.
    @Test func mutatedPoliciesParseOrFailWithLocatedDiagnostics() throws {
        let examples = try resourceFiles("examples").map { [UInt8](try Data(contentsOf: $0)) }
        let broken = try resourceFiles("broken").map { [UInt8](try Data(contentsOf: $0)) }
        var mutator = Mutator(random: SeededGenerator(seed: 0x5EED_F0_0D))
        let deadline = ContinuousClock.now + .seconds(20)
        var decoded = 0, rejected = 0
        for round in 0..<20_000 where ContinuousClock.now < deadline {
            // Half the mutants come from valid policies, so many of them still decode.
            let seed = round.isMultiple(of: 2) ? examples[round / 2 % examples.count] : broken[round / 2 % broken.count]
            let bytes = mutator.mutate(seed)
            let file = "mutant-\(round).yaml"
            let lineCount = bytes.count { $0 == UInt8(ascii: "\n") } + 1
            do {
                let document = try YAMLReader.parse(bytes: bytes, file: file)
                _ = try Policy(document: document, file: file, syscalls: .libseccomp, constants: .system)
                decoded += 1
            } catch {
                rejected += 1
                #expect(!error.diagnostics.isEmpty)
                for diagnostic in error.diagnostics {
                    guard let location = diagnostic.location, location.file == file, location.line >= 1,
                          location.line <= lineCount, location.column >= 1 else {
                        Issue.record("unlocated diagnostic for \(String(decoding: bytes, as: UTF8.self).debugDescription): \(diagnostic)")
                        return
                    }
                }
            }
        }
        // The mutations must explore both sides, or the test proves little.
        #expect(decoded > 0)
        #expect(rejected > 0)
    }
}
