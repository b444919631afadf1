import Foundation
import LinuxKernel
import Sysfence

/// Where the command prints: standard output for results, standard error for problems, with
/// colour only where a stream is a terminal and `NO_COLOR` is not set.
struct Console {
    /// One output stream and whether it gets colour.
    struct Stream {
        fileprivate let handle: FileHandle
        let colour: Bool

        /// Writes `text` as it is (add the newline yourself).
        func write(_ text: String) {
            handle.write(Data(text.utf8))
        }

        /// `text` in `style` where this stream has colour, plain otherwise.
        func styled(_ text: String, _ style: Style) -> String {
            colour ? style.apply(to: text) : text
        }
    }

    let out: Stream
    let err: Stream

    /// The process's standard output and error, colour decided from the environment.
    static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> Console {
        Console(
            out: Stream(handle: .standardOutput, colour: wantsColour(isTerminal: isTerminal(1), environment: environment)),
            err: Stream(handle: .standardError, colour: wantsColour(isTerminal: isTerminal(2), environment: environment)))
    }

    /// Colour on a terminal, unless `NO_COLOR` is set to anything non-empty (no-color.org) or `TERM` is `dumb`.
    static func wantsColour(isTerminal: Bool, environment: [String: String]) -> Bool {
        isTerminal && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    /// Prints a diagnostic the way compilers do, `file:line:column: error: message`, coloured like
    /// clang's; one that names no place in the file is put under `file` as `file: error: message`.
    func report(_ diagnostic: Diagnostic, in file: String) {
        let prefix = diagnostic.location == nil ? err.styled(file + ":", .bold) + " " : ""
        err.write(prefix + Self.render(diagnostic, colour: err.colour) + "\n")
    }

    /// `diagnostic` as one line, in the colours of clang's diagnostics when `colour` is set.
    static func render(_ diagnostic: Diagnostic, colour: Bool) -> String {
        let severityStyle: Style
        switch diagnostic.severity {
        case .error: severityStyle = .boldRed
        case .warning: severityStyle = .boldMagenta
        case .note: severityStyle = .boldBlack
        }
        func styled(_ text: String, _ style: Style) -> String { colour ? style.apply(to: text) : text }
        var text = ""
        if let location = diagnostic.location { text += styled("\(location):", .bold) + " " }
        text += styled("\(diagnostic.severity.rawValue):", severityStyle) + " " + styled(diagnostic.message, .bold)
        return text
    }
}

/// ANSI text styles.
enum Style: String {
    case bold = "1"
    case boldRed = "1;31"
    case boldGreen = "1;32"
    case boldMagenta = "1;35"
    case boldBlack = "1;30"

    func apply(to text: String) -> String { "\u{1B}[\(rawValue)m\(text)\u{1B}[0m" }
}
