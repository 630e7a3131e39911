import Foundation

/// A small SVG chart: one or more panels with axes, ticks, labels with units, and point, line, histogram and
/// reference-line layers. Enough for the QA diagnostics (seed 9.2.1, Table 1), written as standalone SVG 1.1 that
/// any browser shows.
public struct SVGPlot {
    /// One panel: its axes and what it draws.
    public struct Panel {
        public var title: String
        public var xLabel: String
        public var yLabel: String
        public var xRange: ClosedRange<Double>?
        public var yRange: ClosedRange<Double>?
        public var layers: [Layer] = []

        public init(title: String, xLabel: String, yLabel: String, xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil) {
            self.title = title
            self.xLabel = xLabel
            self.yLabel = yLabel
            self.xRange = xRange
            self.yRange = yRange
        }
    }

    /// What a panel draws; colours are SVG colour names or `#rrggbb`.
    public enum Layer {
        case points(x: [Double], y: [Double], colour: String, label: String)
        case line(x: [Double], y: [Double], colour: String, label: String, dashed: Bool = false)
        /// Bars from the bin edges (`edges.count == counts.count + 1`).
        case histogram(edges: [Double], counts: [Double], colour: String, label: String)
    }

    public var title: String
    public var panels: [Panel]
    public var panelWidth = 460.0
    public var panelHeight = 340.0

    public init(title: String, panels: [Panel]) {
        self.title = title
        self.panels = panels
    }

    static let margin = (left: 72.0, right: 20.0, top: 40.0, bottom: 56.0)

    /// The SVG document.
    public func render() -> String {
        let width = Double(panels.count) * panelWidth, height = panelHeight + 28
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(fmt(width / 2))" y="20" font-size="15" text-anchor="middle" font-weight="bold">\(escape(title))</text>

            """
        for (k, panel) in panels.enumerated() {
            out += render(panel, originX: Double(k) * panelWidth, originY: 28)
        }
        return out + "</svg>\n"
    }

    func render(_ p: Panel, originX: Double, originY: Double) -> String {
        let m = Self.margin
        let x0 = originX + m.left, x1 = originX + panelWidth - m.right
        let y0 = originY + panelHeight - m.bottom, y1 = originY + m.top
        let xs = p.layers.flatMap(Self.xValues), ys = p.layers.flatMap(Self.yValues)
        let xr = p.xRange ?? Self.range(xs), yr = p.yRange ?? Self.range(ys)
        func px(_ x: Double) -> Double { x0 + (x - xr.lowerBound) / (xr.upperBound - xr.lowerBound) * (x1 - x0) }
        func py(_ y: Double) -> Double { y0 - (y - yr.lowerBound) / (yr.upperBound - yr.lowerBound) * (y0 - y1) }
        var s = "<g>\n"
        s += "<text x=\"\(fmt((x0 + x1) / 2))\" y=\"\(fmt(originY + 22))\" font-size=\"13\" text-anchor=\"middle\">\(escape(p.title))</text>\n"
        // Clip the data to the axes box.
        let clip = "clip\(Int(originX))"
        s += "<clipPath id=\"\(clip)\"><rect x=\"\(fmt(x0))\" y=\"\(fmt(y1))\" width=\"\(fmt(x1 - x0))\" height=\"\(fmt(y0 - y1))\"/></clipPath>\n"
        s += "<g clip-path=\"url(#\(clip))\">\n"
        for layer in p.layers {
            switch layer {
            case .points(let x, let y, let colour, _):
                for (a, b) in zip(x, y) where a.isFinite && b.isFinite {
                    s += "<circle cx=\"\(fmt(px(a)))\" cy=\"\(fmt(py(b)))\" r=\"2.2\" fill=\"\(colour)\"/>\n"
                }
            case .line(let x, let y, let colour, _, let dashed):
                var path = "", pen = false
                for (a, b) in zip(x, y) {
                    guard a.isFinite && b.isFinite else { pen = false; continue }
                    path += (pen ? "L" : "M") + "\(fmt(px(a))),\(fmt(py(b))) "
                    pen = true
                }
                s += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.2\"\(dashed ? " stroke-dasharray=\"5,4\"" : "")/>\n"
            case .histogram(let edges, let counts, let colour, _):
                for (i, c) in counts.enumerated() where c > 0 && i + 1 < edges.count {
                    let top = py(min(c, yr.upperBound)), base = py(max(0, yr.lowerBound))
                    s += "<rect x=\"\(fmt(px(edges[i])))\" y=\"\(fmt(top))\" width=\"\(fmt(max(0.5, px(edges[i + 1]) - px(edges[i]))))\" height=\"\(fmt(max(0, base - top)))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1\"/>\n"
                }
            }
        }
        s += "</g>\n"
        // Axes box, ticks and labels.
        s += "<rect x=\"\(fmt(x0))\" y=\"\(fmt(y1))\" width=\"\(fmt(x1 - x0))\" height=\"\(fmt(y0 - y1))\" fill=\"none\" stroke=\"black\"/>\n"
        let xt = Self.ticks(xr), yt = Self.ticks(yr)
        for t in xt {
            s += "<line x1=\"\(fmt(px(t)))\" y1=\"\(fmt(y0))\" x2=\"\(fmt(px(t)))\" y2=\"\(fmt(y0 + 5))\" stroke=\"black\"/>\n"
            s += "<text x=\"\(fmt(px(t)))\" y=\"\(fmt(y0 + 18))\" font-size=\"11\" text-anchor=\"middle\">\(Self.label(t, ticks: xt))</text>\n"
        }
        for t in yt {
            s += "<line x1=\"\(fmt(x0 - 5))\" y1=\"\(fmt(py(t)))\" x2=\"\(fmt(x0))\" y2=\"\(fmt(py(t)))\" stroke=\"black\"/>\n"
            s += "<text x=\"\(fmt(x0 - 8))\" y=\"\(fmt(py(t) + 4))\" font-size=\"11\" text-anchor=\"end\">\(Self.label(t, ticks: yt))</text>\n"
        }
        s += "<text x=\"\(fmt((x0 + x1) / 2))\" y=\"\(fmt(y0 + 40))\" font-size=\"12\" text-anchor=\"middle\">\(escape(p.xLabel))</text>\n"
        let ymid = (y0 + y1) / 2, xlab = originX + 18
        s += "<text x=\"\(fmt(xlab))\" y=\"\(fmt(ymid))\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 \(fmt(xlab)) \(fmt(ymid)))\">\(escape(p.yLabel))</text>\n"
        // Legend.
        var ly = y1 + 14
        for layer in p.layers {
            let (colour, label) = Self.legend(layer)
            guard !label.isEmpty else { continue }
            s += "<rect x=\"\(fmt(x1 - 130))\" y=\"\(fmt(ly - 8))\" width=\"10\" height=\"10\" fill=\"\(colour)\"/>\n"
            s += "<text x=\"\(fmt(x1 - 115))\" y=\"\(fmt(ly + 1))\" font-size=\"10\">\(escape(label))</text>\n"
            ly += 14
        }
        return s + "</g>\n"
    }

    static func xValues(_ l: Layer) -> [Double] {
        switch l {
        case .points(let x, _, _, _), .line(let x, _, _, _, _): x.filter(\.isFinite)
        case .histogram(let edges, _, _, _): edges
        }
    }

    static func yValues(_ l: Layer) -> [Double] {
        switch l {
        case .points(_, let y, _, _), .line(_, let y, _, _, _): y.filter(\.isFinite)
        case .histogram(_, let counts, _, _): counts + [0]
        }
    }

    static func legend(_ l: Layer) -> (String, String) {
        switch l {
        case .points(_, _, let c, let label), .line(_, _, let c, let label, _), .histogram(_, _, let c, let label): (c, label)
        }
    }

    /// The data's range padded by 5%; [0, 1] when empty, ±1 around a single value.
    static func range(_ values: [Double]) -> ClosedRange<Double> {
        guard let lo = values.min(), let hi = values.max() else { return 0...1 }
        // Flux in erg/s/cm²/Å is ~1e-17: "a single value" is relative to the values' own size.
        let size = max(abs(lo), abs(hi))
        if size == 0 { return -1...1 }
        if hi - lo <= 1e-9 * size { return (lo - 0.1 * size)...(hi + 0.1 * size) }
        let pad = 0.05 * (hi - lo)
        return (lo - pad)...(hi + pad)
    }

    /// Round-number ticks (1, 2, 5 × 10ⁿ) inside the range, about five of them.
    static func ticks(_ r: ClosedRange<Double>) -> [Double] {
        let span = r.upperBound - r.lowerBound
        guard span > 0, span.isFinite else { return [] }
        let raw = span / 5, power = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power
        var t = ceil(r.lowerBound / step) * step, out: [Double] = []
        while t <= r.upperBound + 1e-9 * step && out.count < 20 {
            out.append(abs(t) < 1e-12 * step ? 0 : t)
            t += step
        }
        return out
    }

    /// A tick's label with just the digits that tell it from its neighbours (`ticks`): fixed-point, or
    /// exponential for very large or small values (flux in erg/s/cm²/Å is ~1e-17).
    static func label(_ v: Double, ticks: [Double]) -> String {
        if v == 0 { return "0" }
        let step = ticks.count > 1 ? abs(ticks[1] - ticks[0]) : max(abs(v), 1e-300)
        let largest = ticks.map(abs).max() ?? abs(v)
        if largest >= 1e5 || largest < 1e-3 {
            let exponent = floor(log10(largest))
            let digits = max(0, Int(ceil(-log10(step / pow(10, exponent)) - 1e-9)))
            return String(format: "%.\(digits)fe%d", v / pow(10, exponent), Int(exponent))
        }
        let digits = max(0, Int(ceil(-log10(step) - 1e-9)))
        return String(format: "%.\(digits)f", v)
    }
}

private func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

private func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
}
