import Foundation

/// The fibres' spatial profiles on one arm (seed 9.1.11: "knowledge of the shape and extent of the spatial profile
/// for each individual fibre as a function of its location along the spatial axis and as function of
/// wavelength"): each fibre's core σ follows its trace's `width` polynomial; the core scale, halo fraction and
/// halo width ratio are fitted from a fibre flat on a grid of zones (columns × rows) and interpolated
/// bilinearly between the zone centres.
public struct FibreProfiles: Sendable, Equatable {
    /// Detector size the zones divide.
    public var columns: Int
    public var rows: Int
    /// Zones along the dispersion (columns) and along the slit (rows).
    public var columnZones: Int
    public var rowZones: Int
    /// Fitted shape per zone, `shapes[rowZone * columnZones + columnZone]`.
    public var shapes: [ProfileShape]
    /// Reduced χ² of each zone's fit (a QC figure: near 1 when the model describes the flat).
    public var chiSquare: [Double]
    /// Halo σ either side of the centre a fibre's window covers.
    public var reachSigmas: Double

    public init(columns: Int, rows: Int, columnZones: Int, rowZones: Int, shapes: [ProfileShape], chiSquare: [Double],
                reachSigmas: Double = 3.5) {
        precondition(shapes.count == columnZones * rowZones && chiSquare.count == shapes.count, "one shape per zone")
        self.columns = columns
        self.rows = rows
        self.columnZones = columnZones
        self.rowZones = rowZones
        self.shapes = shapes
        self.chiSquare = chiSquare
        self.reachSigmas = reachSigmas
    }

    /// The shape at column `x` for a fibre whose centre is at row `y`: bilinear between zone centres, constant
    /// beyond the outer centres.
    public func shape(column x: Double, row y: Double) -> ProfileShape {
        func locate(_ v: Double, size: Int, zones: Int) -> (Int, Int, Double) {
            let u = v / Double(size) * Double(zones) - 0.5
            if zones == 1 || u <= 0 { return (0, 0, 0) }
            if u >= Double(zones - 1) { return (zones - 1, zones - 1, 0) }
            let i = Int(u)
            return (i, i + 1, u - Double(i))
        }
        let (c0, c1, fc) = locate(x, size: columns, zones: columnZones)
        let (r0, r1, fr) = locate(y, size: rows, zones: rowZones)
        func s(_ r: Int, _ c: Int) -> ProfileShape { shapes[r * columnZones + c] }
        func mix(_ k: KeyPath<ProfileShape, Double>) -> Double {
            (1 - fr) * ((1 - fc) * s(r0, c0)[keyPath: k] + fc * s(r0, c1)[keyPath: k])
                + fr * ((1 - fc) * s(r1, c0)[keyPath: k] + fc * s(r1, c1)[keyPath: k])
        }
        if columnZones == 1 && rowZones == 1 { return shapes[0] }
        return ProfileShape(coreScale: mix(\.coreScale), haloFraction: mix(\.haloFraction), haloRatio: mix(\.haloRatio))
    }

    /// Fits the profiles to `flat`, a detrended fibre flat with the scattered light removed, given its `traces`
    /// (seed 9.1.11): in each zone, sampled columns are modelled as Σ Sₙ ψₙ with the fluxes solved linearly (the
    /// overlap solve of the extraction) and the three shape parameters minimising χ² by a downhill simplex;
    /// pixels off the model by more than 6σ (cosmic rays) are left out and the fit repeated. A zone with fewer
    /// than three fibres takes the whole detector's fit.
    public static func measure(flat: DetrendedArm, traces: [FibreTrace], columnZones: Int = 3, rowZones: Int = 3,
                               columnsPerZone: Int = 24) -> FibreProfiles {
        let w = flat.electrons.width, h = flat.electrons.height
        let start = ProfileShape(coreScale: 1, haloFraction: 0.05, haloRatio: 2)
        guard !traces.isEmpty else {
            return FibreProfiles(columns: w, rows: h, columnZones: 1, rowZones: 1, shapes: [start], chiSquare: [.nan])
        }
        let fitter = ProfileFitter(flat: flat, traces: traces)
        let margin = min(8, w / 4)
        let global = fitter.fit(columns: spread(margin, w - margin, columnsPerZone), rows: 0..<h, start: start)
        var shapes: [ProfileShape] = [], chi: [Double] = []
        for rz in 0..<rowZones {
            for cz in 0..<columnZones {
                let x0 = max(margin, cz * w / columnZones), x1 = min(w - margin, (cz + 1) * w / columnZones)
                let rowRange = (rz * h / rowZones)..<((rz + 1) * h / rowZones)
                let xm = 0.5 * Double(x0 + x1)
                let inside = traces.filter { rowRange.contains(Int($0.row(at: xm).rounded())) }.count
                if inside < 3 || x1 - x0 < 4 || columnZones * rowZones == 1 {
                    shapes.append(global.shape)
                    chi.append(global.chiSquare)
                    continue
                }
                let zone = fitter.fit(columns: spread(x0, x1, columnsPerZone), rows: rowRange, start: global.shape)
                shapes.append(zone.shape)
                chi.append(zone.chiSquare)
            }
        }
        return FibreProfiles(columns: w, rows: h, columnZones: columnZones, rowZones: rowZones, shapes: shapes, chiSquare: chi)
    }

    /// These profiles with their halo refitted on a science `frame` (scattered light removed), seed 9.1.11.
    ///
    /// A uniformly lit flat hardly constrains the halo: every fibre's neighbours put the same halo light on it, which
    /// reads as a little more core. A science frame, where a sky fibre lies beside a star a thousand times brighter,
    /// shows the wings directly, and they are what leaks into that sky fibre. One correction for the whole detector
    /// (core scale, halo fraction and halo width, relative to each zone's flat values) is fitted over `columns`
    /// sampled columns, with the flat's values as a Gaussian prior so a faint frame keeps them.
    public func refined(on frame: DetrendedArm, traces: [FibreTrace], columns count: Int = 32) -> FibreProfiles {
        let w = frame.electrons.width, h = frame.electrons.height
        guard w == columns, h == rows, !traces.isEmpty else { return self }
        let fitter = ProfileFitter(flat: frame, traces: traces)
        let margin = min(8, w / 4)
        // Prior widths: the core scale to 3%, the halo's logit fraction and log excess width to e^±0.7.
        let prior = [0.03, 0.7, 0.7]
        let fitted = fitter.fit(columns: Self.spread(margin, w - margin, count), rows: 0..<h, start: [0, 0, 0], step: [0.02, 0.3, 0.2],
                                baseProfiles: self, penalty: { p in zip(p, prior).reduce(0) { $0 + ($1.0 / $1.1) * ($1.0 / $1.1) } },
                                shapes: { p, base in base.adjusted(by: p) })
        var refined = self
        refined.shapes = shapes.map { $0.adjusted(by: fitted.parameters) }
        return refined
    }

    /// `n` columns evenly spread over [lo, hi).
    static func spread(_ lo: Int, _ hi: Int, _ n: Int) -> [Int] {
        let count = max(1, min(n, hi - lo))
        return (0..<count).map { lo + Int((Double($0) + 0.5) * Double(hi - lo) / Double(count)) }
    }
}

/// The χ² fit of the profile shape to sampled columns of a fibre flat.
struct ProfileFitter {
    let flat: DetrendedArm
    /// Traces in row order.
    let traces: [FibreTrace]
    /// Rows either side of a centre the fit models and counts (fixed, so χ² compares like with like).
    let halfWidth: Int

    init(flat: DetrendedArm, traces: [FibreTrace]) {
        self.flat = flat
        let mid = 0.5 * Double(flat.electrons.width - 1)
        self.traces = traces.sorted { $0.row(at: mid) < $1.row(at: mid) }
        let widest = traces.map { $0.sigma(at: mid) }.max() ?? 1.5
        halfWidth = min(24, max(6, Int((8 * widest).rounded(.up))))
    }

    /// One sampled column: its data, weights and which rows count.
    struct Column {
        var x: Int
        var fibres: [Int]
        var centres: [Double]
        var traceSigmas: [Double]
        var bases: [ProfileShape]
        var counted: [Int]
    }

    /// The one shape for every fibre of the `rows` that minimises χ² over the columns `xs`, from `start`.
    func fit(columns xs: [Int], rows: Range<Int>, start: ProfileShape) -> (shape: ProfileShape, chiSquare: Double) {
        let fitted = fit(columns: xs, rows: rows, start: [0, 0, 0], step: [0.05, 0.4, 0.2]) { p, _ in start.adjusted(by: p) }
        return (start.adjusted(by: fitted.parameters), fitted.chiSquare)
    }

    /// The parameters minimising χ² + `penalty` over the columns `xs` of the `rows`, from `p0`: `shapes(p, base)`
    /// gives a fibre's shape from the parameters and `base`, its shape in `baseProfiles` (a placeholder without).
    func fit(columns xs: [Int], rows: Range<Int>, start p0: [Double], step: [Double], baseProfiles: FibreProfiles? = nil,
             penalty: ([Double]) -> Double = { _ in 0 },
             shapes: ([Double], ProfileShape) -> ProfileShape) -> (parameters: [Double], chiSquare: Double) {
        let h = flat.electrons.height, w = flat.electrons.width
        let placeholder = ProfileShape(coreScale: 1, haloFraction: 0, haloRatio: 2)
        // The fibres modelled in each column: those within reach of the counted rows.
        var columns: [Column] = []
        for x in xs {
            let xd = Double(x)
            var fibres: [Int] = [], centres: [Double] = [], sigmas: [Double] = []
            for (i, t) in traces.enumerated() {
                let c = t.row(at: xd)
                guard c > Double(rows.lowerBound - 3 * halfWidth), c < Double(rows.upperBound + 3 * halfWidth) else { continue }
                fibres.append(i)
                centres.append(c)
                sigmas.append(t.sigma(at: xd))
            }
            guard !fibres.isEmpty else { continue }
            var counted = Set<Int>()
            for c in centres {
                let cr = Int(c.rounded())
                for y in max(0, cr - halfWidth)...min(h - 1, cr + halfWidth) where rows.contains(y) { counted.insert(y) }
            }
            let bases = centres.map { baseProfiles?.shape(column: xd, row: $0) ?? placeholder }
            columns.append(Column(x: x, fibres: fibres, centres: centres, traceSigmas: sigmas, bases: bases, counted: counted.sorted()))
        }
        let maxFibres = columns.map(\.fibres.count).max() ?? 1
        let model = ColumnModel(rows: h, fibres: maxFibres, band: 3, window: 2 * halfWidth + 1)
        // Data and weights of the rows each column's fibres touch (0 = left out: mask, unusable variance, outliers).
        var data = [Double](repeating: 0, count: columns.count * h), weights = data
        for (ci, col) in columns.enumerated() {
            for c in col.centres {
                let cr = Int(c.rounded())
                for y in max(0, cr - halfWidth)...min(h - 1, cr + halfWidth) {
                    let i = y * w + col.x
                    let v = Double(flat.variance.pixels[i]), e = Double(flat.electrons.pixels[i])
                    data[ci * h + y] = e
                    weights[ci * h + y] = flat.mask[i] != 0 || !(v > 0) || !e.isFinite || !v.isFinite ? 0 : 1 / v
                }
            }
        }

        func chiSquare(_ p: [Double], flagging: Bool) -> (sum: Double, points: Int) {
            var total = 0.0, points = 0
            NormalCDF.table.withUnsafeBufferPointer { t in
                for (ci, col) in columns.enumerated() {
                    model.fibres = col.fibres.count
                    for n in 0..<col.fibres.count {
                        let shape = shapes(p, col.bases[n])
                        model.setProfile(n, centre: col.centres[n], sigma: shape.coreSigma(traceSigma: col.traceSigmas[n]),
                                         halfWidth: halfWidth, shape: shape, t)
                    }
                    // Weights on every row the fibres touch; data outside the counted rows still anchors the fluxes.
                    for n in 0..<col.fibres.count {
                        for k in 0..<model.count[n] {
                            let y = model.lo[n] + k
                            model.data[y] = data[ci * h + y]
                            model.weight[y] = weights[ci * h + y]
                        }
                    }
                    model.solve(variances: false)
                    model.computeModel()
                    for y in col.counted where model.weight[y] > 0 {
                        let r = model.data[y] - model.model[y]
                        let v = 1 / model.weight[y]
                        if flagging && r * r > 36 * (v + 0.0025 * model.model[y] * model.model[y]) {
                            weights[ci * h + y] = 0
                            continue
                        }
                        total += r * r / v
                        points += 1
                    }
                }
            }
            return (total, points)
        }

        var best = p0
        _ = chiSquare(best, flagging: true)
        for _ in 0..<2 {
            best = Simplex.minimise({ chiSquare($0, flagging: false).sum + penalty($0) }, start: best, step: step,
                                    tolerance: 1e-8, evaluations: 200).point
            _ = chiSquare(best, flagging: true)
        }
        let final = chiSquare(best, flagging: false)
        return (best, final.sum / Double(max(1, final.points - p0.count)))
    }
}
