import QMostCore
import QMostFITS

/// SPECTAB, the night container's arrays: written a batch of spectra at a time, read whole.
extension NightSpectraFile {
    /// The SPECTAB columns for cells `width` elements wide: the PHASE3SPECTRUM arrays (QUAL with its TNULL), NELEM and
    /// SPECUID.
    static func spectrumDefinitions(width: Int) -> [FITSColumnDefinition] {
        let meta = Phase3SpectrumFile.columns
        func array(_ k: Int, _ type: FITSColumnDefinition.ElementType, null: Int64? = nil) -> FITSColumnDefinition {
            FITSColumnDefinition(name: meta[k].name, unit: meta[k].unit, type: type, repeatCount: width, null: null)
        }
        return [
            array(0, .float), array(1, .float), array(2, .float),
            array(3, .int32, null: Int64(Phase3SpectrumFile.qualityNull)),
            array(4, .float), array(5, .float),
            FITSColumnDefinition(name: "NELEM", type: .int32),
            FITSColumnDefinition(name: "SPECUID", type: .int64),
        ]
    }

    /// Appends SPECTAB with `count` rows and fills it `batch` spectra at a time from `spectrum(i)`, each padded to
    /// `width` with NaN and QUAL's null value; returns each spectrum's median S/N, for FIBMETATAB.
    static func writeSpectrumTable(_ file: FITSFile, count: Int, width: Int, batch: Int,
                                   spectrum: (Int) throws(FileProblem) -> Phase3Spectrum) throws -> [Double] {
        try file.createBinaryTable(name: spectrumTable, columns: spectrumDefinitions(width: width), rows: count, cards: spectrumCards())
        let hdu = try file.currentHDU
        let meta = Phase3SpectrumFile.columns
        let null = Phase3SpectrumFile.qualityNull
        var snr: [Double] = []
        snr.reserveCapacity(count)
        for first in stride(from: 0, to: count, by: batch) {
            var loaded: [Phase3Spectrum] = []
            for i in first..<min(first + batch, count) { loaded.append(try spectrum(i)) }
            snr += loaded.map(\.medianSNR)
            // One padded column at a time: the batch's spectra plus a single column's cells are all that is held.
            func padded<T>(_ get: (Phase3Spectrum) -> [T], _ fill: T) -> [T] {
                var out: [T] = []
                out.reserveCapacity(loaded.count * width)
                for s in loaded {
                    let v = get(s)
                    out += v
                    out += repeatElement(fill, count: width - v.count)
                }
                return out
            }
            func write(_ data: FITSColumn.Data, _ column: String) throws {
                try file.writeRows(data, column: column, firstRow: first, hdu: hdu)
            }
            try write(.float(padded(\.wavelength, .nan)), meta[0].name)
            try write(.float(padded(\.flux, .nan)), meta[1].name)
            try write(.float(padded(\.error, .nan)), meta[2].name)
            try write(.int32(padded(\.quality, null)), meta[3].name)
            try write(.float(padded(\.fluxNoSkySubtraction, .nan)), meta[4].name)
            try write(.float(padded(\.errorNoSkySubtraction, .nan)), meta[5].name)
            try write(.int32(loaded.map { Int32($0.wavelength.count) }), "NELEM")
            try write(.int64(loaded.map(\.header.spectrumUID)), "SPECUID")
        }
        return snr
    }

    /// `load(i)`, refused unless its arrays are fit to write (``Phase3SpectrumFile``'s rules), hold `elements` bins
    /// and carry the SPECUID of `header`, FIBMETATAB's row i. A problem `load` throws is quoted.
    static func checkedSpectrum(_ i: Int, header: Phase3Header, elements: Int, path: String,
                                load: (Int) throws(FileProblem) -> Phase3Spectrum) throws(FileProblem) -> Phase3Spectrum {
        let label = spectrumLabel(i, header)
        func refuse(_ problem: String) -> FileProblem { FileProblem(path: path, problem: "\(label): \(problem)") }
        let s: Phase3Spectrum
        do { s = try load(i) } catch { throw refuse("cannot load: \(error)") }
        if let problem = Phase3SpectrumFile.arrayProblem(s) { throw refuse(problem) }
        guard s.wavelength.count == elements else {
            throw refuse("the loaded spectrum has \(s.wavelength.count) elements, not the \(elements) given for it")
        }
        guard s.header.spectrumUID == header.spectrumUID else {
            throw refuse("the loaded spectrum has SPECUID \(s.header.spectrumUID)")
        }
        return s
    }

    static func readSpectra(_ file: FITSFile, hdu: Int, into entries: inout [NightSpectrum], path: String) throws {
        let lengths = try file.readColumn("NELEM", hdu: hdu, as: Int32.self).values
        let uids = try file.readColumn("SPECUID", hdu: hdu, as: Int64.self).values
        func floats(_ name: String) throws -> FITSColumnValues<Float> { try file.readColumn(name, hdu: hdu, as: Float.self) }
        let wave = try floats("WAVE"), flux = try floats("FLUX"), err = try floats("ERR_FLUX")
        let noss = try floats("FLUX_NOSS"), errNoss = try floats("ERR_FLUX_NOSS")
        let qual = try file.readColumn("QUAL", hdu: hdu, as: Int32.self)
        let width = wave.repeatCount
        guard [flux, err, noss, errNoss].allSatisfy({ $0.repeatCount == width }), qual.repeatCount == width,
              lengths.count == entries.count, uids.count == entries.count else {
            throw FileProblem(path: path, problem: "\(spectrumTable) columns disagree in width or rows")
        }
        for i in entries.indices {
            let n = Int(lengths[i])
            guard (2...width).contains(n) else {
                throw FileProblem(path: path, problem: "\(spectrumTable) row \(i + 1): NELEM \(n) is outside 2...\(width)")
            }
            guard uids[i] == entries[i].spectrum.header.spectrumUID else {
                throw FileProblem(path: path, problem: "\(spectrumTable) row \(i + 1): SPECUID \(uids[i]) is not FIBMETATAB's \(entries[i].spectrum.header.spectrumUID)")
            }
            func cut<T>(_ v: FITSColumnValues<T>) -> [T] { Array(v.row(i).prefix(n)) }
            entries[i].spectrum.wavelength = cut(wave)
            entries[i].spectrum.flux = cut(flux)
            entries[i].spectrum.error = cut(err)
            entries[i].spectrum.quality = cut(qual)
            entries[i].spectrum.fluxNoSkySubtraction = cut(noss)
            entries[i].spectrum.errorNoSkySubtraction = cut(errNoss)
        }
    }
}
