// SelfSandboxExample: a multithreaded Swift program that sandboxes itself with one call.
//
// It starts its worker threads first, then applies a policy that forbids opening network
// sockets and starting programs, and only then lets the workers try. Every thread, the ones
// that existed before the call included, is under the filter (it is installed with
// SECCOMP_FILTER_FLAG_TSYNC). Run it with `swift run SelfSandboxExample`; each line names a
// thread and what socket(2) and execve(2) gave it.
import Foundation
import Sysfence

let policy = Policy(
    name: "no-network-no-exec",
    defaultAction: .allow,
    rules: [
        Rule(action: .errno(UInt16(EACCES)), syscalls: [.name("socket"), .name("socketpair")],
             comment: "no network, no new channels"),
        Rule(action: .errno(UInt16(EPERM)), syscalls: [.name("execve"), .name("execveat")],
             comment: "no other programs"),
    ])

/// What one attempt gave: `ok` or the errno's name.
func outcome(_ result: Int32) -> String {
    if result >= 0 { return "ok" }
    return errno == EACCES ? "EACCES" : errno == EPERM ? "EPERM" : "errno \(errno)"
}

/// Tries the forbidden calls and prints one line for this thread.
func tryForbiddenCalls(_ name: String) {
    let socketResult = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    let socketOutcome = outcome(socketResult)
    if socketResult >= 0 { close(socketResult) }
    let execOutcome = outcome(execve("/bin/true", [strdup("true"), nil], environ))
    print("\(name): socket \(socketOutcome), execve \(execOutcome)")
}

let workers = 4
let sandboxed = DispatchSemaphore(value: 0)
let finished = DispatchGroup()
let lines = NSLock()
for index in 1...workers {
    finished.enter()
    let thread = Thread {
        sandboxed.wait()
        lines.lock()
        tryForbiddenCalls("worker \(index)")
        lines.unlock()
        finished.leave()
    }
    thread.start()
}

do {
    try Sandbox.apply(policy)
} catch {
    FileHandle.standardError.write(Data("SelfSandboxExample: \(error)\n".utf8))
    exit(1)
}
tryForbiddenCalls("main")
for _ in 1...workers { sandboxed.signal() }
finished.wait()
