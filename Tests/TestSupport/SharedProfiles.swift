import Foundation

/// The reference seccomp profiles in the shared test data (`../shared/profiles/` beside the
/// checkout, or `$SYSFENCE_SHARED_DIR/profiles`), read at run time and never copied into the repo.
public enum SharedProfiles {
    /// The profiles folder, or `nil` when the shared data is not there.
    public static var directory: URL? {
        var candidates: [URL] = []
        if let shared = ProcessInfo.processInfo.environment["SYSFENCE_SHARED_DIR"] {
            candidates.append(URL(fileURLWithPath: shared).appendingPathComponent("profiles"))
        }
        // Tests/TestSupport/SharedProfiles.swift -> the package root -> ../shared/profiles
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.deletingLastPathComponent().appendingPathComponent("shared/profiles"))
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("moby-default.json").path) }
    }

    /// The path of one profile (`moby-default.json`, `podman-default.json`), or `nil` when absent.
    public static func path(_ name: String) -> String? {
        directory.map { $0.appendingPathComponent(name).path }
    }

    /// Why a test that needs the profiles did not run.
    public static let missingMessage =
        "the shared profiles (../shared/profiles or $SYSFENCE_SHARED_DIR/profiles) are absent; skipping"
}
