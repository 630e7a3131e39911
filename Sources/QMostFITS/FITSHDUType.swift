/// The kind of an HDU as cfitsio presents it.
public enum FITSHDUType: Sendable, Equatable {
    /// A primary array or IMAGE extension, including tile-compressed images (.fits.fz).
    case image
    /// An ASCII TABLE extension.
    case asciiTable
    /// A BINTABLE extension.
    case binaryTable

    init(code: Int32) {
        switch code {
        case FITSCode.asciiTable: self = .asciiTable
        case FITSCode.binaryTable: self = .binaryTable
        default: self = .image
        }
    }
}
