/// What `/proc/<tid>/status` tells the supervisor about a calling thread.
public struct ThreadStatus: Hashable, Sendable {
    /// The command name (`Name:`).
    public var name: String
    /// The thread group, that is the process (`Tgid:`).
    public var processID: Int32
    /// Signals the thread blocks (`SigBlk:`), as a mask with bit n-1 for signal n.
    public var blockedSignals: UInt64
    /// Signals the process ignores (`SigIgn:`).
    public var ignoredSignals: UInt64
    /// Signals the process has handlers for (`SigCgt:`).
    public var caughtSignals: UInt64

    /// A status from its parts.
    public init(name: String, processID: Int32, blockedSignals: UInt64 = 0, ignoredSignals: UInt64 = 0, caughtSignals: UInt64 = 0) {
        self.name = name
        self.processID = processID
        self.blockedSignals = blockedSignals
        self.ignoredSignals = ignoredSignals
        self.caughtSignals = caughtSignals
    }

    /// Parses the text of a status file; `nil` when `Name:` or `Tgid:` is missing.
    public init?(procStatus bytes: [UInt8]) {
        var name: String?
        var processID: Int32?
        var masks: [String: UInt64] = [:]
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let key = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
            var value = line[(colon + 1)...]
            while let first = value.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { value = value.dropFirst() }
            switch key {
            case "Name": name = String(decoding: value, as: UTF8.self)
            case "Tgid": processID = Int32(String(decoding: value, as: UTF8.self))
            case "SigBlk", "SigIgn", "SigCgt": masks[key] = UInt64(String(decoding: value, as: UTF8.self), radix: 16)
            default: continue
            }
        }
        guard let name, let processID else { return nil }
        self.init(name: name, processID: processID, blockedSignals: masks["SigBlk"] ?? 0,
                  ignoredSignals: masks["SigIgn"] ?? 0, caughtSignals: masks["SigCgt"] ?? 0)
    }

    /// Whether `signal` would run its default action if it arrived now: not blocked, ignored or caught.
    public func takesDefaultAction(_ signal: Int32) -> Bool {
        let bit = UInt64(1) << UInt64(signal - 1)
        return (blockedSignals | ignoredSignals | caughtSignals) & bit == 0
    }

    /// Whether `signal` is blocked or ignored, which the kernel overrides for a seccomp trap.
    public func blocksOrIgnores(_ signal: Int32) -> Bool {
        let bit = UInt64(1) << UInt64(signal - 1)
        return (blockedSignals | ignoredSignals) & bit != 0
    }
}
