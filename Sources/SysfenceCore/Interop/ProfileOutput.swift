extension SeccompProfile {
    /// An OCI runtime `config.json` with `linux.seccomp` set to this profile, every other member
    /// kept as it was (in its order, numbers as written); the indentation of the input is kept
    /// (tabs, as `runc spec` writes them, or spaces).
    public func injected(intoConfig text: String, file: String) throws(DiagnosticsError) -> String {
        let root = try JSONNode(parsing: text, file: file)
        guard root.members != nil else {
            throw DiagnosticsError(at: SourceLocation(file: file, line: root.line, column: root.column),
                                   "the document: expected an OCI runtime config object, found \(root.kindName)")
        }
        let linux = root["linux"] ?? JSONNode(.object([]))
        guard linux.members != nil else {
            throw DiagnosticsError(at: SourceLocation(file: file, line: linux.line, column: linux.column),
                                   "linux: expected an object, found \(linux.kindName)")
        }
        let updated = root.setting("linux", to: linux.setting("seccomp", to: json))
        let indent = text.split(separator: "\n").dropFirst().first.map { line in String(line.prefix(while: { $0 == " " || $0 == "\t" })) }
        return updated.formatted(indent: indent.flatMap { $0.isEmpty ? nil : $0 } ?? "\t")
    }

    /// The profile as a security-profiles-operator `SeccompProfile` resource (YAML), for
    /// `kubectl apply`; the operator writes it to each node for a kubelet `Localhost` profile.
    /// The resource has no field for comments, so rule comments are left out.
    public func kubernetesResource(name: String, namespace: String? = nil) -> String {
        var spec = json
        if case .object(let members) = spec.value {
            spec.value = .object(members.map { member in
                guard member.key == "syscalls", case .array(let rules) = member.value.value else { return member }
                let stripped = rules.map { rule -> JSONNode in
                    guard case .object(let fields) = rule.value else { return rule }
                    return JSONNode(.object(fields.filter { $0.key != "comment" }))
                }
                return JSONMember(key: member.key, value: JSONNode(.array(stripped)))
            })
        }
        var metadata: [(String, JSONNode)] = [("name", .string(name))]
        if let namespace { metadata.append(("namespace", .string(namespace))) }
        let resource = JSONNode.object([
            ("apiVersion", .string("security-profiles-operator.x-k8s.io/v1beta1")),
            ("kind", .string("SeccompProfile")),
            ("metadata", .object(metadata)),
            ("spec", spec),
        ])
        return resource.yamlText()
    }
}

extension JSONNode {
    /// The value as a YAML block document: mappings and sequences of mappings in block style,
    /// sequences of scalars in flow style, strings quoted where YAML would read them otherwise.
    public func yamlText() -> String {
        var out = ""
        writeYAML(to: &out, indent: 0, inSequence: false)
        return out
    }

    private var isScalar: Bool {
        switch value {
        case .array, .object: return false
        default: return true
        }
    }

    private var scalarText: String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let literal): return literal
        case .string(let s): return YAMLText.scalar(s)
        case .array(let elements) where elements.isEmpty: return "[]"
        case .object(let members) where members.isEmpty: return "{}"
        default: return ""
        }
    }

    private func writeYAML(to out: inout String, indent: Int, inSequence: Bool) {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .object(let members) where !members.isEmpty:
            for (index, member) in members.enumerated() {
                out += (index == 0 && inSequence ? "" : pad) + YAMLText.scalar(member.key) + ":"
                if member.value.isScalar || member.value.scalarText != "" {
                    out += " " + member.value.scalarText + "\n"
                } else if case .array(let elements) = member.value.value, elements.allSatisfy(\.isScalar) {
                    out += " " + YAMLText.flowList(elements.map(\.scalarText), indent: indent + 4, first: indent + member.key.count + 2, quoted: true) + "\n"
                } else {
                    out += "\n"
                    member.value.writeYAML(to: &out, indent: indent + 2, inSequence: false)
                }
            }
        case .array(let elements) where !elements.isEmpty:
            for element in elements {
                out += pad + "- "
                if element.isScalar {
                    out += element.scalarText + "\n"
                } else {
                    element.writeYAML(to: &out, indent: indent + 2, inSequence: true)
                }
            }
        default:
            out += pad + scalarText + "\n"
        }
    }
}
