import Foundation
import QMostCore
import QMostTesting
@testable import QMostL1
@testable import QMostSimulator

/// A small night with every calibration and one OB of 900 s exposures, reduced file to file through the real
/// pipeline (six masters, ``ScienceReduction`` of each exposure): three LRS-A exposures for the Phase 3 product
/// tests, one HRS exposure for the HRS flux calibration.
enum ProductsNight {
    static let reduced: ReducedProductsNight = try! ReducedProductsNight(seed: 97)
    static let hrs: ReducedProductsNight = try! ReducedProductsNight(seed: 98, spectrograph: .hrs, exposures: 1)
}

final class ReducedProductsNight: @unchecked Sendable {  // immutable after init
    let night: Simulated
    let masters: [CalibrationKind: String]
    /// The three exposures, in time order.
    let exposures: [ObservingBlockProducts.Exposure]
    let obID: Int64

    let spectrograph: SpectrographName

    init(seed: UInt64, spectrograph: SpectrographName = .lrsA, exposures count: Int = 3) throws {
        let counts = NightPlan.Counts(biases: 2, darks: 1, ledLevels: [4000, 20000], fibreFlats: 1, arcs: 1, fabryPerots: 1,
                                      twilightFlats: 1, blockExposures: [count], scienceExposureTime: 900, darkTime: 900)
        let night = try Simulated(night: Night("2026-11-28")!, seed: seed, counts: counts, spectrograph: spectrograph)
        self.spectrograph = spectrograph
        self.night = night
        let m = night.directory.file("masters")
        try FileManager.default.createDirectory(atPath: m, withIntermediateDirectories: true)
        var made: [CalibrationKind: String] = [:]
        for kind in CalibrationKind.allCases {
            let frames = kind.sourceKinds.flatMap { k in night.frames(k).map { (night.path($0), k.rawValue) } }
            let path = "\(m)/\(kind.rawValue).fits"
            _ = try MasterMaking.make(kind, frames: frames.map(\.0), frameKinds: frames.map(\.1),
                                      prerequisites: made.filter { kind.prerequisites.contains($0.key) }, to: path)
            made[kind] = path
        }
        masters = made
        let science = night.frames(.science).sorted { $0.exposure.mjd < $1.exposure.mjd }
        obID = science[0].exposure.obID
        let used = CalibrationKind.allCases.map { UsedCalibration(kind: $0.rawValue, file: made[$0]!, tier: "same_night") }
        let out = night.directory.file("l1")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        exposures = try science.map { frame in
            let raw = night.path(frame)
            let spectra = "\(out)/\((frame.fileName as NSString).deletingPathExtension)_L1.fits"
            _ = try ScienceReduction.reduce(raw, calibrations: made, used: used, to: spectra)
            return ObservingBlockProducts.Exposure(raw: raw, spectra: spectra, wavelengthSolutions: made[.wave], traces: made[.trace],
                                                   fibreFlat: made[.fibreFlatField])
        }
    }

    /// Writes the products of `exposures` (indices) as OB `obID` into a new folder; SPECUIDs count up from `base`.
    func products(_ indices: [Int], obID: Int64? = nil, base: Int64 = 5_000_000_000_000, folder: String) throws
        -> (plan: ObservingBlockProducts.Plan, written: [ObservingBlockProducts.Written]) {
        let dir = night.directory.file(folder)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let plan = try ObservingBlockProducts.plan(night: night.simulator.plan.night, obID: obID ?? self.obID, exposures: indices.map { exposures[$0] })
        var next = base
        let written = try ObservingBlockProducts.write(plan, identity: { t, part in
            next += 1
            return ObservingBlockProducts.Identity(specuid: next, provenance: "\(next)_\(plan.night.compact)_OB\(plan.obID)_LRSA_\(part.letter)_OB_test")
        }, into: dir)
        return (plan, written)
    }
}
