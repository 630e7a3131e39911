import Foundation
import QMostCore

/// The joined LRS spectrum (seed 9.1.17): the blue, green and red arms of one fibre, flux-calibrated on the
/// common 0.25 Å bins, put on one grid from the blue end to the red end and inverse-variance weighted where
/// the arms overlap, so the dichroic cross-overs (where each arm's throughput falls) take most from the arm
/// that sees them best. HRS arms do not overlap and are not joined.
public enum JoinedSpectrum {
    public static func join(_ arms: [CalibratedSpectrum]) throws(InverseVarianceCombination.Failure) -> CalibratedSpectrum {
        try InverseVarianceCombination.combine(arms)
    }
}

/// The stack of several exposures of one target (seed 11.5: OB-level, night-level and deep co-adds): the
/// inverse-variance weighted mean on the common grid, leaving out values more than ``kappa`` σ from the
/// others' mean where three or more exposures cover a bin.
public struct SpectrumStack: Sendable {
    public var kappa: Double

    public init(kappa: Double = 5) { self.kappa = kappa }

    public func stack(_ exposures: [CalibratedSpectrum]) throws(InverseVarianceCombination.Failure) -> CalibratedSpectrum {
        try InverseVarianceCombination.combine(exposures, kappa: kappa)
    }
}
