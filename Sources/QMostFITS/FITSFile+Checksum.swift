extension FITSFile {
    /// Writes CHECKSUM and DATASUM into every HDU. Call it last, after all data and
    /// keywords are written; any later change invalidates the sums.
    public func writeChecksums() throws(FITSError) {
        try requireWritable("writeChecksums")
        let current = try handle.currentHDUNumber()
        // cfitsio does not count a just-created last HDU without data yet (an empty table): the current one is.
        let count = max(try hduCount, current)
        for index in 0..<count {
            try handle.moveAbsolute(index + 1)
            try handle.writeChecksum()
        }
        if current >= 1 { try handle.moveAbsolute(current) }
    }

    /// Verifies an HDU's CHECKSUM (whole HDU) and DATASUM (data unit). Reads the HDU's
    /// data, so it costs a pass over the bytes.
    public func verifyChecksums(hdu: Int? = nil) throws(FITSError) -> (checksum: FITSChecksumState, datasum: FITSChecksumState) {
        try select(hdu)
        let result = try handle.verifyChecksum()
        return (Self.checksumState(result.hdu), Self.checksumState(result.data))
    }

    static func checksumState(_ code: Int32) -> FITSChecksumState {
        switch code {
        case 1: .valid
        case 0: .absent
        default: .invalid
        }
    }
}
