import QMostCore

extension FibreLayout {
    /// A fibre's place along the slit by its index, u ∈ [−1, 1] from the first slit position to the last: the
    /// coordinate per-fibre properties (wavelength shift, screen illumination) vary smoothly with.
    public func slitIndexCoordinate(_ slitPosition: Int) -> Double {
        let n = Double(fibres.count)
        return (Double(slitPosition) - 0.5 * (n + 1)) / (0.5 * n)
    }

    /// FIBINFO `FIB_ID` of every fibre in slit order: science fibres by their number (1…812 at full scale), then
    /// the calibration fibres numbered on after them.
    public var fibreIDs: [Int32] {
        let scienceCount = scienceFibres.count
        var calibration = 0
        return fibres.map { f in
            if let n = f.scienceNumber { return Int32(n) }
            calibration += 1
            return Int32(scienceCount + calibration)
        }
    }
}
