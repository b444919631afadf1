import Foundation
import Libseccomp
import LinuxKernel
import SysfenceCore

/// How `Enforcer.run` runs a command.
public struct RunOptions: Sendable {
    /// Enforce the policy, or only report what it would do.
    public var mode: EnforcementMode
    /// Flags of the filter install; `tsync` by default.
    public var flags: Set<FilterFlag>
    /// The command's environment; `nil` passes this process's.
    public var environment: [String: String]?
    /// Whether this process behaves as a wrapper of the command while it runs: it ignores
    /// `SIGINT` and `SIGQUIT`, as `system(3)` does (a terminal sends them to the command too,
    /// which gets them with their default action), and passes `SIGTERM` and `SIGHUP` on to the
    /// command, so the run still reports how the command ended. For command-line tools: it
    /// changes the dispositions of the whole process for the time of the run.
    public var passesSignals: Bool

    /// Options; the defaults enforce, with `tsync`, this process's environment, signals left alone.
    public init(mode: EnforcementMode = .enforce, flags: Set<FilterFlag> = [.threadSync], environment: [String: String]? = nil,
                passesSignals: Bool = false) {
        self.mode = mode
        self.flags = flags
        self.environment = environment
        self.passesSignals = passesSignals
    }
}

/// A command that could not be executed.
public struct ExecFailure: Hashable, Sendable, CustomStringConvertible {
    /// The command as given.
    public var command: String
    /// The errno of `execve` (`ENOENT` when the command was not found), by name.
    public var errnoName: String?
    /// The errno's message.
    public var message: String

    /// A failure to execute `command`.
    public init(command: String, errnoName: String?, message: String) {
        self.command = command
        self.errnoName = errnoName
        self.message = message
    }

    /// Whether the command was not found, for which shells exit with 127 rather than 126.
    public var isNotFound: Bool { errnoName == "ENOENT" }

    /// `cannot execute COMMAND: message`.
    public var description: String { "cannot execute \(command): \(message)" }
}

/// How a supervised command ended.
public enum RunOutcome: Hashable, Sendable {
    /// The program ran and ended; `killedBy` is the call for which the policy ended it.
    case finished(ProcessTermination, killedBy: ViolationEvent?)
    /// `execve` failed, before the program ran (the policy itself may have denied it).
    case notExecuted(ExecFailure)
}

/// Runs commands under a policy with a supervisor that carries out and reports every verdict
/// other than allow.
public enum Enforcer {
    /// The flags every supervised install adds: a listener, and answers that only a fatal
    /// signal can interrupt once received, so each call is reported exactly once.
    static let supervisionFlags: SeccompFilterFlags = [.newListener, .waitKillableReceive]

    /// Runs `command` (searched for in `PATH`) under `policy` and returns when it ends.
    ///
    /// The command's process sets `no_new_privs` and installs, with `seccomp(2)`, the policy
    /// with every action but allow turned into notify; the supervisor (the calling thread)
    /// decides each call it receives with the policy itself, answers so the program sees that
    /// action's effect (see `docs/enforcer.md` for where the kernel makes this differ), and
    /// passes an event to `onEvent`. Processes the command leaves behind lose the supervisor
    /// when it ends: their calls that the policy does not allow then fail with `ENOSYS`.
    public static func run(_ command: [String], policy: Policy, options: RunOptions = RunOptions(),
                           onEvent: @escaping (ViolationEvent) -> Void) throws(DiagnosticsError) -> RunOutcome {
        guard let name = command.first, !name.isEmpty else { throw DiagnosticsError(at: nil, "no command to run") }
        try validated(policy)
        try KernelSupport.require([.notify])
        let table = SyscallTable.libseccomp
        let filter = try policy.handingDecisionsToSupervisor.compileFilter(table: table)
        let environment = options.environment ?? ProcessInfo.processInfo.environment
        guard let path = executablePath(name, searchPath: environment["PATH"]) else {
            return .notExecuted(ExecFailure(command: name, errnoName: "ENOENT", message: "command not found"))
        }
        var saved: [Signals.SavedDisposition] = []
        defer { saved.reversed().forEach { $0.restore() } }
        if options.passesSignals {
            do { saved = try Signals.terminalInterrupts.map { (signal) throws(SystemCallError) in try Signals.ignore(signal) } } catch {
                throw DiagnosticsError(at: nil, "cannot ignore terminal interrupts: \(error)")
            }
        }
        let child: FilteredChild
        do {
            child = try FilteredChild(path: path, arguments: command, environment: environment.map { "\($0.key)=\($0.value)" },
                                      filter: filter.instructions,
                                      flags: KernelSupport.seccompFlags(options.flags).union(supervisionFlags),
                                      defaultSignals: saved.filter { !$0.wasIgnored }.map(\.signal))
        } catch {
            if error.step == .filter {
                throw KernelSupport.filterRefused(SystemCallError(error.step.rawValue, errno: error.errno),
                                                  length: filter.instructions.count, withListener: true)
            }
            throw DiagnosticsError(at: nil, "cannot start \(name): \(error)")
        }
        guard let listener = child.listener else { preconditionFailure("a supervised install returns a listener") }
        listener.wakeOnCurrentCPU()
        let supervisor = Supervisor(listener: listener, policy: policy, decisions: DecisionProgram(policy: policy, table: table),
                                    table: table, mode: options.mode, report: onEvent)
        do {
            // Only now, so that the child never has the handlers, not even until it executes.
            if options.passesSignals {
                for signal in Signals.terminationRequests { saved.append(try Signals.forward(signal, to: child.pid)) }
            }
            try serve(supervisor, until: child)
        } catch {
            // Without its supervisor the program would run on with ENOSYS for every reported call.
            _ = try? Signals.send(Signals.kill, process: child.pid, thread: child.pid)
            _ = try? child.wait()
            throw DiagnosticsError(at: nil, "the supervisor failed, so \(name) was stopped: \(error)")
        }
        let termination: ProcessTermination
        do { termination = try child.wait() } catch {
            throw DiagnosticsError(at: nil, "cannot learn how \(name) ended: \(error)")
        }
        if let failure = child.execError {
            return .notExecuted(ExecFailure(command: name, errnoName: failure.name, message: failure.message))
        }
        return .finished(termination, killedBy: supervisor.kills[child.pid])
    }

    /// Checks a policy (from the DSL, or built by hand) the way a policy file is checked.
    static func validated(_ policy: Policy) throws(DiagnosticsError) {
        do { try policy.validate() } catch {
            throw error as? DiagnosticsError ?? DiagnosticsError(at: nil, "\(error)")
        }
    }

    /// Answers calls until the child ends, then those already waiting from processes it left.
    private static func serve(_ supervisor: Supervisor, until child: FilteredChild) throws(SystemCallError) {
        let listener = supervisor.listener.descriptor.rawValue
        var listening = true
        while true {
            let ready = try poll(listening ? [child.descriptor, listener] : [child.descriptor], timeout: -1)
            if listening {
                if ready[1].contains(.readable) {
                    try supervisor.handleNextCall()
                } else if !ready[1].isDisjoint(with: [.hangUp, .error]) {
                    listening = false  // every filtered process has ended
                }
            }
            if ready[0].contains(.readable) { break }
        }
        while listening, try poll([listener], timeout: 0)[0].contains(.readable) {
            try supervisor.handleNextCall()
        }
    }

    /// The file `execve` should run for `name`: itself when it contains a slash, else the first
    /// executable of that name in `searchPath` (`/usr/local/bin:/usr/bin:/bin` when unset).
    static func executablePath(_ name: String, searchPath: String?) -> String? {
        if name.contains("/") { return name }
        let directories = (searchPath ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false)
        for directory in directories {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + name
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }
}
