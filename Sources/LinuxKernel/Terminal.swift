import Glibc

/// Whether `fileDescriptor` refers to a terminal (`isatty(3)`).
public func isTerminal(_ fileDescriptor: Int32) -> Bool {
    isatty(fileDescriptor) == 1
}
