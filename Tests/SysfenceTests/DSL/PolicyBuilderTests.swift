import Foundation
import Glibc
import Sysfence
import Testing

/// A constant Glibc does not export to Swift, from the system table the YAML side uses too.
private func system(_ name: String) -> UInt64 {
    ConstantTable.system.values[name]!
}

private func example(_ name: String) throws -> Policy {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    return try Policy(contentsOfFile: directory.appendingPathComponent("Resources/examples/\(name)").path)
}

@Suite struct PolicyBuilderTests {
    @Test func webBackendTwinEqualsTheYAMLPolicy() throws {
        let policy = Policy(name: "web-backend", description: "free text", default: .errno(EPERM), arches: [.x86_64, .x86]) {
            Allow("read", "write", "close")
            Allow("socket").when(arg(0).in(AF_UNIX, AF_INET, AF_INET6))
            Rule(.errno(ENOSYS), "clone3")
            Allow("clone").when((arg(0) & (system("CLONE_NEWUSER") | system("CLONE_NEWNS"))) == 0)
            KillProcess("ptrace", "process_vm_writev")
            Rule(.trap, 1000)
            Allow("ioctl").when(u32(arg(1)) == TCGETS).arches(.x86_64).comment("terminals only")
        }
        #expect(policy == (try example("web-backend.yaml")))
        #expect(throws: Never.self) { try policy.validate() }
    }

    @Test func fileServerTwinEqualsTheYAMLPolicy() throws {
        let sockFlags = system("SOCK_NONBLOCK") | system("SOCK_CLOEXEC")
        let policy = Policy(
            name: "file-server",
            description: "Serves files read-only over TCP. Opening for writing fails with EACCES, process creation is fatal.\n",
            default: .killProcess, arches: [.x86_64, .aarch64], badArch: .errno(EPERM)
        ) {
            Allow("read", "pread64", "readv", "close", "fstat", "newfstatat", "lseek", "mmap", "munmap", "brk", "futex",
                  "exit_group", "exit")
            Allow("write").when(arg(0) == 1 || arg(0) == 2 || (arg(0) >= 3 && arg(0) < 0x400))
            Allow("openat").when((arg(2) & O_ACCMODE) == O_RDONLY && !((arg(2) & (O_CREAT | O_TRUNC)) != 0))
            Rule(.errno(EACCES), "openat")
            Allow("socket").when(arg(0).in(AF_INET, AF_INET6) && (u32(arg(1)) & ~sockFlags) == system("SOCK_STREAM"))
            Allow("bind", "listen", "accept4", "setsockopt", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait")
            Log("mprotect").when(arg(2).notIn(PROT_READ | PROT_EXEC, PROT_READ | PROT_WRITE | PROT_EXEC))
            Rule(.errno(38), "io_uring_setup", "io_uring_enter").comment("no io_uring")
            KillThread("epoll_wait").arches(.x86_64).when(0x7FFF_FFFF < u32(arg(2)) || arg(3) == -1)
            Rule(.trace(7), "clone", "fork", "vfork", "execve")
        }
        #expect(policy == (try example("file-server.yaml")))
    }

    @Test func controlFlowBuildsRulesInOrder() {
        let debug = true
        let sandboxed: Bool? = nil
        enum Mode { case strict, lax }
        let mode = Mode.lax
        let shared: [Rule] = [Allow("close").rule, Allow("exit").rule]
        let policy = Policy(default: .killProcess) {
            Allow("read")
            if debug { Log("ptrace") }
            if sandboxed == true { Allow("never") }
            if mode == .strict {
                KillProcess("write")
            } else {
                Allow("write")
            }
            switch mode {
            case .strict: Notify("openat")
            case .lax: Trap("openat")
            }
            for name in ["futex", "brk"] { Allow(.name(name)) }
            shared
            KillThread("kill")
        }
        #expect(policy.rules == [
            Rule(action: .allow, syscalls: ["read"]), Rule(action: .log, syscalls: ["ptrace"]),
            Rule(action: .allow, syscalls: ["write"]), Rule(action: .trap, syscalls: ["openat"]),
            Rule(action: .allow, syscalls: ["futex"]), Rule(action: .allow, syscalls: ["brk"]),
            Rule(action: .allow, syscalls: ["close"]), Rule(action: .allow, syscalls: ["exit"]),
            Rule(action: .killThread, syscalls: ["kill"]),
        ])
        #expect(policy.arches == [.native])
        #expect(policy.badArchAction == .killProcess)
    }

    @Test func constantsOfAnyIntegerTypeAreSignExtended() {
        #expect((arg(1) == AT_FDCWD) == .comparison(Comparison(argument: 1, op: .equal, value: UInt64(bitPattern: -100))))
        #expect((arg(1) == Int8(-1)) == .comparison(Comparison(argument: 1, op: .equal, value: .max)))
        #expect((arg(1) == UInt8(255)) == .comparison(Comparison(argument: 1, op: .equal, value: 255)))
        #expect((u32(arg(1)) == -1) == .comparison(Comparison(argument: 1, width: .low32, op: .equal, value: .max)))
        #expect(((arg(0) & UInt32.max) > 7) == .comparison(Comparison(argument: 0, mask: 0xFFFF_FFFF, op: .greater, value: 7)))
    }

    @Test func operatorsMatchTheYAMLLanguage() {
        let a = Comparison(argument: 0, op: .equal, value: 1)
        #expect((5 <= arg(0)) == .comparison(Comparison(argument: 0, op: .greaterOrEqual, value: 5)))
        #expect(arg(0).in([1, 2]) == .or([.comparison(a), .comparison(Comparison(argument: 0, op: .equal, value: 2))]))
        #expect(arg(0).in(1) == .comparison(a))
        #expect(arg(0).notIn(1) == .comparison(Comparison(argument: 0, op: .notEqual, value: 1)))
        #expect(((arg(0) == 1 && arg(0) == 1) && arg(0) == 1) == .and([.comparison(a), .comparison(a), .comparison(a)]))
        #expect((!(arg(0) == 1)) == .not(.comparison(a)))
    }

    @Test func actionsFromGlibcIntegers() {
        #expect(Action.errno(EPERM) == .errno(1))
        #expect(Action.trace(Int32(7)) == .trace(7))
        #expect(Action.errno(Int32(-1)) == .errno(65535))
    }

    @Test func validateReportsProblemsAtTheDSLCall() throws {
        let line = #line + 2
        let policy = Policy(default: .errno(Int32(-1))) {
            Allow("read", "opne")
            Rule(.errno(5000), "write")
        }
        do {
            try policy.validate()
            Issue.record("validated")
        } catch let error as DiagnosticsError {
            #expect(error.diagnostics.map(\.description) == [
                "error: errno value 65535 is out of range 0...4095",
                "\(#filePath):\(line):18: error: unknown syscall 'opne' (did you mean 'open'?)",
                "\(#filePath):\(line + 1):17: error: errno value 5000 is out of range 0...4095",
            ])
        }
    }

    /// Swift's `#column` default is the column of the call's opening parenthesis.
    @Test func ruleSourcesPointAtTheCalls() {
        let line = #line + 2
        let policy = Policy(default: .allow) {
            Allow("read").when(arg(0) == 1)
        }
        let source = policy.rules.first?.source
        #expect(source?.rule == SourceLocation(file: #filePath, line: line, column: 18))
        #expect(source?.syscalls == [SourceLocation(file: #filePath, line: line, column: 18)])
        #expect(source?.condition?.line == line)
    }
}
