import QMostCore

/// One fibre's wavelength solution: λ(x) = Σ cₖ xᵏ in Å (air) at 0-based detector column x along the
/// dispersion (pixel centres at integers), with the quality figures of the fit (seed 9.1.12: "a separate
/// polynomial fit for each fibre").
public struct FibreWavelengthFit: Sendable, Equatable {
    /// 1-based slit position.
    public var slitPosition: Int
    /// Polynomial coefficients, lowest order first (Å, Å/px, Å/px², ...).
    public var coefficients: [Double]
    /// rms of the residuals of the lines used (Å): the data model's LAMRMS.
    public var lamrms: Double
    /// Arc lines used in the final fit.
    public var arcLines: Int
    /// Fabry–Pérot peaks used in the final fit (0 without an FP frame).
    public var fabryPerotPeaks: Int

    public init(slitPosition: Int, coefficients: [Double], lamrms: Double, arcLines: Int, fabryPerotPeaks: Int) {
        self.slitPosition = slitPosition
        self.coefficients = coefficients
        self.lamrms = lamrms
        self.arcLines = arcLines
        self.fabryPerotPeaks = fabryPerotPeaks
    }

    /// Lines used, arc and FP: the data model's LAMNLIN.
    public var lamnlin: Int { arcLines + fabryPerotPeaks }

    /// Wavelength (Å) at fractional column `x`.
    @inline(__always)
    public func wavelength(atColumn x: Double) -> Double { Polynomial.evaluate(coefficients, at: x) }

    /// dλ/dx (Å per pixel) at `x`.
    public func dispersion(atColumn x: Double) -> Double {
        var v = 0.0
        for k in stride(from: coefficients.count - 1, through: 1, by: -1) { v = v * x + Double(k) * coefficients[k] }
        return v
    }

    /// The fractional column where `wavelength` falls (Newton's method from a linear guess near `guess`).
    public func column(atWavelength wavelength: Double, guess: Double? = nil) -> Double {
        var x = guess ?? (coefficients.count > 1 ? (wavelength - coefficients[0]) / coefficients[1] : 0)
        for _ in 0..<8 {
            let d = dispersion(atColumn: x)
            guard d != 0 else { break }
            let step = (self.wavelength(atColumn: x) - wavelength) / d
            x -= step
            if abs(step) < 1e-9 { break }
        }
        return x
    }
}

/// The wavelength solutions of every fibre of one arm, from one arc (and Fabry–Pérot) exposure, with what
/// the fit learnt about the arm as a whole: the line-spread width against column and, with an FP, the
/// etalon's effective optical path on the arc's scale.
public struct WavelengthSolutions: Sendable, Equatable {
    public var arm: ArmName
    public var mode: ResolutionMode
    /// Detector columns along the dispersion.
    public var columns: Int
    /// Fibres with a solution, in slit order (fibres whose arc gave too few lines are absent).
    public var fibres: [FibreWavelengthFit]
    /// Gaussian σ of the line-spread function (pixels) against column, polynomial coefficients (measured on the arc).
    public var lsfSigma: [Double]
    /// The etalon's 2nd·cosθ (Å) as the arc lines set it, when an FP frame took part.
    public var fabryPerotPath: Double?

    public init(arm: ArmName, mode: ResolutionMode, columns: Int, fibres: [FibreWavelengthFit], lsfSigma: [Double], fabryPerotPath: Double? = nil) {
        self.arm = arm
        self.mode = mode
        self.columns = columns
        self.fibres = fibres.sorted { $0.slitPosition < $1.slitPosition }
        self.lsfSigma = lsfSigma
        self.fabryPerotPath = fabryPerotPath
    }

    /// The solution of the fibre at `slitPosition`.
    public func fibre(slitPosition: Int) -> FibreWavelengthFit? {
        // Binary search: fibres are sorted.
        var lo = 0, hi = fibres.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            if fibres[mid].slitPosition == slitPosition { return fibres[mid] }
            if fibres[mid].slitPosition < slitPosition { lo = mid + 1 } else { hi = mid - 1 }
        }
        return nil
    }

    /// LSF σ in pixels at column `x`.
    public func lsfSigma(atColumn x: Double) -> Double { Polynomial.evaluate(lsfSigma, at: x) }

    /// Median LAMRMS over the fibres (Å).
    public var medianLamrms: Double? { RobustStatistics.median(fibres.map(\.lamrms)) }
}
