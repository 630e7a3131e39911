import Foundation

/// The scattered-light map of a frame (seed 9.1.8): from the pixels the fibre traces leave free, a coarse grid of
/// iteratively κσ-clipped medians (σ from the MAD), filled where a cell has too few free pixels, smoothed with a
/// median and then a boxcar filter, and interpolated back onto every pixel.
public struct ScatteredLight: Sendable {
    /// Grid cell size in pixels (the recipe parameter `scattered.nbsize`).
    public var cellSize: Int
    /// Rows either side of a trace's centre that belong to the fibre and are never used.
    public var maskHalfWidth: Double
    /// Free pixels a cell needs to give a value.
    public var minimumPixels = 50
    public var kappa = 2.5

    public init(cellSize: Int, maskHalfWidth: Double) {
        self.cellSize = cellSize
        self.maskHalfWidth = maskHalfWidth
    }

    /// The map for `plane` given the fibres' `traces` (and pixels to ignore, e.g. the bad-pixel mask and
    /// cosmic-ray flags).
    public func map(_ plane: Plane, traces: [FibreTrace], ignore: [Bool]? = nil) -> Plane {
        map(plane, free: freePixels(width: plane.width, height: plane.height, traces: traces, ignore: ignore))
    }

    /// The pixels the map reads: farther than the half-width from every trace, and not ignored.
    public func freePixels(width w: Int, height h: Int, traces: [FibreTrace], ignore: [Bool]? = nil) -> [Bool] {
        var free = [Bool](repeating: true, count: w * h)
        for t in traces {
            for x in 0..<w {
                let c = t.row(at: Double(x))
                let lo = max(0, Int((c - maskHalfWidth).rounded(.down))), hi = min(h - 1, Int((c + maskHalfWidth).rounded(.up)))
                if lo <= hi { for y in lo...hi { free[y * w + x] = false } }
            }
        }
        if let ignore { for i in free.indices where ignore[i] { free[i] = false } }
        return free
    }

    /// The map from the `free` pixels of `plane`, less `fibreLight` there when given: the fibres' own halo light,
    /// which at full scale still reaches the gaps between the slitlets and is no scattered light.
    public func map(_ plane: Plane, free: [Bool], fibreLight: [Float]? = nil) -> Plane {
        let w = plane.width, h = plane.height
        let nx = max(1, w / cellSize), ny = max(1, h / cellSize)
        var grid = [Double?](repeating: nil, count: nx * ny)
        for j in 0..<ny {
            for i in 0..<nx {
                var values: [Double] = []
                for y in (j * h / ny)..<((j + 1) * h / ny) {
                    for x in (i * w / nx)..<((i + 1) * w / nx) where free[y * w + x] {
                        values.append(Double(plane[x, y]) - Double(fibreLight?[y * w + x] ?? 0))
                    }
                }
                guard values.count >= minimumPixels else { continue }
                grid[j * nx + i] = clippedMedian(values)
            }
        }
        let filled = fill(grid, nx: nx, ny: ny)
        let smoothed = boxcar(median(filled, nx: nx, ny: ny), nx: nx, ny: ny)
        return Plane(width: w, height: h, pixels: CoarseGrid(nx: nx, ny: ny, values: smoothed).interpolated(width: w, height: h))
    }

    /// Iterative κσ-clipped median, σ from the MAD.
    func clippedMedian(_ values: [Double]) -> Double {
        var kept = values
        var m = RobustStatistics.median(kept) ?? 0
        for _ in 0..<5 {
            let s = RobustStatistics.madSigma(kept, around: m)
            guard s > 0 else { break }
            let next = kept.filter { abs($0 - m) <= kappa * s }
            guard !next.isEmpty, next.count < kept.count else { break }
            kept = next
            m = RobustStatistics.median(kept) ?? m
        }
        return m
    }

    /// Empty cells take the mean of the nearest filled cells in their column of cells, else in their row, else
    /// of all cells.
    func fill(_ grid: [Double?], nx: Int, ny: Int) -> [Double] {
        let all = grid.compactMap { $0 }
        let overall = all.isEmpty ? 0 : all.reduce(0, +) / Double(all.count)
        var out = [Double](repeating: overall, count: nx * ny)
        for j in 0..<ny {
            for i in 0..<nx {
                if let v = grid[j * nx + i] {
                    out[j * nx + i] = v
                    continue
                }
                var found: [Double] = []
                for d in 1..<max(nx, ny) {
                    for (ii, jj) in [(i, j - d), (i, j + d), (i - d, j), (i + d, j)] where ii >= 0 && jj >= 0 && ii < nx && jj < ny {
                        if let v = grid[jj * nx + ii] { found.append(v) }
                    }
                    if !found.isEmpty { break }
                }
                if !found.isEmpty { out[j * nx + i] = found.reduce(0, +) / Double(found.count) }
            }
        }
        return out
    }

    /// 3 × 3 median filter (edges use the cells present).
    func median(_ g: [Double], nx: Int, ny: Int) -> [Double] {
        (0..<(nx * ny)).map { k in
            let i = k % nx, j = k / nx
            var v: [Double] = []
            for jj in max(0, j - 1)...min(ny - 1, j + 1) { for ii in max(0, i - 1)...min(nx - 1, i + 1) { v.append(g[jj * nx + ii]) } }
            return RobustStatistics.median(v) ?? g[k]
        }
    }

    /// 3 × 3 boxcar (edges use the cells present).
    func boxcar(_ g: [Double], nx: Int, ny: Int) -> [Double] {
        (0..<(nx * ny)).map { k in
            let i = k % nx, j = k / nx
            var sum = 0.0, n = 0.0
            for jj in max(0, j - 1)...min(ny - 1, j + 1) { for ii in max(0, i - 1)...min(nx - 1, i + 1) { sum += g[jj * nx + ii]; n += 1 } }
            return sum / n
        }
    }
}
