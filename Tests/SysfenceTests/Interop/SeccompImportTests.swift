import Foundation
import Sysfence
import Testing
import TestSupport

/// Imports moby's and Podman's default profiles and proves that the imported policy decides every
/// call exactly as libseccomp decides the profile.
@Suite struct SeccompImportTests {
    static let kernel = KernelVersion(kernel: 6, major: 1)

    func importProfile(_ file: String, options: SeccompRenderOptions) throws -> SeccompImport {
        let path = try #require(SharedProfiles.path(file))
        let document = try SeccompProfileDocument(text: String(contentsOfFile: path, encoding: .utf8), file: path)
        return try document.importPolicy(name: "imported", options: options, table: .libseccomp,
                                         compiler: LibseccompReferenceCompiler())
    }

    func expectNoDifferences(_ imported: SeccompImport, native: Arch) throws {
        let differential = try ProfileDifferential(profile: imported.profile, native: native)
        let decisions = DecisionProgram(policy: imported.policy, table: .libseccomp)
        let result = differential.compare { decisions.decide(auditArch: $0.arch, nr: $0.nr, arguments: $0.arguments).action }
        #expect(result.checked > 1000)
        #expect(result.differences.isEmpty, "\(result.differences.count) differences, first: \(result.differences.prefix(5))")
        // sysfence's own filter for the imported policy, run in the emulator, decides alike too.
        let filter = try imported.policy.compileFilter()
        let compiled = differential.compare { Action(seccompReturnValue: BPFEmulator.run(filter.instructions, on: $0)) }
        #expect(compiled.differences.isEmpty, "\(compiled.differences.count) differences, first: \(compiled.differences.prefix(5))")
    }

    @Test(.enabled(if: SharedProfiles.directory != nil, "\(SharedProfiles.missingMessage)"),
          arguments: [Arch.x86_64, .aarch64])
    func mobyDefaultDecidesLikeLibseccomp(arch: Arch) throws {
        let imported = try importProfile("moby-default.json", options: SeccompRenderOptions(arch: arch, kernel: Self.kernel))
        #expect(imported.policy.arches == (arch == .x86_64 ? [.x86_64, .x86, .x32] : [.aarch64, .arm]))
        #expect(imported.policy.defaultAction == .errno(1))
        try expectNoDifferences(imported, native: arch)
    }

    @Test(.enabled(if: SharedProfiles.directory != nil, "\(SharedProfiles.missingMessage)"),
          arguments: [SeccompRenderOptions.dockerDefaultCapabilities, []])
    func podmanDefaultDecidesLikeLibseccomp(capabilities: Set<String>) throws {
        let options = SeccompRenderOptions(arch: .x86_64, capabilities: capabilities, kernel: Self.kernel)
        let imported = try importProfile("podman-default.json", options: options)
        try expectNoDifferences(imported, native: .x86_64)
    }
}

/// Hundreds of seeded random profiles, each imported and compared with libseccomp.
@Suite struct RandomProfileImportTests {
    /// Imports one profile; `nil` when libseccomp itself refuses it (then runc refuses it too).
    func importOrRefusal(_ profile: SeccompProfile) throws -> SeccompImport? {
        do {
            return try profile.importPolicy(name: "random", native: .x86_64, table: .libseccomp, compiler: LibseccompReferenceCompiler())
        } catch {
            let message = String(describing: error)
            if message.contains("libseccomp refuses") { return nil }
            throw error
        }
    }

    @Test func randomProfilesDecideLikeLibseccomp() throws {
        var generator = SeededGenerator(seed: 0x5EC0_4411)
        var imported = 0
        var failures: [String] = []
        for round in 0..<200 {
            let profile = RandomProfiles.profile(using: &generator)
            guard let result = try importOrRefusal(profile) else { continue }
            imported += 1
            let differential = try ProfileDifferential(profile: profile, native: .x86_64)
            let decisions = DecisionProgram(policy: result.policy, table: .libseccomp)
            let comparison = differential.compare { decisions.decide(auditArch: $0.arch, nr: $0.nr, arguments: $0.arguments).action }
            if let first = comparison.differences.first {
                failures.append("round \(round): \(comparison.differences.count) differences, first \(first)")
            }
        }
        #expect(imported > 150)
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }
}
