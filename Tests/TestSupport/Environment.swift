import Foundation

/// Where the test suite runs and what it may skip.
public enum TestEnvironment {
    /// Set by `.ci/run`: a missing kernel feature or tool is a failure, not a skip.
    public static var requiresKernel: Bool { ProcessInfo.processInfo.environment["SYSFENCE_REQUIRE_KERNEL"] == "1" }

    /// The package's root directory.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `shared/` folder beside the checkout (test data), or `SYSFENCE_SHARED_DIR`.
    public static var sharedDirectory: URL {
        if let path = ProcessInfo.processInfo.environment["SYSFENCE_SHARED_DIR"] { return URL(fileURLWithPath: path) }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// Whether the suite runs as root, which kernel tests need.
    public static var isRoot: Bool { getuid() == 0 }

    /// A fresh temporary directory, removed by the caller.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sysfence-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// The result of running a program to completion.
public struct ProcessResult {
    public var status: Int32
    /// Set when the process was killed by a signal.
    public var signal: Int32?
    public var stdout: String
    public var stderr: String
}

/// Runs programs for tests, feeding standard input and capturing both outputs.
public enum Subprocess {
    public static func run(_ executable: String, _ arguments: [String], input: String = "",
                           environment: [String: String]? = nil) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        // Standard input and error go through files, so that no side can block on a full pipe.
        let directory = try TestEnvironment.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputFile = directory.appendingPathComponent("stdin"), errorFile = directory.appendingPathComponent("stderr")
        try Data(input.utf8).write(to: inputFile)
        FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        let stdin = try FileHandle(forReadingFrom: inputFile), stderr = try FileHandle(forWritingTo: errorFile)
        defer {
            try? stdin.close()
            try? stderr.close()
        }
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let outputData = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errorData = (try? Data(contentsOf: errorFile)) ?? Data()
        let killed = process.terminationReason == .uncaughtSignal
        return ProcessResult(status: killed ? -1 : process.terminationStatus, signal: killed ? process.terminationStatus : nil,
                             stdout: String(decoding: outputData, as: UTF8.self), stderr: String(decoding: errorData, as: UTF8.self))
    }

    /// Compiles a C test helper with the system compiler into `directory`.
    public static func compileHelper(_ source: URL, into directory: URL, flags: [String] = []) throws -> String {
        let output = directory.appendingPathComponent(source.deletingPathExtension().lastPathComponent).path
        let result = try run("/usr/bin/cc", ["-O2", "-Wall", "-o", output, source.path] + flags)
        guard result.status == 0 else { throw HelperBuildFailed(message: result.stderr) }
        return output
    }

    public struct HelperBuildFailed: Error { public var message: String }
}
