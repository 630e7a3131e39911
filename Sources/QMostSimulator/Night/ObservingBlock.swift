import Foundation
import QMostCore

/// One science observing block: a field observed by all three spectrographs in 2–3 exposures followed by an
/// attached fibre flat, under one moon condition and airmass.
public struct ObservingBlock: Sendable, Equatable {
    /// ESO OB id.
    public var obID: Int64
    public var name: String
    public var fieldCentre: SkyPosition
    public var moon: MoonCondition
    public var airmass: Double
    /// Seconds per science exposure.
    public var exposureTime: Double
    public var exposureCount: Int
    /// Fibre allocations per spectrograph, by slit position − 1.
    public var allocations: [SpectrographName: [FibreAllocation]]

    /// The moon's fractional illumination written to headers for a condition (the ETC files' FLI, datamodel §6.4).
    public static func illumination(_ moon: MoonCondition) -> Double {
        switch moon {
        case .dark: 0.2
        case .grey: 0.5
        case .bright: 0.8
        case .superbright: 1.0
        }
    }
}
