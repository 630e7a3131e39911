import QMostCore
import QMostL1

extension QMostCore.Configuration {
    /// The configured crosstalk of each arm of `spectrograph` (`calibrations.crosstalk`).
    func crosstalkCorrections(spectrograph: String) -> [ArmName: CrosstalkCorrection] {
        var out: [ArmName: CrosstalkCorrection] = [:]
        for arm in ArmName.allCases {
            if let c = crosstalk["\(spectrograph)/\(arm.headerName)"] ?? crosstalk["\(spectrograph)/\(arm.rawValue)"] {
                out[arm] = CrosstalkCorrection(coefficients: c)
            }
        }
        return out
    }
}
