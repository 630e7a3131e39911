import QMostCore

extension FibreLayout {
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
