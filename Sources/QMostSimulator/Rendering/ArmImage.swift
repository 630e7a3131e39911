import Dispatch
import Foundation
import QMostCore

extension ArmOptics {
    /// The expected photo-electrons on the active pixels (row-major, ``ArmModel/spectralPixels`` columns ×
    /// ``FibreLayout/rows`` rows) of the fibres' column spectra (by slit position − 1; nil for unlit fibres)
    /// laid along their curved traces with the fibre profile, plus the camera's scattered light.
    public func image(columnSpectra: [[Double]?]) -> [Float] {
        precondition(columnSpectra.count == layout.fibres.count, "one entry per fibre")
        let cols = arm.spectralPixels, rows = layout.rows
        var image = [Float](repeating: 0, count: cols * rows)
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let blocks = min(cols, workers * 4)
        image.withUnsafeMutableBufferPointer { buffer in
            let out = UncheckedSendable(buffer)
            DispatchQueue.concurrentPerform(iterations: blocks) { block in
                let image = out.value
                let c0 = block * cols / blocks, c1 = (block + 1) * cols / blocks
                NormalCDF.table.withUnsafeBufferPointer { table in
                    for (index, spectrum) in columnSpectra.enumerated() {
                        guard let spectrum else { continue }
                        let slit = index + 1
                        let b = traceCoefficients(slitPosition: slit)
                        let u = slitCoordinate(slit)
                        for x in c0..<c1 {
                            let e = spectrum[x]
                            guard e != 0 else { continue }
                            let xd = Double(x)
                            let centre = b[0] + xd * (b[1] + xd * b[2])
                            let sigma = profile.coreSigma(t: normalisedColumn(xd), u: u)
                            let halo = sigma * profile.haloWidthRatio
                            let reach = profile.reach(sigma: sigma)
                            let lo = max(0, Int(centre.rounded()) - reach), hi = min(rows - 1, Int(centre.rounded()) + reach)
                            guard lo <= hi else { continue }
                            let wCore = (1 - profile.haloFraction) * e, wHalo = profile.haloFraction * e
                            var edge = Double(lo) - 0.5 - centre
                            var pc = NormalCDF.phi(edge / sigma, table), ph = NormalCDF.phi(edge / halo, table)
                            for y in lo...hi {
                                edge += 1
                                let nc = NormalCDF.phi(edge / sigma, table), nh = NormalCDF.phi(edge / halo, table)
                                image[y * cols + x] += Float(wCore * (nc - pc) + wHalo * (nh - ph))
                                pc = nc
                                ph = nh
                            }
                        }
                    }
                }
            }
        }
        addScatteredLight(to: &image, columnSpectra: columnSpectra)
        return image
    }

    /// Spreads ``scatteredFraction`` of each column's light over the detector: smoothed along the dispersion over
    /// an eighth of the detector and distributed over the rows as a broad hump (seed 9.1.8 models it as a smooth
    /// surface between the fibres).
    func addScatteredLight(to image: inout [Float], columnSpectra: [[Double]?]) {
        guard scatteredFraction > 0 else { return }
        let cols = arm.spectralPixels, rows = layout.rows
        var total = [Double](repeating: 0, count: cols)
        for spectrum in columnSpectra { if let s = spectrum { for x in 0..<cols { total[x] += s[x] } } }
        guard total.contains(where: { $0 > 0 }) else { return }
        // Running mean with a window of cols/8.
        let half = max(1, cols / 16)
        var prefix = [Double](repeating: 0, count: cols + 1)
        for x in 0..<cols { prefix[x + 1] = prefix[x] + total[x] }
        let smooth = (0..<cols).map { x -> Double in
            let a = max(0, x - half), b = min(cols, x + half + 1)
            return (prefix[b] - prefix[a]) / Double(b - a)
        }
        let yc = 0.5 * Double(rows - 1)
        let shape = (0..<rows).map { y -> Double in 0.3 + exp(-pow((Double(y) - yc) / (0.45 * Double(rows)), 2)) }
        let norm = shape.reduce(0, +)
        for y in 0..<rows {
            let s = scatteredFraction * shape[y] / norm
            for x in 0..<cols { image[y * cols + x] += Float(s * smooth[x]) }
        }
    }
}
