import BPFLoader
import Foundation
import Libseccomp
import Sysfence
import Testing
import TestSupport

/// Runs a probe session on `targets` until `process` exits, and returns its events and counters.
private func watch(_ targets: [ProbeTarget], mode: ProbeMode, policy: Policy? = nil, rateLimit: UInt32 = 0,
                   while process: () throws -> Process) throws -> (events: [ProbeEvent], counters: ProbeCounters, process: Process) {
    final class Collected: @unchecked Sendable { var events: [ProbeEvent] = [] }
    let collected = Collected()
    let session = try ProbeSession(targets: targets, mode: mode, policy: policy, rateLimit: rateLimit)
    let running = try process()
    let (counters, _) = try session.run(shouldStop: { !running.isRunning }) { collected.events.append($0) }
    running.waitUntilExit()
    return (collected.events, counters, running)
}

private let table = SyscallTable.libseccomp

private func number(_ name: String, on arch: Arch = .x86_64) -> UInt32 { table.number(of: name, on: arch)! }

/// getppid is denied; personality only with 0xffffffff (a query, harmless) as first argument.
private func denyingPolicy(arches: [Arch] = [.x86_64]) -> Policy {
    Policy(defaultAction: .allow, arches: arches, rules: [
        Rule(action: .errno(1), syscalls: [.name("getppid")]),
        Rule(action: .errno(22), syscalls: [.name("personality")],
             condition: .comparison(Comparison(argument: 0, op: .equal, value: 0xFFFF_FFFF))),
    ])
}

@Suite(.serialized, .enabled(if: ProbeKernel.isAvailable))
struct ProbeTests {
    @Test func probeVerdictsEqualTheSeccompFiltersOnRandomPolicies() throws {
        var generator = RandomPolicyGenerator(seed: 0x5EC_B9F, table: table)
        var mismatches: [String] = []
        var checked = 0
        for _ in 0..<12 {
            let policy = generator.policy()
            let inputs = generator.inputs(for: policy, argumentVectors: 6)
            var programs = [try policy.compileFilter(table: table).instructions]
            if let reference = try? SeccompContext(expressing: policy).exportBPF() { programs.append(reference) }
            for program in programs {
                for verdictTable in [true, false] {
                    let decider = try EBPFSeccompDecider(program: program, verdictTable: verdictTable)
                    for input in inputs {
                        let expected = BPFEmulator.run(program, on: input)
                        let actual = try decider.decide(input)
                        checked += 1
                        if actual != expected, mismatches.count < 10 {
                            mismatches.append("\(input): eBPF 0x\(String(actual, radix: 16)), filter 0x\(String(expected, radix: 16))")
                        }
                    }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        #expect(checked > 10_000)
    }

    @Test func auditReportsExactlyTheDeniedCallsOfACgroupAndItsDescendants() throws {
        let cgroup = try TestCgroup()
        let child = try cgroup.child("inner")
        let policy = denyingPolicy()
        let filter = try policy.compileFilter(table: table)
        let calls = ["\(number("getpid"))", "\(number("getppid"))", "\(number("personality")):0",
                     "\(number("personality")):0xffffffff", "\(number("getpid"))"]
        let (events, counters, process) = try watch([.cgroup(cgroup.path)], mode: .audit(filter, kill: false), policy: policy) {
            try SyscallHelper.start(in: child, calls: calls)
        }
        #expect(process.terminationStatus == 0)
        let mine = events.filter { $0.pid == UInt32(process.processIdentifier) }
        #expect(mine.map(\.syscall) == ["getppid", "personality"])
        #expect(mine.map(\.verdict) == [.errno(1), .errno(22)])
        #expect(mine.map(\.rule) == [0, 1])
        #expect(mine.last?.arguments.first == 0xFFFF_FFFF)
        #expect(mine.allSatisfy { $0.cgroup == child && $0.arch == .x86_64 && !$0.killed && $0.tid == $0.pid })
        #expect(events.count == mine.count)
        #expect(counters.events == UInt64(events.count) && counters.lost == 0 && counters.killed == 0)
        #expect(counters.syscalls >= 5)
    }

    @Test func killModeKillsTheProcessAtItsFirstDeniedCall() throws {
        let cgroup = try TestCgroup()
        let policy = denyingPolicy()
        let filter = try policy.compileFilter(table: table)
        let output = Pipe()
        let (events, counters, process) = try watch([.cgroup(cgroup.path)], mode: .audit(filter, kill: true), policy: policy) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try SyscallHelper.path())
            process.arguments = [cgroup.path + "/cgroup.procs", "\(number("getpid"))", "\(number("getppid"))", "\(number("getppid"))"]
            process.standardOutput = output
            try process.run()
            return process
        }
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == 9)
        #expect(output.fileHandleForReading.readDataToEndOfFile().isEmpty, "the helper ran past the denied call")
        #expect(events.map(\.syscall) == ["getppid"])
        #expect(events.first?.killed == true)
        #expect(counters.killed == 1)
    }

    @Test func i386CompatCallsAreNamedOnTheirOwnTable() throws {
        let cgroup = try TestCgroup()
        let policy = denyingPolicy(arches: [.x86_64, .x86])
        let filter = try policy.compileFilter(table: table)
        let getppid = number("getppid", on: .x86)
        #expect(getppid != number("getppid"))
        let (events, _, process) = try watch([.cgroup(cgroup.path)], mode: .audit(filter, kill: false), policy: policy) {
            try SyscallHelper.start(in: cgroup.path, calls: ["\(number("getpid", on: .x86))", "\(getppid)"], i386: true)
        }
        #expect(process.terminationStatus == 0)
        #expect(events.map(\.syscall) == ["getppid"])
        #expect(events.first?.arch == .x86)
        #expect(events.first?.nr == getppid)
        #expect(events.first?.rule == 0)
    }

    @Test func traceStreamsEveryCall() throws {
        let cgroup = try TestCgroup()
        let (events, counters, process) = try watch([.cgroup(cgroup.path)], mode: .trace) {
            try SyscallHelper.start(in: cgroup.path, calls: ["\(number("getppid"))", "\(number("getppid"))"])
        }
        #expect(process.terminationStatus == 0)
        let names = events.map(\.syscall)
        #expect(names.filter { $0 == "getppid" }.count == 2)
        #expect(names.last == "exit_group")
        #expect(events.allSatisfy { $0.verdict == nil })
        #expect(counters.events == counters.syscalls)
    }

    @Test func rateLimitDropsAreCounted() throws {
        let cgroup = try TestCgroup()
        let (events, counters, _) = try watch([.cgroup(cgroup.path)], mode: .trace, rateLimit: 3) {
            try SyscallHelper.start(in: cgroup.path, calls: Array(repeating: "\(number("getppid"))", count: 20))
        }
        #expect(events.count == 3)
        #expect(counters.rateLimited == counters.syscalls - 3)
    }

    @Test func sessionEndsWhenTheTargetProcessExitsAndLeavesNothingInTheKernel() throws {
        let ours: Set<String> = ["sys_enter", "decide_test"]
        let before = try loadedPrograms()
        let cgroup = try TestCgroup()
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "echo $$ > \(cgroup.path)/cgroup.procs && exec sleep 0.5"]
        try shell.run()
        let pid = shell.processIdentifier
        let hierarchy = try CgroupHierarchy.host()
        while shell.isRunning, (try? hierarchy.path(ofProcess: pid)) != cgroup.path { usleep(1000) }
        do {
            let session = try ProbeSession(targets: [.pid(pid)], mode: .audit(try denyingPolicy().compileFilter(table: table), kill: false))
            #expect(try loadedPrograms().contains { $0.value == "sys_enter" && before[$0.key] == nil })
            let (_, reason) = try session.run(shouldStop: { false }) { _ in }
            #expect(reason == .targetExited)
        }
        shell.waitUntilExit()
        #expect(try programsLeftBehind(since: before, named: ours).isEmpty)
    }

    @Test func unknownTargetsAreClearErrors() throws {
        #expect(throws: DiagnosticsError.self) { try ProbeSession(targets: [.container("no-such-container-xyz")], mode: .trace) }
        #expect(throws: DiagnosticsError.self) { try ProbeSession(targets: [.cgroup("/no/such/cgroup")], mode: .trace) }
    }
}

@Suite struct CgroupNamingTests {
    @Test func containerIDsFollowEachRuntimesNaming() {
        let id = String(repeating: "ab12", count: 16)
        #expect(CgroupHierarchy.containerID(fromCgroupName: "docker-\(id).scope") == id)
        #expect(CgroupHierarchy.containerID(fromCgroupName: "cri-containerd-\(id).scope") == id)
        #expect(CgroupHierarchy.containerID(fromCgroupName: "crio-\(id).scope") == id)
        #expect(CgroupHierarchy.containerID(fromCgroupName: "libpod-\(id).scope") == id)
        #expect(CgroupHierarchy.containerID(fromCgroupName: id) == id)
        #expect(CgroupHierarchy.containerID(fromCgroupName: "crio-conmon-\(id).scope") == nil)
        #expect(CgroupHierarchy.containerID(fromCgroupName: "libpod-conmon-\(id).scope") == nil)
        #expect(CgroupHierarchy.containerID(fromCgroupName: "kubepods-burstable-pod1234.slice") == nil)
        #expect(CgroupHierarchy.containerID(fromCgroupName: "user.slice") == nil)
    }
}

/// A real container (runc, busybox-static root file system) watched through `--container`.
@Suite(.serialized, .enabled(if: ProbeKernel.isAvailable))
struct ContainerProbeTests {
    /// Creates the container, attaches to it by id, starts it and streams until it stops.
    private func watchContainer(calls: [String], kill: Bool) throws -> [ProbeEvent] {
        final class Collected: @unchecked Sendable { var events: [ProbeEvent] = [] }
        let collected = Collected()
        let policy = denyingPolicy()
        let container = try TestContainer(args: ["/bin/syscall-helper", "-"] + calls)
        let session = try ProbeSession(targets: [.container(container.id)], mode: .audit(try policy.compileFilter(table: table), kill: kill), policy: policy)
        #expect(session.watched.values.map(\.container) == [container.id])
        try container.start()
        _ = try session.run(shouldStop: { container.status != "running" && container.status != "created" }) { collected.events.append($0) }
        return collected.events
    }

    @Test func auditReportsTheContainersDeniedCalls() throws {
        let events = try watchContainer(calls: ["\(number("getpid"))", "\(number("getppid"))", "\(number("personality")):0xffffffff",
                                                "\(number("personality")):8"], kill: false)
        #expect(events.map(\.syscall) == ["getppid", "personality"])
        #expect(events.allSatisfy { $0.command == "syscall-helper" && $0.container != nil })
    }

    @Test func killModeStopsTheContainerAtItsFirstDeniedCall() throws {
        let events = try watchContainer(calls: ["\(number("getpid"))", "\(number("getppid"))", "\(number("getppid"))"], kill: true)
        #expect(events.map(\.syscall) == ["getppid"])
        #expect(events.first?.killed == true)
    }
}
