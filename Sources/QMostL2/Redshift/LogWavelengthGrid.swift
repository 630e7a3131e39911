import Foundation

/// The oversampled log-wavelength grid of the cross-correlation (seed 10.2.1.2.3, first two steps): bin n is
/// centred on ln λ = n·step, the same absolute bins for every template and spectrum, so a redshift is a whole
/// number of bins, ln(1 + z) = lag·step.
struct LogWavelengthGrid: Sendable, Equatable {
    let step: Double

    func bin(of lambda: Double) -> Int { Int((log(lambda) / step).rounded()) }
    func wavelength(ofBin n: Int) -> Double { exp(Double(n) * step) }
    func redshift(ofLag lag: Double) -> Double { expm1(lag * step) }
    func lag(ofRedshift z: Double) -> Double { log1p(z) / step }
}

/// A signal on ``LogWavelengthGrid``, continuum-subtracted and weighted, ready to correlate: `values[k]` is bin
/// `start + k`, the bin's continuum-subtracted flux times its weight (Σ ivar), so a correlation with a template
/// is the right-hand side of the normal equations of a fit at that lag.
struct CorrelationSignal: Sendable {
    var start: Int
    var values: [Double]
    /// The mean weight of the usable bins: the normal matrix of a fit is this times the template's own sums.
    var meanWeight: Double

    var end: Int { start + values.count }
}

enum CorrelationPreparation {
    /// Bins of the block medians that stand in for the continuum (seed 10.2.1.2.1: "continuum subtraction"):
    /// ~1.5% of λ for galaxies and stars, whose features are narrow, ~6% for quasars, whose broad lines a
    /// narrower continuum would erase.
    static func continuumBlock(_ spectralClass: SpectralClass, step: Double) -> Int {
        max(8, Int(((spectralClass == .qso ? 0.06 : 0.015) / step).rounded()))
    }

    /// Values minus their continuum (``continuum(_:usable:block:)``); a gap stays 0.
    static func subtractContinuum(_ values: [Double], usable: [Bool], block: Int) -> [Double] {
        guard let c = continuum(values, usable: usable, block: block) else { return [Double](repeating: 0, count: values.count) }
        return values.indices.map { usable[$0] ? values[$0] - c[$0] : 0 }
    }

    /// The continuum under `values`: medians of blocks of `block` usable values joined linearly, held flat
    /// beyond the first and last block; nil when no block has enough usable values. `usable[k]` false marks a gap.
    static func continuum(_ values: [Double], usable: [Bool], block: Int) -> [Double]? {
        let n = values.count
        var centres: [Double] = [], medians: [Double] = []
        var k = 0
        while k < n {
            let end = min(k + block, n)
            var chunk: [Double] = []
            chunk.reserveCapacity(end - k)
            for i in k..<end where usable[i] { chunk.append(values[i]) }
            if chunk.count >= max(3, (end - k) / 4) {
                chunk.sort()
                medians.append(chunk[chunk.count / 2])
                centres.append(0.5 * Double(k + end - 1))
            }
            k = end
        }
        guard !medians.isEmpty else { return nil }
        var out = [Double](repeating: 0, count: n)
        var j = 0
        for i in 0..<n {
            let x = Double(i)
            while j + 1 < centres.count && centres[j + 1] < x { j += 1 }
            if medians.count == 1 || x <= centres[0] {
                out[i] = medians[0]
            } else if j + 1 >= centres.count {
                out[i] = medians[medians.count - 1]
            } else {
                let f = (x - centres[j]) / (centres[j + 1] - centres[j])
                out[i] = medians[j] * (1 - f) + medians[j + 1] * f
            }
        }
        return out
    }

    /// A cosine taper over the first and last `fraction` of the usable span, so the signal's ends do not
    /// correlate as steps.
    static func taper(_ values: inout [Double], usable: [Bool], fraction: Double = 0.02) {
        guard let first = usable.firstIndex(of: true), let last = usable.lastIndex(of: true), last > first else { return }
        let width = max(1, Int(Double(last - first) * fraction))
        for k in 0..<width {
            let w = 0.5 * (1 - cos(Double.pi * Double(k) / Double(width)))
            values[first + k] *= w
            values[last - k] *= w
        }
    }

    /// The spectrum on the grid: inverse-variance means of the pixels in each bin, continuum-subtracted and
    /// multiplied by Σ ivar (sky-line bins barely count), with the mean weight of the usable bins.
    static func spectrum(_ s: FitPixels, grid: LogWavelengthGrid, block: Int) -> CorrelationSignal {
        let start = grid.bin(of: s.wavelength[0]), end = grid.bin(of: s.wavelength[s.count - 1]) + 1
        var sumWF = [Double](repeating: 0, count: end - start), sumW = sumWF
        for p in 0..<s.count {
            let k = grid.bin(of: s.wavelength[p]) - start
            sumWF[k] += s.weight[p] * s.flux[p]
            sumW[k] += s.weight[p]
        }
        let usable = sumW.map { $0 > 0 }
        let mean = (0..<sumW.count).map { usable[$0] ? sumWF[$0] / sumW[$0] : 0 }
        var values = subtractContinuum(mean, usable: usable, block: block)
        for k in values.indices { values[k] *= sumW[k] }
        taper(&values, usable: usable)
        let used = sumW.filter { $0 > 0 }
        return CorrelationSignal(start: start, values: values, meanWeight: used.isEmpty ? 0 : used.reduce(0, +) / Double(used.count))
    }

    /// A template's components on the grid over rest wavelengths `rest`: means of its samples in each bin
    /// (interpolated where a bin holds none), continuum-subtracted and tapered; the first `components` of them,
    /// the first oriented so its mean is positive (an eigen-spectrum's sign is arbitrary), made orthonormal by
    /// Gram–Schmidt in order, so the first stays the first component's shape.
    static func template(_ t: PCATemplate, rest: ClosedRange<Double>, grid: LogWavelengthGrid, block: Int, components: Int) -> CorrelationBasis {
        let lo = max(rest.lowerBound, t.restRange.lowerBound), hi = min(rest.upperBound, t.restRange.upperBound)
        let start = grid.bin(of: lo), end = grid.bin(of: hi) + 1
        let used = min(max(components, 1), t.componentCount)
        guard end > start else { return CorrelationBasis(start: start, count: 0, components: []) }
        let width = end - start
        var sums = [[Double]](repeating: [Double](repeating: 0, count: width), count: used)
        var n = [Double](repeating: 0, count: width)
        var total = 0.0
        for i in 0..<t.count {
            total += t.component(0, sample: i)
            let k = grid.bin(of: t.wavelength(ofSample: i)) - start
            guard k >= 0 && k < width else { continue }
            n[k] += 1
            for c in 0..<used { sums[c][k] += t.component(c, sample: i) }
        }
        let usable = [Bool](repeating: true, count: width)
        var basis: [[Double]] = []
        for c in 0..<used {
            let values = (0..<width).map { k in
                n[k] > 0 ? sums[c][k] / n[k] : t.component(c, atRest: grid.wavelength(ofBin: start + k))
            }
            var v = subtractContinuum(values, usable: usable, block: block)
            taper(&v, usable: usable)
            if c == 0 && total < 0 { for k in v.indices { v[k] = -v[k] } }
            for b in basis {
                let dot = zip(v, b).reduce(0) { $0 + $1.0 * $1.1 }
                for k in v.indices { v[k] -= dot * b[k] }
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            // A component that is (nearly) a combination of the earlier ones adds nothing to the search.
            guard norm > 1e-8 * Double(width).squareRoot() || basis.isEmpty, norm > 0 else { continue }
            basis.append(v.map { $0 / norm })
        }
        return CorrelationBasis(start: start, count: width, components: basis)
    }
}

/// A template's orthonormal correlation basis on ``LogWavelengthGrid``: `components[c][k]` is bin `start + k`;
/// with running sums of the products of each pair of components, so the normal matrix of a fit over any range
/// of template bins (the part a spectrum overlaps at one lag) costs one subtraction per pair.
struct CorrelationBasis: Sendable {
    let start: Int
    let count: Int
    let components: [[Double]]
    /// `pairSums[pair(c, d) · (count + 1) + k]` = Σ_{m<k} components[c][m]·components[d][m], for c ≤ d.
    let pairSums: [Double]

    init(start: Int, count: Int, components: [[Double]]) {
        self.start = start
        self.count = count
        self.components = components
        var sums: [Double] = []
        sums.reserveCapacity(components.count * (components.count + 1) / 2 * (count + 1))
        for c in components.indices {
            for d in c..<components.count {
                var running = 0.0
                sums.append(0)
                for k in 0..<count {
                    running += components[c][k] * components[d][k]
                    sums.append(running)
                }
            }
        }
        pairSums = sums
    }

    var end: Int { start + count }

    /// The index in ``pairSums`` of components c ≤ d.
    func pair(_ c: Int, _ d: Int) -> Int { c * components.count - c * (c - 1) / 2 + (d - c) }
}
