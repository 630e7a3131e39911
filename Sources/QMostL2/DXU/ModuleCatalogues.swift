import Foundation
import QMostFITS

/// The DXU catalogue columns of each module, one row per spectrum measured. Columns and units are documented in
/// docs/l2.md; NaN marks a value not measured.
public enum ModuleCatalogues {
    /// SPECUID, CNAME, RA and DEC: which spectrum a row is about.
    static func identity(_ spectra: [L2Spectrum]) -> [DXUColumn] {
        [
            DXUColumn("SPECUID", ucd: "meta.id", comment: "4MOST spectrum identifier (SPECUID of the L1 spectrum)", .int64(spectra.map(\.spectrumUID))),
            DXUColumn("CNAME", ucd: "meta.id;meta.main", comment: "4MOST object name", .string(spectra.map(\.cname))),
            DXUColumn("RA", unit: "deg", ucd: "pos.eq.ra;meta.main", comment: "Right ascension of the spectrum (ICRS)", .double(spectra.map { $0.ra ?? .nan })),
            DXUColumn("DEC", unit: "deg", ucd: "pos.eq.dec;meta.main", comment: "Declination of the spectrum (ICRS)", .double(spectra.map { $0.dec ?? .nan })),
        ]
    }

    /// 4XP-Z: the best redshift, its error, class and quality, and four alternatives.
    public static func redshift(_ rows: [(spectrum: L2Spectrum, result: RedshiftResult)]) -> [DXUColumn] {
        let best = rows.map(\.result.best)
        func alternatives<T>(_ value: (RedshiftSolution) -> T, _ missing: T) -> [T] {
            rows.flatMap { r in (0..<4).map { $0 < r.result.alternatives.count ? value(r.result.alternatives[$0]) : missing } }
        }
        var columns = identity(rows.map(\.spectrum))
        columns += [
            DXUColumn("Z", ucd: "src.redshift", comment: "Best redshift", .double(best.map { $0?.redshift ?? .nan })),
            DXUColumn("Z_ERR", ucd: "stat.error;src.redshift", comment: "Redshift error from the chi-square curvature", .double(best.map { $0?.error ?? .nan })),
            DXUColumn("Z_CLASS", ucd: "src.class", comment: "Class of the best solution (GALAXY, QSO, STAR)", .string(best.map { $0?.spectralClass.rawValue ?? "" })),
            DXUColumn("Z_SUBTYPE", ucd: "src.class", comment: "Subtype of the best template", .string(best.map { $0?.subtype ?? "" })),
            DXUColumn("Z_CONF", ucd: "stat.probability", comment: "Confidence of the best solution, 0-1", .double(best.map { $0?.confidence ?? .nan })),
            DXUColumn("Z_CCSIG", ucd: "stat.snr", comment: "CCF peak significance of the best solution (sigma)", .double(best.map { $0?.correlationSignificance ?? .nan })),
            DXUColumn("Z_RCHI2", ucd: "stat.fit.chi2", comment: "Reduced chi-square of the best solution", .double(best.map { $0?.reducedChiSquare ?? .nan })),
            DXUColumn("Z_DCHI2", ucd: "stat.fit.chi2", comment: "Chi-square of the second solution minus the best's", .double(rows.map(\.result.deltaChiSquare))),
            DXUColumn("Z_FLAGS", ucd: "meta.code.qual", comment: "4XP-Z flag word (FLAGBn in the primary header)", .int32(rows.map { Int32($0.result.flags.rawValue) })),
            DXUColumn("SNR", ucd: "stat.snr", comment: "Median S/N per pixel", .double(rows.map(\.result.medianSNRPerPixel))),
        ]
        var alt = [
            DXUColumn("Z_ALT", ucd: "src.redshift", comment: "Alternative redshifts, best first", .double(alternatives({ $0.redshift }, .nan))),
            DXUColumn("Z_ALT_CLASS", ucd: "src.class", comment: "Classes of the alternatives", .string(alternatives({ $0.spectralClass.rawValue }, ""))),
            DXUColumn("Z_ALT_CONF", ucd: "stat.probability", comment: "Confidences of the alternatives", .double(alternatives({ $0.confidence }, .nan))),
        ]
        for i in alt.indices { alt[i].column.repeatCount = 4 }
        return columns + alt
    }

    /// 4GP: the heliocentric radial velocity, its error and quality, and the CCF's components (up to three).
    public static func radialVelocity(_ rows: [(spectrum: L2Spectrum, result: RadialVelocityResult)]) -> [DXUColumn] {
        let r = rows.map(\.result)
        var components = DXUColumn("RV_COMP", unit: "km/s", ucd: "spect.dopplerVeloc;src.orbital", comment: "Velocities of the CCF components (binary check)",
                                   .double(r.flatMap { x in (0..<3).map { $0 < x.components.count ? x.components[$0] : .nan } }))
        components.column.repeatCount = 3
        return identity(rows.map(\.spectrum)) + [
            DXUColumn("RV", unit: "km/s", ucd: "spect.dopplerVeloc.opt", comment: "Heliocentric radial velocity", .double(r.map { $0.velocity ?? .nan })),
            DXUColumn("RV_ERR", unit: "km/s", ucd: "stat.error;spect.dopplerVeloc.opt", comment: "Error: statistical and template scatter", .double(r.map { $0.error ?? .nan })),
            DXUColumn("RV_FLAGS", ucd: "meta.code.qual", comment: "4GP RV flag word (FLAGBn in the primary header)", .int32(r.map { Int32($0.flags.rawValue) })),
            DXUColumn("RV_TEMPLATE", ucd: "meta.id", comment: "Template with the highest CCF peak", .string(r.map { $0.bestTemplate ?? "" })),
            DXUColumn("RV_PEAK", ucd: "stat.correlation", comment: "CCF maximum of that template", .double(r.map { x in x.templates.first { $0.template == x.bestTemplate }?.peak ?? .nan })),
            DXUColumn("RV_NCOMP", ucd: "meta.number", comment: "Components in the CCF (2+: binary candidate)", .int16(r.map { Int16($0.components.count) })),
            components,
            DXUColumn("RV_HELIO", unit: "km/s", ucd: "spect.dopplerVeloc", comment: "Heliocentric correction the module added", .double(r.map(\.heliocentricCorrection))),
            DXUColumn("SNR", ucd: "stat.snr", comment: "Median S/N per pixel", .double(r.map(\.medianSNRPerPixel))),
        ]
    }
}
