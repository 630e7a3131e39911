import Foundation
import QMostCore

/// ESO archive names: `QMOST.<ISO time>.fits`, the time to the millisecond.
public enum ArchiveName {
    /// The spectrographs' readouts start a little apart, so each file of one exposure has its own time.
    public static func startOffset(_ spectrograph: SpectrographName) -> Double {
        switch spectrograph {
        case .lrsA: 0
        case .lrsB: 0.35
        case .hrs: 0.70
        }
    }

    /// `2026-11-20T19:00:00.350` for an MJD.
    public static func isoTime(mjd: Double) -> String {
        // Round to the millisecond first so the seconds field never reads 60.
        let ms = (mjd * 86_400_000).rounded()
        let date = MJD.date(ms / 86_400_000)
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS"
        return f.string(from: date)
    }

    /// The MJD at which `spectrograph` starts `exposure`.
    public static func mjd(_ exposure: PlannedExposure, _ spectrograph: SpectrographName) -> Double {
        exposure.mjd + startOffset(spectrograph) / 86_400
    }

    /// `QMOST.<ISO time>.fits`.
    public static func fileName(_ exposure: PlannedExposure, _ spectrograph: SpectrographName) -> String {
        "QMOST.\(isoTime(mjd: mjd(exposure, spectrograph))).fits"
    }
}
