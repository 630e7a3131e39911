import Foundation
import QMostCore

/// One sky line measured in one sky fibre of a calibrated exposure.
public struct SkyLineOffset: Sendable, Equatable {
    public var slitPosition: Int
    /// Laboratory (air) wavelength of the line (Å).
    public var wavelength: Double
    /// Where the fibre's wavelength solution puts the line's fitted centre (Å).
    public var measured: Double
    /// 1σ error of `measured` (Å).
    public var error: Double
    /// Line amplitude over its error.
    public var significance: Double

    /// measured − laboratory (Å): positive when the solution reads the sky too red.
    public var offset: Double { measured - wavelength }
}

/// A check of a science exposure's wavelength scale on the night-sky emission lines in its sky fibres (seed
/// 9.1.12: "whether any further wavelength optimisations based on sky emission lines are possible or
/// necessary"; the standard QA of e.g. the ESO FORS and VIMOS pipelines). Only bright lines without a
/// neighbour within the isolation distance are used; each is fitted as a pixel-integrated Gaussian of the
/// arc-measured LSF width on a sloped background, and its centre goes through the fibre's solution.
public struct SkyLineCheck: Sendable {
    /// Candidate lines (air wavelengths).
    public var lines: [SkyLine]
    /// Closest allowed neighbour in LSF FWHMs and pixels (neighbours fainter than `blendFraction` are ignored).
    public var isolationFWHM = 4.0
    public var isolationPixels = 4.0
    public var blendFraction = 0.05
    /// Lines fainter than this many times their error are not reported.
    public var minimumSignificance = 20.0
    /// Fits worse than this χ² per degree of freedom are dropped (a cosmic ray in the window, an unlisted blend).
    public var maximumReducedChiSquare = 4.0

    public init(lines: [SkyLine] = SkyLines.atomic + SkyLines.hydroxyl) {
        self.lines = lines.sorted { $0.wavelength < $1.wavelength }
    }

    /// The isolated lines measured in the fibres at `skyFibres` (slit positions) of `spectra`.
    public func measure(_ spectra: ExtractedSpectra, solutions: WavelengthSolutions, skyFibres: [Int]) -> [SkyLineOffset] {
        var offsets: [SkyLineOffset] = []
        for slit in skyFibres {
            guard let f = spectra.slitPositions.firstIndex(of: slit), let solution = solutions.fibre(slitPosition: slit) else { continue }
            let n = Double(spectra.columns)
            let expected = lines.enumerated().compactMap { i, line -> ExpectedLine? in
                let x = solution.column(atWavelength: line.wavelength, guess: nil)
                guard x > 4, x < n - 5 else { return nil }
                return ExpectedLine(key: i, x: x, intensity: line.rayleigh, sigma: solutions.lsfSigma(atColumn: x))
            }
            var measurer = LineMeasurer(halfWindow: 3, isolationFWHM: isolationFWHM, isolationPixels: isolationPixels,
                                        blendFraction: blendFraction, minimumSignificance: minimumSignificance, maximumMove: 1.0)
            measurer.slopedBackground = true
            for m in measurer.measure(expected, flux: spectra.flux(fibre: f), variance: spectra.variance(fibre: f), mask: spectra.mask(fibre: f))
            where m.reducedChiSquare <= maximumReducedChiSquare {
                let d = abs(solution.dispersion(atColumn: m.x))
                offsets.append(SkyLineOffset(slitPosition: slit, wavelength: lines[m.key].wavelength, measured: solution.wavelength(atColumn: m.x),
                                             error: m.error * d, significance: m.significance))
            }
        }
        return offsets
    }

    /// The median offset (Å), the rms after 3σ clipping (Å) and how many measures that kept, of `offsets`.
    public static func summary(_ offsets: [SkyLineOffset]) -> (median: Double, rms: Double, kept: Int)? {
        guard let median = RobustStatistics.median(offsets.map(\.offset)) else { return nil }
        let clipped = RobustStatistics.clippedMean(offsets.map(\.offset))
        let kept = offsets.map(\.offset).filter { abs($0 - clipped.mean) <= 3 * clipped.sigma }
        let rms = (kept.reduce(0) { $0 + $1 * $1 } / Double(max(kept.count, 1))).squareRoot()
        return (median, rms, kept.count)
    }
}
