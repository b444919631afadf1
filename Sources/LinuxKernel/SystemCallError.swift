import Glibc
import SysfenceCore

/// A system call that failed, and the errno it gave.
public struct SystemCallError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The call, as a reader would look it up: `seccomp(SECCOMP_SET_MODE_FILTER)`, `clone3`.
    public var call: String
    /// The positive errno value.
    public var errno: Int32

    /// The failure of `call` with `errno`.
    public init(_ call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    /// The errno's name, such as `ENOMEM`.
    public var name: String? { ConstantTable.system.errnoName(UInt16(truncatingIfNeeded: errno)) }

    /// The errno's message, such as `Cannot allocate memory`.
    public var message: String { String(cString: strerror(errno)) }

    /// `call: message (ENAME)`.
    public var description: String {
        "\(call): \(message)" + (name.map { " (\($0))" } ?? "")
    }
}

/// Turns a `-errno` result of the C shims into a thrown error.
@discardableResult
func check<Result: SignedInteger>(_ result: Result, _ call: @autoclosure () -> String) throws(SystemCallError) -> Result {
    if result < 0 { throw SystemCallError(call(), errno: Int32(truncatingIfNeeded: -result)) }
    return result
}

/// Turns a Glibc `-1`-and-errno result into a thrown error.
@discardableResult
func checkErrno<Result: SignedInteger>(_ result: Result, _ call: @autoclosure () -> String) throws(SystemCallError) -> Result {
    if result < 0 { throw SystemCallError(call(), errno: Glibc.errno) }
    return result
}
