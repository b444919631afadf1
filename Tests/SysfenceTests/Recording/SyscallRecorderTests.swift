import BPFLoader
import Foundation
import Libseccomp
import Sysfence
import Testing
import TestSupport

private let table = SyscallTable.libseccomp

private func number(_ name: String, on arch: Arch = .x86_64) -> UInt32 { table.number(of: name, on: arch)! }

/// The recorder in the kernel, on helpers that make known calls.
@Suite(.serialized, .enabled(if: ProbeKernel.isAvailable))
struct SyscallRecorderTests {
    /// socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC): both arguments kept whole.
    private let socketWatch: [Arch: [UInt32: ArgumentWatch]] = [
        .x86_64: [number("socket"): ArgumentWatch(arguments: [0, 1], masks: [0xFFFF_FFFF, 0xFFFF_FFFF])],
    ]

    @Test func countsEveryCallPerArchWithWatchedArgumentValues() throws {
        let helper = try SyscallHelper.path()
        let x32GetPID = number("getpid", on: .x32)
        #expect(x32GetPID & Arch.x32SyscallBit != 0)
        let calls = Array(repeating: "\(number("getppid"))", count: 500)
            + ["\(number("socket")):1:0x80002:0", "\(number("socket")):1:0x80002:0", "\(x32GetPID)", "\(x32GetPID)"]
        let recorder = try SyscallRecorder(watches: socketWatch)
        let outcome = try recorder.record(command: [helper, "-"] + calls, shouldStop: { nil })
        #expect(outcome.termination == .exited(0))
        let native = outcome.recording.calls[.x86_64] ?? [:]
        #expect(native[number("getppid")] == 500)
        #expect(native[number("socket")] == 2)
        #expect(native[number("execve")] == 1)
        #expect(native[number("exit_group")] == 1)
        // x32 numbers reach the kernel's entry (and the recorder) even where x32 is disabled.
        #expect(outcome.recording.calls[.x32] == [x32GetPID: 2])
        #expect(outcome.recording.calls[.x86] == nil)
        #expect(outcome.recording.argumentValues[.x86_64]?[number("socket")] == [[1, 0x80002]: 2])
        #expect(outcome.recording.lostEvents == 0)
    }

    @Test func valuesBeyondTheValuesMapAreDroppedRatherThanKeptIncomplete() throws {
        // ioctl(-1, N) fails with EBADF for any request N: 17,000 distinct values overflow the
        // map's 16,384 entries.
        let ioctl = number("ioctl")
        let calls = (0..<17_000).map { "\(ioctl):-1:\(0x1000 + $0)" }
        let recorder = try SyscallRecorder(watches: [.x86_64: [ioctl: ArgumentWatch(arguments: [1], masks: [0xFFFF_FFFF])]])
        let outcome = try recorder.record(command: [try SyscallHelper.path(), "-"] + calls, shouldStop: { nil })
        #expect(outcome.termination == .exited(0))
        #expect(outcome.recording.calls[.x86_64]?[ioctl] == 17_000)
        #expect(outcome.recording.argumentValues[.x86_64]?[ioctl]?.count == nil, "an incomplete set of values was kept")
        // The values that found no room are counted apart from lost events, and the report says so.
        #expect((17_000 - 16_384...17_000).contains(outcome.recording.callsWithoutRoom))
        let report = RecordingReport(recording: outcome.recording, policy: Policy(defaultAction: .allow), comparedWith: nil, table: table)
        #expect(report.text.contains("Calls the kernel's maps had no room for: \(outcome.recording.callsWithoutRoom) (their syscalls' argument values were dropped"))
        let policy = outcome.recording.policy(options: RecordingOptions(includeBase: false), table: table)
        let rule = try #require(policy.rules.first { $0.syscalls == [.name("ioctl")] })
        #expect(rule.condition == nil, "ioctl constrained to an incomplete list")
    }

    @Test func i386CompatCallsAreTheirOwnArchAndTheForkBeforeExecIsLeftOut() throws {
        let helper = try SyscallHelper.path(i386: true)
        let calls = Array(repeating: "\(number("getppid", on: .x86))", count: 7) + ["\(number("getpid", on: .x86))"]
        let recorder = try SyscallRecorder(watches: [:])
        let outcome = try recorder.record(command: [helper, "-"] + calls, shouldStop: { nil })
        #expect(outcome.termination == .exited(0))
        let compat = outcome.recording.calls[.x86] ?? [:]
        #expect(compat[number("getppid", on: .x86)] == 7)
        #expect((compat[number("getpid", on: .x86)] ?? 0) >= 1)
        #expect(compat[number("exit_group", on: .x86)] == 1)
        // The 64-bit calls are only the execve that started the static i386 program: what the
        // forked child did before it (rt_sigprocmask, among others) is not recorded.
        #expect(outcome.recording.calls[.x86_64] == [number("execve"): 1], "\(outcome.recording.calls)")
    }

    @Test func runningTargetsAreRecordedFromTheirExecInTheCgroup() throws {
        let cgroup = try TestCgroup()
        let helper = try SyscallHelper.path()
        let recorder = try SyscallRecorder(watches: [:])
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        // The shell joins the cgroup, then executes the helper: only the helper counts.
        shell.arguments = ["-c", "echo $$ > \(cgroup.path)/cgroup.procs && sleep 0.3 && exec \(helper) - \(number("getppid")) \(number("getppid"))"]
        try shell.run()
        let outcome = try recorder.record([.cgroup(cgroup.path)], shouldStop: { !shell.isRunning })
        shell.waitUntilExit()
        let native = outcome.recording.calls[.x86_64] ?? [:]
        #expect(native[number("getppid")] == 2)
        // sleep, executed in the cgroup by the shell, and the helper; the shell itself never
        // executed there, so its clone and its wait for sleep are left out.
        #expect(native[number("execve")] == 2)
        #expect(native[number("wait4")] == nil && native[number("clone")] == nil, "the shell's own calls were recorded")
    }

    @Test func tasksAlreadyRunningAtAttachAreRecordedFromThenOn() throws {
        let cgroup = try TestCgroup()
        let flag = try TestPrograms.scratchFile("flag")
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        // The inner shell executes before the recorder attaches: only the attach can mark it.
        shell.arguments = ["-c", "echo $$ > \(cgroup.path)/cgroup.procs && exec /bin/sh -c 'while [ ! -e \(flag) ]; do sleep 0.02; done'"]
        try shell.run()
        defer { try? FileManager.default.removeItem(atPath: flag) }
        let pid = shell.processIdentifier
        for _ in 0..<500 {
            let command = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
            if command.contains("while") && (try? CgroupHierarchy.host().path(ofProcess: pid)) == cgroup.path { break }
            usleep(10_000)
        }
        let recorder = try SyscallRecorder(watches: [:])
        var flagged = false
        let outcome = try recorder.record([.cgroup(cgroup.path)]) {
            if !flagged { flagged = FileManager.default.createFile(atPath: flag, contents: nil) }
            return !shell.isRunning
        }
        shell.waitUntilExit()
        #expect(outcome.tasksMarkedAtAttach >= 1)
        // Only the shell waits for its children: its calls after the attach were recorded.
        let native = outcome.recording.calls[.x86_64] ?? [:]
        #expect((native[number("wait4")] ?? 0) >= 1, "\(native)")
        #expect(native[number("exit_group")] != nil)
    }

    @Test func recordingLeavesNoProgramAndNoCgroupBehind() throws {
        let ours: Set<String> = ["record_enter", "record_exec", "record_fork", "record_exit"]
        let before = try loadedPrograms()
        var cgroup = ""
        do {
            let recorder = try SyscallRecorder(watches: [:])
            #expect(try loadedPrograms().contains { ours.contains($0.value) && before[$0.key] == nil })
            let outcome = try recorder.record(command: ["/bin/true"], shouldStop: { nil })
            #expect(outcome.termination == .exited(0))
            cgroup = outcome.cgroups.first?.path ?? ""
        }
        #expect(!cgroup.isEmpty && !FileManager.default.fileExists(atPath: cgroup))
        #expect(try programsLeftBehind(since: before, named: ours).isEmpty)
    }
}
