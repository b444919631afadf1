/// Named constants a policy may use (`AF_INET`, `CLONE_NEWUSER`, `TCGETS`, `EPERM`...).
///
/// The values are data: the `Sysfence` library fills the table from the system headers at
/// build time. Negative constants such as `AT_FDCWD` are stored as 64-bit two's complement.
public struct ConstantTable: Sendable {
    /// Every constant, errno names included.
    public let values: [String: UInt64]
    /// The errno names alone, with their numbers.
    public let errnos: [String: UInt16]
    private let errnoNamesByNumber: [UInt16: String]

    public init(values: [String: UInt64], errnos: [String: UInt16]) {
        var all = values
        for (name, number) in errnos { all[name] = UInt64(number) }
        self.values = all
        self.errnos = errnos
        var byNumber: [UInt16: String] = [:]
        for (name, number) in errnos.sorted(by: { $0.key < $1.key }) where byNumber[number] == nil {
            byNumber[number] = name
        }
        self.errnoNamesByNumber = byNumber
    }

    /// The canonical name of an errno number (the alphabetically first alias).
    public func errnoName(_ number: UInt16) -> String? { errnoNamesByNumber[number] }

    /// The errno names by number, for printing actions.
    public var errnoNames: [UInt16: String] { errnoNamesByNumber }
}
