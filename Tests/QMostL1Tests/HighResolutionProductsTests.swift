import Foundation
import QMostCore
import QMostFITS
import QMostTesting
import Testing
@testable import QMostL1

/// An HRS exposure through L1 to Phase 3 (seed 9.1.16–9.1.17): each arm flux-calibrated from the standards, whose
/// temperatures are fitted over the three narrow arms together, and written as `…_HB1/HG1/HR1` with no joined spectrum.
@Suite(.serialized)
struct HighResolutionProductsTests {
    let night = ProductsNight.hrs

    @Test func everyArmsCalibratedFluxFollowsTheTruthAndNoJoinedSpectrumIsMade() throws {
        let (plan, written) = try night.products([0], folder: "hrs")
        #expect(plan.resolution == .high && plan.parts == [.arm(.blue), .arm(.green), .arm(.red)])
        #expect(written.count == plan.targets.count * 3 && written.allSatisfy { !$0.path.hasSuffix("J1.fits") })
        #expect(written.allSatisfy { ($0.path as NSString).lastPathComponent.contains("_H") })
        // The truth: F_λ above the atmosphere per slit position, on the simulator's wavelengths (observed frame).
        let truthPath = night.night.directory.file("truth/ob_\(night.obID)_\(SpectrographName.hrs.rawValue).fits")
        for arm in ArmName.allCases {
            let (wave, flux, slits) = try withFITSFile(truthPath) { file in
                try file.moveTo(extname: "FIBRES")
                let slit = try file.readColumn("SLIT_POS", as: Int32.self).values.map(Int.init)
                try file.moveTo(extname: "WAVE_\(arm.headerName)")
                let w = try file.readImage(as: Double.self).pixels
                try file.moveTo(extname: "FLUX_\(arm.headerName)")
                return (w, try file.readImage(as: Float.self).pixels, slit)
            }
            let n = wave.count
            var ratios: [Double] = []
            for w in written where w.part == .arm(arm) && w.snr > 20 {
                let slit = plan.targets[w.target].target.fibre.slitPosition
                guard slits.contains(slit) else { continue }
                let truth = Array(flux[((slit - 1) * n)..<(slit * n)])
                let s = try Phase3SpectrumFile.read(w.path)
                let factor = HeliocentricCorrection.wavelengthFactor(velocity: s.header.heliocentricCorrection ?? 0)
                var measured: [Double] = [], expected: [Double] = []
                for i in s.wavelength.indices where s.quality[i] == 0 && s.error[i] > 0 {
                    let t = FluxCalibrationNight.interpolate(wave, truth, at: Double(s.wavelength[i]) / factor)
                    guard t > 0 else { continue }
                    measured.append(Double(s.flux[i]))
                    expected.append(t)
                }
                guard measured.count > 100 else { continue }
                ratios.append(RobustStatistics.median(measured)! / RobustStatistics.median(expected)!)
            }
            ratios.sort()
            let median = ratios.isEmpty ? .nan : ratios[ratios.count / 2]
            print("measured: HRS \(arm.headerName): calibrated / true flux, median over \(ratios.count) targets with S/N > 20: \(median)")
            #expect(ratios.count >= 5 && abs(median - 1) < 0.03, "HRS \(arm.headerName): \(ratios)")
        }
    }
}
