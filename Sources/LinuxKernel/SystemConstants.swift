import CSysHeaders
import SysfenceCore

extension ConstantTable {
    /// The constants of this machine's system headers, as compiled into sysfence.
    public static let system: ConstantTable = {
        func read(_ fetch: (UnsafeMutablePointer<Int>) -> UnsafePointer<sysfence_constant>?) -> [String: Int64] {
            var count = 0
            guard let base = fetch(&count) else { return [:] }
            var values: [String: Int64] = [:]
            for entry in UnsafeBufferPointer(start: base, count: count) {
                values[String(cString: entry.name)] = entry.value
            }
            return values
        }
        let values = read { sysfence_constants($0) }.mapValues { UInt64(bitPattern: $0) }
        let errnos = read { sysfence_errnos($0) }.mapValues { UInt16(truncatingIfNeeded: $0) }
        return ConstantTable(values: values, errnos: errnos)
    }()
}
