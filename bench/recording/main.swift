// Benchmark of the recorder (not a test): the wall time of two syscall-heavy workloads with no
// recording, under `sysfence record`'s recorder (argument watches on), and under `strace -f -c`,
// in one run; the ratios are what to read.
//   tar:  busybox tar of a tree of small files to /dev/null
//   loop: a tight getppid loop (Tests/Helpers/syscall-helper.c)
// Run as root: swift run -c release bench-recording [files] [loop-iterations]
import Foundation
import Sysfence

let files = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 10_000 : 10_000
let iterations = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 2_000_000 : 2_000_000
let table = SyscallTable.libseccomp
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let work = NSTemporaryDirectory() + "sysfence-bench-recording-\(getpid())"
try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: work) }

func run(_ path: String, _ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
}

// The tree: 40 directories of small files.
let tree = work + "/tree"
for index in 0..<files {
    let directory = tree + "/d\(index % 40)"
    if index < 40 { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
    try Data(repeating: UInt8(index & 0xFF), count: 512 + index % 1024).write(to: URL(fileURLWithPath: directory + "/f\(index)"))
}
let helper = work + "/syscall-helper"
try run("/usr/bin/gcc", ["-O2", "-o", helper, packageRoot.appendingPathComponent("Tests/Helpers/syscall-helper.c").path])
let getppid = table.number(of: "getppid", on: .x86_64)!

/// A workload as a shell command that writes the nanoseconds its work took to `result`, so that
/// neither start-up nor the recorder's end-of-run detection is timed. Under strace, a workload
/// runs a part of its work (`straceScale`) and its time is scaled up (strace would take minutes).
struct Workload {
    var name: String
    var script: (_ scale: Int) -> String
    var straceScale: Int
}
let result = work + "/elapsed"
func timed(_ work: String) -> String { "s=$(date +%s%N); \(work); e=$(date +%s%N); echo $((e - s)) > \(result)" }
let workloads = [
    Workload(name: "tar of \(files) files, 5 times",
             script: { timed("for i in $(seq \(5 / $0)); do busybox tar cf /dev/null -C \(tree) .; done") }, straceScale: 5),
    Workload(name: "getppid loop x \(iterations)",
             script: { timed("\(helper) - loop \(getppid) \(iterations / $0) > /dev/null") }, straceScale: 100),
]

func elapsed() throws -> Double { Double(try String(contentsOfFile: result, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))! / 1e6 }

var watches: [Arch: [UInt32: ArgumentWatch]] = [:]
for arch in [Arch.x86_64, .x86, .x32] { watches[arch] = SyscallRecording.argumentWatches(on: arch, table: table) }

/// Milliseconds of the work of each variant: the best of `rounds`, the variants taking turns in
/// each round so that drift (caches, clock speed) affects them alike.
func best(_ rounds: Int, _ variants: [() throws -> Void]) throws -> [Double] {
    var best = [Double](repeating: .infinity, count: variants.count)
    for _ in 0..<rounds {
        for (index, variant) in variants.enumerated() {
            try variant()
            best[index] = min(best[index], try elapsed())
        }
    }
    return best
}

print("recording overhead: milliseconds of the work alone, best of 7 (strace: best of 3 of a part, scaled)")
for workload in workloads {
    let command = ["/bin/sh", "-c", workload.script(1)]
    var calls: UInt64 = 0
    let times = try best(7, [
        { try run(command[0], Array(command.dropFirst())) },
        {
            let outcome = try SyscallRecorder(watches: watches).record(command: command, shouldStop: { nil })
            calls = outcome.recording.calls.values.reduce(0) { $0 + $1.values.reduce(0, +) }
        },
    ])
    let (none, recorded) = (times[0], times[1])
    let straced = ["/bin/sh", "-c", workload.script(workload.straceScale)]
    let strace = try best(3, [{ try run("/usr/bin/strace", ["-f", "-c", "-o", "/dev/null"] + straced) }])[0] * Double(workload.straceScale)
    let recordAdded = recorded - none, straceAdded = strace - none
    print("\(workload.name) (\(calls) calls recorded):")
    print(String(format: "  none %.1f ms, record %.1f ms, strace -f -c %.1f ms", none, recorded, strace))
    let ratio = recordAdded > 0 ? String(format: "%.0fx", straceAdded / recordAdded) : "unbounded (recording added nothing measurable)"
    print(String(format: "  record %+.1f%% vs none (target <= 10%%); strace %+.1f%%; strace/record added time: %@ (target >= 20)",
                 100 * recordAdded / none, 100 * straceAdded / none, ratio))
}
