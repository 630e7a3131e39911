import QMostCore

/// Electrical crosstalk between the outputs of one detector (seed 9.1.1): a victim pixel read at the same moment
/// as a source pixel (the same distance from their outputs) carries C_{source,victim} × the source's signal.
/// The single-pass additive correction I′_j = I_j − Σ_{k≠j} C_{kj} I_k is exact to O(C²).
public struct CrosstalkCorrection: Sendable, Equatable {
    /// `coefficients[k][j]`: from output k into output j (the diagonal is ignored).
    public var coefficients: [[Double]]

    public init(coefficients: [[Double]]) { self.coefficients = coefficients }

    /// The corrected plane (overscan-corrected signal, trimmed columns).
    public func apply(to plane: Plane, layout: DetectorGeometry) -> Plane {
        guard layout.amplifierCount == 2, coefficients.count == 2 else { return plane }
        var out = plane
        let w = layout.activeColumnsPerAmplifier, cols = layout.activeColumns
        for y in 0..<plane.height {
            for d in 0..<w {
                let a = d, b = cols - 1 - d
                out[b, y] -= Float(coefficients[0][1]) * plane[a, y]
                out[a, y] -= Float(coefficients[1][0]) * plane[b, y]
            }
        }
        return out
    }
}
