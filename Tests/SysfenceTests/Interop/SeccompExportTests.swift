import Foundation
import Sysfence
import Testing
import TestSupport

/// Exports policies as OCI profiles and proves, through libseccomp, that the profile decides as
/// the policy; imports the export again and expects the same policy.
@Suite struct SeccompExportTests {
    let compiler = LibseccompReferenceCompiler()

    /// Import, export, import again: equal policies, and the export decides as the policy.
    func expectRoundTrip(_ imported: SeccompImport, native: Arch) throws {
        let exported = try imported.policy.seccompProfile(table: .libseccomp, native: native, compiler: compiler)
        let again = try exported.profile.importPolicy(name: imported.policy.name, native: native, table: .libseccomp, compiler: compiler)
        #expect(again.policy == imported.policy)
        let differential = try ProfileDifferential(profile: exported.profile, native: native)
        let decisions = DecisionProgram(policy: imported.policy, table: .libseccomp)
        let result = differential.compare { decisions.decide(auditArch: $0.arch, nr: $0.nr, arguments: $0.arguments).action }
        #expect(result.differences.isEmpty, "\(result.differences.prefix(5))")
    }

    @Test(.enabled(if: SharedProfiles.directory != nil, "\(SharedProfiles.missingMessage)"),
          arguments: ["moby-default.json", "podman-default.json"])
    func sharedProfilesRoundTrip(file: String) throws {
        let path = try #require(SharedProfiles.path(file))
        let document = try SeccompProfileDocument(text: String(contentsOfFile: path, encoding: .utf8), file: path)
        for capabilities in [SeccompRenderOptions.dockerDefaultCapabilities, []] {
            let options = SeccompRenderOptions(arch: .x86_64, capabilities: capabilities, kernel: KernelVersion(kernel: 6, major: 1))
            try expectRoundTrip(document.importPolicy(name: "shared", options: options, table: .libseccomp, compiler: compiler), native: .x86_64)
        }
    }

    /// Every export of an imported random profile decides exactly as the policy (or is refused
    /// with a reason); those whose policy keeps the profile's own rules alike on every arch come
    /// back equal from a second import.
    @Test func randomProfilesRoundTrip() throws {
        var generator = SeededGenerator(seed: 0xE4_9047)
        var equal = 0, exact = 0, refused: [String] = []
        for _ in 0..<100 {
            let profile = RandomProfiles.profile(using: &generator)
            guard let imported = try? profile.importPolicy(name: "random", native: .x86_64, table: .libseccomp, compiler: compiler) else { continue }
            let exported: SeccompExport
            do {
                exported = try imported.policy.seccompProfile(table: .libseccomp, native: .x86_64, compiler: compiler)
            } catch {
                refused.append(error.description)
                continue
            }
            let differential = try ProfileDifferential(profile: exported.profile, native: .x86_64)
            let decisions = DecisionProgram(policy: imported.policy, table: .libseccomp)
            let result = differential.compare { decisions.decide(auditArch: $0.arch, nr: $0.nr, arguments: $0.arguments).action }
            #expect(result.differences.isEmpty, "\(result.differences.prefix(3))")
            exact += 1
            if imported.spelledOut.isEmpty, imported.policy.rules.allSatisfy({ $0.arches == nil }) {
                let again = try exported.profile.importPolicy(name: "random", native: .x86_64, table: .libseccomp, compiler: compiler)
                #expect(again.policy == imported.policy, "\(imported.policy.yamlText())")
                equal += 1
            }
        }
        #expect(exact > 75 && equal > 50, "\(exact) exact, \(equal) round trips, refused: \(refused.prefix(3))")
        #expect(refused.allSatisfy { $0.contains("no set of OCI entries") || $0.contains("would not decide") })
    }
}
