@testable import SysfenceCore
import Testing

/// A recording built by hand: calls per (arch, name) of `lintTable`, with watched values.
func recording(_ calls: [Arch: [String: UInt64]], values: [Arch: [String: [[UInt32]: UInt64]]] = [:]) -> SyscallRecording {
    var recording = SyscallRecording()
    for (arch, counts) in calls {
        for (name, count) in counts { recording.calls[arch, default: [:]][lintTable.number(of: name, on: arch)!] = count }
    }
    for (arch, perName) in values {
        for (name, seen) in perName { recording.argumentValues[arch, default: [:]][lintTable.number(of: name, on: arch)!] = seen }
    }
    return recording
}

@Suite struct PolicyGenerationTests {
    private let bare = RecordingOptions(name: "demo", includeBase: false)

    @Test func smallRecordingAsYAML() {
        let recorded = recording([.x86_64: ["read": 40, "write": 12, "exit_group": 1, "socket": 3]],
                                 values: [.x86_64: ["socket": [[2, 1]: 2, [10, 2]: 1]]])
        let text = recorded.policy(options: bare, table: lintTable).yamlText(errnoNames: [1: "EPERM"])
        #expect(text == """
            sysfence: 1
            name: demo
            default: errno(EPERM)
            arches: [x86_64]
            bad-arch: kill-process
            rules:
              - action: allow
                syscalls: read
                comment: seen 40 times
              - action: allow
                syscalls: write
                comment: seen 12 times
              - action: allow
                syscalls: socket
                when: (u32(arg0) == 2 && (u32(arg1) & 0xf) == 1) || (u32(arg0) == 10 && (u32(arg1) & 0xf) == 2)
                comment: seen 3 times
              - action: allow
                syscalls: exit_group
                comment: seen 1 time
            
            """)
    }
}
