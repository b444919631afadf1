import Foundation
import LinuxKernel
import Sysfence

/// The enforcer's test program, `Tests/Helpers/syscalls.c`, built once per test process, and
/// scratch files for what the programs write.
public enum TestPrograms {
    /// Kept for the life of the test process (a `TemporaryDirectory` would go with its owner)
    /// and removed when it exits.
    private static let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("sysfence-enforcer-\(UUID().uuidString)")
    private static let scratch = Result { () throws -> URL in
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: TestPrograms.directory) }
        return directory
    }
    private static let syscallsBuild = Result {
        try TestHelpers.compile("syscalls", into: scratch.get(), flags: ["-pthread"])
    }

    /// `syscalls.c`: makes the system calls its arguments name and prints their results.
    public static func syscalls() throws -> String { try syscallsBuild.get() }

    /// A fresh path in this process's scratch directory.
    public static func scratchFile(_ stem: String) throws -> String {
        try scratch.get().appendingPathComponent("\(stem)-\(UUID().uuidString)").path
    }
}

/// Whether the tests that need the kernel's seccomp features run.
///
/// With `SYSFENCE_REQUIRE_KERNEL=1` they always run, so a missing feature fails them; otherwise
/// they run only where the kernel offers seccomp user notification.
public enum KernelTests {
    /// Whether the tests of supervised runs (and of plain filters) run.
    public static var enabled: Bool {
        TestEnvironment.requiresKernel || ((try? Seccomp.isAvailable(.notify)) ?? false)
    }
}
