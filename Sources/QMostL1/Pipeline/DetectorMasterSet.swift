import Foundation
import QMostCore
import QMostFITS

/// The detector masters one exposure is corrected with, as read from their files.
public struct DetectorMasterSet: Sendable {
    public var bias: LoadedMaster
    public var dark: LoadedMaster?
    public var detectorFlat: LoadedMaster?

    public init(bias: LoadedMaster, dark: LoadedMaster?, detectorFlat: LoadedMaster?) {
        self.bias = bias
        self.dark = dark
        self.detectorFlat = detectorFlat
    }

    /// Reads the masters at the given paths, the arms in `only`.
    public static func read(bias: String, dark: String?, detectorFlat: String?, only: Set<ArmName> = Set(ArmName.allCases)) throws(FileProblem) -> DetectorMasterSet {
        DetectorMasterSet(bias: try LoadedMaster.read(bias, only: only),
                          dark: try dark.map { p throws(FileProblem) in try LoadedMaster.read(p, only: only) },
                          detectorFlat: try detectorFlat.map { p throws(FileProblem) in try LoadedMaster.read(p, only: only) })
    }

    /// `frame` corrected for the detector (seed 9.1.1–9.1.6) with these masters: overscan, bias, linearity,
    /// dark, gain, detector flat, bad-pixel mask, variance throughout. The read noise is the master bias's
    /// overscan estimate per output.
    public func correct(_ frame: ArmFrame, crosstalk: CrosstalkCorrection? = nil) throws(FileProblem) -> DetrendedArm {
        let b = try bias.arm(frame.arm)
        let d = try dark.map { m throws(FileProblem) in try m.arm(frame.arm) }
        let f = try detectorFlat.map { m throws(FileProblem) in try m.arm(frame.arm) }
        for (name, plane, path) in [("bias", b.image, bias.path), ("dark", d?.image, dark?.path), ("detector flat", f?.image, detectorFlat?.path)] {
            guard let plane, let path else { continue }
            guard plane.width == frame.layout.activeColumns, plane.height == frame.layout.activeRows else {
                throw FileProblem(path: path, problem: "the master \(name)'s \(frame.arm.headerName) is \(plane.width) x \(plane.height); the frame's active area is \(frame.layout.activeColumns) x \(frame.layout.activeRows)")
            }
        }
        var readNoise: [Double]? = (1...frame.layout.amplifierCount).map { b.header.double("QMOST QC OUT\($0) RON") ?? .nan }
        if readNoise!.contains(where: { !$0.isFinite }) { readNoise = nil }
        let calibrations = ArmCalibrations(bias: b.image, dark: d?.image, flat: f?.image,
                                           linearity: detectorFlat?.linearity(frame.arm), crosstalk: crosstalk,
                                           mask: f?.mask, readNoise: readNoise)
        return Detrending.apply(frame, calibrations: calibrations, biasVariance: b.variance, darkVariance: d?.variance,
                                flatVariance: f?.variance)
    }
}

extension InstrumentModel {
    /// The instrument whose detector has `geometry`'s active area: the full 4MOST model, or the reduced one the
    /// simulator's small scale uses; nil for any other detector.
    public static func matching(_ geometry: DetectorGeometry) -> InstrumentModel? {
        for model in [InstrumentModel.default, .small]
        where model.detector.activeColumns == geometry.activeColumns && model.detector.activeRows == geometry.activeRows {
            return model
        }
        return nil
    }
}
