import Foundation
import QMostCore

/// The relative throughput of every fibre of one arm as a function of wavelength, normalised so that the lit fibres
/// average unity at each bin (seed 9.1.13: "brought to the same relative count level at a given wavelength").
///
/// Made from a reduced fibre flat: each fibre's spectrum divided by the median over the fibres at each bin (which
/// removes the lamp's spectrum and the instrument's response), then smoothed along wavelength so that the flat's
/// noise does not enter the science spectra. The daytime screen does not light the fibres evenly, so the grey level
/// of each fibre is then taken from a twilight flat (seed 9.1.13: "relative normalisation ... from twilight sky fibre
/// flats"), and the wavelength shape from the OB-attached flat when there is one (seed 9.1.13: "further adjusted ...
/// using an attached OB-level facility fibre flat").
public struct FibreFlatField: Sendable, Equatable {
    /// Mask bit set by ``apply(to:)`` on the bins of fibres without a usable response (broken, unlit); their flux
    /// and variance are zero.
    public static let noResponse: UInt8 = 16

    public var arm: ArmName
    public var grid: SpectralGrid
    public var slitPositions: [Int]
    /// Relative throughput, fibre-major like ``RebinnedSpectra/flux``; zero where there is none.
    public var response: [Float]
    /// Fibres with a response (lit in the flat, and in the twilight flat when one was used).
    public var usable: [Bool]
    /// The grey factor per fibre that the twilight flat applied to the screen-lit flat (1 without twilight).
    public var twilightFactors: [Double]
    /// Whether a twilight flat set the relative levels.
    public var twilightNormalised: Bool

    /// Bins each side of the running mean that smooths a fibre's relative throughput (101 bins: ~25 Å at LRS).
    public static let defaultHalfWidth = 50

    /// Measures the field from the night's `fibreFlat`, with `twilight` for the relative levels and `attached`
    /// (the OB's own fibre flat) for the wavelength shape, when given. All must share the grid and fibres.
    public static func measure(fibreFlat: RebinnedSpectra, twilight: RebinnedSpectra? = nil, attached: RebinnedSpectra? = nil,
                               halfWidth: Int = defaultHalfWidth) -> FibreFlatField {
        for other in [twilight, attached].compactMap({ $0 }) {
            precondition(other.grid == fibreFlat.grid && other.slitPositions == fibreFlat.slitPositions, "the flats share grid and fibres")
        }
        let nf = fibreFlat.slitPositions.count, nb = fibreFlat.grid.count
        let day = relativeThroughput(fibreFlat, halfWidth: halfWidth)
        var shape = day
        if let attached { shape = relativeThroughput(attached, halfWidth: halfWidth) }
        var usable = (0..<nf).map { day[$0] != nil && shape[$0] != nil }
        var factors = [Double](repeating: 1, count: nf)
        if let twilight {
            // Seed 9.1.13: the twilight flat sets the grey level of each fibre relative to the screen-lit flat.
            let sun = relativeThroughput(twilight, halfWidth: halfWidth)
            for f in 0..<nf {
                guard usable[f], let s = sun[f], let d = day[f] else { usable[f] = false; continue }
                let ratios = (0..<nb).compactMap { i -> Double? in
                    guard let a = s[i], let b = d[i], b > 0 else { return nil }
                    return a / b
                }
                let m = RobustStatistics.clippedMean(ratios)
                if m.kept > 0 && m.mean.isFinite && m.mean > 0 { factors[f] = m.mean } else { usable[f] = false }
            }
        }
        // Renormalise to unit mean over the usable fibres at each bin.
        var response = [Float](repeating: 0, count: nf * nb)
        for i in 0..<nb {
            var sum = 0.0, count = 0
            for f in 0..<nf where usable[f] {
                if let v = shape[f]?[i] { sum += v * factors[f]; count += 1 }
            }
            guard count > 0, sum > 0 else { continue }
            let mean = sum / Double(count)
            for f in 0..<nf where usable[f] {
                if let v = shape[f]?[i] { response[f * nb + i] = Float(v * factors[f] / mean) }
            }
        }
        return FibreFlatField(arm: fibreFlat.arm, grid: fibreFlat.grid, slitPositions: fibreFlat.slitPositions, response: response,
                              usable: usable, twilightFactors: factors, twilightNormalised: twilight != nil)
    }

    /// Each fibre's flux over the median of the fibres at each bin, smoothed along wavelength; nil for a fibre that is
    /// not lit (total under a fifth of the median fibre's: broken, or dark in a twilight flat), nil bins where the
    /// smoothing window holds too few good bins.
    static func relativeThroughput(_ s: RebinnedSpectra, halfWidth: Int) -> [[Double?]?] {
        let nf = s.slitPositions.count, nb = s.grid.count
        let totals = (0..<nf).map { f in
            (0..<nb).reduce(0.0) { s.mask[f * nb + $1] == 0 ? $0 + Double(s.flux[f * nb + $1]) : $0 }
        }
        let typical = RobustStatistics.median(totals) ?? 0
        let lit = totals.map { typical > 0 && $0 > 0.2 * typical }
        let litCount = lit.filter { $0 }.count
        var reference = [Double](repeating: 0, count: nb)
        var column: [Double] = []
        for i in 0..<nb {
            column.removeAll(keepingCapacity: true)
            for f in 0..<nf where lit[f] && s.mask[f * nb + i] == 0 { column.append(Double(s.flux[f * nb + i])) }
            if column.count * 2 >= litCount { reference[i] = RobustStatistics.medianInPlace(&column) }
        }
        return (0..<nf).map { f -> [Double?]? in
            guard lit[f] else { return nil }
            var ratio = [Double](repeating: 0, count: nb), use = [Bool](repeating: false, count: nb)
            for i in 0..<nb where s.mask[f * nb + i] == 0 && reference[i] > 0 {
                ratio[i] = Double(s.flux[f * nb + i]) / reference[i]
                use[i] = true
            }
            // Only bins the fibre itself covers get a response; the smoothing does not extrapolate.
            let smooth = SpectralSmoothing.clippedRunningMean(ratio, use: use, halfWidth: halfWidth)
            return (0..<nb).map { s.mask[f * nb + $0] & RebinnedSpectra.outsideCoverage == 0 ? smooth[$0] : nil }
        }
    }

    /// `spectra` divided by the response, bin by bin, the variance by its square; bins without a response are
    /// zeroed and flagged ``noResponse``.
    public func apply(to spectra: RebinnedSpectra) -> RebinnedSpectra {
        precondition(spectra.grid == grid && spectra.slitPositions == slitPositions, "the flat field matches the spectra's grid and fibres")
        var out = spectra
        for k in out.flux.indices {
            let r = response[k]
            if r > 0 {
                out.flux[k] /= r
                out.variance[k] /= r * r
            } else {
                out.flux[k] = 0
                out.variance[k] = 0
                out.mask[k] |= Self.noResponse
            }
        }
        return out
    }
}
