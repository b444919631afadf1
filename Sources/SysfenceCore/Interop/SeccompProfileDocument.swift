/// A seccomp profile file as written: an OCI `linux.seccomp` object, a whole OCI `config.json`,
/// moby's templated profile (`archMap`, `includes`/`excludes`), or a Kubernetes `SeccompProfile`
/// resource of the security-profiles-operator.
///
/// `render(for:)` turns it into the plain OCI profile a container runtime would load.
public struct SeccompProfileDocument: Sendable {
    /// Which of the accepted forms the file had.
    public enum Kind: String, Sendable {
        case oci = "OCI seccomp profile"
        case ociConfig = "OCI runtime config.json"
        case mobyTemplate = "moby templated seccomp profile"
        case kubernetes = "Kubernetes SeccompProfile resource"
    }

    /// One `archMap` entry: on a host of `architecture`, the profile admits it and its sub-arches.
    public struct ArchMapEntry: Sendable {
        public var architecture: String
        public var subArchitectures: [String]
        /// The places of `architecture` and of each sub-architecture, in that order.
        public var locations: [SourceLocation?] = []
    }

    /// moby's `includes`/`excludes`: arches (moby's names: `amd64`, `arm64`...), caps, minimum kernel.
    public struct Filter: Sendable {
        public var arches: [String] = []
        public var caps: [String] = []
        public var minKernel: KernelVersion?
    }

    /// An entry with its template conditions.
    public struct Entry: Sendable {
        public var rule: SeccompSyscallRule
        public var includes: Filter?
        public var excludes: Filter?
    }

    public var kind: Kind
    /// `metadata.name` of a Kubernetes resource, if any.
    public var resourceName: String?
    public var defaultAction: Action
    public var architectures: [SeccompArchitecture]
    public var archMap: [ArchMapEntry]
    public var flags: [String]
    public var listenerPath: String?
    public var listenerMetadata: String?
    public var entries: [Entry]
    /// Warnings found while reading (unknown keys, ignored fields).
    public var warnings: [Diagnostic]
    /// Where the file wrote its keys, for findings about them.
    public var places = Places()

    /// Where a profile file wrote the keys that concern the whole profile.
    public struct Places: Sendable {
        /// The `defaultAction` value.
        public var defaultAction: SourceLocation?
        /// The `architectures` key, else the `archMap` key.
        public var arches: SourceLocation?
        /// Each element of `architectures`, parallel to `architectures`.
        public var architectures: [SourceLocation?] = []
    }
}

/// A Linux kernel version as moby's `minKernel` compares it: `<kernel>.<major>`.
public struct KernelVersion: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var kernel: UInt8
    public var major: UInt8

    public init(kernel: UInt8, major: UInt8) {
        self.kernel = kernel
        self.major = major
    }

    /// Parses `X.Y` exactly, as moby reads `minKernel` (each part 0-255, not both 0).
    public init?(minKernel text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let kernel = UInt8(parts[0]), let major = UInt8(parts[1]), kernel != 0 || major != 0 else { return nil }
        self.init(kernel: kernel, major: major)
    }

    /// Parses a kernel release such as `6.1.0-18-amd64` or `3.12-rc5`, keeping the first two numbers.
    public init?(release text: String) {
        let digits = text.split(whereSeparator: { !$0.isNumber }).prefix(2)
        let separatorOK = text.drop(while: \.isNumber).first == "."
        guard digits.count == 2, separatorOK, text.first?.isNumber == true,
              let kernel = UInt8(digits[digits.startIndex]), let major = UInt8(digits[digits.startIndex + 1]) else { return nil }
        self.init(kernel: kernel, major: major)
    }

    public static func < (lhs: KernelVersion, rhs: KernelVersion) -> Bool {
        (lhs.kernel, lhs.major) < (rhs.kernel, rhs.major)
    }

    public var description: String { "\(kernel).\(major)" }
}

/// What moby renders a templated profile for: the host, the container's capabilities, the kernel.
public struct SeccompRenderOptions: Sendable {
    /// The host arch; `x32` is not a host arch.
    public var arch: Arch
    /// The container's bounding capability set (`CAP_*` names).
    public var capabilities: Set<String>
    public var kernel: KernelVersion

    public init(arch: Arch = .native, capabilities: Set<String> = SeccompRenderOptions.dockerDefaultCapabilities, kernel: KernelVersion) {
        self.arch = arch
        self.capabilities = capabilities
        self.kernel = kernel
    }

    /// The capabilities `docker run` gives a container unless told otherwise.
    public static let dockerDefaultCapabilities: Set<String> = [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ]

    /// The name moby's templates use for a host arch in `includes.arches` (Go's name through
    /// moby's `goToNative`), and the `SCMP_ARCH_*` name it looks up in `archMap`.
    var mobyNames: (native: String, seccomp: String) {
        switch arch {
        case .x86_64, .x32: return ("amd64", "SCMP_ARCH_X86_64")
        case .x86: return ("x86", "SCMP_ARCH_X86")
        case .aarch64: return ("arm64", "SCMP_ARCH_AARCH64")
        case .arm: return ("arm", "SCMP_ARCH_ARM")
        case .riscv64: return ("riscv64", "SCMP_ARCH_RISCV64")
        case .ppc64le: return ("ppc64le", "SCMP_ARCH_PPC64LE")
        case .s390x: return ("s390x", "SCMP_ARCH_S390X")
        }
    }
}

extension SeccompProfileDocument {
    /// Whether the file uses moby's template features, so that rendering depends on the options.
    public var isTemplate: Bool { kind == .mobyTemplate }

    /// The OCI profile a runtime would load, rendering a template the way the Docker engine does
    /// (moby's `setupSeccomp`): the `archMap` entry of the host arch, and only the entries whose
    /// `excludes` do not match and whose `includes` all match the host, caps and kernel.
    public func render(for options: SeccompRenderOptions) -> SeccompProfile {
        let (native, seccompName) = options.mobyNames
        var arches = architectures
        if let entry = archMap.first(where: { $0.architecture == seccompName }) {
            arches += ([entry.architecture] + entry.subArchitectures).compactMap(SeccompArchitecture.init(name:))
        }
        let rules = entries.filter { entry in
            if let excludes = entry.excludes {
                if excludes.arches.contains(native) { return false }
                if excludes.caps.contains(where: options.capabilities.contains) { return false }
                if let minKernel = excludes.minKernel, options.kernel >= minKernel { return false }
            }
            if let includes = entry.includes {
                if !includes.arches.isEmpty, !includes.arches.contains(native) { return false }
                if !includes.caps.allSatisfy(options.capabilities.contains) { return false }
                if let minKernel = includes.minKernel, options.kernel < minKernel { return false }
            }
            return true
        }.map(\.rule)
        return SeccompProfile(defaultAction: defaultAction, architectures: arches, flags: flags, listenerPath: listenerPath,
                              listenerMetadata: listenerMetadata, syscalls: rules)
    }

    /// Where the arches a rendering for `options` admits are written: the element of
    /// `architectures`, or of the host's `archMap` entry, that names each. The first place wins.
    public func archLocations(for options: SeccompRenderOptions) -> [Arch: SourceLocation] {
        var named = Array(zip(architectures.map(\.arch), places.architectures))
        if let entry = archMap.first(where: { $0.architecture == options.mobyNames.seccomp }) {
            let names = [entry.architecture] + entry.subArchitectures
            named += zip(names.map { SeccompArchitecture(name: $0)?.arch }, entry.locations)
        }
        var result: [Arch: SourceLocation] = [:]
        for case (let arch?, let location?) in named where result[arch] == nil { result[arch] = location }
        return result
    }
}

// MARK: - Reading

extension SeccompProfileDocument {
    /// Reads a profile file's text, detecting its form.
    public init(text: String, file: String) throws(DiagnosticsError) {
        try self.init(json: JSONNode(parsing: text, file: file), file: file)
    }

    /// Reads a parsed JSON document, detecting its form. Every problem is reported with its JSON
    /// path and place; warnings (unknown keys, ignored fields) are kept in `warnings`.
    public init(json root: JSONNode, file: String) throws(DiagnosticsError) {
        var reader = JSONReader(file: file)
        guard let members = reader.object(root, .root) else { throw DiagnosticsError(reader.diagnostics) }
        let keys = Set(members.map(\.key))
        var node = root
        var path = JSONPath.root
        var kind = Kind.oci
        var resourceName: String?
        if keys.contains("kind") || keys.contains("apiVersion") {
            let kindName = root["kind"].flatMap { reader.string($0, .root.member("kind")) }
            guard kindName == "SeccompProfile" else {
                reader.error(root["kind"] ?? root, .root.member("kind"),
                             "expected a Kubernetes resource of kind \"SeccompProfile\"\(kindName.map { ", found \"\($0)\"" } ?? "")")
                throw DiagnosticsError(reader.diagnostics)
            }
            guard let spec = root["spec"] else {
                reader.error(root, .root, "a SeccompProfile resource needs a \"spec\" holding the profile")
                throw DiagnosticsError(reader.diagnostics)
            }
            resourceName = root["metadata"]?["name"].flatMap { reader.string($0, .root.member("metadata").member("name")) }
            node = spec
            path = .root.member("spec")
            kind = .kubernetes
        } else if keys.contains("ociVersion") || keys.contains("linux") || keys.contains("process") {
            path = .root.member("linux")
            guard let linux = root["linux"], reader.object(linux, path) != nil else {
                reader.error(root, .root, "an OCI config.json without a \"linux\" object has no seccomp profile")
                throw DiagnosticsError(reader.diagnostics)
            }
            path = path.member("seccomp")
            guard let seccomp = linux["seccomp"] else {
                reader.error(linux, .root.member("linux"), "this config.json has no \"seccomp\" profile")
                throw DiagnosticsError(reader.diagnostics)
            }
            node = seccomp
            kind = .ociConfig
        }
        self = try Self.decode(node, at: path, kind: kind, reader: &reader)
        self.resourceName = resourceName
    }

    static let profileKeys: Set<String> = [
        "defaultAction", "defaultErrnoRet", "architectures", "archMap", "flags", "listenerPath", "listenerMetadata",
        "syscalls", "defaultErrno",
    ]
    static let kubernetesSpecKeys: Set<String> = profileKeys.union(["disabled", "baseProfileName"])
    static let entryKeys: Set<String> = ["names", "name", "action", "errnoRet", "args", "comment", "includes", "excludes", "errno"]
    static let argumentKeys: Set<String> = ["index", "value", "valueTwo", "op"]
    static let filterKeys: Set<String> = ["arches", "caps", "minKernel"]
    static let archMapKeys: Set<String> = ["architecture", "subArchitectures"]

    private static func decode(_ node: JSONNode, at path: JSONPath, kind: Kind, reader: inout JSONReader) throws(DiagnosticsError) -> SeccompProfileDocument {
        guard let fields = reader.object(node, path, known: kind == .kubernetes ? kubernetesSpecKeys : profileKeys) else {
            throw DiagnosticsError(reader.diagnostics)
        }
        if kind == .kubernetes {
            if let base = fields["baseProfileName"], let name = reader.optionalString(base, path.member("baseProfileName")), !name.isEmpty {
                reader.error(base, path.member("baseProfileName"),
                             "a base profile (\"\(name)\") is resolved by the operator in the cluster; import the merged profile instead")
            }
            if let disabled = fields["disabled"], case .bool(true) = disabled.value {
                reader.error(disabled, path.member("disabled"), "the profile is disabled; there is nothing to import")
            }
        }

        let defaultErrnoRet = fields["defaultErrnoRet"].flatMap {
            reader.optionalUnsigned($0, path.member("defaultErrnoRet"), maximum: UInt64(UInt16.max))
        }.map { UInt16($0) }
        var defaultAction = Action.allow
        if let actionNode = fields["defaultAction"] {
            if let action = decodeAction(actionNode, path.member("defaultAction"), errnoRet: defaultErrnoRet, reader: &reader) {
                defaultAction = action
                if defaultErrnoRet != nil, !action.takesErrnoRet, let errnoNode = fields["defaultErrnoRet"] {
                    reader.warning(errnoNode, path.member("defaultErrnoRet"), "has no effect with \(actionNode.stringValue ?? "this action")")
                }
            }
        } else {
            reader.error(node, path, "the profile has no \"defaultAction\"")
        }

        var places = Places(defaultAction: fields["defaultAction"].flatMap(reader.location(of:)))
        let architectures = reader.optionalArray(fields["architectures"], path.member("architectures")).enumerated().compactMap { index, element in
            decodeArchitecture(element, path.member("architectures").index(index), reader: &reader).map { architecture in
                places.architectures.append(reader.location(of: element))
                return architecture
            }
        }
        var archMap: [ArchMapEntry] = []
        for (index, element) in reader.optionalArray(fields["archMap"], path.member("archMap")).enumerated() {
            let entryPath = path.member("archMap").index(index)
            guard let entry = reader.object(element, entryPath, known: archMapKeys) else { continue }
            guard let architectureNode = entry["architecture"] else {
                reader.error(element, entryPath, "an archMap entry needs an \"architecture\"")
                continue
            }
            guard let architecture = decodeArchitecture(architectureNode, entryPath.member("architecture"), reader: &reader) else { continue }
            var locations = [reader.location(of: architectureNode)]
            let subArchitectures = reader.optionalArray(entry["subArchitectures"], entryPath.member("subArchitectures")).enumerated().compactMap { i, sub in
                decodeArchitecture(sub, entryPath.member("subArchitectures").index(i), reader: &reader).map { architecture in
                    locations.append(reader.location(of: sub))
                    return architecture
                }
            }
            archMap.append(ArchMapEntry(architecture: architecture.name, subArchitectures: subArchitectures.map(\.name), locations: locations))
        }
        if !architectures.isEmpty, !archMap.isEmpty, let node = fields["archMap"] {
            reader.error(node, path.member("archMap"), "both \"architectures\" and \"archMap\" are given; use one of them, as moby requires")
        }
        let flags = reader.strings(fields["flags"], path.member("flags"))
        let listenerPath = reader.optionalString(fields["listenerPath"], path.member("listenerPath"))
        let listenerMetadata = reader.optionalString(fields["listenerMetadata"], path.member("listenerMetadata"))

        var entries: [Entry] = []
        var usesTemplate = !archMap.isEmpty
        for (index, element) in reader.optionalArray(fields["syscalls"], path.member("syscalls")).enumerated() {
            guard let entry = decodeEntry(element, path.member("syscalls").index(index), kind: kind, reader: &reader) else { continue }
            if entry.includes != nil || entry.excludes != nil { usesTemplate = true }
            entries.append(entry)
        }
        try reader.throwIfFailed()
        places.arches = keyLocation("architectures", in: node, reader: reader) ?? keyLocation("archMap", in: node, reader: reader)
        return SeccompProfileDocument(kind: usesTemplate && kind != .kubernetes ? .mobyTemplate : kind, resourceName: nil,
                                      defaultAction: defaultAction, architectures: architectures, archMap: archMap, flags: flags,
                                      listenerPath: listenerPath, listenerMetadata: listenerMetadata, entries: entries,
                                      warnings: reader.diagnostics, places: places)
    }

    /// The place of the key `key` of an object node.
    private static func keyLocation(_ key: String, in node: JSONNode, reader: JSONReader) -> SourceLocation? {
        guard let member = node.members?.first(where: { $0.key == key }), member.line > 0 else { return nil }
        return SourceLocation(file: reader.file, line: member.line, column: member.column)
    }

    private static func decodeArchitecture(_ node: JSONNode, _ path: JSONPath, reader: inout JSONReader) -> SeccompArchitecture? {
        guard let name = reader.string(node, path) else { return nil }
        if let arch = SeccompArchitecture(name: name) { return arch }
        let suggestion = closestName(to: name, among: SeccompArchitecture.allNames).map { "; did you mean \"\($0)\"?" } ?? ""
        reader.error(node, path, "unknown architecture \"\(name)\"\(suggestion)")
        return nil
    }

    private static func decodeAction(_ node: JSONNode, _ path: JSONPath, errnoRet: UInt16?, reader: inout JSONReader) -> Action? {
        guard let name = reader.string(node, path) else { return nil }
        if let action = Action(seccompName: name, errnoRet: errnoRet) { return action }
        let suggestion = closestName(to: name, among: Action.seccompNames).map { "; did you mean \"\($0)\"?" }
            ?? " (expected one of \(Action.seccompNames.joined(separator: ", ")))"
        reader.error(node, path, "unknown action \"\(name)\"\(suggestion)")
        return nil
    }

    private static func decodeEntry(_ node: JSONNode, _ path: JSONPath, kind: Kind, reader: inout JSONReader) -> Entry? {
        let known = kind == .kubernetes ? entryKeys.subtracting(["name", "includes", "excludes", "comment"]) : entryKeys
        guard let fields = reader.object(node, path, known: known) else { return nil }
        let errorsBefore = reader.diagnostics.count
        var names = reader.strings(fields["names"], path.member("names"))
        var nameLocations: [SourceLocation?] = {
            guard case .array(let elements)? = fields["names"]?.value else { return [] }
            return elements.map(reader.location(of:))
        }()
        if let nameNode = fields["name"], let name = reader.optionalString(nameNode, path.member("name")), !name.isEmpty {
            if names.isEmpty {
                names = [name]
                nameLocations = [reader.location(of: nameNode)]
            } else {
                reader.error(nameNode, path.member("name"), "both \"name\" and \"names\" are given; use one of them, as moby requires")
            }
        }
        if names.isEmpty, reader.diagnostics.count == errorsBefore {
            reader.error(fields["names"] ?? node, path.member("names"), fields["names"] == nil ? "the entry names no syscall" : "the list of names is empty")
        }
        for (index, name) in names.enumerated() where name.isEmpty {
            let element = fields["names"].flatMap { if case .array(let a) = $0.value, index < a.count { return a[index] }; return nil } ?? node
            reader.error(element, path.member("names").index(index), "an empty string is not a syscall name")
        }
        let errnoRet = fields["errnoRet"].flatMap { reader.optionalUnsigned($0, path.member("errnoRet"), maximum: UInt64(UInt16.max)) }.map { UInt16($0) }
        var action: Action?
        if let actionNode = fields["action"] {
            action = decodeAction(actionNode, path.member("action"), errnoRet: errnoRet, reader: &reader)
            if let action, errnoRet != nil, !action.takesErrnoRet, let errnoNode = fields["errnoRet"] {
                reader.warning(errnoNode, path.member("errnoRet"), "has no effect with \(actionNode.stringValue ?? "this action")")
            }
        } else {
            reader.error(node, path, "the entry has no \"action\"")
        }
        var arguments: [SeccompArgument] = []
        var argumentLocations: [SourceLocation?] = []
        for (index, element) in reader.optionalArray(fields["args"], path.member("args")).enumerated() {
            if let argument = decodeArgument(element, path.member("args").index(index), reader: &reader) {
                arguments.append(argument)
                argumentLocations.append(reader.location(of: element))
            }
        }
        let comment = reader.optionalString(fields["comment"], path.member("comment"))
        let includes = fields["includes"].flatMap { decodeFilter($0, path.member("includes"), reader: &reader) }
        let excludes = fields["excludes"].flatMap { decodeFilter($0, path.member("excludes"), reader: &reader) }
        guard let action, reader.diagnostics[errorsBefore...].allSatisfy({ $0.severity != .error }) else { return nil }
        let rule = SeccompSyscallRule(names: names, action: action, arguments: arguments, comment: comment?.isEmpty == true ? nil : comment,
                                      origin: SeccompRuleOrigin(path: path, location: reader.location(of: node), names: nameLocations,
                                                                arguments: argumentLocations, action: fields["action"].flatMap(reader.location(of:))))
        return Entry(rule: rule, includes: includes, excludes: excludes)
    }

    private static func decodeArgument(_ node: JSONNode, _ path: JSONPath, reader: inout JSONReader) -> SeccompArgument? {
        guard let fields = reader.object(node, path, known: argumentKeys) else { return nil }
        let errorsBefore = reader.diagnostics.count
        var index: UInt64?
        if let indexNode = fields["index"] {
            index = reader.unsigned(indexNode, path.member("index"))
            if let value = index, value > 5 {
                reader.error(indexNode, path.member("index"), "\(value) is out of range; syscalls have arguments 0 to 5")
            }
        } else {
            reader.error(node, path, "the argument test has no \"index\"")
        }
        let value = fields["value"].flatMap { reader.unsigned($0, path.member("value")) }
        if fields["value"] == nil { reader.error(node, path, "the argument test has no \"value\"") }
        let valueTwo = reader.optionalUnsigned(fields["valueTwo"], path.member("valueTwo")) ?? 0
        var op: SeccompOperator?
        if let opNode = fields["op"] {
            if let name = reader.string(opNode, path.member("op")) {
                op = SeccompOperator(rawValue: name)
                if op == nil {
                    let names = SeccompOperator.allCases.map(\.rawValue)
                    let suggestion = closestName(to: name, among: names).map { "; did you mean \"\($0)\"?" }
                        ?? " (expected one of \(names.joined(separator: ", ")))"
                    reader.error(opNode, path.member("op"), "unknown operator \"\(name)\"\(suggestion)")
                }
            }
        } else {
            reader.error(node, path, "the argument test has no \"op\"")
        }
        guard reader.diagnostics[errorsBefore...].allSatisfy({ $0.severity != .error }), let index, let value, let op else { return nil }
        return SeccompArgument(index: Int(index), value: value, valueTwo: valueTwo, op: op)
    }

    private static func decodeFilter(_ node: JSONNode, _ path: JSONPath, reader: inout JSONReader) -> Filter? {
        if case .null = node.value { return nil }
        guard let fields = reader.object(node, path, known: filterKeys) else { return nil }
        var filter = Filter()
        filter.arches = reader.strings(fields["arches"], path.member("arches"))
        filter.caps = reader.strings(fields["caps"], path.member("caps"))
        if let minKernelNode = fields["minKernel"], let text = reader.optionalString(minKernelNode, path.member("minKernel")), !text.isEmpty {
            filter.minKernel = KernelVersion(minKernel: text)
            if filter.minKernel == nil {
                reader.error(minKernelNode, path.member("minKernel"), "invalid kernel version \"\(text)\"; expected \"<kernel>.<major>\" such as \"4.8\"")
            }
        }
        let isEmpty = filter.arches.isEmpty && filter.caps.isEmpty && filter.minKernel == nil
        return isEmpty ? nil : filter
    }
}

extension JSONNode {
    /// The string of a string node.
    var stringValue: String? {
        if case .string(let s) = value { return s }
        return nil
    }
}
