import CFFTW3
import Synchronization

// FFTW guarantees thread safety only for fftw_execute and its new-array variants. Everything else, the planner,
// fftw_destroy_plan and, by the letter of the manual, fftw_malloc and fftw_free, runs under this one lock.
private let fftwSerial = Mutex<Void>(())

/// The forward and inverse plans for one real transform size.
///
/// Sendable although it holds C pointers: the plans are immutable once made, FFTW allows any number of threads
/// to execute one plan at once through the new-array interface, and destruction is serialised in `deinit`.
/// Each execution uses its own buffers, so nothing here is shared mutable state.
final class RealPlan: @unchecked Sendable {
    let count: Int
    private let forwardPlan: OpaquePointer
    private let inversePlan: OpaquePointer

    /// Plans size `count`; the caller must not hold `fftwSerial`.
    init(count: Int) {
        precondition(count > 0 && count <= Int(Int32.max), "FFT size \(count) out of range")
        self.count = count
        (forwardPlan, inversePlan) = fftwSerial.withLock { _ in
            // Planning needs arrays of the alignment later executions will use; fftw_alloc gives the same every
            // time. FFTW_ESTIMATE leaves them untouched and, unlike measuring, makes the same plan on every run.
            let real = fftw_alloc_real(count)!
            let complex = fftw_alloc_complex(count / 2 + 1)!
            defer {
                fftw_free(real)
                fftw_free(complex)
            }
            let n = Int32(count)
            guard let forward = fftw_plan_dft_r2c_1d(n, real, complex, FFTW_ESTIMATE),
                let inverse = fftw_plan_dft_c2r_1d(n, complex, real, FFTW_ESTIMATE | FFTW_DESTROY_INPUT)
            else { fatalError("FFTW could not plan a real transform of size \(count)") }
            return (forward, inverse)
        }
    }

    deinit {
        fftwSerial.withLock { _ in
            fftw_destroy_plan(forwardPlan)
            fftw_destroy_plan(inversePlan)
        }
    }

    /// The `count / 2 + 1` non-redundant bins of the unnormalised DFT of `input`.
    func forward(_ input: [Double]) -> [FFTComplex] {
        precondition(input.count == count)
        let buffers = Buffers(count: count)
        input.withUnsafeBufferPointer { buffers.real.update(from: $0.baseAddress!, count: count) }
        fftw_execute_dft_r2c(forwardPlan, buffers.real, buffers.complex)
        return (0..<buffers.complexCount).map { FFTComplex(re: buffers.complex[$0].0, im: buffers.complex[$0].1) }
    }

    /// The real signal whose half spectrum is `spectrum`, scaled by `1/count` so `inverse(forward(x)) == x`.
    func inverse(_ spectrum: [FFTComplex]) -> [Double] {
        let buffers = Buffers(count: count)
        precondition(spectrum.count == buffers.complexCount)
        for (index, bin) in spectrum.enumerated() { buffers.complex[index] = (bin.re, bin.im) }
        fftw_execute_dft_c2r(inversePlan, buffers.complex, buffers.real)
        let scale = 1 / Double(count)
        return (0..<count).map { buffers.real[$0] * scale }
    }
}

/// fftw_alloc'd input and output arrays for one execution, so executions on one plan never share memory.
private final class Buffers {
    let real: UnsafeMutablePointer<Double>
    let complex: UnsafeMutablePointer<fftw_complex>
    let complexCount: Int

    init(count: Int) {
        complexCount = count / 2 + 1
        (real, complex) = fftwSerial.withLock { _ in
            (fftw_alloc_real(count)!, fftw_alloc_complex(count / 2 + 1)!)
        }
    }

    deinit {
        fftwSerial.withLock { _ in
            fftw_free(real)
            fftw_free(complex)
        }
    }
}
