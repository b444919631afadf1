import Foundation
import LinuxKernel
import Sysfence

/// The C programs of `Tests/Programs`, compiled with `cc` when a test first needs them.
public enum TestPrograms {
    /// `Tests/Programs` of this checkout.
    static let sourceDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Programs")

    /// Where this test process puts its builds and scratch files.
    public static let scratchDirectory: URL = {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sysfence-tests-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }()

    /// A compiler failure, with what `cc` printed.
    public struct BuildError: Error, CustomStringConvertible {
        public var description: String
    }

    private static let syscallsBuild = Result { try build("syscalls") }

    /// `syscalls.c`: makes the system calls its arguments name and prints their results.
    public static func syscalls() throws -> String { try syscallsBuild.get() }

    private static func build(_ name: String) throws -> String {
        let output = scratchDirectory.appendingPathComponent(name).path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["cc", "-O1", "-pthread", "-o", output, sourceDirectory.appendingPathComponent(name + ".c").path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BuildError(description: "cc \(name).c failed: " + String(decoding: message, as: UTF8.self))
        }
        return output
    }

    /// A fresh path in the scratch directory.
    public static func scratchFile(_ stem: String) -> String {
        scratchDirectory.appendingPathComponent("\(stem)-\(UUID().uuidString)").path
    }
}

/// Whether the tests that need the kernel's seccomp features run.
///
/// With `SYSFENCE_REQUIRE_KERNEL=1` they always run, so a missing feature fails them; otherwise
/// they run only where the kernel offers seccomp user notification.
public enum KernelTests {
    /// Whether the environment demands the kernel tests.
    public static var required: Bool { ProcessInfo.processInfo.environment["SYSFENCE_REQUIRE_KERNEL"] == "1" }

    /// Whether the tests of supervised runs (and of plain filters) run.
    public static var enabled: Bool {
        required || ((try? Seccomp.isAvailable(.notify)) ?? false)
    }
}
