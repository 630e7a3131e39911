import QMostFFT
import Testing

@Suite struct CrossCorrelationTests {
    /// `signal` delayed by `shift` samples, wrapping around.
    private func rotated(_ signal: [Double], by shift: Int) -> [Double] {
        let n = signal.count
        return (0..<n).map { signal[((($0 - shift) % n) + n) % n] }
    }

    @Test(arguments: [(64, 5), (64, 0), (101, 37), (128, -9), (97, 96)])
    func circularPeakIsAtTheShift(count: Int, shift: Int) {
        let a = testSignal(count: count, seed: 42)
        let correlation = FFT.crossCorrelate(a, rotated(a, by: shift))
        #expect(correlation.count == count)
        let peak = correlation.indices.max { correlation[$0] < correlation[$1] }
        #expect(peak == ((shift % count) + count) % count)
        // At the peak the correlation is the signal's energy.
        let energy = a.reduce(0) { $0 + $1 * $1 }
        #expect(abs(correlation[peak!] - energy) <= 1e-9)
    }

    @Test func circularMatchesDirectSum() {
        let a = testSignal(count: 30, seed: 1)
        let b = testSignal(count: 30, seed: 2)
        let correlation = FFT.crossCorrelate(a, b)
        for k in 0..<30 {
            let direct = (0..<30).reduce(0.0) { $0 + a[$1] * b[($1 + k) % 30] }
            #expect(abs(correlation[k] - direct) <= 1e-12)
        }
    }

    @Test(arguments: [(50, 70, 13), (70, 50, -8), (1, 1, 0), (31, 17, 0), (200, 33, -120)])
    func linearMatchesDirectSumAndFindsTheLag(aCount: Int, bCount: Int, lag: Int) {
        // b[m] = a[m - lag] where a exists: a copy of a shifted right by lag, cut to b's length, plus a bit of noise.
        let a = testSignal(count: aCount, seed: 3)
        let noise = testSignal(count: bCount, seed: 4)
        let b = (0..<bCount).map { m in (a.indices.contains(m - lag) ? a[m - lag] : 0) + 0.01 * noise[m] }
        let correlation = FFT.linearCrossCorrelate(a, b)
        #expect(correlation.lags == -(aCount - 1)..<bCount)
        #expect(correlation.values.count == aCount + bCount - 1)
        for lag in correlation.lags {
            #expect(abs(correlation[lag: lag] - NaiveDFT.crossCorrelate(a, b, lag: lag)) <= 1e-10, "lag \(lag)")
        }
        if aCount > 1 { #expect(correlation.peakLag == lag) }
    }

    @Test func linearHasNoWrapAround() {
        // Impulses at opposite ends correlate only at the extreme lag, never at a wrapped one.
        let a = [1.0, 0, 0, 0]
        let b = [0.0, 0, 0, 0, 0, 1]
        let correlation = FFT.linearCrossCorrelate(a, b)
        #expect(correlation.peakLag == 5)
        for lag in correlation.lags where lag != 5 { #expect(abs(correlation[lag: lag]) <= 1e-12) }
    }
}
