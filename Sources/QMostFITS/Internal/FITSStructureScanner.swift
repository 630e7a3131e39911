/// What the mandatory keywords of one header declare.
struct DeclaredLayout {
    var xtension: String
    var bitpix: Int
    var naxis: [Int64]
    /// Data bytes without padding.
    var dataBytes: Int64
}

/// One HDU found by the scanner, with its offsets in the scanned bytes.
struct ScannedHDU {
    var index: Int
    var header: FITSHeader
    var layout: DeclaredLayout
    var headerStart: Int64
    var dataStart: Int64
    var dataEnd: Int64

    var extname: String? { header.string("EXTNAME").flatMap { $0.isEmpty ? nil : $0 } }
    /// "HDU 2 (SCI)": 1-based like cfitsio and fitsverify.
    var label: String { "HDU \(index + 1) (\(extname ?? (index == 0 ? "PRIMARY" : layout.xtension)))" }
}

enum ScanResult {
    case complete([ScannedHDU])
    case incomplete(String, missingBytes: Int64?)
    case invalid(String)
}

/// Walks a FITS byte stream header by header without reading data units.
///
/// It works from the bytes alone, not through cfitsio, because cfitsio opens files whose
/// last HDU is short (it pads on read) and refuses files whose header is cut, and the
/// validator must describe both precisely.
struct FITSStructureScanner<Source: FITSByteSource> {
    let source: Source

    static var block: Int64 { 2880 }
    private static var recordLength: Int { FITSCardParser.recordLength }
    // Headers are fetched eight blocks at a time: ESO headers span 10-20 blocks.
    private static var chunk: Int { 8 * 2880 }

    static func padded(_ bytes: Int64) -> Int64 {
        let (rounded, overflow) = bytes.addingReportingOverflow(block - 1)
        return overflow ? Int64.max : rounded / block * block
    }

    func scan() -> ScanResult {
        do {
            return try walk()
        } catch {
            return .incomplete("cannot read the file: \(error)", missingBytes: nil)
        }
    }

    private func walk() throws -> ScanResult {
        let size = source.size
        guard size > 0 else { return .incomplete("the file is empty", missingBytes: Self.block) }
        var hdus: [ScannedHDU] = []
        var offset: Int64 = 0
        while offset < size {
            if !hdus.isEmpty {
                let head = try source.read(at: offset, count: 8)
                if !Self.isPrefix(head, of: "XTENSION") {
                    return try trailingBytes(at: offset, after: hdus[hdus.count - 1])
                }
            }
            switch try scanHDU(at: offset, index: hdus.count) {
            case .success(let hdu):
                hdus.append(hdu)
                offset = hdu.dataEnd
            case .failure(let stop):
                return stop.result
            }
        }
        // A file cut exactly between HDUs looks complete; NEXTEND, where the writer
        // promised it, exposes that.
        if let promised = hdus[0].header.int("NEXTEND"), promised > Int64(hdus.count - 1) {
            return .incomplete(
                "the primary header declares NEXTEND = \(promised) but only \(hdus.count - 1) extension(s) are present",
                missingBytes: nil)
        }
        return .complete(hdus)
    }

    /// A scan that cannot go on, as an Error so `Result` can carry it.
    struct Stop: Error {
        let result: ScanResult
    }

    private func scanHDU(at start: Int64, index: Int) throws -> Result<ScannedHDU, Stop> {
        let size = source.size
        let label = "HDU \(index + 1)"
        var bytes: [UInt8] = []
        var scanned = 0
        var endRecord: Int?
        reading: while true {
            let got = try source.read(at: start + Int64(bytes.count), count: Self.chunk)
            if got.isEmpty { break }
            bytes += got
            while (scanned + 1) * Self.recordLength <= bytes.count {
                let record = bytes[(scanned * Self.recordLength)..<((scanned + 1) * Self.recordLength)]
                if scanned == 0, let problem = Self.firstCardProblem(record, index: index) {
                    return .failure(Stop(result: .invalid(problem)))
                }
                if FITSCardParser.isEnd(record) {
                    endRecord = scanned
                    break reading
                }
                scanned += 1
            }
        }

        if scanned == 0, endRecord == nil, bytes.count < Self.recordLength {
            // Not even the first card is complete: judge by what is there.
            let expected = index == 0 ? "SIMPLE  =" : "XTENSION"
            guard Self.isPrefix(bytes, of: expected) else {
                return .failure(Stop(result: .invalid(index == 0 ? Self.notFITS(bytes) : "\(label) does not start with XTENSION")))
            }
        }

        let cardCount = endRecord ?? scanned
        let cards: [FITSCard]
        do {
            cards = try FITSCardParser.parseCards(bytes[...], count: cardCount)
        } catch {
            return .failure(Stop(result: .invalid("\(label) header is malformed: \(error.message)")))
        }
        let header = FITSHeader(cards: cards)
        let declared = FITSHeaderLayout.declaredLayout(header, primary: index == 0, complete: endRecord != nil, label: label)
        if case .invalid(let reason) = declared { return .failure(Stop(result: .invalid(reason))) }

        guard let endRecord else {
            // Cut inside the header: at least the rest of this block (or one more block
            // for END) and whatever data the cards so far declare are missing.
            let present = Int64(bytes.count)
            var missing = (present % Self.block == 0 ? present + Self.block : Self.padded(present)) - present
            if case .layout(let layout) = declared { missing += Self.padded(layout.dataBytes) }
            return .failure(
                Stop(
                    result: .incomplete(
                        "\(label) header is cut: the file ends \(present) bytes into the header, before its END card "
                            + "(missing at least \(missing) bytes)",
                        missingBytes: missing)))
        }
        guard case .layout(let layout) = declared else {
            return .failure(Stop(result: .invalid("\(label) header lacks its mandatory keywords")))
        }

        let headerBytes = Self.padded(Int64((endRecord + 1) * Self.recordLength))
        let dataStart = start + headerBytes
        let (dataEnd, overflow) = dataStart.addingReportingOverflow(Self.padded(layout.dataBytes))
        let hdu = ScannedHDU(
            index: index, header: header, layout: layout, headerStart: start, dataStart: dataStart, dataEnd: dataEnd)
        guard !overflow, layout.dataBytes < Int64.max - Self.block else {
            return .failure(Stop(result: .invalid("\(hdu.label) declares an impossible data size")))
        }
        if dataEnd > size {
            let missing = dataEnd - size
            let reason =
                dataStart > size
                ? "\(hdu.label) header ends with END but its last block is cut; with its \(layout.dataBytes) declared data bytes "
                    + "the file ends \(missing) bytes short (missing \(missing) bytes)"
                : "\(hdu.label) declares \(layout.dataBytes) data bytes (\(Self.padded(layout.dataBytes)) with padding to 2880) "
                    + "but the file ends \(missing) bytes short (missing \(missing) bytes)"
            return .failure(Stop(result: .incomplete(reason, missingBytes: missing)))
        }
        return .success(hdu)
    }

    /// Bytes after the last HDU that do not begin an extension.
    private func trailingBytes(at offset: Int64, after last: ScannedHDU) throws -> ScanResult {
        let size = source.size
        let remaining = size - offset
        if size % Self.block != 0 {
            return .incomplete(
                "the file size \(size) is not a multiple of 2880: the \(remaining) bytes after \(last.label) "
                    + "do not form a complete FITS block yet",
                missingBytes: Self.padded(size) - size)
        }
        let sample = try source.read(at: offset, count: 2880)
        let description =
            sample.allSatisfy { $0 == 0 }
            ? "they start with a block of zero bytes"
            : "they start with '\(Self.printable(sample.prefix(24)))'"
        return .invalid(
            "garbage after the last HDU: the \(remaining) bytes after \(last.label), from byte \(offset), "
                + "are not a FITS extension (\(description))")
    }

    /// Rejects a first card that can never become SIMPLE / XTENSION.
    private static func firstCardProblem(_ record: ArraySlice<UInt8>, index: Int) -> String? {
        let keyword = FITSCardParser.keywordField(record)
        if index == 0 {
            return keyword == "SIMPLE" ? nil : notFITS(Array(record))
        }
        return keyword == "XTENSION" ? nil : "HDU \(index + 1) does not start with XTENSION"
    }

    private static func notFITS(_ bytes: [UInt8]) -> String {
        "not a FITS file: the first card is not SIMPLE = T (it starts with '\(printable(bytes.prefix(24)))')"
    }

    static func isPrefix(_ bytes: [UInt8], of text: String) -> Bool {
        let expected = Array(text.utf8)
        let n = min(bytes.count, expected.count)
        return bytes.prefix(n).elementsEqual(expected.prefix(n))
    }

    /// Bytes as text for a message, with non-printable bytes shown as '.'.
    static func printable(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.map { (0x20...0x7E).contains($0) ? $0 : UInt8(ascii: ".") }, as: UTF8.self)
    }
}
