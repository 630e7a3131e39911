import Foundation

/// A quantity sampled on an evenly spaced wavelength grid, read by linear interpolation in constant time.
///
/// The renderer evaluates responses, sky and lamp spectra at every sub-pixel of every fibre (tens of millions of
/// look-ups per exposure at full scale), so it tabulates them once per arm on a uniform grid instead of
/// searching a ``TabulatedCurve`` each time.
public struct UniformCurve: Sendable, Equatable {
    /// Wavelength (Å) of the first sample.
    public let start: Double
    /// Spacing of the samples in Å.
    public let step: Double
    /// The samples.
    public var values: [Double]

    /// Samples `function` at `count` points from `start` in steps of `step`.
    public init(start: Double, step: Double, count: Int, _ function: (Double) -> Double) {
        precondition(step > 0 && count >= 2, "a uniform curve needs a positive step and two samples")
        self.start = start
        self.step = step
        self.values = (0..<count).map { function(start + Double($0) * step) }
    }

    /// A curve from samples already on the grid.
    public init(start: Double, step: Double, values: [Double]) {
        precondition(step > 0 && values.count >= 2, "a uniform curve needs a positive step and two samples")
        self.start = start
        self.step = step
        self.values = values
    }

    /// The wavelength of sample `i`.
    public func wavelength(_ i: Int) -> Double { start + Double(i) * step }

    /// The last sampled wavelength.
    public var end: Double { wavelength(values.count - 1) }

    /// The value at `wavelength`: linear between samples, zero outside the grid.
    @inline(__always)
    public func value(at wavelength: Double) -> Double {
        let x = (wavelength - start) / step
        guard x >= 0 else { return 0 }
        let i = Int(x)
        guard i < values.count - 1 else { return i == values.count - 1 && x == Double(i) ? values[i] : 0 }
        let t = x - Double(i)
        return values[i] + t * (values[i + 1] - values[i])
    }

    /// Sample-by-sample product with a curve on the same grid.
    public func multiplied(by other: UniformCurve) -> UniformCurve {
        precondition(other.start == start && other.step == step && other.values.count == values.count, "grids differ")
        var copy = self
        for i in values.indices { copy.values[i] *= other.values[i] }
        return copy
    }

    /// Every value times `factor`.
    public func scaled(by factor: Double) -> UniformCurve {
        var copy = self
        for i in values.indices { copy.values[i] *= factor }
        return copy
    }
}

extension UniformCurve {
    /// The same curve in single precision, for spectra held across exposures (an OB's targets: half the memory).
    public struct Compact: Sendable, Equatable {
        public let start: Double
        public let step: Double
        public let values: [Float]

        /// The curve in double precision again, for rendering.
        public func expanded() -> UniformCurve {
            UniformCurve(start: start, step: step, values: values.map { Double($0) })
        }
    }

    /// The curve in single precision (relative rounding 6e-8, far below any noise it feeds).
    public var compact: Compact { Compact(start: start, step: step, values: values.map { Float($0) }) }
}

extension Spectrum {
    /// F_λ on a uniform grid like `grid`, averaged over each sample's cell so narrow features keep their flux
    /// (a finer model is integrated, not point-sampled).
    public func uniform(like grid: UniformCurve) -> UniformCurve {
        let n = grid.values.count
        let edges = (0...n).map { grid.start + (Double($0) - 0.5) * grid.step }
        var out = [Double](repeating: 0, count: n)
        let cumulative = SampledCurve.cumulative(wavelengths, flux)
        var previous = SampledCurve.cumulativeValue(wavelengths, flux, cumulative, at: min(max(edges[0], range.lowerBound), range.upperBound))
        for i in 0..<n {
            let e = min(max(edges[i + 1], range.lowerBound), range.upperBound)
            let c = SampledCurve.cumulativeValue(wavelengths, flux, cumulative, at: e)
            out[i] = (c - previous) / grid.step
            previous = c
        }
        return UniformCurve(start: grid.start, step: grid.step, values: out)
    }
}
