import Foundation

/// One call streamed by a probe, with its names resolved.
public struct ProbeEvent: Sendable {
    /// When the call entered the kernel.
    public var time: Date
    /// The calling task's cgroup v2 directory (or its id when the directory is already gone).
    public var cgroup: String
    /// The container the cgroup belongs to, when the target named containers.
    public var container: String?
    public var pid: UInt32
    public var tid: UInt32
    /// The task's command name (`comm`).
    public var command: String
    /// The ABI of the call: x86_64, x86 (i386 compat) or x32; `nil` for an unknown audit arch.
    public var arch: Arch?
    /// As `seccomp_data.nr`: x32 numbers carry the x32 bit.
    public var nr: UInt32
    /// The syscall's name on `arch`, when known.
    public var syscall: String?
    public var arguments: [UInt64]
    /// The seccomp filter's verdict; `nil` in trace mode.
    public var verdict: Action?
    /// Index into the policy's rules of the rule that decided; `nil` for the default action.
    public var rule: Int?
    /// Where that rule was written, when known.
    public var ruleLocation: SourceLocation?
    /// Whether the probe sent SIGKILL to the process.
    public var killed: Bool

    /// One line: time, cgroup or container, pid, tid, command, arch, call with arguments, verdict and rule.
    public func text(errnoNames: [UInt16: String]) -> String {
        var line = "\(time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))) "
        line += container.map { "container=\($0)" } ?? "cgroup=\(cgroup)"
        line += " pid=\(pid) tid=\(tid) comm=\(command) arch=\(arch?.rawValue ?? "unknown") "
        line += "\(syscall ?? "syscall_\(nr & ~Arch.x32SyscallBit)")(\(arguments.map { "0x" + String($0, radix: 16) }.joined(separator: ", ")))"
        if let verdict {
            line += " verdict=\(verdict.spelling(errnoNames: errnoNames))"
            line += rule.map { " rule=\($0 + 1)" } ?? " rule=default"
            if let ruleLocation { line += " (\(ruleLocation))" }
        }
        if killed { line += " killed" }
        return line
    }

    private struct JSONForm: Encodable {
        var time: String, cgroup: String, container: String?, pid: UInt32, tid: UInt32, comm: String
        var arch: String?, nr: UInt32, syscall: String?, args: [UInt64]
        var verdict: String?, rule: Int?, ruleLocation: String?, killed: Bool
    }

    /// One JSON object (a line of `--format json`); `rule` counts from 1, absent for the default action.
    public func json(errnoNames: [UInt16: String]) -> String {
        let form = JSONForm(time: time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)), cgroup: cgroup,
                            container: container, pid: pid, tid: tid, comm: command, arch: arch?.rawValue,
                            nr: nr & ~Arch.x32SyscallBit, syscall: syscall, args: arguments,
                            verdict: verdict?.spelling(errnoNames: errnoNames), rule: rule.map { $0 + 1 },
                            ruleLocation: ruleLocation?.description, killed: killed)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(form)) ?? Data(), as: UTF8.self)
    }
}
