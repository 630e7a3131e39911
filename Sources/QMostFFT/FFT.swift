/// Discrete Fourier transforms of real signals, backed by FFTW.
///
/// Any size is supported, including odd and prime sizes. Plans are made once per size and shared, and all
/// functions may be called concurrently from any number of threads or tasks; results for the same input are
/// bit-for-bit identical regardless of concurrency.
public enum FFT {
    /// The DFT `X[k] = Σ x[n] e^(-2πi kn/N)` of a real signal, unnormalised.
    ///
    /// - Returns: the `x.count / 2 + 1` non-redundant bins (the rest are their complex conjugates); empty for
    ///   empty input.
    public static func forward(_ x: [Double]) -> [FFTComplex] {
        x.isEmpty ? [] : PlanCache.plan(for: x.count).forward(x)
    }

    /// The inverse of ``forward(_:)``, normalised so that `inverse(forward(x), count: x.count) ≈ x`.
    ///
    /// - Parameters:
    ///   - spectrum: `count / 2 + 1` bins of a Hermitian spectrum; the imaginary parts of bin 0 and, for even
    ///     `count`, of the last bin are ignored, since a real signal cannot have them.
    ///   - count: the length of the signal; needed because odd and even lengths share a spectrum length.
    public static func inverse(_ spectrum: [FFTComplex], count: Int) -> [Double] {
        precondition(count >= 0, "negative FFT size")
        if count == 0 { return [] }
        precondition(
            spectrum.count == count / 2 + 1, "spectrum of \(spectrum.count) bins cannot give \(count) samples")
        return PlanCache.plan(for: count).inverse(spectrum)
    }

    /// The smallest length ≥ `n` whose only prime factors are 2, 3, 5 and 7, which FFTW transforms fastest.
    public static func fastSize(atLeast n: Int) -> Int {
        var candidate = max(n, 1)
        while true {
            var rest = candidate
            for factor in [2, 3, 5, 7] { while rest % factor == 0 { rest /= factor } }
            if rest == 1 { return candidate }
            candidate += 1
        }
    }
}
