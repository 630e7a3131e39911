import Foundation

/// Decides whether a file is a complete FITS file, one still being written, or not FITS.
///
/// The daemon's ingest relies on `.complete` never being returned for a file that is
/// still growing in place, so the checks work from the file's real size rather than
/// from cfitsio, which pads a short last HDU on read:
///
/// 1. The headers are read straight from the bytes (data units are skipped, never read)
///    and every HDU's declared end, padding included, must lie inside the file.
/// 2. A `.gz` file is decompressed once by cfitsio's decoder and its trailer (CRC-32 and
///    length) is checked, because cfitsio stops quietly at a truncated stream; a `.Z`
///    stream has no trailer, so only the HDU sizes show it is short.
/// 3. cfitsio then opens the same bytes and must agree on every HDU's offsets.
/// 4. CHECKSUM/DATASUM are verified (a pass over the data) only in HDUs that carry them.
public enum FITSValidator {
    /// Inspects the file at `path`. Never throws: a file that cannot be read right now
    /// (missing, no permission) is reported as `.incomplete` with the reason, so callers
    /// retry instead of rejecting it.
    ///
    /// Whole-file compression is recognised by content, not by name. Multi-member gzip
    /// files (concatenated streams) are not supported and read as incomplete.
    public static func inspect(path: String, verifyChecksums: Bool = true) -> FITSInspection {
        let size: Int64
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let type = attributes[.type] as? FileAttributeType, type != .typeRegular {
                return .invalid(reason: "\(path) is not a regular file")
            }
            size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        } catch {
            return .incomplete(reason: "cannot read \(path): \(error.localizedDescription)", missingBytes: nil)
        }
        guard size > 0 else { return .incomplete(reason: "the file is empty", missingBytes: 2880) }

        let file: FileByteSource
        let magic: [UInt8]
        do {
            file = try FileByteSource(path: path, size: size)
            magic = try file.read(at: 0, count: 2)
        } catch {
            return .incomplete(reason: "cannot read \(path): \(error.localizedDescription)", missingBytes: nil)
        }
        let context = Context(path: path, fileBytes: size, verifyChecksums: verifyChecksums)
        switch magic {
        case [0x1F, 0x8B]:
            return inspectGzip(file, context)
        case [0x1F, 0x9D]:
            return inspectDecompressed(
                context, compression: .unixCompress, estimate: Int(min(size * 4, Int64(Int32.max))), label: "compress (.Z)")
        default:
            return finish(
                FITSStructureScanner(source: file).scan(), context, compression: .none, actualBytes: size
            ) { () throws(FITSError) in
                try FITSHandle.openDisk(path, writable: false)
            }
        }
    }

    private struct Context {
        let path: String
        let fileBytes: Int64
        let verifyChecksums: Bool
    }

    // MARK: Compressed files

    private static func inspectGzip(_ file: FileByteSource, _ context: Context) -> FITSInspection {
        let size = context.fileBytes
        // 10-byte header + 8-byte trailer is the smallest possible gzip file.
        guard size >= 18, let trailer = try? file.read(at: size - 8, count: 8), trailer.count == 8 else {
            return .incomplete(
                reason: "the gzip file's compressed stream ends early: only \(size) bytes are present", missingBytes: nil)
        }
        let crc = trailer[0..<4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let length = trailer[4..<8].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        // The trailer's length (mod 2^32) sizes the output buffer; a truncated file's last
        // bytes are arbitrary, so only trust it within deflate's maximum ratio.
        let plausible = Int64(length) <= size * 1032 && Int64(length) >= size / 2
        let estimate = plausible ? Int(length) : Int(min(size * 4, Int64(Int32.max)))
        return inspectDecompressed(context, compression: .gzip, estimate: estimate, label: "gzip") { bytes in
            guard UInt32(truncatingIfNeeded: bytes.count) == length, CRC32.checksum(bytes) == crc else {
                return .incomplete(
                    reason: "the gzip file's compressed stream ends early: its trailer (CRC-32 and length) does not match "
                        + "the \(bytes.count) bytes decompressed so far",
                    missingBytes: nil)
            }
            return nil
        }
    }

    private static func inspectDecompressed(
        _ context: Context, compression: FITSFileCompression, estimate: Int, label: String,
        streamCheck: (UnsafeRawBufferPointer) -> FITSInspection? = { _ in nil }
    ) -> FITSInspection {
        let buffer: DecompressedBuffer
        do {
            buffer = try DecompressedBuffer(
                path: context.path, lzw: compression == .unixCompress, estimatedSize: estimate)
        } catch {
            if error.status == FITSCode.fileNotOpened {
                return .incomplete(reason: "cannot read \(context.path): \(error.message)", missingBytes: nil)
            }
            return .invalid(reason: "the \(label) stream is corrupt: \(error.message)")
        }
        if let problem = streamCheck(buffer.bytes) { return problem }
        let source = MemoryByteSource(buffer: buffer)
        return finish(
            FITSStructureScanner(source: source).scan(), context, compression: compression, actualBytes: source.size
        ) { () throws(FITSError) in
            try FITSHandle.openMemory(buffer, path: context.path)
        }
    }

    // MARK: Cross-check and checksums

    private static func finish(
        _ scan: ScanResult, _ context: Context, compression: FITSFileCompression, actualBytes: Int64,
        open: () throws(FITSError) -> FITSHandle
    ) -> FITSInspection {
        let hdus: [ScannedHDU]
        switch scan {
        case .incomplete(let reason, let missing): return .incomplete(reason: reason, missingBytes: missing)
        case .invalid(let reason): return .invalid(reason: reason)
        case .complete(let scanned): hdus = scanned
        }

        var summaries: [HDUSummary] = []
        var mismatches: [String] = []
        do throws(FITSError) {
            let handle = try open()
            let count = try handle.hduCount()
            guard count == hdus.count else {
                return .invalid(reason: "cfitsio finds \(count) HDU(s) where the headers declare \(hdus.count)")
            }
            for hdu in hdus {
                try handle.moveAbsolute(hdu.index + 1)
                let offsets = try handle.hduAddresses()
                guard offsets == (hdu.headerStart, hdu.dataStart, hdu.dataEnd) else {
                    return .invalid(
                        reason: "\(hdu.label): cfitsio places the HDU at bytes \(offsets.header)/\(offsets.data)/\(offsets.end) "
                            + "but its header declares \(hdu.headerStart)/\(hdu.dataStart)/\(hdu.dataEnd)")
                }
                var checksum: FITSChecksumState = hdu.header.contains("CHECKSUM") ? .unverified : .absent
                var datasum: FITSChecksumState = hdu.header.contains("DATASUM") ? .unverified : .absent
                if context.verifyChecksums, checksum != .absent || datasum != .absent {
                    let result = try handle.verifyChecksum()
                    checksum = FITSFile.checksumState(result.hdu)
                    datasum = FITSFile.checksumState(result.data)
                    if datasum == .invalid {
                        mismatches.append("\(hdu.label) DATASUM mismatch: the data unit does not match its recorded sum")
                    }
                    if checksum == .invalid {
                        mismatches.append("\(hdu.label) CHECKSUM mismatch: the HDU does not match its recorded checksum")
                    }
                }
                summaries.append(
                    HDUSummary(
                        index: hdu.index, xtension: hdu.layout.xtension, extname: hdu.extname, bitpix: hdu.layout.bitpix,
                        naxis: hdu.layout.naxis, headerStart: hdu.headerStart, dataStart: hdu.dataStart,
                        dataEnd: hdu.dataEnd, dataBytes: hdu.layout.dataBytes, checksum: checksum, datasum: datasum))
            }
        } catch {
            if error.status == FITSCode.fileNotOpened {
                return .incomplete(reason: "cannot read \(context.path): \(error.message)", missingBytes: nil)
            }
            return .invalid(reason: "cfitsio cannot read the file: \(error.call): \(error.message)")
        }
        guard mismatches.isEmpty else { return .invalid(reason: mismatches.joined(separator: "; ")) }
        return .complete(
            FITSValidation(
                hdus: summaries, declaredBytes: hdus.last?.dataEnd ?? 0, actualBytes: actualBytes,
                fileBytes: context.fileBytes, compression: compression, headers: hdus.map(\.header)))
    }
}
