import Foundation

/// The light of the fibres themselves at the pixels between their traces (seed 9.1.8 measures the scattered light
/// there). At full scale the slitlet gaps lie within two pitches of a fibre, where its halo still holds ~10⁻³ of
/// its light per row: taken for scattered light, it is subtracted from every fibre of the region, which robs the
/// faint fibres next to a bright star and biases the halo the profile fit finds on a flat.
///
/// Per column, each fibre's flux is its sum over the rows within `coreRows` of its centre divided by its profile's
/// share of those rows; its light at a pixel is that flux times the profile there.
public enum FibreLightModel {
    /// Rows either side of a centre whose sum estimates a fibre's flux.
    static let coreRows = 2
    /// Halo σ either side of a centre the light is rendered over.
    static let reachSigmas = 5.0

    /// The fibres' light at the `free` pixels of `plane` (zero elsewhere), from their `traces` and `profiles`.
    /// `plane` should already have a first estimate of the scattered light removed, so the flux sums hold fibre
    /// light only.
    public static func render(_ plane: Plane, free: [Bool], traces: [FibreTrace], profiles: FibreProfiles) -> [Float] {
        let w = plane.width, h = plane.height
        var light = [Float](repeating: 0, count: w * h)
        let table = NormalCDF.table
        let window = 2 * 64 + 1
        var shares = [Double](repeating: 0, count: window)
        table.withUnsafeBufferPointer { t in
            shares.withUnsafeMutableBufferPointer { share in
                for trace in traces {
                    for x in 0..<w {
                        let xd = Double(x)
                        let centre = trace.row(at: xd), traceSigma = trace.sigma(at: xd)
                        let c = Int(centre.rounded())
                        // Only fibres that reach a free pixel in this column matter (a halo ratio of up to 3 assumed
                        // for the test, before the shape is looked up).
                        let bound = min(64, Int((reachSigmas * 3 * max(traceSigma, 0.5)).rounded(.up)))
                        var reachesFree = false
                        for y in max(0, c - bound)...max(max(0, c - bound), min(h - 1, c + bound)) where free[y * w + x] { reachesFree = true; break }
                        guard reachesFree else { continue }
                        let shape = profiles.shape(column: xd, row: centre)
                        let sigma = shape.coreSigma(traceSigma: traceSigma)
                        let reach = min(64, Int((reachSigmas * sigma * max(shape.haloRatio, 1)).rounded(.up)))
                        let lo = max(0, c - reach), hi = min(h - 1, c + reach)
                        guard lo <= hi else { continue }
                        let count = hi - lo + 1
                        NormalCDF.fill(share.baseAddress!, lo: lo, count: count, centre: centre, sigma: sigma,
                                       haloFraction: shape.haloFraction, haloRatio: shape.haloRatio, t)
                        var sum = 0.0, fraction = 0.0
                        for y in max(lo, c - coreRows)...min(hi, c + coreRows) {
                            sum += Double(plane.pixels[y * w + x])
                            fraction += share[y - lo]
                        }
                        guard fraction > 0 else { continue }
                        let flux = sum / fraction
                        for y in lo...hi where free[y * w + x] { light[y * w + x] += Float(flux * share[y - lo]) }
                    }
                }
            }
        }
        return light
    }
}
