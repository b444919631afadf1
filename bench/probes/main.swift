// Benchmark of the eBPF probes (not a test): per-syscall cost of a tight getppid loop with no probe,
// with the audit probe on another cgroup, with it on the loop's own cgroup (no violations), and
// under `strace -f`; then how many violation events per second reach user space, losses counted.
// Run as root: swift run -c release bench-probes [iterations]
import BPFLoader
import Foundation
import Sysfence

let iterations = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 2_000_000 : 2_000_000
let table = SyscallTable.libseccomp
let getppid = table.number(of: "getppid", on: .x86_64)!
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let work = NSTemporaryDirectory() + "sysfence-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: work) }

func run(_ path: String, _ arguments: [String], output: Bool = true) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = output ? pipe : FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output ? pipe.fileHandleForReading.readDataToEndOfFile() : Data()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

let helper = work + "/syscall-helper"
_ = try run("/usr/bin/gcc", ["-O2", "-o", helper, packageRoot.appendingPathComponent("Tests/Helpers/syscall-helper.c").path])
let hierarchy = try CgroupHierarchy.host()
let loopCgroup = hierarchy.mountPoint + "/sysfence-bench-loop-\(getpid())"
let otherCgroup = hierarchy.mountPoint + "/sysfence-bench-other-\(getpid())"
for cgroup in [loopCgroup, otherCgroup] { try FileManager.default.createDirectory(atPath: cgroup, withIntermediateDirectories: false) }
defer { for cgroup in [loopCgroup, otherCgroup] { rmdir(cgroup) } }

/// Mean nanoseconds per getppid of one run of the loop in `loopCgroup`.
func loopCost(count: Int = iterations, under wrapper: [String] = []) throws -> Double {
    let arguments = [loopCgroup + "/cgroup.procs", "loop", "\(getppid)", "\(count)"]
    let output = wrapper.isEmpty ? try run(helper, arguments) : try run(wrapper[0], Array(wrapper.dropFirst()) + [helper] + arguments)
    return Double(output.split(separator: "\n").last.map(String.init) ?? "") ?? .infinity
}

let allowAll = Policy(defaultAction: .allow, arches: [.x86_64], rules: [Rule(action: .errno(1), syscalls: [.name("reboot")])])
let denyGetppid = Policy(defaultAction: .allow, arches: [.x86_64], rules: [Rule(action: .errno(1), syscalls: [.name("getppid")])])

func withProbe<T>(_ policy: Policy, on cgroup: String, _ body: (SyscallProbe) throws -> T) throws -> T {
    let probe = try SyscallProbe(mode: .audit(try policy.compileFilter(table: table), kill: false))
    try probe.watch([try hierarchy.id(of: cgroup)])
    try probe.attach()
    return try body(probe)
}

/// The kernel's own cost of an attached sys_enter program: an empty one, compiled here.
func withEmptyProgram<T>(_ body: () throws -> T) throws -> T {
    let source = work + "/empty.bpf.c", object = work + "/empty.bpf.o"
    try #"""
        #include <linux/bpf.h>
        #include <bpf/bpf_helpers.h>
        char LICENSE[] SEC("license") = "GPL";
        SEC("raw_tp/sys_enter") int empty(void *ctx) { return 0; }
        """#.write(toFile: source, atomically: true, encoding: .utf8)
    _ = try run("/usr/bin/clang", ["-O2", "-target", "bpf", "-c", source, "-o", object])
    let loaded = try BPFObject(elf: Array(try Data(contentsOf: URL(fileURLWithPath: object))), name: "empty")
    try loaded.load()
    let link = try loaded.program(named: "empty").attach()
    defer { withExtendedLifetime(link) {} }
    return try body()
}

// Rounds of every configuration in turn, so that drift in the machine's load hits them alike; each
// figure is the median over the rounds of the configuration's cost minus the same round's cost
// without a probe.
let rounds = 7
var samples: [String: [Double]] = [:]
for _ in 0..<rounds {
    let base = try loopCost()
    samples["no probe", default: []].append(base)
    samples["floor", default: []].append(try withEmptyProgram { try loopCost() } - base)
    samples["outside", default: []].append(try withProbe(allowAll, on: otherCgroup) { _ in try loopCost() } - base)
    samples["inside", default: []].append(try withProbe(allowAll, on: loopCgroup) { _ in try loopCost() } - base)
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
let base = median(samples["no probe"]!), floor = median(samples["floor"]!)
let outside = median(samples["outside"]!), inside = median(samples["inside"]!)
let straceCount = max(iterations / 50, 10_000)
let strace = try loopCost(count: straceCount, under: ["/usr/bin/strace", "-f", "-qq", "-o", "/dev/null"]) - (try loopCost(count: straceCount))

func row(_ name: String, _ added: Double) -> String {
    name.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%+9.1f ns/call", added)
}
print("syscall loop: getppid x \(iterations) (strace: x \(straceCount)); median of \(rounds) rounds of the added cost")
print(String(format: "no probe: %.1f ns/call", base))
print(row("empty program on sys_enter (kernel's floor)", floor))
print(row("probe attached to another cgroup", outside))
print(row("probe on the loop's cgroup, no violations", inside))
print(row("strace -f", strace))
print(String(format: "added cost outside target: %.1f ns (target <= 40), of which sysfence's own: %.1f ns", outside, outside - floor))
print(String(format: "added cost inside target:  %.1f ns (target <= 80), of which sysfence's own: %.1f ns", inside, inside - floor))
print(String(format: "strace added / probe added (inside): %.0fx (target >= 20)", strace / max(inside, 0.1)))

// Throughput: every getppid of the loop is a violation event; count what user space receives.
let events = iterations * 2
let (received, counters, seconds) = try withProbe(denyGetppid, on: loopCgroup) { probe -> (Int, ProbeCounters, Double) in
    var received = 0
    let loop = Process()
    loop.executableURL = URL(fileURLWithPath: helper)
    loop.arguments = [loopCgroup + "/cgroup.procs", "loop", "\(getppid)", "\(events)"]
    loop.standardOutput = FileHandle.nullDevice
    let start = Date()
    try loop.run()
    while loop.isRunning { received += try probe.poll(timeoutMilliseconds: 10) { _ in } }
    received += try probe.drain { _ in }
    let seconds = Date().timeIntervalSince(start)
    return (received, try probe.readCounters(), seconds)
}
print("event throughput: \(received) events received in \(String(format: "%.2f", seconds)) s = \(Int(Double(received) / seconds)) events/s (target >= 500000); \(counters.lost) lost (counted), \(counters.events) written")
