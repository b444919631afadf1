// The enforcer benchmark (docs/enforcer.md, "Speed"). Build and run it in release mode:
//
//     swift run -c release bench-enforcer [COUNT] [TRIALS]
//
// It times, inside a test program, COUNT allowed calls (getppid) and COUNT denied calls (getuid,
// errno(EACCES)) per round, under two set-ups that install the same policy:
//
// - plain: the policy's filter alone, no supervisor, as `Sandbox.apply` would install it;
// - supervised: `sysfence run`'s set-up (`Enforcer.run`), every denial going through the
//   supervisor and written as a text event (to /dev/null, so the terminal is not measured).
//
// Trials alternate the two set-ups. It prints the median of each, the overhead per allowed call
// (supervised minus plain: the target is noise, since allowed calls never leave the kernel) and
// the cost per reported violation (supervised denial minus plain denial; target under 20 us),
// with the ratio of the two denials.
import Foundation
import LinuxKernel
import Sysfence

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let count = arguments.first ?? 20_000
let trials = arguments.dropFirst().first ?? 5

let policy = Policy(name: "bench", default: .allow) {
    Rule(.errno(EACCES), "getuid")
}
let getppid = 110, getuid = 102

let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sysfence-bench-\(getpid())")
try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: scratch) }
let program = scratch.appendingPathComponent("calls").path
let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("calls.c").path
let compiler = Process()
compiler.executableURL = URL(fileURLWithPath: "/usr/bin/cc")
compiler.arguments = ["-O2", "-o", program, source]
try compiler.run()
compiler.waitUntilExit()
guard compiler.terminationStatus == 0 else { fatalError("cc \(source) failed") }

/// Mean nanoseconds per allowed and per denied call, from one run of the timing program.
struct Sample {
    var allowed: Double
    var denied: Double
}

func parse(_ path: String) -> Sample {
    let lines = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    var allowed: [Double] = [], denied: [Double] = []
    for line in lines.split(separator: "\n") {
        let parts = line.split(separator: " ")
        guard parts.count == 2, let value = Double(parts[1]) else { continue }
        if parts[0] == "allowed" { allowed.append(value) } else { denied.append(value) }
    }
    // The last round: the earlier ones warm caches and the supervisor.
    return Sample(allowed: allowed.last ?? .nan, denied: denied.last ?? .nan)
}

func timingArguments(_ output: String) -> [String] {
    [program, String(getppid), String(getuid), String(count), "3", output]
}

func plain() throws -> Sample {
    let output = scratch.appendingPathComponent("plain.txt").path
    let filter = try policy.compileFilter(table: .libseccomp)
    let command = timingArguments(output)
    let child = try FilteredChild(path: command[0], arguments: command, environment: [],
                                  filter: filter.instructions, flags: [.threadSync])
    _ = try child.wait()
    return parse(output)
}

func supervised(_ format: EventFormat) throws -> (Sample, events: Int) {
    let output = scratch.appendingPathComponent("supervised.txt").path
    let writer = try EventWriter(path: "/dev/null", format: format)
    var events = 0
    _ = try Enforcer.run(timingArguments(output), policy: policy, options: RunOptions(environment: [:])) { event in
        events += 1
        writer.write(event)
    }
    return (parse(output), events)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

var plainSamples: [Sample] = [], textSamples: [Sample] = [], jsonSamples: [Sample] = []
var eventCounts: Set<Int> = []
for _ in 1...trials {
    plainSamples.append(try plain())
    let (text, textEvents) = try supervised(.text)
    let (json, jsonEvents) = try supervised(.json)
    textSamples.append(text)
    jsonSamples.append(json)
    eventCounts.formUnion([textEvents, jsonEvents])
}

func report(_ label: String, _ samples: [Sample]) -> (allowed: Double, denied: Double) {
    let allowed = median(samples.map(\.allowed)), denied = median(samples.map(\.denied))
    print("\(label.padding(toLength: 22, withPad: " ", startingAt: 0)) allowed \(String(format: "%8.1f", allowed)) ns/call   denied \(String(format: "%8.1f", denied)) ns/call")
    return (allowed, denied)
}

print("\(count) allowed + \(count) denied calls per round, 3 rounds per run (last one kept), median of \(trials) runs")
print("events per supervised run: \(eventCounts.sorted().map(String.init).joined(separator: ", ")) (expected \(3 * count))")
let base = report("plain filter", plainSamples)
for (label, samples) in [("supervised, text", textSamples), ("supervised, json", jsonSamples)] {
    let measured = report(label, samples)
    print(String(format: "  allowed-call overhead %+.1f ns (%+.1f%%); cost per event %.2f us; denial ratio %.1fx",
                 measured.allowed - base.allowed, 100 * (measured.allowed - base.allowed) / base.allowed,
                 (measured.denied - base.denied) / 1000, measured.denied / base.denied))
}
