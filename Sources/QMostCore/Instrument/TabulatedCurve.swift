import Foundation

/// A quantity tabulated against wavelength in Å (efficiency, resolving power, sky brightness, transmission),
/// read by linear interpolation between the samples.
///
/// Every instrument curve of ``InstrumentModel`` is one of these, whether built from public numbers or loaded
/// from a measured table, so the simulator and the exposure-time calculator read both the same way.
public struct TabulatedCurve: Sendable, Equatable {
    /// What the curve gives outside its tabulated wavelengths.
    public enum Outside: Sendable, Equatable {
        /// The first or last sample's value (for slowly varying curves such as resolving power).
        case clamp
        /// Zero (for throughputs and fluxes that have no meaning beyond the table).
        case zero
    }

    /// Why a table cannot be a curve.
    public enum Problem: Error, Equatable {
        case empty
        case lengthMismatch(wavelengths: Int, values: Int)
        /// Wavelengths must increase strictly; the index is the first sample that does not.
        case notIncreasing(index: Int)
        case notFinite(index: Int)
    }

    /// Sample wavelengths in Å, strictly increasing.
    public let wavelengths: [Double]
    /// The value at each sample.
    public let values: [Double]
    /// The behaviour beyond the first and last sample.
    public let outside: Outside

    /// A curve through the given samples; throws unless wavelengths increase strictly and all numbers are finite.
    public init(wavelengths: [Double], values: [Double], outside: Outside) throws(Problem) {
        guard !wavelengths.isEmpty else { throw .empty }
        guard wavelengths.count == values.count else {
            throw .lengthMismatch(wavelengths: wavelengths.count, values: values.count)
        }
        for i in wavelengths.indices {
            guard wavelengths[i].isFinite, values[i].isFinite else { throw .notFinite(index: i) }
            if i > 0, wavelengths[i] <= wavelengths[i - 1] { throw .notIncreasing(index: i) }
        }
        self.wavelengths = wavelengths
        self.values = values
        self.outside = outside
    }

    /// A curve of `count` evenly spaced samples of `function` over `range` (Å); `count` is at least 2.
    public init(sampling function: (Double) -> Double, over range: ClosedRange<Double>, count: Int, outside: Outside) {
        let n = max(count, 2)
        let step = (range.upperBound - range.lowerBound) / Double(n - 1)
        let grid = (0..<n).map { range.lowerBound + Double($0) * step }
        self.wavelengths = grid
        self.values = grid.map(function)
        self.outside = outside
    }

    /// A constant curve over `range`.
    public static func constant(_ value: Double, over range: ClosedRange<Double>, outside: Outside = .clamp) -> TabulatedCurve {
        TabulatedCurve(sampling: { _ in value }, over: range, count: 2, outside: outside)
    }

    /// The tabulated wavelength span in Å.
    public var domain: ClosedRange<Double> { wavelengths[0]...wavelengths[wavelengths.count - 1] }

    /// The value at `wavelength` (Å): linear between the bracketing samples, ``outside`` beyond them.
    public func value(at wavelength: Double) -> Double {
        let n = wavelengths.count
        if wavelength <= wavelengths[0] {
            return wavelength == wavelengths[0] || outside == .clamp ? values[0] : 0
        }
        if wavelength >= wavelengths[n - 1] {
            return wavelength == wavelengths[n - 1] || outside == .clamp ? values[n - 1] : 0
        }
        // Binary search for the last sample at or below the wavelength.
        var lo = 0, hi = n - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if wavelengths[mid] <= wavelength { lo = mid } else { hi = mid }
        }
        let t = (wavelength - wavelengths[lo]) / (wavelengths[hi] - wavelengths[lo])
        return values[lo] + t * (values[hi] - values[lo])
    }

    /// Shorthand for ``value(at:)``.
    public func callAsFunction(_ wavelength: Double) -> Double { value(at: wavelength) }

    /// The curve with every value passed through `transform` (same samples and outside behaviour).
    public func mapValues(_ transform: (Double) -> Double) -> TabulatedCurve {
        // The samples were validated once; a finite transform keeps them valid.
        (try? TabulatedCurve(wavelengths: wavelengths, values: values.map(transform), outside: outside))
            ?? TabulatedCurve(sampling: { transform(self.value(at: $0)) }, over: domain, count: wavelengths.count, outside: outside)
    }

    /// The median of the tabulated values.
    public var medianValue: Double {
        let sorted = values.sorted()
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2])
    }
}
