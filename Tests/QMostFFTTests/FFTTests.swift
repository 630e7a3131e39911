import Foundation
import QMostFFT
import Testing

@Suite struct FFTTests {
    static let sizes = [1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31, 64, 97, 100, 127, 128, 255, 256, 1000, 1009]

    @Test(arguments: sizes)
    func forwardMatchesNaiveDFT(count: Int) {
        let signal = testSignal(count: count, seed: UInt64(count))
        let fast = FFT.forward(signal)
        let reference = NaiveDFT.forward(signal)
        #expect(fast.count == count / 2 + 1)
        let tolerance = 1e-9 * Double(count)
        for (got, want) in zip(fast, reference) {
            #expect(abs(got.re - want.re) <= tolerance && abs(got.im - want.im) <= tolerance, "\(got) vs \(want)")
        }
    }

    @Test(arguments: sizes)
    func inverseUndoesForward(count: Int) {
        let signal = testSignal(count: count, seed: UInt64(count) + 1000)
        let roundTrip = FFT.inverse(FFT.forward(signal), count: count)
        #expect(roundTrip.count == count)
        for (got, want) in zip(roundTrip, signal) { #expect(abs(got - want) <= 1e-12) }
    }

    @Test(arguments: [6, 7, 97])
    func inverseOfNaiveSpectrumRestoresSignal(count: Int) {
        let signal = testSignal(count: count, seed: 7)
        let restored = FFT.inverse(NaiveDFT.forward(signal), count: count)
        for (got, want) in zip(restored, signal) { #expect(abs(got - want) <= 1e-10) }
    }

    @Test func knownSpectrumOfACosine() {
        // cos(2π·3n/16) has all its energy in bin 3, of height N/2.
        let signal = (0..<16).map { cos(2 * Double.pi * 3 * Double($0) / 16) }
        let spectrum = FFT.forward(signal)
        for (k, bin) in spectrum.enumerated() {
            #expect(abs(bin.magnitude - (k == 3 ? 8 : 0)) <= 1e-12, "bin \(k)")
        }
    }

    @Test func emptyInput() {
        #expect(FFT.forward([]).isEmpty)
        #expect(FFT.inverse([], count: 0).isEmpty)
        #expect(FFT.crossCorrelate([], []).isEmpty)
        #expect(FFT.linearCrossCorrelate([], [1, 2]).values.isEmpty)
        #expect(FFT.linearCrossCorrelate([], [1, 2]).peakLag == nil)
    }

    @Test func fastSizes() {
        #expect(FFT.fastSize(atLeast: 0) == 1)
        #expect(FFT.fastSize(atLeast: 1) == 1)
        #expect(FFT.fastSize(atLeast: 11) == 12)
        #expect(FFT.fastSize(atLeast: 1009) == 1024)
        #expect(FFT.fastSize(atLeast: 1001) == 1008)
        #expect(FFT.fastSize(atLeast: 1024) == 1024)
    }
}
