import Libseccomp
@testable import SysfenceCore
import Testing

/// The lint knowledge tables name real syscalls and are well formed.
struct SyscallFactsTests {
    static let table = SyscallTable.libseccomp

    @Test("every syscall the tables name is known to libseccomp")
    func namesAreKnown() {
        let names = Array(SyscallFacts.dangerous.keys) + Array(SyscallFacts.probedForENOSYS.keys)
            + SyscallFacts.startupEssential.map(\.name) + Array(SyscallFacts.signatures.keys)
        let unknown = names.filter { !Self.table.isKnown($0) }.sorted()
        #expect(unknown == [])
    }

    @Test("signatures have one known letter per argument, six at most")
    func signaturesAreWellFormed() {
        for (name, signature) in SyscallFacts.signatures {
            #expect(signature.count <= 6, "\(name)")
            #expect(signature.allSatisfy { SyscallFacts.ArgumentKind(rawValue: $0) != nil }, "\(name)")
        }
        #expect(SyscallFacts.argumentKinds(of: "openat", on: .x86_64) == [.int32, .pointer, .int32, .int32])
        #expect(SyscallFacts.argumentKinds(of: "clone", on: .aarch64) == [.long, .long, .pointer, .long, .pointer])
        #expect(SyscallFacts.argumentKinds(of: "clone", on: .x86_64) == [.long, .long, .pointer, .pointer, .long])
    }

    @Test("startup syscalls exist on the arches they are essential on")
    func startupArches() {
        for (name, arches) in SyscallFacts.startupEssential {
            let missing = (arches ?? Set(Arch.allCases)).filter { Self.table.number(of: name, on: $0) == nil }
            #expect(missing.isEmpty, "\(name) is missing on \(missing)")
        }
    }
}
