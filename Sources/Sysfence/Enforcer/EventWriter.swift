import Foundation
import LinuxKernel
import SysfenceCore

/// Writes the violation stream, one line an event, to standard error or a file.
public final class EventWriter {
    private let file: FileDescriptor?
    private let descriptor: Int32
    /// How events are rendered.
    public let formatter: EventFormatter
    /// The first write that failed; later events are dropped.
    public private(set) var failure: SystemCallError?

    /// Writes to standard error, with colour when `colour` is set (decide it from the terminal and `NO_COLOR`).
    public init(standardErrorWith format: EventFormat, colour: Bool) {
        self.file = nil
        self.descriptor = 2
        self.formatter = Self.formatter(format, colour: colour)
    }

    /// Creates (or truncates) `path` and writes there, without colour.
    public init(path: String, format: EventFormat) throws(DiagnosticsError) {
        do {
            let file = try FileDescriptor(writingTo: path)
            self.file = file
            self.descriptor = file.rawValue
        } catch {
            throw DiagnosticsError(at: nil, "cannot write the events to \(path): \(error.message)")
        }
        self.formatter = Self.formatter(format, colour: false)
    }

    private static func formatter(_ format: EventFormat, colour: Bool) -> EventFormatter {
        EventFormatter(format: format, colour: colour, errnoNames: ConstantTable.system.errnoNames,
                       utcOffset: TimeZone.current.secondsFromGMT())
    }

    /// Writes one event as one line.
    public func write(_ event: ViolationEvent) {
        guard failure == nil else { return }
        do {
            try writeAll(descriptor, formatter.line(for: event))
        } catch {
            failure = error
        }
    }
}
