/// An OCI `linux.seccomp` object: the seccomp profile format that runc, crun, containerd, Docker,
/// Podman and the kubelet hand to libseccomp.
///
/// Actions are held as sysfence actions with their errno or trace data resolved (`errnoRet` and
/// `defaultErrnoRet` default to `EPERM`, as runc does); everything else is as written.
public struct SeccompProfile: Hashable, Sendable {
    public var defaultAction: Action
    /// `SCMP_ARCH_*` names, in order. Runtimes always add the native arch as well.
    public var architectures: [SeccompArchitecture]
    /// `SECCOMP_FILTER_FLAG_*` names; they change how the filter is loaded, not what it decides.
    public var flags: [String]
    /// The seccomp agent's socket for `SCMP_ACT_NOTIFY`.
    public var listenerPath: String?
    public var listenerMetadata: String?
    public var syscalls: [SeccompSyscallRule]

    /// A profile from its parts.
    public init(defaultAction: Action, architectures: [SeccompArchitecture] = [], flags: [String] = [],
                listenerPath: String? = nil, listenerMetadata: String? = nil, syscalls: [SeccompSyscallRule] = []) {
        self.defaultAction = defaultAction
        self.architectures = architectures
        self.flags = flags
        self.listenerPath = listenerPath
        self.listenerMetadata = listenerMetadata
        self.syscalls = syscalls
    }
}

/// One entry of a profile's `syscalls`: for these names, when every argument test holds, this action.
public struct SeccompSyscallRule: Sendable {
    public var names: [String]
    public var action: Action
    /// ANDed by libseccomp, except that runc adds one rule per test when two tests share an index.
    public var arguments: [SeccompArgument]
    /// moby's `comment`; OCI runtimes ignore it.
    public var comment: String?
    /// Where the entry was written, for diagnostics; ignored by `==`.
    public var origin: SeccompRuleOrigin?

    /// An entry from its parts.
    public init(names: [String], action: Action, arguments: [SeccompArgument] = [], comment: String? = nil,
                origin: SeccompRuleOrigin? = nil) {
        self.names = names
        self.action = action
        self.arguments = arguments
        self.comment = comment
        self.origin = origin
    }
}

extension SeccompSyscallRule {
    /// Where the entry writes `name` (its element of `names`), else where the entry starts.
    public func location(ofName name: String) -> SourceLocation? {
        guard let origin else { return nil }
        guard let index = names.firstIndex(of: name), index < origin.names.count else { return origin.location }
        return origin.names[index] ?? origin.location
    }

    /// Where the entry writes argument test `index` (its element of `args`), if known.
    public func location(ofArgument index: Int) -> SourceLocation? {
        guard let origin, index < origin.arguments.count else { return nil }
        return origin.arguments[index]
    }
}

extension SeccompSyscallRule: Hashable {
    public static func == (lhs: SeccompSyscallRule, rhs: SeccompSyscallRule) -> Bool {
        lhs.names == rhs.names && lhs.action == rhs.action && lhs.arguments == rhs.arguments && lhs.comment == rhs.comment
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(names)
        hasher.combine(action)
        hasher.combine(arguments)
        hasher.combine(comment)
    }
}

/// Where a profile entry came from: its JSON path (`syscalls[12]`) and its place in the file,
/// with the places of its parts for findings about one of them.
public struct SeccompRuleOrigin: Hashable, Sendable, CustomStringConvertible {
    public var path: JSONPath
    public var location: SourceLocation?
    /// Each element of `names` (or the `name` string), parallel to the entry's names.
    public var names: [SourceLocation?]
    /// Each element of `args`, parallel to the entry's arguments.
    public var arguments: [SourceLocation?]
    /// The `action` value.
    public var action: SourceLocation?

    public init(path: JSONPath, location: SourceLocation?, names: [SourceLocation?] = [], arguments: [SourceLocation?] = [],
                action: SourceLocation? = nil) {
        self.path = path
        self.location = location
        self.names = names
        self.arguments = arguments
        self.action = action
    }

    public var description: String { path.description }
}

/// One argument test: `args[index] op value`, or `(args[index] & value) == valueTwo` for `SCMP_CMP_MASKED_EQ`.
public struct SeccompArgument: Hashable, Sendable {
    public var index: Int
    public var value: UInt64
    public var valueTwo: UInt64
    public var op: SeccompOperator

    public init(index: Int, value: UInt64, valueTwo: UInt64 = 0, op: SeccompOperator) {
        self.index = index
        self.value = value
        self.valueTwo = valueTwo
        self.op = op
    }

    /// The same test as a sysfence comparison. libseccomp compares `(arg & mask) == (valueTwo & mask)`
    /// for a masked test, so the datum is masked here too; a mask within the low word reads as a
    /// `u32()` view (`u32(arg0) == 1` rather than `(arg0 & 0xffffffff) == 1`).
    public var comparison: Comparison {
        switch op {
        case .maskedEqual where value <= 0xFFFF_FFFF:
            return Comparison(argument: index, width: .low32, mask: value == 0xFFFF_FFFF ? .max : value, op: .equal, value: valueTwo & value)
        case .maskedEqual: return Comparison(argument: index, mask: value, op: .equal, value: valueTwo & value)
        case .notEqual: return Comparison(argument: index, op: .notEqual, value: value)
        case .less: return Comparison(argument: index, op: .less, value: value)
        case .lessOrEqual: return Comparison(argument: index, op: .lessOrEqual, value: value)
        case .equal: return Comparison(argument: index, op: .equal, value: value)
        case .greaterOrEqual: return Comparison(argument: index, op: .greaterOrEqual, value: value)
        case .greater: return Comparison(argument: index, op: .greater, value: value)
        }
    }
}

/// libseccomp's comparison operators, by their `SCMP_CMP_*` names.
public enum SeccompOperator: String, CaseIterable, Hashable, Sendable {
    case notEqual = "SCMP_CMP_NE"
    case less = "SCMP_CMP_LT"
    case lessOrEqual = "SCMP_CMP_LE"
    case equal = "SCMP_CMP_EQ"
    case greaterOrEqual = "SCMP_CMP_GE"
    case greater = "SCMP_CMP_GT"
    case maskedEqual = "SCMP_CMP_MASKED_EQ"
}

/// An `SCMP_ARCH_*` name. Every name libseccomp knows is accepted; `arch` is `nil` for the ABIs
/// sysfence does not model (MIPS, 32-bit PowerPC, s390, PA-RISC, LoongArch, m68k, SuperH).
public struct SeccompArchitecture: Hashable, Sendable, CustomStringConvertible {
    public var name: String

    /// Accepts an `SCMP_ARCH_*` name libseccomp knows.
    public init?(name: String) {
        guard Self.sysfenceArches[name] != nil || Self.otherNames.contains(name) else { return nil }
        self.name = name
    }

    /// The name of a sysfence arch.
    public init(_ arch: Arch) {
        name = Self.sysfenceArches.first { $0.value == arch }!.key
    }

    /// The sysfence arch, or `nil` for an ABI sysfence does not model.
    public var arch: Arch? { Self.sysfenceArches[name] }

    public var description: String { name }

    static let sysfenceArches: [String: Arch] = [
        "SCMP_ARCH_X86_64": .x86_64, "SCMP_ARCH_X86": .x86, "SCMP_ARCH_X32": .x32, "SCMP_ARCH_AARCH64": .aarch64,
        "SCMP_ARCH_ARM": .arm, "SCMP_ARCH_RISCV64": .riscv64, "SCMP_ARCH_PPC64LE": .ppc64le, "SCMP_ARCH_S390X": .s390x,
    ]
    static let otherNames: Set<String> = [
        "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
        "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_S390", "SCMP_ARCH_PARISC",
        "SCMP_ARCH_PARISC64", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
    ]
    static var allNames: [String] { (Array(sysfenceArches.keys) + otherNames).sorted() }
}

extension Action {
    /// The `SCMP_ACT_*` name of this action and the `errnoRet` that goes with it, if any.
    public var seccompSpelling: (name: String, errnoRet: UInt64?) {
        switch self {
        case .allow: return ("SCMP_ACT_ALLOW", nil)
        case .log: return ("SCMP_ACT_LOG", nil)
        case .errno(let n): return ("SCMP_ACT_ERRNO", UInt64(n))
        case .trap: return ("SCMP_ACT_TRAP", nil)
        case .trace(let n): return ("SCMP_ACT_TRACE", UInt64(n))
        case .killProcess: return ("SCMP_ACT_KILL_PROCESS", nil)
        case .killThread: return ("SCMP_ACT_KILL_THREAD", nil)
        case .notify: return ("SCMP_ACT_NOTIFY", nil)
        }
    }

    /// The action an `SCMP_ACT_*` name stands for, with its data as runc gives it: `errnoRet`,
    /// else `EPERM` for `SCMP_ACT_ERRNO` and `SCMP_ACT_TRACE`. `SCMP_ACT_KILL` kills the thread.
    init?(seccompName name: String, errnoRet: UInt16?) {
        switch name {
        case "SCMP_ACT_ALLOW": self = .allow
        case "SCMP_ACT_LOG": self = .log
        case "SCMP_ACT_ERRNO": self = .errno(errnoRet ?? 1)
        case "SCMP_ACT_TRAP": self = .trap
        case "SCMP_ACT_TRACE": self = .trace(errnoRet ?? 1)
        case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD": self = .killThread
        case "SCMP_ACT_KILL_PROCESS": self = .killProcess
        case "SCMP_ACT_NOTIFY": self = .notify
        default: return nil
        }
    }

    static let seccompNames = ["SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
                               "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP"]

    /// Whether an `errnoRet` means anything with this action (runc applies it to errno and trace only).
    var takesErrnoRet: Bool {
        switch self {
        case .errno, .trace: return true
        default: return false
        }
    }
}

// MARK: - Writing

extension SeccompProfile {
    /// The profile as an OCI `linux.seccomp` JSON object. Rule comments are written as moby's
    /// `comment` key, which OCI runtimes ignore.
    public var json: JSONNode {
        var pairs: [(String, JSONNode)] = []
        let action = defaultAction.seccompSpelling
        pairs.append(("defaultAction", .string(action.name)))
        if let errnoRet = action.errnoRet { pairs.append(("defaultErrnoRet", .number(errnoRet))) }
        if !architectures.isEmpty { pairs.append(("architectures", .strings(architectures.map(\.name)))) }
        if !flags.isEmpty { pairs.append(("flags", .strings(flags))) }
        if let listenerPath { pairs.append(("listenerPath", .string(listenerPath))) }
        if let listenerMetadata { pairs.append(("listenerMetadata", .string(listenerMetadata))) }
        pairs.append(("syscalls", JSONNode(.array(syscalls.map(\.json)))))
        return .object(pairs)
    }
}

extension SeccompSyscallRule {
    /// The entry as JSON: `names`, `action`, `errnoRet` where it applies, `args`, `comment`.
    var json: JSONNode {
        var pairs: [(String, JSONNode)] = [("names", .strings(names))]
        let spelling = action.seccompSpelling
        pairs.append(("action", .string(spelling.name)))
        if let errnoRet = spelling.errnoRet { pairs.append(("errnoRet", .number(errnoRet))) }
        if !arguments.isEmpty {
            pairs.append(("args", JSONNode(.array(arguments.map { argument in
                var fields: [(String, JSONNode)] = [("index", .number(UInt64(argument.index))), ("value", .number(argument.value))]
                if argument.op == .maskedEqual { fields.append(("valueTwo", .number(argument.valueTwo))) }
                fields.append(("op", .string(argument.op.rawValue)))
                return .object(fields)
            }))))
        }
        if let comment, !comment.isEmpty { pairs.append(("comment", .string(comment))) }
        return .object(pairs)
    }
}
