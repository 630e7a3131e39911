extension FFT {
    /// The circular cross-correlation `c[k] = Σₙ a[n] · b[(n + k) mod N]` of two signals of equal length N.
    ///
    /// If `b` is `a` delayed by `s` samples (`b[n] = a[n - s]`), the peak is at `k = s`; a delay of `-s` shows
    /// at `k = N - s`. Computed as `IFFT(conj(FFT(a)) · FFT(b))`.
    public static func crossCorrelate(_ a: [Double], _ b: [Double]) -> [Double] {
        precondition(
            a.count == b.count, "circular cross-correlation needs equal lengths, got \(a.count) and \(b.count)")
        guard !a.isEmpty else { return [] }
        let plan = PlanCache.plan(for: a.count)
        let spectrumA = plan.forward(a)
        let spectrumB = plan.forward(b)
        let product = zip(spectrumA, spectrumB).map { x, y in
            FFTComplex(re: x.re * y.re + x.im * y.im, im: x.re * y.im - x.im * y.re)
        }
        return plan.inverse(product)
    }

    /// The linear (non-circular) cross-correlation `c[k] = Σₙ a[n] · b[n + k]`, samples outside either signal
    /// counting as zero, for every lag at which the signals overlap.
    ///
    /// The signals may differ in length. They are zero-padded to a fast FFT size of at least
    /// `a.count + b.count - 1`, so no lag wraps around into another.
    public static func linearCrossCorrelate(_ a: [Double], _ b: [Double]) -> LinearCrossCorrelation {
        linearCrossCorrelate(a, each: [b])[0]
    }
}

/// A linear cross-correlation over every lag at which two signals overlap; see ``FFT/linearCrossCorrelate(_:_:)``.
public struct LinearCrossCorrelation: Sendable, Hashable {
    /// One value per lag, in order of increasing lag starting at ``firstLag``.
    public let values: [Double]
    /// The lag of `values[0]`: `-(a.count - 1)`.
    public let firstLag: Int

    /// The lags covered, `-(a.count - 1) ..< b.count`.
    public var lags: Range<Int> { firstLag..<(firstLag + values.count) }

    /// The correlation at `lag`, which must lie in ``lags``.
    public subscript(lag lag: Int) -> Double { values[lag - firstLag] }

    /// The lag with the greatest correlation (the first, on ties): how many samples `b` lags behind `a`;
    /// nil for empty input.
    public var peakLag: Int? {
        // max(by:) keeps the earlier of equal elements.
        values.indices.max { values[$0] < values[$1] }.map { $0 + firstLag }
    }
}

extension FFT {
    /// ``linearCrossCorrelate(_:_:)`` of one signal `a` with each of several signals `bs` of one common length,
    /// transforming `a` once: what a template search with several eigen-spectra needs.
    public static func linearCrossCorrelate(_ a: [Double], each bs: [[Double]]) -> [LinearCrossCorrelation] {
        guard let width = bs.first?.count, !a.isEmpty, width > 0 else {
            return bs.map { _ in LinearCrossCorrelation(values: [], firstLag: 0) }
        }
        precondition(bs.allSatisfy { $0.count == width }, "the signals correlated with one signal must share a length")
        let length = fastSize(atLeast: a.count + width - 1)
        let padding = { (signal: [Double]) in signal + Array(repeating: 0, count: length - signal.count) }
        let plan = PlanCache.plan(for: length)
        let spectrumA = plan.forward(padding(a))
        let firstLag = -(a.count - 1)
        return bs.map { b in
            let spectrumB = plan.forward(padding(b))
            let product = zip(spectrumA, spectrumB).map { x, y in
                FFTComplex(re: x.re * y.re + x.im * y.im, im: x.re * y.im - x.im * y.re)
            }
            let circular = plan.inverse(product)
            return LinearCrossCorrelation(values: (firstLag..<width).map { lag in circular[(lag + length) % length] }, firstLag: firstLag)
        }
    }
}
