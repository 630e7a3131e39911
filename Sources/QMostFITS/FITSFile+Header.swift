extension FITSFile {
    /// All cards of an HDU (the current one when `hdu` is nil), in order, long strings
    /// joined. A tile-compressed image shows the header of the image it holds.
    public func header(hdu: Int? = nil) throws(FITSError) -> FITSHeader {
        try select(hdu)
        let records = try handle.headerRecords()
        do throws(FITSCardParseError) {
            let cards = try FITSCardParser.parseCards(records[...], count: records.count / FITSCardParser.recordLength)
            return FITSHeader(cards: cards)
        } catch {
            throw usageError(error.status, "header", "HDU \(try currentHDU + 1): \(error.message)")
        }
    }

    /// The headers of all HDUs in order.
    public func headers() throws(FITSError) -> [FITSHeader] {
        var result: [FITSHeader] = []
        for index in 0..<(try hduCount) {
            result.append(try header(hdu: index))
        }
        return result
    }

    /// Writes cards into an existing HDU of a writable file: valued cards replace a card
    /// with the same keyword or are appended, `COMMENT`/`HISTORY` are appended. Structural
    /// keywords (BITPIX, NAXISn, BZERO, TFORMn, CHECKSUM, ...) are skipped, as in the
    /// append methods. Checksums are not updated; call ``writeChecksums()`` afterwards.
    public func setCards(_ cards: [FITSCard], hdu: Int? = nil) throws(FITSError) {
        try requireWritable("setCards")
        try select(hdu)
        try handle.writeCards(cards)
    }
}
