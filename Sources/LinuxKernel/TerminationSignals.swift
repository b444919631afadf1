import Glibc

/// Set by the SIGINT/SIGTERM handler; read between two steps of a loop.
nonisolated(unsafe) private var terminationSignal: sig_atomic_t = 0

/// SIGINT and SIGTERM caught instead of killing the process, so a long-running command can stop
/// cleanly between two steps (detach its probes, print its counters).
public enum TerminationSignals {
    /// Installs the handlers (`sigaction`) for SIGINT and SIGTERM, and unblocks both in the
    /// calling thread: a mask inherited from the parent (whose runtime threads may block them)
    /// would otherwise leave them pending for good.
    public static func catchThem() {
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        for signal in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { terminationSignal = $0 }
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
            sigaddset(&unblocked, signal)
        }
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
    }

    /// The signal received since `catchThem()`, if any.
    public static var received: Int32? { terminationSignal == 0 ? nil : terminationSignal }
}
