/// Running means along wavelength over the usable bins only, for the slowly varying curves of the fibre flat and the
/// sky continuum (seed 9.1.13–9.1.14).
enum SpectralSmoothing {
    /// The mean of `values` over the bins `use` marks within `halfWidth` bins of each bin; nil where the window has
    /// fewer than `minimum` usable bins.
    static func runningMean(_ values: [Double], use: [Bool], halfWidth: Int, minimum: Int = 1) -> [Double?] {
        precondition(values.count == use.count, "one flag per value")
        let n = values.count
        var sum = [Double](repeating: 0, count: n + 1), count = [Int](repeating: 0, count: n + 1)
        for i in 0..<n {
            sum[i + 1] = sum[i] + (use[i] ? values[i] : 0)
            count[i + 1] = count[i] + (use[i] ? 1 : 0)
        }
        return (0..<n).map { i in
            let lo = max(0, i - halfWidth), hi = min(n, i + halfWidth + 1)
            let c = count[hi] - count[lo]
            return c >= max(1, minimum) ? (sum[hi] - sum[lo]) / Double(c) : nil
        }
    }

    /// `runningMean` iterated with rejection: bins more than `kappa` robust sigmas from the previous pass's curve are
    /// dropped (absorption lines of the twilight Sun, cosmic-ray remnants), then the curve is made again.
    static func clippedRunningMean(_ values: [Double], use: [Bool], halfWidth: Int, kappa: Double = 4, iterations: Int = 2) -> [Double?] {
        var keep = use
        var curve = runningMean(values, use: keep, halfWidth: halfWidth, minimum: halfWidth / 4)
        for _ in 0..<iterations {
            let residuals = values.indices.compactMap { i -> Double? in
                guard keep[i], let c = curve[i] else { return nil }
                return values[i] - c
            }
            guard residuals.count > 10 else { break }
            let sigma = RobustStatistics.madSigma(residuals, around: RobustStatistics.median(residuals) ?? 0)
            guard sigma > 0 else { break }
            for i in values.indices where keep[i] {
                if let c = curve[i], abs(values[i] - c) > kappa * sigma { keep[i] = false }
            }
            curve = runningMean(values, use: keep, halfWidth: halfWidth, minimum: halfWidth / 4)
        }
        return curve
    }
}
