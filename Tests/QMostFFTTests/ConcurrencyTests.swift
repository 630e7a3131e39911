import QMostFFT
import Testing

@Suite struct ConcurrencyTests {
    @Test func concurrentCallersGetIdenticalResults() async {
        let sizes = [7, 64, 97, 100, 128, 1009, 4096]
        let signals = sizes.map { testSignal(count: $0, seed: UInt64($0)) }
        let serial = signals.map { (FFT.forward($0), FFT.inverse(FFT.forward($0), count: $0.count)) }
        let serialCorrelations = signals.map { FFT.crossCorrelate($0, $0.reversed()) }

        let mismatches = await withTaskGroup(of: Int.self) { group in
            for task in 0..<48 {
                group.addTask {
                    var mismatches = 0
                    for round in 0..<10 {
                        let index = (task + round) % sizes.count
                        let signal = signals[index]
                        let spectrum = FFT.forward(signal)
                        // Bit-for-bit: FFTW runs the same plan on identically aligned buffers.
                        if spectrum != serial[index].0 { mismatches += 1 }
                        if FFT.inverse(spectrum, count: signal.count) != serial[index].1 { mismatches += 1 }
                        if FFT.crossCorrelate(signal, signal.reversed()) != serialCorrelations[index] {
                            mismatches += 1
                        }
                    }
                    return mismatches
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }

    @Test func manySizesAtOnceEvictPlansSafely() async {
        // More sizes than the plan cache holds, so plans are evicted while other tasks still execute them.
        let sizes = Array(2...200)
        let failures = await withTaskGroup(of: Int.self) { group in
            for size in sizes {
                group.addTask {
                    let signal = testSignal(count: size, seed: UInt64(size))
                    let roundTrip = FFT.inverse(FFT.forward(signal), count: size)
                    return zip(roundTrip, signal).allSatisfy { abs($0 - $1) <= 1e-12 } ? 0 : 1
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }
}
