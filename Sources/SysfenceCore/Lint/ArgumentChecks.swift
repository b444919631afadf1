extension LintContext {
    /// `pointer-argument`, `sign-extension` and `value-out-of-range`: each comparison against the
    /// kinds of the arguments it reads (`SyscallFacts.signatures`).
    func checkArguments(into findings: inout [Finding]) {
        for (index, rule) in policy.rules.enumerated() {
            guard let condition = rule.condition else { continue }
            let arches = policy.arches(of: rule)
            let ruleNames = rule.syscalls.compactMap { selector -> String? in
                if case .name(let name) = selector { return name }
                return nil
            }
            var seen: Set<Comparison> = []
            for comparison in condition.comparisons where seen.insert(comparison).inserted {
                /// The syscalls whose argument has `kind` on one of `arches`, in rule order.
                func names(withArgumentOf kind: SyscallFacts.ArgumentKind, on arches: [Arch]) -> [String] {
                    ruleNames.filter { name in
                        arches.contains { arch in
                            guard table.number(of: name, on: arch) != nil,
                                  let kinds = SyscallFacts.argumentKinds(of: name, on: arch),
                                  comparison.argument < kinds.count else { return false }
                            return kinds[comparison.argument] == kind
                        }
                    }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
                }
                let location = conditionLocation(index)
                let wide = arches.filter { !$0.hasThirtyTwoBitArguments }
                let narrow = arches.filter(\.hasThirtyTwoBitArguments)
                let argument = "arg\(comparison.argument)"
                let text = comparison.whenText

                let pointers = names(withArgumentOf: .pointer, on: arches)
                if !pointers.isEmpty, !comparison.isNullTest {
                    findings.append(Finding(.pointerArgument, at: location, subject: text,
                                            "\(argument) of \(listText(pointers)) is a pointer: `\(text)` compares the address, not the data it points to"))
                }

                let ints = names(withArgumentOf: .int32, on: wide)
                let value = comparison.value
                let fullWidth = comparison.width == .full && comparison.mask == .max
                let isEquality = comparison.op == .equal || comparison.op == .notEqual
                if fullWidth, isEquality, !ints.isEmpty, value & 0x8000_0000 != 0, value >> 32 == 0 || value.isSignExtendedInt32 {
                    let negative = -Int64(bitPattern: value | 0xFFFF_FFFF_0000_0000)
                    let how = value.isSignExtendedInt32
                        ? "only the sign-extended form of -\(negative); a caller that zero-extends it (0x\(String(value & 0xFFFF_FFFF, radix: 16))) is not matched by this rule"
                        : "only the zero-extended form; a caller that passes it sign-extended, as the int -\(negative), is not matched by this rule"
                    // A profile has no u32() view: its way to compare the low word is a masked test.
                    let fix = isImportedProfile
                        ? "test it with SCMP_CMP_MASKED_EQ under the mask 4294967295 instead"
                        : "compare u32(\(argument)) instead"
                    findings.append(Finding(.signExtension, at: location, subject: text,
                                            "\(argument) of \(listText(ints)) is a 32-bit int and `\(text)` matches \(how); \(fix)"))
                }

                guard value >> 32 != 0, !value.isSignExtendedInt32 else { continue }
                let low = whenLiteral(value & 0xFFFF_FFFF)
                var problems: [String] = []
                if comparison.width == .low32 {
                    problems.append("u32(\(argument)) takes only the low 32 bits of \(whenLiteral(value)), so it compares with \(low)")
                } else if fullWidth {
                    if !narrow.isEmpty {
                        problems.append("on \(listText(narrow.map(\.rawValue))) only the low 32 bits are compared, so \(whenLiteral(value)) is compared as \(low)")
                    }
                    if !ints.isEmpty {
                        problems.append("\(argument) of \(listText(ints)) is a 32-bit int, so `\(text)` can only match calls that fill the half the kernel ignores")
                    }
                }
                guard !problems.isEmpty else { continue }
                findings.append(Finding(.valueOutOfRange, at: location, subject: text, problems.joined(separator: "; ")))
            }
        }
    }
}

extension Comparison {
    /// `argN == 0` or `argN != 0`: whether a pointer is null, the one test on a pointer that means something.
    var isNullTest: Bool {
        (op == .equal || op == .notEqual) && effectiveValue == 0 && effectiveMask == (width == .low32 ? 0xFFFF_FFFF : .max)
    }
}

extension UInt64 {
    /// Whether the value is a negative 32-bit int sign-extended to 64 bits (`AT_FDCWD`, `-1`).
    var isSignExtendedInt32: Bool { self >> 32 == 0xFFFF_FFFF && self & 0x8000_0000 != 0 }
}
