import QMostCore

/// One exposure's spectrum of a target in one arm (or joined), before it is combined with the others.
public struct ExposureSpectrum: Sendable {
    /// Sky-subtracted, on the setting's grid, observed (topocentric) frame.
    public var flux: CalibratedSpectrum
    /// The same before sky subtraction.
    public var unsubtracted: CalibratedSpectrum
    /// The exposure's heliocentric correction towards the target, km/s.
    public var velocity: Double

    public init(flux: CalibratedSpectrum, unsubtracted: CalibratedSpectrum, velocity: Double) {
        self.flux = flux
        self.unsubtracted = unsubtracted
        self.velocity = velocity
    }
}

/// A target's combined spectrum: what a Phase 3 file holds, heliocentric, on the setting's grid.
public struct CombinedSpectrum: Sendable, Equatable {
    public var flux: CalibratedSpectrum
    public var unsubtracted: CalibratedSpectrum

    public init(flux: CalibratedSpectrum, unsubtracted: CalibratedSpectrum) {
        self.flux = flux
        self.unsubtracted = unsubtracted
    }
}

/// Combining the exposures of one target (seed 11.5): each exposure moved to the heliocentric frame on the
/// common grid (``HeliocentricShift``; exposures of different nights differ by up to ±30 km/s, two LRS bins), then
/// the sky-subtracted and the un-subtracted spectra stacked alike (``SpectrumStack``); the LRS arms joined after
/// stacking (seed 9.1.17), which is the same inverse-variance mean as joining first.
public enum TargetCombination {
    /// The heliocentric stack of one arm's exposures.
    public static func stack(_ exposures: [ExposureSpectrum], with stack: SpectrumStack = SpectrumStack()) throws(InverseVarianceCombination.Failure) -> CombinedSpectrum {
        let flux = exposures.map { HeliocentricShift.shift($0.flux, velocity: $0.velocity) }
        let unsubtracted = exposures.map { HeliocentricShift.shift($0.unsubtracted, velocity: $0.velocity) }
        return CombinedSpectrum(flux: try stack.stack(flux), unsubtracted: try stack.stack(unsubtracted))
    }

    /// Stacks of spectra already heliocentric on one grid (OB products into night and deep stacks).
    public static func stack(_ combined: [CombinedSpectrum], with stack: SpectrumStack = SpectrumStack()) throws(InverseVarianceCombination.Failure) -> CombinedSpectrum {
        CombinedSpectrum(flux: try stack.stack(combined.map(\.flux)), unsubtracted: try stack.stack(combined.map(\.unsubtracted)))
    }

    /// The joined spectrum of an LRS target's arms.
    public static func join(_ arms: [CombinedSpectrum]) throws(InverseVarianceCombination.Failure) -> CombinedSpectrum {
        CombinedSpectrum(flux: try JoinedSpectrum.join(arms.map(\.flux)), unsubtracted: try JoinedSpectrum.join(arms.map(\.unsubtracted)))
    }
}
