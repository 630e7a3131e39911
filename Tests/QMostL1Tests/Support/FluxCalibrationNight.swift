import Foundation
import QMostCore
import QMostFITS
@testable import QMostL1

/// The two exposures of ``FlatAndSkyNight`` flat-fielded and sky-subtracted as ``FibreFlatAndSkyTests`` does, with what
/// a pipeline reads from the raw frame (EXPTIME, airmass, FIBINFO) for the flux calibration, and — for the tests
/// only — the truth each fibre's target had (class, magnitude, F_λ above the atmosphere on the L1 grid).
enum FluxCalibrationNight {
    static let prepared: [PreparedExposure] = try! FluxCalibrationNight.prepare(FlatAndSkyNight.reduced)

    struct PreparedExposure {
        /// Flat-fielded, sky-subtracted electrons per bin.
        let spectra: RebinnedSpectra
        let exposureTime: Double
        let airmass: Double
        /// FIBINFO per row: TRG_CLASS, TRG_MAG, TRG_MAGB; and whether the fibre has a flat-field response.
        let fibinfoClass: [String], fibinfoMagnitude: [Double], fibinfoBand: [String]
        let usable: [Bool]
        /// Truth per row: CLASS (simulator kind), MAG, BAND, TEFF, and F_λ on the spectra's grid (nil without a target).
        let trueKind: [String], trueMagnitude: [Double], trueBand: [String], trueTemperature: [Double]
        let trueFlux: [[Float]?]

        /// The standards FIBINFO names (TRG_CLASS STANDARD with a magnitude in a known band), usable fibres only.
        var standards: [FluxStandard] {
            fibinfoClass.indices.compactMap { r in
                guard usable[r], fibinfoClass[r] == "STANDARD", fibinfoMagnitude[r].isFinite,
                      let band = PhotometricBand.known[fibinfoBand[r]] else { return nil }
                return FluxStandard(row: r, magnitude: fibinfoMagnitude[r], band: band)
            }
        }
    }

    static func prepare(_ night: ReducedFlatsAndSky) throws -> [PreparedExposure] {
        let frames = night.night.frames(.science)
        return try zip(frames, night.exposures).map { frame, exposure in
            let field = FibreFlatField.measure(fibreFlat: night.dayFlat, twilight: night.twilight, attached: exposure.attachedFlat)
            let flat = field.apply(to: exposure.science)
            let sky = exposure.skyRows.filter { field.usable[$0] }
            let spectra = SkySubtraction().subtract(flat, skyFibres: sky).spectra
            let slits = spectra.slitPositions
            // What the pipeline has: the raw frame's header and FIBINFO.
            let raw = try withFITSFile(night.night.path(frame)) { file in
                let header = try file.header(hdu: 0)
                let exptime = header.double("EXPTIME")!
                let airmass = header.double("HIERARCH ESO TEL AIRM START") ?? header.double("ESO TEL AIRM START")!
                try file.moveTo(extname: "FIBINFO")
                let slit = try file.readColumn("SLIT_POS", as: Int32.self).values.map(Int.init)
                let cls = try file.readStringColumn("TRG_CLASS").values.map { $0.trimmingCharacters(in: .whitespaces) }
                let mag = try file.readColumn("TRG_MAG", as: Float.self).values.map(Double.init)
                let band = try file.readStringColumn("TRG_MAGB").values.map { $0.trimmingCharacters(in: .whitespaces) }
                let at = slits.map { s in slit.firstIndex(of: s)! }
                return (exptime, airmass, at.map { cls[$0] }, at.map { mag[$0] }, at.map { band[$0] })
            }
            // The truth, for the checks only.
            let ob = frame.exposure.obID
            let truth = try withFITSFile(night.night.directory.file("truth/ob_\(ob)_\(SpectrographName.lrsA.rawValue).fits")) { file in
                try file.moveTo(extname: "FIBRES")
                let slit = try file.readColumn("SLIT_POS", as: Int32.self).values.map(Int.init)
                let kind = try file.readStringColumn("CLASS").values.map { $0.trimmingCharacters(in: .whitespaces) }
                let mag = try file.readColumn("MAG", as: Double.self).values
                let band = try file.readStringColumn("BAND").values.map { $0.trimmingCharacters(in: .whitespaces) }
                let teff = try file.readColumn("TEFF", as: Double.self).values
                try file.moveTo(extname: "WAVE_\(night.arm.headerName)")
                let wave = try file.readImage(as: Double.self).pixels
                try file.moveTo(extname: "FLUX_\(night.arm.headerName)")
                let image = try file.readImage(as: Float.self).pixels
                let n = wave.count
                let at = slits.map { s in slit.firstIndex(of: s)! }
                let grid = spectra.grid
                let flux: [[Float]?] = slits.map { s in
                    // FLUX rows are in fibre-layout (slit) order.
                    let row = Array(image[((s - 1) * n)..<(s * n)])
                    guard row.contains(where: { $0 != 0 }) else { return nil }
                    return (0..<grid.count).map { Float(interpolate(wave, row, at: grid.wavelength(ofBin: $0))) }
                }
                return (at.map { kind[$0] }, at.map { mag[$0] }, at.map { band[$0] }, at.map { teff[$0] }, flux)
            }
            return PreparedExposure(spectra: spectra, exposureTime: raw.0, airmass: raw.1, fibinfoClass: raw.2, fibinfoMagnitude: raw.3,
                                    fibinfoBand: raw.4, usable: field.usable, trueKind: truth.0, trueMagnitude: truth.1,
                                    trueBand: truth.2, trueTemperature: truth.3, trueFlux: truth.4)
        }
    }

    /// Linear interpolation of (x, y) at `t` (x increasing); 0 outside.
    static func interpolate(_ x: [Double], _ y: [Float], at t: Double) -> Double {
        guard let first = x.first, let last = x.last, t >= first, t <= last else { return 0 }
        var lo = 0, hi = x.count - 1
        while hi - lo > 1 { let m = (lo + hi) / 2; if x[m] <= t { lo = m } else { hi = m } }
        let w = (t - x[lo]) / (x[hi] - x[lo])
        return Double(y[lo]) * (1 - w) + Double(y[hi]) * w
    }
}
