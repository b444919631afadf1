import Foundation
import Sysfence
import Testing
import TestSupport

/// moby's and Podman's default profiles (read from the shared test data) lint with the findings a
/// reviewer expects of them as the Docker engine renders them on an amd64 host with kernel 6.1 and
/// Docker's default capabilities. The expectations are worked out from the profiles' entries
/// (the reasons are in the comments), not taken from the linter; docs/lint-rules.md lists them.
struct SharedProfileLintTests {
    struct Expected: Hashable, Comparable, CustomStringConvertible {
        var rule: String
        var subject: String
        init(_ rule: String, _ subject: String) {
            self.rule = rule
            self.subject = subject
        }
        static func < (a: Expected, b: Expected) -> Bool { (a.rule, a.subject) < (b.rule, b.subject) }
        var description: String { "\(rule) \(subject)" }
    }

    static let rendering = LintCorpusTests.rendering

    /// Names libseccomp 2.5.4 (Debian 12's) predates: syscalls of Linux 6.4 to 6.13. runc skips them.
    static let newerThanLibseccomp = ["getxattrat", "listmount", "listxattrat", "mseal", "removexattrat", "riscv_hwprobe",
                                      "setxattrat", "statmount", "uretprobe"]

    static let moby: [Expected] = {
        var expected = [
            // archMap: an amd64 host admits SCMP_ARCH_X86 and SCMP_ARCH_X32 next to x86_64.
            Expected("compat-arch", "x86"), Expected("compat-arch", "x32"),
            // recv and send are in the common list for the arches that have them; x86_64, x86 and x32 do not.
            Expected("syscall-not-on-arch", "recv"), Expected("syscall-not-on-arch", "send"),
            // syscalls[1] allows them on kernels from 4.8 on (where ptrace can no longer rewrite a
            // syscall after the seccomp check), without CAP_SYS_PTRACE: a deliberate choice of moby.
            Expected("dangerous-syscall", "process_vm_readv"), Expected("dangerous-syscall", "process_vm_writev"),
            Expected("dangerous-syscall", "ptrace"),
            // syscalls[13] allows modify_ldt on amd64, x32 and x86 hosts.
            Expected("dangerous-syscall", "modify_ldt"),
            // syscalls[9]: personality(0xffffffff) as a 64-bit equality; personality(-1) passes
            // 0xffffffffffffffff, which the kernel reads as the same query, and is refused.
            Expected("sign-extension", "arg0 == 0xffffffff"),
            // syscalls[0] allows socketcall without conditions, and on x86 32-bit code makes socket
            // through it: the AF_VSOCK and AF_ALG refusals of the socket entries do not hold there.
            Expected("multiplexer-bypass", "socketcall/x86"),
        ]
        expected += newerThanLibseccomp.map { Expected("unknown-syscall", $0) }
        // No finding: clone is allowed only with the namespace flags masked off (syscalls[18], no
        // CAP_SYS_ADMIN), clone3 gets ENOSYS (syscalls[20]), the mount, namespace, module, reboot,
        // syslog and time syscalls need capabilities Docker does not give by default, and every
        // syscall that libraries probe (faccessat2, fchmodat2, statx, openat2, close_range, pidfd_*)
        // is allowed, so the default EPERM answers none of them.
        return expected.sorted()
    }()

    static let podman: [Expected] = {
        var expected = [
            // The same archMap as moby's.
            Expected("compat-arch", "x86"), Expected("compat-arch", "x32"),
            // Names for other arches in syscalls[0] (EPERM) and syscalls[1] (allow).
            Expected("syscall-not-on-arch", "pciconfig_iobase"), Expected("syscall-not-on-arch", "pciconfig_read"),
            Expected("syscall-not-on-arch", "pciconfig_write"), Expected("syscall-not-on-arch", "syscall"),
            Expected("syscall-not-on-arch", "recv"), Expected("syscall-not-on-arch", "send"),
            // The same personality entries as moby's.
            Expected("sign-extension", "arg0 == 0xffffffff"),
            // syscalls[10]: modify_ldt on amd64, x32 and x86 hosts.
            Expected("dangerous-syscall", "modify_ldt"),
            // syscalls[16] answers setns with EPERM without CAP_SYS_ADMIN, but syscalls[1] allows
            // setns for everyone and libseccomp lets that decide: the EPERM entry never applies.
            Expected("shadowed-rule", "setns"),
            // syscalls[38] answers perf_event_open with EPERM, as syscalls[16] already does.
            Expected("redundant-rule", "perf_event_open"),
        ]
        // syscalls[1], the common allow list, holds these without conditions: Podman leaves them
        // to capabilities and user namespaces. clone is the namespace-flag finding.
        expected += ["clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick", "keyctl", "mount",
                     "mount_setattr", "move_mount", "open_tree", "pidfd_getfd", "pivot_root", "process_vm_readv",
                     "process_vm_writev", "ptrace", "reboot", "setns", "syslog", "umount", "umount2", "unshare"]
            .map { Expected("dangerous-syscall", $0) }
        // No finding: its names are all known to libseccomp 2.5.4, the default errno is ENOSYS, and
        // bpf, perf_event_open and the module syscalls need capabilities Docker does not give.
        return expected.sorted()
    }()

    static func findings(_ name: String) throws -> (path: String, findings: [Finding]) {
        let path = try #require(SharedProfiles.path(name), "\(SharedProfiles.missingMessage)")
        return (path, Linter().lint(contentsOfFile: path, rendering: rendering))
    }

    @Test("moby's and Podman's default profiles have the findings a reviewer expects",
          .enabled(if: TestEnvironment.requiresKernel || SharedProfiles.directory != nil),
          arguments: [("moby-default.json", moby), ("podman-default.json", podman)])
    func defaultProfile(name: String, expected: [Expected]) throws {
        let (path, findings) = try Self.findings(name)
        let actual = findings.map { Expected($0.rule.id, $0.subject) }.sorted()
        #expect(actual == expected, "\(findings.map(\.description).joined(separator: "\n"))")

        // Every finding points into the profile, at the text it is about.
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        for finding in findings {
            #expect(finding.location.file == path)
            let line = lines[finding.location.line - 1]
            let text = line.dropFirst(finding.location.column - 1)
            switch finding.rule.id {
            case "compat-arch":
                #expect(text.hasPrefix("\"SCMP_ARCH_\(finding.subject.uppercased())\""), "\(finding)")
            case "sign-extension":
                let test = lines[(finding.location.line - 1)..<min(finding.location.line + 3, lines.count)].joined()
                #expect(text.hasPrefix("{") && test.contains("4294967295"), "\(finding)")
                #expect(finding.message.hasSuffix("; test it with SCMP_CMP_MASKED_EQ under the mask 4294967295 instead"))
            case "shadowed-rule", "redundant-rule":
                #expect(text.hasPrefix("{"), "\(finding)")
            case "multiplexer-bypass":
                #expect(text.hasPrefix("\"\(finding.subject.prefix { $0 != "/" })\""), "\(finding)")
            default:
                #expect(text.hasPrefix("\"\(finding.subject)\""), "\(finding)")
            }
        }
    }
}
