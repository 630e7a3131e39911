import Foundation
import QMostCore

/// The L2 modules over a night's L1 files (seed 10): every spectrum through 4XP-Z, and those 4XP-Z classes as
/// stars through 4GP (seed 10.1.1.1: 4GP takes the Galactic targets; without the survey catalogue, the
/// classification picks them).
public struct NightAnalysis: Sendable {
    public let redshifts: RedshiftFinder
    public let velocities: RadialVelocityFinder

    public init(templates: [PCATemplate]) {
        redshifts = RedshiftFinder(templates: templates)
        velocities = RadialVelocityFinder(templates: templates)
    }

    /// What one night gave: each module's rows with the index of the file each spectrum came from. The spectra
    /// keep their identities but not their arrays, so a whole night's results fit in memory.
    public struct Results: Sendable {
        public var redshift: [(spectrum: L2Spectrum, result: RedshiftResult, file: Int)] = []
        public var radialVelocity: [(spectrum: L2Spectrum, result: RadialVelocityResult, file: Int)] = []
    }

    /// Measures every spectrum of `files`, a batch at a time; `progress` hears the running count after each batch.
    public func measure(_ files: [String], progress: (Int) -> Void = { _ in }) throws(FileProblem) -> Results {
        var results = Results()
        var done = 0
        for (index, file) in files.enumerated() {
            try L2SpectrumReader.forEachBatch(file) { batch in
                for spectrum in batch {
                    let z = redshifts.measure(spectrum)
                    var identity = spectrum
                    identity.wavelength = []
                    identity.flux = []
                    identity.inverseVariance = []
                    results.redshift.append((identity, z, index))
                    if z.best?.spectralClass == .star {
                        results.radialVelocity.append((identity, velocities.measure(spectrum), index))
                    }
                }
                done += batch.count
                progress(done)
            }
        }
        return results
    }
}
