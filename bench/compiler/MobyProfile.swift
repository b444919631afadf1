import Foundation
import Sysfence

/// moby's templated default profile rendered the way the Docker engine renders it for amd64 with
/// Docker's default capabilities, as a policy: only as much of the profile format as that file
/// uses (names, allow/errno actions, args with the libseccomp operators, includes/excludes by
/// arches, caps and minKernel). The benchmark's stand-in until `sysfence import` lands.
enum MobyProfile {
    /// Docker's default capabilities (moby's `oci/caps/defaults.go`).
    static let dockerDefaultCaps: Set<String> = [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ]

    struct Unsupported: Error, CustomStringConvertible { var description: String }

    static func policy(contentsOfFile path: String, kernel: (Int, Int) = (6, 18)) throws -> Policy {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let profile = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let syscalls = profile["syscalls"] as? [[String: Any]] else { throw Unsupported(description: "not a profile") }
        func action(_ name: Any?, errno: Any?) throws -> Action {
            switch name as? String {
            case "SCMP_ACT_ALLOW": return .allow
            case "SCMP_ACT_ERRNO": return .errno(UInt16((errno as? Int) ?? Int(1)))
            default: throw Unsupported(description: "action \(name ?? "none")")
            }
        }
        func applies(_ filter: [String: Any]?, whenPresent: Bool) -> Bool {
            guard let filter else { return whenPresent }
            var matches: [Bool] = []
            if let arches = filter["arches"] as? [String] { matches.append(arches.contains("amd64")) }
            if let caps = filter["caps"] as? [String] {
                matches.append(whenPresent ? caps.allSatisfy(dockerDefaultCaps.contains) : caps.contains(where: dockerDefaultCaps.contains))
            }
            if let minimum = filter["minKernel"] as? String {
                let parts = minimum.split(separator: ".").compactMap { Int($0) }
                matches.append(kernel >= (parts[0], parts.count > 1 ? parts[1] : 0))
            }
            return whenPresent ? matches.allSatisfy { $0 } : matches.contains(true)
        }
        let arches: [Arch] = [.x86_64, .x86, .x32]
        var rules: [Rule] = []
        for entry in syscalls {
            guard applies(entry["includes"] as? [String: Any], whenPresent: true),
                  !applies(entry["excludes"] as? [String: Any], whenPresent: false) else { continue }
            // runc skips names libseccomp cannot resolve for the profile's arches.
            let names = (entry["names"] as? [String] ?? []).filter { name in
                arches.contains { SyscallTable.libseccomp.number(of: name, on: $0) != nil }
            }
            var terms: [Condition] = []
            for argument in entry["args"] as? [[String: Any]] ?? [] {
                let index = argument["index"] as? Int ?? 0
                let value = (argument["value"] as? NSNumber)?.uint64Value ?? 0
                let second = (argument["valueTwo"] as? NSNumber)?.uint64Value ?? 0
                let ops: [String: ComparisonOperator] = ["SCMP_CMP_EQ": .equal, "SCMP_CMP_NE": .notEqual, "SCMP_CMP_LT": .less,
                                                         "SCMP_CMP_LE": .lessOrEqual, "SCMP_CMP_GT": .greater, "SCMP_CMP_GE": .greaterOrEqual]
                if argument["op"] as? String == "SCMP_CMP_MASKED_EQ" {
                    terms.append(.comparison(Comparison(argument: index, mask: value, op: .equal, value: second & value)))
                } else if let op = ops[argument["op"] as? String ?? ""] {
                    terms.append(.comparison(Comparison(argument: index, op: op, value: value)))
                } else {
                    throw Unsupported(description: "operator \(argument["op"] ?? "none")")
                }
            }
            guard !names.isEmpty else { continue }
            let condition: Condition? = terms.isEmpty ? nil : terms.count == 1 ? terms[0] : .and(terms)
            rules.append(Rule(action: try action(entry["action"], errno: entry["errnoRet"]), syscalls: names.map(SyscallSelector.name),
                              condition: condition))
        }
        return Policy(name: "moby-default (amd64)", defaultAction: try action(profile["defaultAction"], errno: profile["defaultErrnoRet"]),
                      arches: arches, badArchAction: .killProcess, rules: rules, sourceFile: path)
    }
}
