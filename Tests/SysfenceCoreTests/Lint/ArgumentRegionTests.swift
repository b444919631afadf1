@testable import SysfenceCore
import Testing
import TestSupport

/// The exact interval reasoning behind the semantic rules, against brute force.
@Suite struct ArgumentRegionTests {
    private func region(_ condition: Condition) throws -> ArgumentRegion { try ArgumentRegion(condition) }

    @Test func contradictionsAndTautologies() throws {
        #expect(try region(.and([arg(0, .greater, 5), arg(0, .less, 3)])).isEmpty)
        #expect(try region(arg(0, .greaterOrEqual, 0)).isEverything())
        #expect(try region(.or([arg(1, .less, 10), arg(1, .greaterOrEqual, 10)])).isEverything())
        #expect(try region(.not(.or([arg(1, .less, 10), arg(1, .greaterOrEqual, 10)]))).isEmpty)
        // A masked value cannot have bits outside the mask.
        #expect(try region(arg(2, .equal, 8, mask: 0x4)).isEmpty)
        #expect(try region(arg(2, .lessOrEqual, 0x4, mask: 0x4)).isEverything())
        // A mask of no bits compares 0.
        #expect(try region(arg(2, .equal, 0, mask: 0)).isEverything())
    }

    @Test func wholeArgumentsAgainstTheirLowWord() throws {
        // The low word of 0x1_0000_0005 is 5, not 6.
        #expect(try region(.and([arg(0, .equal, 0x1_0000_0005), arg(0, .equal, 6, width: .low32)])).isEmpty)
        let both = try region(.and([arg(0, .equal, 0x1_0000_0005), arg(0, .equal, 5, width: .low32)]))
        #expect(both.witness { $0[0] == 0x1_0000_0005 } == [0x1_0000_0005, 0, 0, 0, 0, 0])
        // Values between two words: 0xffff_ffff < x < 0x1_0000_0001 leaves only 0x1_0000_0000.
        let between = try region(.and([arg(3, .greater, 0xFFFF_FFFF), arg(3, .less, 0x1_0000_0001)]))
        #expect(between.witness { _ in true }?[3] == 0x1_0000_0000)
        #expect(try between.subtracting(region(arg(3, .equal, 0x1_0000_0000))).isEmpty)
    }

    @Test func differenceOfUnions() throws {
        let wide = try region(arg(0, .less, 100))
        let pieces = try region(.or([arg(0, .less, 50), .and([arg(0, .greaterOrEqual, 50), arg(0, .lessOrEqual, 98)])]))
        let rest = try wide.subtracting(pieces)
        #expect(rest.witness { $0[0] == 99 } != nil)
        #expect(try rest.subtracting(region(arg(0, .equal, 99))).isEmpty)
    }

    @Test func smallestSubmask() {
        #expect(SysfenceCore.smallestSubmask(of: 0b1010, atLeast: 0) == 0)
        #expect(SysfenceCore.smallestSubmask(of: 0b1010, atLeast: 1) == 0b0010)
        #expect(SysfenceCore.smallestSubmask(of: 0b1010, atLeast: 3) == 0b1000)
        #expect(SysfenceCore.smallestSubmask(of: 0b1010, atLeast: 11) == nil)
        #expect(SysfenceCore.smallestSubmask(of: .max, atLeast: .max) == .max)
    }

    /// Random conditions over a few interesting constants: an empty region must have no
    /// satisfying point, an everything region no failing one, and a witness must satisfy.
    @Test func soundAgainstConcreteValues() throws {
        var generator = SeededGenerator(seed: 0x5EED)
        let constants: [UInt64] = [0, 1, 2, 5, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x1_0000_0000, 0xFFFF_FFFF_FFFF_FF9C, .max]
        let masks: [UInt64] = [.max, .max, 0xFFFF_FFFF, 0x3, 0x8000_0000]
        func comparison() -> Condition {
            let width: ArgumentWidth = generator.next() % 3 == 0 ? .low32 : .full
            return arg(Int(generator.next() % 2), ComparisonOperator.allCases[Int(generator.next() % 6)],
                       constants[Int(generator.next() % UInt64(constants.count))], width: width,
                       mask: masks[Int(generator.next() % UInt64(masks.count))])
        }
        func condition(_ depth: Int) -> Condition {
            guard depth > 0, generator.next() % 3 != 0 else { return comparison() }
            switch generator.next() % 3 {
            case 0: return .and([condition(depth - 1), condition(depth - 1)])
            case 1: return .or([condition(depth - 1), condition(depth - 1)])
            default: return .not(condition(depth - 1))
            }
        }
        // Probe points: each constant, its neighbours and its low word, on both arguments.
        let values = Set(constants.flatMap { (c: UInt64) -> [UInt64] in [c, c &+ 1, c &- 1, c & 0xFFFF_FFFF, c | 0x1_0000_0000] })
        let points: [[UInt64]] = values.flatMap { a in values.map { b in [a, b, 0, 0, 0, 0] } }
        var empty = 0, everything = 0
        for _ in 0..<400 {
            let condition = condition(3)
            let region = try ArgumentRegion(condition)
            if region.isEmpty {
                empty += 1
                #expect(!points.contains { condition.holds(arguments: $0) }, "\(condition)")
            }
            if try region.isEverything() {
                everything += 1
                #expect(points.allSatisfy { condition.holds(arguments: $0) }, "\(condition)")
            }
            if let witness = region.witness(where: { _ in true }), !region.boxes.contains(where: { $0.hasMaskedAxis }) {
                #expect(condition.holds(arguments: witness), "\(condition) at \(witness)")
            }
        }
        // The generator reaches both constant outcomes, so the checks above are exercised.
        #expect(empty > 10 && everything > 10)
    }

    @Test func filterLengthThresholds() {
        let context = LintContext(policy: lintPolicy(default: .allow, []), table: lintTable, errnoNames: [:], keys: lintKeys, isImportedProfile: false)
        func severities(_ length: Int) -> [Severity] {
            var findings: [Finding] = []
            context.checkFilterLength(length, into: &findings)
            return findings.map(\.severity)
        }
        #expect(severities(3686) == [])
        #expect(severities(3687) == [.warning])
        #expect(severities(4096) == [.warning])
        #expect(severities(4097) == [.error])
    }
}

extension ArgumentBox {
    var hasMaskedAxis: Bool {
        ranges.keys.contains { if case .masked = $0 { return true } else { return false } }
    }
}

