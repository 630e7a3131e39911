/// How a Swift number is stored in FITS. Only this module creates values of this type, so
/// only the conformances below exist.
public struct FITSNumericType: Sendable, Equatable {
    /// cfitsio's data-type code (TBYTE, TSHORT, ...), used when reading and writing.
    let datatype: Int32
    /// The BITPIX an image of this type is created with (cfitsio's codes 10, 20 and 40
    /// mean signed bytes and unsigned 16/32-bit integers stored with a BZERO offset).
    let bitpix: Int32
    /// The Swift type's name, for messages.
    public let name: String
}

/// A Swift number type that images and table columns can be read into and written from.
///
/// Reads convert from whatever the file stores: an `Int16` image with BSCALE/BZERO reads as
/// `Float` or `Double` with the scaling applied; reading into a narrower integer type fails
/// with status 412 (`NUM_OVERFLOW`) if a value does not fit.
public protocol FITSNumber: Sendable, BitwiseCopyable {
    /// The FITS storage of this type.
    static var fitsType: FITSNumericType { get }
}

/// The name the image API uses for ``FITSNumber``.
public typealias FITSPixel = FITSNumber

extension UInt8: FITSNumber {
    /// BITPIX 8.
    public static var fitsType: FITSNumericType { .init(datatype: FITSCode.tbyte, bitpix: FITSCode.byteImage, name: "UInt8") }
}
extension Int8: FITSNumber {
    /// BITPIX 8 with BZERO -128.
    public static var fitsType: FITSNumericType { .init(datatype: FITSCode.tsbyte, bitpix: FITSCode.sbyteImage, name: "Int8") }
}
extension Int16: FITSNumber {
    /// BITPIX 16.
    public static var fitsType: FITSNumericType { .init(datatype: FITSCode.tshort, bitpix: FITSCode.shortImage, name: "Int16") }
}
extension UInt16: FITSNumber {
    /// BITPIX 16 with BZERO 32768 (the convention ESO raw frames use).
    public static var fitsType: FITSNumericType { .init(datatype: FITSCode.tushort, bitpix: FITSCode.ushortImage, name: "UInt16") }
}
extension Int32: FITSNumber {
    /// BITPIX 32.
    public static var fitsType: FITSNumericType { .init(datatype: FITSCode.tint, bitpix: FITSCode.longImage, name: "Int32") }
}
extension UInt32: FITSNumber {
    /// BITPIX 32 with BZERO 2147483648.
    public static var fitsType: FITSNumericType { .init(datatype: FITSCode.tuint, bitpix: FITSCode.ulongImage, name: "UInt32") }
}
extension Int64: FITSNumber {
    /// BITPIX 64.
    public static var fitsType: FITSNumericType {
        .init(datatype: FITSCode.tlonglong, bitpix: FITSCode.longlongImage, name: "Int64")
    }
}
extension Float: FITSNumber {
    /// BITPIX -32.
    public static var fitsType: FITSNumericType { .init(datatype: FITSCode.tfloat, bitpix: FITSCode.floatImage, name: "Float") }
}
extension Double: FITSNumber {
    /// BITPIX -64.
    public static var fitsType: FITSNumericType { .init(datatype: FITSCode.tdouble, bitpix: FITSCode.doubleImage, name: "Double") }
}
