/// A coarse grid of values over an image, one per cell, read back at every pixel by bilinear interpolation
/// between the cell centres (the edge value held beyond the outermost centres), as the smooth illumination of
/// detector flats and the scattered-light map use it.
public struct CoarseGrid: Sendable, Equatable {
    /// Cells across and down.
    public let nx: Int
    public let ny: Int
    /// `values[j * nx + i]`.
    public var values: [Double]

    public init(nx: Int, ny: Int, values: [Double]) {
        precondition(values.count == nx * ny, "one value per cell")
        self.nx = nx
        self.ny = ny
        self.values = values
    }

    /// The grid spread over `width` × `height` pixels, row-major.
    public func interpolated(width w: Int, height h: Int) -> [Float] {
        var out = [Float](repeating: 0, count: w * h)
        for y in 0..<h {
            let fy = (Double(y) + 0.5) * Double(ny) / Double(h) - 0.5
            let j0 = min(max(Int(fy.rounded(.down)), 0), ny - 1), j1 = min(j0 + 1, ny - 1)
            let ty = min(max(fy - Double(j0), 0), 1)
            for x in 0..<w {
                let fx = (Double(x) + 0.5) * Double(nx) / Double(w) - 0.5
                let i0 = min(max(Int(fx.rounded(.down)), 0), nx - 1), i1 = min(i0 + 1, nx - 1)
                let tx = min(max(fx - Double(i0), 0), 1)
                let v = (1 - ty) * ((1 - tx) * values[j0 * nx + i0] + tx * values[j0 * nx + i1])
                    + ty * ((1 - tx) * values[j1 * nx + i0] + tx * values[j1 * nx + i1])
                out[y * w + x] = Float(v)
            }
        }
        return out
    }
}
