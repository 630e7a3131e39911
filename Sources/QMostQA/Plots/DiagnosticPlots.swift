import Foundation

/// The six diagnostic plots of the seed's Table 1 for one arm's QA, as SVG documents by name (`delskys`, `flxnois`,
/// `skyflux`, `skyline`, `skystat`, `magplot`).
public enum DiagnosticPlots {
    public static let names = ["delskys", "flxnois", "skyflux", "skyline", "skystat", "magplot"]

    /// Every plot of `q`; `fieldRA`/`fieldDec` (degrees) centre the sky-flux plot.
    public static func render(_ q: ArmQuality, fieldRA: Double, fieldDec: Double) -> [String: String] {
        let title = "\(q.spectrograph) \(q.arm)"
        return [
            "delskys": delskys(q, title: title).render(),
            "flxnois": flxnois(q, title: title).render(),
            "skyflux": skyflux(q, title: title, ra: fieldRA, dec: fieldDec).render(),
            "skyline": skyline(q, title: title).render(),
            "skystat": skystat(q, title: title).render(),
            "magplot": magplot(q, title: title).render(),
        ]
    }

    /// Smoothed sky-subtracted sky fibres against wavelength, in % of the median sky.
    static func delskys(_ q: ArmQuality, title: String) -> SVGPlot {
        var p = SVGPlot.Panel(title: "sky-subtracted sky fibres, smoothed", xLabel: "wavelength [Angstrom]", yLabel: "residual [% of median sky]")
        for (k, r) in q.smoothedSkyResiduals.enumerated() {
            p.layers.append(.line(x: q.smoothedWavelength, y: r, colour: k % 2 == 0 ? "#1f4e9c" : "#4f8fd9", label: k == 0 ? "sky fibres (\(q.skyFibres))" : ""))
        }
        p.layers.append(.line(x: [q.smoothedWavelength.first ?? 0, q.smoothedWavelength.last ?? 1], y: [0, 0], colour: "black", label: "", dashed: true))
        // The arms' ends, where the throughput falls, swing by hundreds of per cent: scale to the bulk and let the
        // ends run off the axes.
        let all = q.smoothedSkyResiduals.flatMap { $0 }.filter(\.isFinite).map(abs).sorted()
        let limit = min(25, max(2, all.isEmpty ? 2 : 5 * all[all.count * 3 / 4]))
        p.yRange = -limit...limit
        return SVGPlot(title: "delskys: \(title)", panels: [p])
    }

    /// Flux against noise: pipeline noise and the spectrum's own pixel-to-pixel noise, targets, sky and standards.
    static func flxnois(_ q: ArmQuality, title: String) -> SVGPlot {
        func panel(_ name: String, _ key: (FibreQuality) -> Double) -> SVGPlot.Panel {
            var p = SVGPlot.Panel(title: name, xLabel: "<flux> [\(q.unit)]", yLabel: "noise [\(q.unit)]")
            let groups: [(String, String, (FibreQuality) -> Bool)] = [
                ("targets", "black", { $0.use != 3 && !$0.isStandard }), ("sky", "#d62728", { $0.use == 3 }), ("WD calibrators", "#1f77b4", \.isStandard),
            ]
            for (label, colour, member) in groups {
                let rows = q.fibres.filter(member)
                p.layers.append(.points(x: rows.map(\.flux), y: rows.map(key), colour: colour, label: label))
            }
            return p
        }
        return SVGPlot(title: "flxnois: \(title)", panels: [panel("pipeline <noise> = sqrt(median variance)", \.pipelineNoise),
                                                            panel("spectrum <noise> (pixel to pixel)", \.sigma)])
    }

    /// Median sky flux of the sky fibres against distance from the field centre and against azimuth.
    static func skyflux(_ q: ArmQuality, title: String, ra: Double, dec: Double) -> SVGPlot {
        let sky = q.fibres.filter { $0.use == 3 && $0.skyFlux != nil }
        let rad = Double.pi / 180
        let geometry = sky.map { f -> (r: Double, az: Double) in
            let dx = (f.ra - ra) * cos(dec * rad), dy = f.dec - dec
            let az = atan2(dx, dy) / rad
            return ((dx * dx + dy * dy).squareRoot(), az < 0 ? az + 360 : az)
        }
        var radial = SVGPlot.Panel(title: "against radius", xLabel: "distance from field centre [deg]", yLabel: "median sky flux [\(q.unit)]")
        radial.layers.append(.points(x: geometry.map(\.r), y: sky.map { $0.skyFlux! }, colour: "#d62728", label: "sky fibres"))
        var azimuth = SVGPlot.Panel(title: "against azimuth", xLabel: "position angle, N through E [deg]", yLabel: "median sky flux [\(q.unit)]",
                                    xRange: 0...360)
        azimuth.layers.append(.points(x: geometry.map(\.az), y: sky.map { $0.skyFlux! }, colour: "#d62728", label: "sky fibres"))
        return SVGPlot(title: "skyflux: \(title)", panels: [radial, azimuth])
    }

    /// Measured sky-line wavelengths against the fiducial ones, the differences × 1000.
    static func skyline(_ q: ArmQuality, title: String) -> SVGPlot {
        var p = SVGPlot.Panel(title: "sky lines in all allocated fibres (offsets x 1000)", xLabel: "slit position",
                              yLabel: "fiducial + 1000 x (measured - fiducial) [Angstrom]")
        for (k, line) in q.skyLines.enumerated() {
            let x = line.measured.map { Double($0.slitPosition) }
            p.layers.append(.points(x: x, y: line.measured.map { line.wavelength + 1000 * ($0.centre - line.wavelength) }, colour: "#d62728",
                                    label: k == 0 ? "measured" : ""))
            if let lo = x.min(), let hi = x.max() {
                p.layers.append(.line(x: [lo, hi], y: [line.wavelength, line.wavelength], colour: "black", label: k == 0 ? "fiducial" : ""))
            }
        }
        return SVGPlot(title: "skyline: \(title)", panels: [p])
    }

    /// Left: median sky-subtracted sky levels in % of the sky; right: sky-line residuals in σ against a unit Gaussian.
    static func skystat(_ q: ArmQuality, title: String) -> SVGPlot {
        let levels = q.fibres.compactMap(\.skyResidualPercent).filter(\.isFinite)
        let limit = max(5, (levels.map(abs).max() ?? 5) * 1.1)
        let (e1, c1) = histogram(levels, range: -limit...limit, bins: 20)
        var left = SVGPlot.Panel(title: "median sky-subtracted sky", xLabel: "residual [% of median sky]", yLabel: "sky fibres")
        left.layers.append(.histogram(edges: e1, counts: c1, colour: "black", label: "sky fibres"))
        let residuals = q.skyLineResiduals.filter(\.isFinite)
        let (e2, c2) = histogram(residuals, range: -6...6, bins: 48)
        var right = SVGPlot.Panel(title: "residuals at sky lines", xLabel: "residual / sigma", yLabel: "pixels")
        right.layers.append(.histogram(edges: e2, counts: c2, colour: "black", label: "measured"))
        // The unit Gaussian with as many pixels: what Poisson-limited subtraction leaves.
        let width = e2[1] - e2[0], n = Double(residuals.count)
        let gx = stride(from: -6.0, through: 6.0, by: 0.1).map { $0 }
        right.layers.append(.line(x: gx, y: gx.map { n * width * exp(-0.5 * $0 * $0) / (2 * Double.pi).squareRoot() }, colour: "#d62728", label: "Poisson limit"))
        return SVGPlot(title: "skystat: \(title)", panels: [left, right])
    }

    /// Synthetic magnitudes from the calibrated spectra against FIBINFO's.
    static func magplot(_ q: ArmQuality, title: String) -> SVGPlot {
        var p = SVGPlot.Panel(title: "synthetic against catalogue magnitude", xLabel: "FIBINFO magnitude [mag AB]", yLabel: "from spectrum [mag AB]")
        let groups: [(String, String, (FibreQuality) -> Bool)] = [("science targets", "black", { !$0.isStandard && $0.use != 3 }),
                                                                  ("WD calibrators", "#1f77b4", \.isStandard)]
        var all: [Double] = []
        for (label, colour, member) in groups {
            let rows = q.fibres.filter { member($0) && $0.catalogueMagnitude != nil && $0.syntheticMagnitude != nil }
            p.layers.append(.points(x: rows.map { $0.catalogueMagnitude! }, y: rows.map { $0.syntheticMagnitude! }, colour: colour, label: label))
            all += rows.flatMap { [$0.catalogueMagnitude!, $0.syntheticMagnitude!] }
        }
        if let lo = all.min(), let hi = all.max() {
            p.layers.append(.line(x: [lo, hi], y: [lo, hi], colour: "gray", label: "1:1", dashed: true))
        }
        return SVGPlot(title: "magplot: \(title)", panels: [p])
    }

    static func histogram(_ values: [Double], range: ClosedRange<Double>, bins: Int) -> (edges: [Double], counts: [Double]) {
        let width = (range.upperBound - range.lowerBound) / Double(bins)
        var counts = [Double](repeating: 0, count: bins)
        for v in values {
            let k = Int(((v - range.lowerBound) / width).rounded(.down))
            if k >= 0 && k < bins { counts[k] += 1 }
        }
        return ((0...bins).map { range.lowerBound + Double($0) * width }, counts)
    }
}
