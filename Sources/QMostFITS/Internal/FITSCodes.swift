import CFITSIO

/// cfitsio's numeric codes, mirrored so that the public files never import the C module.
enum FITSCode {
    // Table and pixel data types (TBYTE ...).
    static let tbyte = Int32(TBYTE)
    static let tsbyte = Int32(TSBYTE)
    static let tlogical = Int32(TLOGICAL)
    static let tstring = Int32(TSTRING)
    static let tushort = Int32(TUSHORT)
    static let tshort = Int32(TSHORT)
    static let tuint = Int32(TUINT)
    static let tint = Int32(TINT)
    static let tulong = Int32(TULONG)
    static let tlong = Int32(TLONG)
    static let tfloat = Int32(TFLOAT)
    static let tulonglong = Int32(TULONGLONG)
    static let tlonglong = Int32(TLONGLONG)
    static let tdouble = Int32(TDOUBLE)

    // BITPIX codes (the unsigned ones are cfitsio's BZERO-offset conventions).
    static let byteImage = Int32(BYTE_IMG)
    static let sbyteImage = Int32(SBYTE_IMG)
    static let shortImage = Int32(SHORT_IMG)
    static let ushortImage = Int32(USHORT_IMG)
    static let longImage = Int32(LONG_IMG)
    static let ulongImage = Int32(ULONG_IMG)
    static let longlongImage = Int32(LONGLONG_IMG)
    static let floatImage = Int32(FLOAT_IMG)
    static let doubleImage = Int32(DOUBLE_IMG)

    // HDU types.
    static let imageHDU = Int32(IMAGE_HDU)
    static let asciiTable = Int32(ASCII_TBL)
    static let binaryTable = Int32(BINARY_TBL)

    // Tile compression algorithms.
    static let rice = Int32(RICE_1)
    static let gzip1 = Int32(GZIP_1)
    static let gzip2 = Int32(GZIP_2)
    static let plio = Int32(PLIO_1)
    static let hcompress = Int32(HCOMPRESS_1)

    // Status codes the wrapper raises itself.
    static let fileNotOpened = Int32(FILE_NOT_OPENED)
    static let badFilePointer = Int32(BAD_FILEPTR)
    static let readOnlyFile = Int32(READONLY_FILE)
    static let keyNotFound = Int32(KEY_NO_EXIST)
    static let badKeyChar = Int32(BAD_KEYCHAR)
    static let noEnd = Int32(NO_END)
    static let columnNotFound = Int32(COL_NOT_FOUND)
    static let columnNotUnique = Int32(COL_NOT_UNIQUE)
    static let notImage = Int32(NOT_IMAGE)
    static let notTable = Int32(NOT_TABLE)
    static let badRowWidth = Int32(BAD_ROW_WIDTH)
    static let badTForm = Int32(BAD_TFORM)
    static let badHDUNumber = Int32(BAD_HDU_NUM)
    static let badDimension = Int32(BAD_DIMEN)
    static let badFloatConversion = Int32(BAD_F2C)
    static let badDataType = Int32(BAD_DATATYPE)
    static let numOverflow = Int32(NUM_OVERFLOW)
    static let decompressionError = Int32(DATA_DECOMPRESSION_ERR)
}
