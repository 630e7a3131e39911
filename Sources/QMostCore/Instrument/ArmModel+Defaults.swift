import Foundation

extension ArmModel {
    /// LRS arm coverage in Å: blue 3671–5549, green 5220–7229, red 6884–9524 (ETC efficiency tables, datamodel §4, §6.4).
    public static func lowResolutionRange(_ arm: ArmName) -> ClosedRange<Double> {
        switch arm {
        case .blue: 3671...5549
        case .green: 5220...7229
        case .red: 6884...9524
        }
    }

    /// HRS arm coverage in Å: 3926–4355, 5160–5730, 6100–6790 (4most-4gp fourmost.py, datamodel §6.4).
    public static func highResolutionRange(_ arm: ArmName) -> ClosedRange<Double> {
        switch arm {
        case .blue: 3926...4355
        case .green: 5160...5730
        case .red: 6100...6790
        }
    }

    /// LRS resolving-power endpoints (λ Å, R) from the 4MOST User Manual iss. 1.06 Fig. 6 as digitised in
    /// py4most LR_{blue,green,red}.data (datamodel §6.4).
    public static func lowResolutionEndpoints(_ arm: ArmName) -> (lower: (wavelength: Double, r: Double), upper: (wavelength: Double, r: Double)) {
        switch arm {
        case .blue: ((3694.7, 3813), (5527.6, 6222))
        case .green: ((5225.6, 5146), (7203.2, 7696))
        case .red: ((6889.5, 5392), (9496.1, 7661))
        }
    }

    /// R ≈ 20000 for every HRS arm (4most-4gp fourmost.py; ESO quotes 18000–21000, datamodel §6.4).
    public static let highResolvingPower = 20_000.0

    /// The default LRS arm: public ranges, R linear between the User-Manual endpoints (clamped beyond them),
    /// and the physically shaped default throughput.
    public static func lowResolution(_ arm: ArmName) -> ArmModel {
        let range = lowResolutionRange(arm)
        let ends = lowResolutionEndpoints(arm)
        // Two samples and linear interpolation are exactly "linear between the endpoints".
        let r = try! TabulatedCurve(
            wavelengths: [ends.lower.wavelength, ends.upper.wavelength], values: [ends.lower.r, ends.upper.r], outside: .clamp)
        return ArmModel(
            mode: .low, arm: arm, wavelengthRange: range, resolvingPower: r,
            throughput: DefaultThroughput.curve(mode: .low, arm: arm, range: range),
            readNoise: defaultReadNoise(arm))
    }

    /// The default HRS arm: public ranges, constant R = 20000, and a default throughput lower than the LRS one.
    public static func highResolution(_ arm: ArmName) -> ArmModel {
        let range = highResolutionRange(arm)
        return ArmModel(
            mode: .high, arm: arm, wavelengthRange: range,
            resolvingPower: .constant(highResolvingPower, over: range),
            throughput: DefaultThroughput.curve(mode: .high, arm: arm, range: range),
            readNoise: defaultReadNoise(arm))
    }

    /// The default arm for a resolution mode.
    public static func `default`(_ mode: ResolutionMode, _ arm: ArmName) -> ArmModel {
        mode == .low ? lowResolution(arm) : highResolution(arm)
    }
}

/// The default total-efficiency curves: a product of physically shaped factors, used only when no measured
/// efficiency table is supplied. The factors are documented approximations, tuned so that the LRS median
/// lands at ≈0.12 like the measured ETC curves (median 0.10–0.13, datamodel §6.4).
enum DefaultThroughput {
    /// Samples per default curve (every ~2–10 Å; the shapes are smooth).
    static let samples = 400

    /// Telescope (2 mirrors), wide-field corrector, ADC, fibre transmission and injection loss at 1.1″ seeing.
    /// ASSUMPTION: 0.30 for LRS; HRS fibres see the same fore-optics.
    static let foreOptics = 0.30
    /// Spectrograph optics × VPH grating peak. ASSUMPTION: 0.62 for LRS, 0.40 for HRS (narrower, higher-order
    /// dispersers and more surfaces; the HRS is the less efficient instrument).
    static func spectrographPeak(_ mode: ResolutionMode) -> Double { mode == .low ? 0.62 : 0.40 }

    /// Dichroic crossover wavelengths in Å: the middle of the blue/green (5220–5549) and green/red (6884–7229)
    /// overlaps of the LRS arms (datamodel §4); each arm's response halves at the crossover.
    static let blueGreenCrossover = 5385.0
    static let greenRedCrossover = 7056.0
    /// Width (Å) of a dichroic edge's logistic roll-off. ASSUMPTION.
    static let dichroicWidth = 25.0

    static func logistic(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// Deep-depletion e2v CCD quantum efficiency: ≈0.92 in the middle, falling below ~3500 Å and beyond ~9000 Å
    /// (shape after e2v CCD231 data-sheet curves; approximation).
    static func detectorQE(_ wavelength: Double) -> Double {
        0.92 * logistic((wavelength - 3400) / 120) * (1 - logistic((wavelength - 9800) / 500))
    }

    /// VPH grating efficiency across an arm: Kogelnik-like sinc² about the arm centre, 50% of peak at the ends
    /// (Barden et al. 2000, PASP 112, 809: VPH efficiency envelopes are roughly sinc²-shaped).
    static func grating(_ wavelength: Double, range: ClosedRange<Double>) -> Double {
        let centre = 0.5 * (range.lowerBound + range.upperBound)
        let half = 0.5 * (range.upperBound - range.lowerBound)
        let x = 1.39156 * (wavelength - centre) / half  // sinc²(1.39156) = 0.5
        return x == 0 ? 1 : pow(sin(x) / x, 2)
    }

    /// Dichroic transmission for an LRS arm: 1 inside, logistic roll-off at the crossovers with the neighbours.
    static func dichroic(_ wavelength: Double, arm: ArmName) -> Double {
        let w = dichroicWidth
        switch arm {
        case .blue: return 1 - logistic((wavelength - blueGreenCrossover) / w)
        case .green: return logistic((wavelength - blueGreenCrossover) / w) * (1 - logistic((wavelength - greenRedCrossover) / w))
        case .red: return logistic((wavelength - greenRedCrossover) / w)
        }
    }

    static func value(_ wavelength: Double, mode: ResolutionMode, arm: ArmName, range: ClosedRange<Double>) -> Double {
        let atmosphere = pow(10, -0.4 * TelluricModel.extinctionCoefficient(at: wavelength) * InstrumentModel.referenceAirmass)
        let split = mode == .low ? dichroic(wavelength, arm: arm) : 1
        return atmosphere * foreOptics * spectrographPeak(mode) * grating(wavelength, range: range) * detectorQE(wavelength) * split
    }

    static func curve(mode: ResolutionMode, arm: ArmName, range: ClosedRange<Double>) -> TabulatedCurve {
        TabulatedCurve(sampling: { value($0, mode: mode, arm: arm, range: range) }, over: range, count: samples, outside: .zero)
    }
}
