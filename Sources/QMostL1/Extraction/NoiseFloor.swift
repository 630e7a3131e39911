/// The signal-independent part of the pixel variance (read noise, dark shot noise, the masters' noise), as a
/// smooth map: the median of (variance − electrons) in cells of a few columns by many rows, interpolated along
/// the rows (seed 9.1.11: the weights "σ²(x, y) from both Poisson and readout noise").
///
/// The model variance of the extraction is this floor plus the model's own shot noise. Taking the floor pixel by
/// pixel instead would correlate the weights with the data: a pixel whose noisy master-dark value was
/// over-subtracted carries that same value in its variance, so low pixels would weigh less and faint fluxes come
/// out high by a few per cent.
struct NoiseFloor {
    let columnsPerCell: Int
    let rowsPerCell: Int
    let cellsX: Int
    let cellsY: Int
    /// Median per cell, `values[cy * cellsX + cx]`.
    let values: [Double]

    init(_ image: DetrendedArm, columnsPerCell: Int = 8, rowsPerCell: Int = 64) {
        let w = image.electrons.width, h = image.electrons.height
        self.columnsPerCell = max(1, min(columnsPerCell, w))
        self.rowsPerCell = max(1, min(rowsPerCell, h))
        cellsX = (w + self.columnsPerCell - 1) / self.columnsPerCell
        cellsY = (h + self.rowsPerCell - 1) / self.rowsPerCell
        var values = [Double](repeating: 1, count: cellsX * cellsY)
        var sample: [Double] = []
        sample.reserveCapacity(2 * self.rowsPerCell)
        let cw = self.columnsPerCell, rh = self.rowsPerCell
        for cy in 0..<cellsY {
            for cx in 0..<cellsX {
                sample.removeAll(keepingCapacity: true)
                // Two columns of the cell suffice for a median of ~128 values.
                let x0 = cx * cw, x1 = min(w, x0 + cw)
                let columns = x1 - x0 >= 2 ? [x0 + (x1 - x0) / 2 - 1, x0 + (x1 - x0) / 2] : [x0]
                for y in (cy * rh)..<min(h, (cy + 1) * rh) {
                    for x in columns {
                        let k = y * w + x
                        let v = Double(image.variance.pixels[k]), e = Double(image.electrons.pixels[k])
                        if image.mask[k] == 0 && v > 0 && v.isFinite && e.isFinite { sample.append(v - e) }
                    }
                }
                if !sample.isEmpty { values[cy * cellsX + cx] = max(RobustStatistics.medianInPlace(&sample), 1) }
            }
        }
        self.values = values
    }

    /// The floor along column `x` into `out[0..<rows]`, linear between the cell centres.
    @inline(__always)
    func fill(column x: Int, rows: Int, _ out: UnsafeMutablePointer<Double>) {
        let cx = min(x / columnsPerCell, cellsX - 1)
        let half = 0.5 * Double(rowsPerCell)
        for y in 0..<rows {
            let u = (Double(y) + 0.5 - half) / Double(rowsPerCell)
            if u <= 0 || cellsY == 1 {
                out[y] = values[cx]
            } else if u >= Double(cellsY - 1) {
                out[y] = values[(cellsY - 1) * cellsX + cx]
            } else {
                let i = Int(u), f = u - Double(i)
                out[y] = (1 - f) * values[i * cellsX + cx] + f * values[(i + 1) * cellsX + cx]
            }
        }
    }
}
