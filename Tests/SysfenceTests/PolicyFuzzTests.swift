import Foundation
import Libseccomp
import LinuxKernel
import Sysfence
import Testing
import TestSupport
import YAML

/// Pieces of policy text that mean something to YAML or to the condition language.
private let policyFragments = [
    "arg0", "arg6", "u32(arg1)", "&&", "||", "!", "in", "not in", "[", "]", "(", ")", "&", "|", "~", "-", "==", "<=",
    "0x", "0xFFFFFFFFFFFFFFFFF", "-0x8000000000000001", "99999999999999999999", "010", "0b2", "1__0",
    "allow", "errno(EPERM)", "errno(5000)", "trace(70000)", "kill-process", "action", "syscalls", "when", "arches",
    "x32", "comment", "rules", "default", "sysfence", "opne", "AF_INTE", "*a", "&a", "!!str", "!tag", "~", "null",
    "---", "...", "? ", "- ", ": ", "\n  - ", "\n    ", "'", "\"", "|\n", ">\n", "# c", "%YAML 1.1\n",
    String(repeating: "(", count: 70), String(repeating: "[", count: 70), String(repeating: "!", count: 70),
]

@Suite struct PolicyFuzzTests {
    /// Thousands of mutated policies each either decode or fail with located diagnostics; none
    /// crashes, hangs or fails any other way. Bounded by a count and, on slow machines, by time.
    @Test func mutatedPoliciesParseOrFailWithLocatedDiagnostics() throws {
        let examples = try resourceFiles("examples").map { [UInt8](try Data(contentsOf: $0)) }
        let broken = try resourceFiles("broken").map { [UInt8](try Data(contentsOf: $0)) }
        var mutator = TextMutator(random: SeededGenerator(seed: 0x5EED_F0_0D), fragments: policyFragments)
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
                if let diagnostic = unlocatedDiagnostic(in: error, file: file, lineCount: lineCount) {
                    Issue.record("unlocated diagnostic for \(String(decoding: bytes, as: UTF8.self).debugDescription): \(diagnostic)")
                    return
                }
            }
        }
        // The mutations must explore both sides, or the test proves little.
        #expect(decoded > 0)
        #expect(rejected > 0)
    }
}
