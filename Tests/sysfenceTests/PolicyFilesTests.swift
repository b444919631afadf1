import Foundation
import Sysfence
import Testing
import TestSupport

/// The example policies in `policies/` are valid, and keep the properties their comments promise.
struct PolicyFilesTests {
    static let directory = TestPaths.packageRoot.appendingPathComponent("policies")

    static let files: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }()

    @Test("the bundled policies are all there")
    func bundled() {
        #expect(Self.files == ["default.yaml", "python-web.yaml", "shell-coreutils.yaml", "static-binary.yaml"])
    }

    @Test("sysfence check accepts every bundled policy")
    func checkAll() throws {
        let result = try runSysfence(["check"] + Self.files.map { "policies/\($0)" })
        #expect(result.stderr == "")
        #expect(result.status == 0)
        let headers = result.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") }.map(String.init)
        #expect(headers == Self.files.map { "policies/\($0): ok" })
    }

    @Test("each policy loads, is named after its file, and names only syscalls x86_64 has",
          arguments: files)
    func policy(file: String) throws {
        let policy = try Policy(contentsOfFile: Self.directory.appendingPathComponent(file).path)
        #expect(policy.name.map { "\($0).yaml" } == file)
        #expect(policy.description?.isEmpty == false)
        #expect(policy.defaultAction == .errno(1))  // EPERM
        #expect(policy.arches == [.x86_64])
        #expect(policy.badArchAction == .killProcess)
        for rule in policy.rules {
            for case .name(let name) in rule.syscalls {
                #expect(SyscallTable.libseccomp.number(of: name, on: .x86_64) != nil, "\(name) in \(file)")
            }
        }
    }

    @Test("clone3 gets ENOSYS, so that glibc falls back to clone, whose flags a filter can read",
          arguments: files)
    func clone3(file: String) throws {
        let policy = try Policy(contentsOfFile: Self.directory.appendingPathComponent(file).path)
        let deciding = try #require(policy.rules.first { $0.syscalls.contains(.name("clone3")) })
        #expect(deciding.action == .errno(38))  // ENOSYS
        #expect(deciding.condition == nil)
        let clone = try #require(policy.rules.first { $0.syscalls.contains(.name("clone")) })
        #expect(clone.condition != nil, "clone is only ever allowed with its flags checked")
    }

    @Test("every policy lets the workload start: execve is allowed unconditionally", arguments: files)
    func execve(file: String) throws {
        let policy = try Policy(contentsOfFile: Self.directory.appendingPathComponent(file).path)
        let deciding = try #require(policy.rules.first { $0.syscalls.contains(.name("execve")) })
        #expect(deciding.action == .allow && deciding.condition == nil)
    }
}
