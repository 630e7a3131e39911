import Foundation
import QMostCore

/// The line-spread function of one arm integrated over pixels, tabulated as weights from a sub-pixel grid onto
/// pixel columns.
///
/// Light is first laid on a grid of `subsamples` cells per pixel (in the fibre's own column coordinate), then
/// each pixel collects Σ_k w[x][k]·cell[k] with w the Gaussian LSF of σ(λ) = λ/(2.3548·R(λ)) integrated over the
/// pixel's width, Φ((x+½−p)/σ) − Φ((x−½−p)/σ) (Φ the normal CDF). Integrating over the pixel matters when the
/// LSF is narrower than a pixel, as at the small simulation scale (FWHM ≈ 0.5 px). The weights depend on σ only,
/// which changes slowly along the arm, so one table serves every fibre of the arm.
public struct SpectralBlur: Sendable {
    /// Sub-pixel cells per pixel.
    public let subsamples: Int
    /// Pixels of margin on each side of a pixel that its weights reach (≥ 5σ).
    public let reach: Int
    /// Pixel columns.
    public let columns: Int
    /// LSF σ in pixels at each column.
    public let sigma: [Double]
    /// Weights, `(2·reach + 1)·subsamples` per column, row after row.
    let weights: [Float]

    /// Cells the grid holds: the detector's columns plus `reach` pixels of margin on both sides (light from just
    /// beyond the detector edge spills onto it).
    public var cellCount: Int { (columns + 2 * reach) * subsamples }

    /// Weights per column.
    public var span: Int { (2 * reach + 1) * subsamples }

    /// Fractional column of the centre of cell `k`.
    @inline(__always)
    public func column(ofCell k: Int) -> Double {
        Double(k) / Double(subsamples) - Double(reach) - 0.5 + 0.5 / Double(subsamples)
    }

    /// The blur of `arm` (σ from its resolving power and nominal dispersion).
    public init(arm: ArmModel) {
        let n = arm.spectralPixels
        let sigma = (0..<n).map { arm.lsfFWHMPixels(at: arm.wavelength(atPixel: Double($0))) / 2.354_820_045 }
        let smallest = sigma.min() ?? 1
        // Cells narrower than half the narrowest σ, and never fewer than 3 per pixel.
        let k = max(3, Int((2 / smallest).rounded(.up)))
        let reach = max(1, Int((5 * (sigma.max() ?? 1)).rounded(.up)))
        var w = [Float](repeating: 0, count: n * (2 * reach + 1) * k)
        let span = (2 * reach + 1) * k
        for x in 0..<n {
            let s = sigma[x] * 2.0.squareRoot()
            for j in 0..<span {
                // Cell centre relative to the pixel centre.
                let p = Double(j) / Double(k) - Double(reach) - 0.5 + 0.5 / Double(k)
                let upper = erf((0.5 - p) / s), lower = erf((-0.5 - p) / s)
                w[x * span + j] = Float(0.5 * (upper - lower))
            }
        }
        self.subsamples = k
        self.reach = reach
        self.columns = n
        self.sigma = sigma
        self.weights = w
    }

    /// Blurs `cells` (``cellCount`` values, electrons per cell) into `columns` pixel values.
    public func apply(_ cells: [Double]) -> [Double] {
        precondition(cells.count == cellCount, "one value per cell")
        var out = [Double](repeating: 0, count: columns)
        let span = self.span, k = subsamples
        cells.withUnsafeBufferPointer { c in
            weights.withUnsafeBufferPointer { w in
                for x in 0..<columns {
                    // Pixel x's first cell is that of column x − reach, i.e. cell index x·k.
                    var sum = 0.0
                    let base = x * k, wBase = x * span
                    for j in 0..<span { sum += Double(w[wBase + j]) * c[base + j] }
                    out[x] = sum
                }
            }
        }
        return out
    }
}
