import LinuxKernel
import SysfenceCore

/// Receives the calls a supervised filter hands over, answers each as the policy decides, and
/// reports it as an event.
///
/// Allowed calls never get here: the installed filter returns `SECCOMP_RET_ALLOW` for them
/// itself. Every other call waits in the kernel until it is answered, so none is lost and the
/// calls of a thread are reported in the order it made them.
final class Supervisor {
    let listener: NotificationListener
    let policy: Policy
    let decisions: DecisionProgram
    let table: SyscallTable
    let mode: EnforcementMode
    private let report: (ViolationEvent) -> Void
    private let threads = ThreadRegistry()
    /// The calls for which the supervisor ended a process, by process id.
    private(set) var kills: [Int32: ViolationEvent] = [:]

    init(listener: NotificationListener, policy: Policy, decisions: DecisionProgram, table: SyscallTable,
         mode: EnforcementMode, report: @escaping (ViolationEvent) -> Void) {
        self.listener = listener
        self.policy = policy
        self.decisions = decisions
        self.table = table
        self.mode = mode
        self.report = report
    }

    /// Receives one waiting call (blocking until there is one), answers it and reports it.
    func handleNextCall() throws(SystemCallError) {
        guard let notification = try listener.receive() else { return }
        let time = wallClockNanoseconds()
        let thread = threads.lookup(notification, listener: listener)
        var event = ViolationEvent(time: time, processID: thread?.processID, threadID: notification.threadID,
                                   command: thread?.command, call: notification.data, policy: policy,
                                   decisions: decisions, table: table, mode: mode)
        if thread != nil, let name = event.syscallName { event.strings = strings(of: notification, syscall: name) }
        let answer = SupervisorAnswer(carryingOut: event.action, for: notification.data, mode: mode)
        try carryOut(answer, for: notification, event: event)
        report(event)
    }

    /// The strings the call's string arguments point to, read from the calling thread's memory
    /// while it waits; a short read first, since most are short.
    private func strings(of notification: SeccompNotification, syscall: String) -> [Int: String] {
        var strings: [Int: String] = [:]
        for index in StringArguments.indices(of: syscall) {
            let address = notification.data.arguments[index]
            guard address != 0 else { continue }
            for limit in [256, StringArguments.limit] {
                guard let bytes = try? readMemory(of: notification.threadID, at: address, limit: limit) else { break }
                if let end = bytes.firstIndex(of: 0) {
                    strings[index] = String(decoding: bytes[..<end], as: UTF8.self)
                    break
                }
                if bytes.count < limit { break }  // unmapped memory before any NUL
            }
        }
        return strings
    }

    /// The calling thread's status, with its signal masks as they are now, read while its call
    /// still waits, so the thread id still names that thread; `nil` when the thread is gone.
    private func signalState(_ notification: SeccompNotification) -> ThreadStatus? {
        guard let status = ThreadRegistry.status(of: notification.threadID), listener.isWaiting(notification.id) else { return nil }
        return status
    }

    private func carryOut(_ answer: SupervisorAnswer, for notification: SeccompNotification,
                          event: ViolationEvent) throws(SystemCallError) {
        let id = notification.id
        switch answer {
        case .letContinue:
            try listener.letContinue(id)
        case .fail(let errno):
            try listener.answer(id, errno: Int32(errno), value: 0)
        case .trap(let value):
            // The kernel forces a blocked or ignored SIGSYS back to its default, which ends the process.
            guard let thread = signalState(notification) else { return }
            if thread.blocksOrIgnores(Signals.badSystemCall) {
                try end(thread, notification, event)
            } else if try Signals.queueSeccompTrap(process: thread.processID, thread: notification.threadID,
                                                   call: notification.data, errno: 0) {
                try listener.answer(id, errno: 0, value: value)
            }
        case .kill(let value):
            guard let thread = signalState(notification) else { return }
            if thread.takesDefaultAction(Signals.badSystemCall) {
                // Default SIGSYS: the process dumps core and ends by SIGSYS, as under a kill action.
                if try Signals.queueSeccompTrap(process: thread.processID, thread: notification.threadID,
                                                call: notification.data, errno: 0) {
                    try listener.answer(id, errno: 0, value: value)
                    kills[thread.processID] = event
                }
            } else {
                try end(thread, notification, event)
            }
        }
    }

    /// Ends the process with SIGKILL, which nothing can catch, block or ignore.
    private func end(_ thread: ThreadStatus, _ notification: SeccompNotification, _ event: ViolationEvent) throws(SystemCallError) {
        if try Signals.send(Signals.kill, process: thread.processID, thread: notification.threadID) {
            kills[thread.processID] = event
        }
    }
}
