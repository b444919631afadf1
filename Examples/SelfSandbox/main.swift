// SelfSandboxExample: a multithreaded Swift program that sandboxes itself with one call.
//
//     swift run SelfSandboxExample              # the policy below, written with the DSL
//     swift run SelfSandboxExample policy.yaml  # a policy file instead
//
// It starts its worker threads first, then applies the policy, and only then lets the workers
// try to open a network socket and to start a program. Every thread, the ones that existed
// before the call included, is under the filter: `Sandbox.apply` installs it on all threads at
// once (SECCOMP_FILTER_FLAG_TSYNC). Each thread prints one line with what socket(2) and
// execve(2) gave it.
import Foundation
import Sysfence

let policy = Policy(name: "no-network-no-exec", default: .allow) {
    Rule(.errno(EACCES), "socket", "socketpair").comment("no network, no new channels")
    Rule(.errno(EPERM), "execve", "execveat").comment("no other programs")
}

/// `ok`, or the errno's name.
func outcome(_ result: Int32) -> String {
    if result >= 0 { return "ok" }
    return errno == EACCES ? "EACCES" : errno == EPERM ? "EPERM" : "errno \(errno)"
}

/// Tries the calls the policy forbids and prints one line for this thread.
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
let printing = NSLock()
for index in 1...workers {
    finished.enter()
    Thread {
        sandboxed.wait()
        printing.withLock { tryForbiddenCalls("worker \(index)") }
        finished.leave()
    }.start()
}

do {
    let arguments = CommandLine.arguments.dropFirst()
    if let path = arguments.first {
        try Sandbox.apply(contentsOfFile: path)
    } else {
        try Sandbox.apply(policy)
    }
} catch {
    FileHandle.standardError.write(Data("SelfSandboxExample: \(error)\n".utf8))
    exit(1)
}
printing.withLock { tryForbiddenCalls("main") }
for _ in 1...workers { sandboxed.signal() }
finished.wait()
