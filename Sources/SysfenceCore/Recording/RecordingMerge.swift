extension SyscallRecording {
    /// Adds another recording's counts (replicas, several runs).
    public mutating func merge(_ other: SyscallRecording) {
        for (arch, counts) in other.calls {
            calls[arch, default: [:]].merge(counts, uniquingKeysWith: +)
        }
        for (arch, perSyscall) in other.argumentValues {
            for (nr, values) in perSyscall {
                argumentValues[arch, default: [:]][nr, default: [:]].merge(values, uniquingKeysWith: +)
            }
        }
        lostEvents += other.lostEvents
        callsWithoutRoom += other.callsWithoutRoom
    }
}
