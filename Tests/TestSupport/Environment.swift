import Foundation

/// Where the test suite runs and what it may skip.
public enum TestEnvironment {
    /// Set by `.ci/run`: a missing kernel feature or tool is a failure, not a skip.
    public static var requiresKernel: Bool { ProcessInfo.processInfo.environment["SYSFENCE_REQUIRE_KERNEL"] == "1" }

    /// The `shared/` folder beside the checkout (test data), or `SYSFENCE_SHARED_DIR`.
    public static var sharedDirectory: URL {
        if let path = ProcessInfo.processInfo.environment["SYSFENCE_SHARED_DIR"] { return URL(fileURLWithPath: path) }
        return TestPaths.packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// Whether the suite runs as root, which kernel tests need.
    public static var isRoot: Bool { getuid() == 0 }
}

/// Builds the C helpers some tests run.
public enum TestHelpers {
    /// Compiles `Tests/Helpers/NAME.c` with the system compiler into `directory`.
    public static func compile(_ name: String, into directory: URL, flags: [String] = []) throws -> String {
        let source = TestPaths.packageRoot.appendingPathComponent("Tests/Helpers/\(name).c")
        let output = directory.appendingPathComponent(name).path
        let result = try runProgram(URL(fileURLWithPath: "/usr/bin/cc"), ["-O2", "-Wall", "-o", output, source.path] + flags,
                                    in: directory)
        guard result.status == 0 else { throw BuildFailed(message: result.stderr) }
        return output
    }

    public struct BuildFailed: Error { public var message: String }
}
