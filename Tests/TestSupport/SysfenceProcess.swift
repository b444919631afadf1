import Foundation

/// What a finished program printed and how it ended.
public struct ProcessResult: Equatable, Sendable, CustomStringConvertible {
    public var stdout: String
    public var stderr: String
    /// The exit status, or 128 + the signal number when a signal ended it (as shells report it).
    public var status: Int32

    public init(stdout: String, stderr: String, status: Int32) {
        self.stdout = stdout
        self.stderr = stderr
        self.status = status
    }

    public var description: String { "status \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)---" }
}

/// Places the tests read from: the package checkout and the built products.
public enum TestPaths {
    /// The package root, found from this file's place in `Tests/TestSupport`.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built `sysfence` executable: `SYSFENCE_BINARY` if set, else the one beside the running test
    /// bundle (the build products directory), else `.build/debug/sysfence` under the package root.
    public static var sysfenceBinary: URL {
        if let path = ProcessInfo.processInfo.environment["SYSFENCE_BINARY"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        if let runner = Bundle.main.executableURL {
            let beside = runner.deletingLastPathComponent().appendingPathComponent("sysfence")
            if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        }
        return packageRoot.appendingPathComponent(".build/debug/sysfence")
    }
}

/// Runs the built `sysfence` with `arguments` and waits for it.
///
/// - Parameters:
///   - directory: the working directory; the package root when `nil`.
///   - environment: the child's whole environment; this process's when `nil`.
public func runSysfence(_ arguments: [String], in directory: URL? = nil,
                        environment: [String: String]? = nil) throws -> ProcessResult {
    try runProgram(TestPaths.sysfenceBinary, arguments, in: directory ?? TestPaths.packageRoot, environment: environment)
}

/// Runs a program with `input` as its standard input and collects everything it prints. Input and
/// output go through files rather than pipes, so neither side can block on a full pipe.
public func runProgram(_ executable: URL, _ arguments: [String], in directory: URL = TestPaths.packageRoot,
                       input: String = "", environment: [String: String]? = nil) throws -> ProcessResult {
    let scratch = try TemporaryDirectory()
    let outURL = scratch.url.appendingPathComponent("stdout")
    let errURL = scratch.url.appendingPathComponent("stderr")
    try Data().write(to: outURL)
    try Data().write(to: errURL)
    let inURL = try scratch.write("stdin", input)
    let stdin = try FileHandle(forReadingFrom: inURL)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    defer {
        try? stdin.close()
        try? out.close()
        try? err.close()
    }

    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    if let environment { process.environment = environment }
    process.standardInput = stdin
    process.standardOutput = out
    process.standardError = err
    try process.run()
    process.waitUntilExit()

    let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    return ProcessResult(stdout: try String(contentsOf: outURL, encoding: .utf8),
                         stderr: try String(contentsOf: errURL, encoding: .utf8), status: status)
}
