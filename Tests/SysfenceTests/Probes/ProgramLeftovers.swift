import BPFLoader
import Foundation

/// The programs named in `ours` that were loaded since `before` and are still in the kernel once
/// it has had time to free them: programs go after an RCU grace period, so this waits for them,
/// up to ten seconds.
func programsLeftBehind(since before: [UInt32: String], named ours: Set<String>) throws -> [UInt32: String] {
    var leftovers: [UInt32: String] = [:]
    for _ in 0..<1000 {
        leftovers = try loadedPrograms().filter { before[$0.key] == nil && ours.contains($0.value) }
        if leftovers.isEmpty { break }
        usleep(10_000)
    }
    return leftovers
}
