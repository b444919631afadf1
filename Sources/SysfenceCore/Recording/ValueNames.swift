/// Names for the argument values of watched syscalls (`AF_INET`, `CLONE_NEWUSER`, `TCGETS`), in
/// conditions and reports; a value without a name stays a number.
struct ValueNames {
    let constants: ConstantTable

    /// Constants that share their value with a more common spelling.
    private static let aliases: Set<String> = ["AF_LOCAL", "AF_ROUTE", "TIOCINQ"]

    /// The name of the masked value `value` of a watched argument read as `naming`, for a rule
    /// on `arches`; `nil` when no constant names it.
    func name(of value: UInt32, _ naming: WatchedSyscalls.ValueNaming, arches: [Arch]) -> String? {
        switch naming {
        case .constant(let prefixes):
            return constant(value, prefixes: prefixes)
        case .ioctlRequest(let prefixes):
            // powerpc encodes terminal requests differently from the generic numbers of the headers.
            return arches.contains(.ppc64le) ? nil : constant(value, prefixes: prefixes)
        case .protExec:
            return value == WatchedSyscalls.protExec && has("PROT_EXEC", value) ? "PROT_EXEC" : nil
        case .namespaceFlags:
            guard value != 0 else { return nil }
            var names: [String] = [], rest = value
            for (name, bit) in Self.namespaceFlags where rest & bit != 0 && has(name, bit) {
                names.append(name)
                rest &= ~bit
            }
            return rest == 0 ? names.joined(separator: " | ") : nil
        }
    }

    /// `value` as a condition writes it: its name, else the number.
    func spelled(_ value: UInt32, _ naming: WatchedSyscalls.ValueNaming, arches: [Arch]) -> String {
        name(of: value, naming, arches: arches) ?? Comparison.number(UInt64(value), isMaskedOrNarrow: true)
    }

    /// The namespace flags `clone` and `unshare` take, `CLONE_NEWTIME` included.
    private static let namespaceFlags: [(name: String, bit: UInt32)] =
        SyscallFacts.namespaceFlags.map { ($0.name, UInt32($0.bit)) } + [("CLONE_NEWTIME", WatchedSyscalls.cloneNewTime)]

    private func has(_ name: String, _ value: UInt32) -> Bool { constants.values[name] == UInt64(value) }

    private func constant(_ value: UInt32, prefixes: [String]) -> String? {
        constants.values.filter { name, number in
            number == UInt64(value) && prefixes.contains { name.hasPrefix($0) } && !Self.aliases.contains(name)
        }.keys.min()
    }

    /// How a comparison of a generated rule reads with names: `u32(arg0) == AF_INET`,
    /// `(u32(arg0) & (CLONE_NEWNS | ...)) == 0`; `nil` when the comparison is not one a
    /// recording generates for the rule's syscall.
    ///
    /// `ioctl` requests stay numbers: a policy's constants are read with the headers of the host
    /// that reads it, and request numbers differ between arches (powerpc), so a name could
    /// change the rule on another host; the other names mean the same on every supported arch.
    func spelling(of comparison: Comparison, in rule: Rule, arches: [Arch]) -> String? {
        guard rule.syscalls.count == 1, case .name(let syscall) = rule.syscalls[0], let entry = WatchedSyscalls.byName[syscall],
              comparison.width == .low32, comparison.op == .equal, comparison.effectiveValue == comparison.value,
              let position = Set(arches.map { entry.arguments($0) }).count == 1 ? arches.first.flatMap({ entry.arguments($0).firstIndex(of: comparison.argument) }) : nil
        else { return nil }
        let mask = entry.masks[position], naming = entry.naming[position]
        if case .ioctlRequest = naming { return nil }
        var operand = "u32(arg\(comparison.argument))"
        switch comparison.mask {
        case .max where mask == 0xFFFF_FFFF: break
        case UInt64(mask) where mask != 0xFFFF_FFFF:
            let maskName = name(of: mask, naming, arches: arches).map { $0.contains("|") ? "(\($0))" : $0 } ?? Comparison.hex(UInt64(mask))
            operand = "(\(operand) & \(maskName))"
        default: return nil
        }
        return "\(operand) == \(spelled(UInt32(comparison.value), naming, arches: arches))"
    }
}

extension Policy {
    /// The policy as a YAML policy file, with the values of the syscalls a recording watches
    /// written as the constants of `constants` (`u32(arg0) == AF_INET`); reads back to an equal policy.
    public func yamlText(header: [String] = [], errnoNames: [UInt16: String] = [:], constants: ConstantTable) -> String {
        let names = ValueNames(constants: constants)
        return yamlText(header: header, errnoNames: errnoNames) { rule, comparison in
            names.spelling(of: comparison, in: rule, arches: arches(of: rule))
        }
    }
}
