import Foundation
import QMostCore

/// An emission line as it reaches the detector: wavelength (Å, air), electrons per second for a fibre of unit
/// relative throughput, and its intrinsic Gaussian σ in Å before the instrument's LSF (0 for atomic lines).
public struct DetectorLine: Sendable, Equatable {
    public var wavelength: Double
    public var rate: Double
    public var sigma: Double

    public init(wavelength: Double, rate: Double, sigma: Double = 0) {
        self.wavelength = wavelength
        self.rate = rate
        self.sigma = sigma
    }
}

/// The light one fibre delivers to one arm, as rates at the detector for unit relative fibre throughput.
public struct FibreLight: Sendable {
    /// Continuum-like spectra in e-/s/Å at the spectrograph's full resolution (blurred by the LSF).
    public var continua: [UniformCurve]
    /// Spectra already at the instrument's resolution in e-/s/Å (a measured sky): binned, not blurred again.
    public var resolved: [UniformCurve]
    /// Emission lines (blurred by the LSF).
    public var lines: [DetectorLine]
    /// Whether the calibration screen (not the sky) lights the fibre, so its screen factor applies.
    public var fromScreen: Bool

    public init(continua: [UniformCurve] = [], resolved: [UniformCurve] = [], lines: [DetectorLine] = [], fromScreen: Bool = false) {
        self.continua = continua
        self.resolved = resolved
        self.lines = lines
        self.fromScreen = fromScreen
    }

    public var isDark: Bool { continua.isEmpty && resolved.isEmpty && lines.isEmpty }
}

extension ArmOptics {
    /// Expected electrons per pixel column along the trace of the fibre at `slitPosition` for `light` during
    /// `exposureTime` seconds, scaled by the fibre's transmission; nil when the fibre gets no light.
    /// With `transmissionApplied` false the fibre is taken as perfect (unit throughput and screen factor), which
    /// lamp normalisation uses.
    public func columnSpectrum(slitPosition: Int, light: FibreLight, exposureTime: Double,
                               transmissionApplied: Bool = true) -> [Double]? {
        let actual = transmission.fibres[slitPosition - 1]
        let fibre = transmissionApplied ? actual : FibreTransmission.Fibre(throughput: 1, colour: 0, broken: false, screen: 1)
        guard !light.isDark, fibre.throughput > 0, exposureTime > 0 else { return nil }
        let solution = solutions[slitPosition - 1]
        let k = blur.subsamples
        let scale = exposureTime * (light.fromScreen ? fibre.screen : 1)
        var cells = [Double](repeating: 0, count: blur.cellCount)
        var wavelengths = [Double](repeating: 0, count: blur.cellCount)
        for j in 0..<blur.cellCount {
            let x = blur.column(ofCell: j)
            let l = solution.wavelength(atColumn: x)
            wavelengths[j] = l
            guard !light.continua.isEmpty else { continue }
            var density = 0.0
            for c in light.continua { density += c.value(at: l) }
            cells[j] = density * solution.dispersion(atColumn: x) / Double(k) * fibre.value(at: l) * scale
        }
        for line in light.lines { deposit(line, into: &cells, solution: solution, fibre: fibre, scale: scale) }
        var spectrum = blur.apply(cells)
        if !light.resolved.isEmpty {
            // Already at the instrument's resolution: sum each pixel's own cells.
            for x in 0..<blur.columns {
                var sum = 0.0
                for j in 0..<k {
                    let cell = (x + blur.reach) * k + j
                    let l = wavelengths[cell]
                    var density = 0.0
                    for c in light.resolved { density += c.value(at: l) }
                    sum += density * solution.dispersion(atColumn: blur.column(ofCell: cell)) / Double(k) * fibre.value(at: l)
                }
                spectrum[x] += sum * scale
            }
        }
        return spectrum
    }

    /// Adds a line's electrons to the cells: split between the two nearest cells (which keeps its centroid
    /// exact) when narrower than a cell, otherwise spread as its intrinsic Gaussian.
    private func deposit(_ line: DetectorLine, into cells: inout [Double], solution: FibreWavelengthSolution,
                         fibre: FibreTransmission.Fibre, scale: Double) {
        let k = Double(blur.subsamples)
        let x = solution.column(atWavelength: line.wavelength)
        // Fractional cell index whose centre is at column x.
        let q = (x + Double(blur.reach) + 0.5) * k - 0.5
        let electrons = line.rate * fibre.value(at: line.wavelength) * scale
        let sigmaCells = line.sigma / solution.dispersion(atColumn: x) * k
        if sigmaCells < 0.5 {
            let i = Int(q.rounded(.down)), f = q - Double(i)
            if i >= 0 && i < cells.count { cells[i] += (1 - f) * electrons }
            if i + 1 >= 0 && i + 1 < cells.count { cells[i + 1] += f * electrons }
            return
        }
        let lo = max(0, Int((q - 5 * sigmaCells).rounded(.down))), hi = min(cells.count - 1, Int((q + 5 * sigmaCells).rounded(.up)))
        guard lo <= hi else { return }
        let s = sigmaCells * 2.0.squareRoot()
        for i in lo...hi {
            let a = erf((Double(i) - 0.5 - q) / s), b = erf((Double(i) + 0.5 - q) / s)
            cells[i] += 0.5 * (b - a) * electrons
        }
    }
}
