import Foundation
import QMostCore

/// Everything geometric about one arm of one spectrograph: the arm model, where each fibre's trace runs, where
/// wavelengths fall along it, the spatial profile, the LSF and the fibres' transmission.
public struct ArmOptics: Sendable {
    public let spectrograph: SpectrographName
    public let arm: ArmModel
    public let layout: FibreLayout
    public let profile: FibreProfile
    public let blur: SpectralBlur
    /// Wavelength solutions by slit position − 1.
    public private(set) var solutions: [FibreWavelengthSolution]
    public let transmission: FibreTransmission
    /// Share of the light the camera scatters into a smooth background. ASSUMPTION: 1%.
    public let scatteredFraction: Double

    public init(instrument: InstrumentModel, spectrograph: SpectrographName, arm name: ArmName,
                transmission: FibreTransmission? = nil, scatteredFraction: Double = 0.01) {
        let arm = instrument.arm(spectrograph, name)
        let layout = instrument.fibreLayout
        self.spectrograph = spectrograph
        self.arm = arm
        self.layout = layout
        self.profile = FibreProfile(coreFWHM: layout.profileFWHM)
        self.blur = SpectralBlur(arm: arm)
        self.transmission = transmission ?? FibreTransmission(spectrograph: spectrograph, layout: layout)
        self.scatteredFraction = scatteredFraction
        var rng = Deviates(seed: PixelHash.stable("4MOST \(spectrograph.rawValue) \(name.rawValue) slit"))
        self.solutions = layout.fibres.map { f in
            FibreWavelengthSolution(arm: arm, slitCoordinate: layout.slitIndexCoordinate(f.slitPosition), jitter: 0.05 * rng.normal())
        }
    }

    /// The same optics with every fibre's λ(x) lowered by `shift` Å, so light of wavelength λ lands where the
    /// unshifted solution reads λ + shift: the instrument drifted by `shift` after its arcs.
    public func shifted(by shift: Double) -> ArmOptics {
        var o = self
        o.solutions = solutions.map { $0.shifted(by: shift) }
        return o
    }

    /// Normalised slit coordinate u ∈ [−1, 1] of a fibre (the one ``FibreLayout/traceCentre`` uses).
    public func slitCoordinate(_ slitPosition: Int) -> Double {
        let first = layout.fibres[0].nominalRow, last = layout.fibres[layout.fibres.count - 1].nominalRow
        let half = max(0.5 * (last - first), 1)
        return (layout.fibre(atSlitPosition: slitPosition).nominalRow - 0.5 * (first + last)) / half
    }

    /// Normalised column t ∈ [−1, 1].
    @inline(__always)
    public func normalisedColumn(_ x: Double) -> Double {
        let half = 0.5 * Double(arm.spectralPixels - 1)
        return (x - half) / half
    }

    /// The trace centre y(x) = b₀ + b₁x + b₂x² of a fibre as polynomial coefficients in the trimmed column.
    public func traceCoefficients(slitPosition: Int) -> [Double] {
        let y0 = layout.traceCentre(slitPosition: slitPosition, arm: arm.arm, column: 0)
        let yc = layout.traceCentre(slitPosition: slitPosition, arm: arm.arm, column: 0.5 * Double(arm.spectralPixels - 1))
        let y1 = layout.traceCentre(slitPosition: slitPosition, arm: arm.arm, column: Double(arm.spectralPixels - 1))
        // The trace is exactly quadratic in x; fit through three points.
        let x1 = Double(arm.spectralPixels - 1), xc = 0.5 * x1
        let b2 = ((y1 - y0) / x1 - (yc - y0) / xc) / (x1 - xc)
        let b1 = (yc - y0) / xc - b2 * xc
        return [y0, b1, b2]
    }

    /// A zero curve on a uniform wavelength grid fine enough for the sub-pixel cells and wide enough for every
    /// fibre's cells, on which shared spectra (sky, lamps, responses) are tabulated.
    public func spectralGrid() -> UniformCurve {
        let step = arm.dispersion / Double(blur.subsamples) * 0.999
        var lo = Double.infinity, hi = -Double.infinity
        for s in solutions {
            lo = min(lo, s.wavelength(atColumn: blur.column(ofCell: 0)))
            hi = max(hi, s.wavelength(atColumn: blur.column(ofCell: blur.cellCount - 1)))
        }
        lo -= 4 * step
        hi += 4 * step
        let count = Int(((hi - lo) / step).rounded(.up)) + 1
        return UniformCurve(start: lo, step: step, values: [Double](repeating: 0, count: count))
    }

    /// Electrons per second per Å at the detector for a point source of F_λ = 1 erg/s/cm²/Å above the
    /// atmosphere through a fibre of unit relative throughput (datamodel §6.3, as ``InstrumentModel/electronsPerFlux``).
    public func sourceResponse(instrument: InstrumentModel, airmass: Double, on grid: UniformCurve) -> UniformCurve {
        let arm = self.arm
        return UniformCurve(start: grid.start, step: grid.step, count: grid.values.count) {
            instrument.electronsPerFlux(arm: arm, wavelength: $0, airmass: airmass) / arm.dispersion
        }
    }

    /// Electrons per second per Å per (erg/s/cm²/Å) for light that does not cross the atmosphere (sky emission,
    /// calibration lamps): the instrument part of the efficiency.
    public func instrumentResponse(instrument: InstrumentModel, on grid: UniformCurve) -> UniformCurve {
        let arm = self.arm
        let area = instrument.telescope.collectingArea
        return UniformCurve(start: grid.start, step: grid.step, count: grid.values.count) { l in
            l / PhysicalConstants.hcErgAngstrom * area * arm.throughput.value(at: l)
                / TelluricModel.continuumTransmission(at: l, airmass: InstrumentModel.referenceAirmass)
        }
    }
}
