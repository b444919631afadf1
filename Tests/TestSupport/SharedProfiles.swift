import Foundation

/// The reference seccomp profiles in the shared test data (`profiles/` of
/// `TestEnvironment.sharedDirectory`), read at run time and never copied into the repo.
public enum SharedProfiles {
    /// The profiles folder, or `nil` when the shared data is not there.
    public static var directory: URL? {
        let profiles = TestEnvironment.sharedDirectory.appendingPathComponent("profiles")
        return FileManager.default.fileExists(atPath: profiles.appendingPathComponent("moby-default.json").path) ? profiles : nil
    }

    /// The path of one profile (`moby-default.json`, `podman-default.json`), or `nil` when absent.
    public static func path(_ name: String) -> String? {
        directory.map { $0.appendingPathComponent(name).path }
    }

    /// Why a test that needs the profiles did not run.
    public static let missingMessage =
        "the shared profiles (../shared/profiles or $SYSFENCE_SHARED_DIR/profiles) are absent; skipping"
}
