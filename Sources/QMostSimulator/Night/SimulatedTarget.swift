import Foundation
import QMostCore

/// What a fibre is used for in one exposure, with the FIBINFO `FIB_USE` codes (datamodel §2).
public enum FibreUse: Int, Sendable, Equatable, Codable {
    /// Not allocated: the fibre sits parked (FIB_ST 1).
    case unallocated = 0
    case object = 1
    case sky = 3
    case calibration = 4
}

/// A catalogue target a fibre points at: identifiers, position, and the spectrum it emits.
public struct SimulatedTarget: Sendable, Equatable {
    public var targID: Int64
    public var uObjID: Int64
    public var cname: String
    public var position: SkyPosition
    public var source: SourceSpec

    /// The target class written to FIBINFO `TRG_CLASS` (the 4FS catalogue's CLASSIFICATION vocabulary, coarse).
    public var targetClass: String {
        switch source.kind {
        case .emissionLineGalaxy, .passiveGalaxy: "GALAXY"
        case .qso: "QSO"
        case .fgkStar, .mDwarf, .obaStar: "STAR"
        case .whiteDwarf: "WD"
        case .whiteDwarfStandard, .fStarStandard: "STANDARD"
        case .sky: "SKY"
        }
    }
}

/// One fibre's allocation in one observing block.
public struct FibreAllocation: Sendable, Equatable {
    public var slitPosition: Int
    public var use: FibreUse
    /// The target for ``FibreUse/object`` fibres; sky fibres carry a position but no target.
    public var target: SimulatedTarget?
    /// Where a sky fibre points.
    public var skyPosition: SkyPosition?
}
