import Foundation
import QMostCore
import QMostFITS
import QMostTesting
import Testing
@testable import QMostL1

/// The Phase 3 products of an OB (seed 9.1.17, 11.5): one file per target and arm plus the joined one, the OB's
/// exposures moved to the heliocentric frame and stacked; night and deep stacks of those; the night container.
@Suite(.serialized)
struct ObservingBlockProductsTests {
    let night = ProductsNight.reduced

    /// The keywords of the real QL1 sample's two headers that `path` lacks.
    func missingSampleKeywords(_ path: String) throws -> [String] {
        let sample = "\(try #require(SharedData.directory))/4most/qmost-L1-sample-LJ1.fits"
        let (sp, st) = try withFITSFile(sample) { f in (try f.header(hdu: 0), try f.header(hdu: 1)) }
        let (p, t) = try withFITSFile(path) { f in (try f.header(hdu: 0), try f.header(hdu: 1)) }
        // PROVi count the inputs, which differ: PROV1 must be there, the sample's PROV2, PROV3 need not.
        func required(_ k: String) -> Bool { !k.isEmpty && k != "COMMENT" && !(k.hasPrefix("PROV") && k != "PROV1") }
        return sp.cards.map(\.keyword).filter { required($0) && p.card($0) == nil } + st.cards.map(\.keyword).filter { required($0) && t.card($0) == nil }
    }

    @Test func aShiftMovesALineByVOverCAndKeepsItsFlux() {
        let grid = SpectralGrid(start: 4800, step: 0.25, count: 1600)
        let flux = (0..<grid.count).map { i -> Float in
            let x = (grid.wavelength(ofBin: i) - 5000) / 1.2
            return Float(10 + 100 * exp(-0.5 * x * x))
        }
        let spectrum = CalibratedSpectrum(grid: grid, flux: flux, variance: [Float](repeating: 4, count: grid.count),
                                          mask: [UInt8](repeating: 0, count: grid.count))
        let v = 27.5
        let shifted = HeliocentricShift.shift(spectrum, velocity: v)
        func centroid(_ s: CalibratedSpectrum) -> Double {
            let bins = (0..<s.grid.count).filter { abs(s.grid.wavelength(ofBin: $0) - 5000) < 8 }
            let w = bins.map { Double(s.flux[$0]) - 10 }
            return zip(bins, w).reduce(0) { $0 + s.grid.wavelength(ofBin: $1.0) * $1.1 } / w.reduce(0, +)
        }
        let moved = centroid(shifted) - centroid(spectrum)
        let expected = 5000 * v / HeliocentricCorrection.speedOfLight
        print("measured: line moved \(moved) Å for \(expected) Å expected")
        #expect(abs(moved - expected) < 0.003)
        // Energy: Σ F_λ Δλ over the line is the same in both frames.
        let inner = (100..<1500)
        let before = inner.reduce(0.0) { $0 + Double(spectrum.flux[$1]) }, after = inner.reduce(0.0) { $0 + Double(shifted.flux[$1]) }
        #expect(abs(after / before - 1) < 2e-4, "flux ratio \(after / before)")
        // Variance (1 − t)² V + t² V: between V/2 and V.
        #expect(shifted.variance[800] >= 1.99 && shifted.variance[800] <= 4.0)
        // The first bins are fed from before the grid's start when v > 0 moves everything redwards.
        #expect(shifted.mask[0] == CalibratedSpectrum.noData && shifted.mask[800] == 0)
    }

    @Test func everyTargetGetsItsArmsAndJoinedSpectrumHeliocentricWithItsIdentifiersAndProvenance() throws {
        let (plan, written) = try night.products([0, 1, 2], folder: "ob3")
        #expect(plan.exposures.count == 3 && plan.arms == ArmName.allCases && plan.parts.count == 4)
        #expect(plan.targets.count >= 20, "targets \(plan.targets.count)")
        #expect(written.count == plan.targets.count * 4)
        #expect(plan.targets.allSatisfy { $0.target.fibre.use != 3 }, "no sky fibre gets a product")
        let target = plan.targets[0]
        let joined = try #require(written.first { $0.target == 0 && $0.part == .joined })
        #expect((joined.path as NSString).lastPathComponent == "qmost_\(target.target.cname)_20261128_\(String(format: "%06d", plan.obID % 1_000_000))_LJ1.fits")
        let s = try Phase3SpectrumFile.read(joined.path)
        let h = s.header
        #expect(h.combined == 3 && h.cname == target.target.cname && h.targetID == target.target.targetID && h.objectUID == target.target.objectUID)
        #expect(h.provenance == [ArmName.blue, .green, .red].map { plan.fileName(target, .arm($0)) })
        #expect(h.spectrumProvenance.hasSuffix("_J_OB_test") && h.spectrumUID > 5_000_000_000_000)
        #expect(h.associated == [NightSpectraFile.fileName(night: plan.night)])
        let missing = try missingSampleKeywords(joined.path)
        #expect(missing.isEmpty, "sample keywords missing: \(missing)")
        let blue = try Phase3SpectrumFile.read(written.first { $0.target == 0 && $0.part == .arm(.blue) }!.path)
        #expect(blue.header.provenance == night.exposures.map { ($0.spectra as NSString).lastPathComponent })
        // Heliocentric: the mean of the exposures' corrections towards the target; WAVE stays on the setting's grid.
        let v = plan.facts.map { HeliocentricCorrection.velocity(mjd: $0.mjdMid, ra: target.target.fibre.targetRA, dec: target.target.fibre.targetDec) }
        #expect(abs((h.heliocentricCorrection ?? .nan) - v.reduce(0, +) / 3) < 1e-9)
        #expect(s.wavelength.first == 3700 || abs(Double(s.wavelength[1] - s.wavelength[0]) - 0.25) < 1e-3)
        #expect(h.wavelengthLines > 0 && h.wavelengthRMS > 0 && h.wavelengthRMS < 0.01, "LAMRMS \(h.wavelengthRMS) nm, LAMNLIN \(h.wavelengthLines)")
        #expect(h.resolvingPower > 3000 && h.resolvingPower < 9000, "SPEC_RES \(h.resolvingPower)")
        #expect(h.exposureTime == 900 && h.totalExposureTime == 2700 && h.mjdEnd > h.mjdStart + 2700 / 86_400)
        print("measured: \((joined.path as NSString).lastPathComponent): SNR \(s.medianSNR), HELIOCR \(h.heliocentricCorrection ?? 0) km/s, LAMRMS \(h.wavelengthRMS) nm, LAMNLIN \(h.wavelengthLines), SPEC_RES \(h.resolvingPower)")
        // Every file is valid FITS.
        for w in written.prefix(8) {
            let child = try ChildProcess(["/usr/bin/fitsverify", "-e", w.path], outputPath: night.night.directory.file("fv-\(UUID().uuidString.prefix(6)).txt"))
            #expect(child.wait(timeout: 60) == 0 && child.output.contains("0 warning(s) and 0 error(s)"), "\(w.path): \(child.output)")
        }
    }

    @Test func theOBStackOfThreeExposuresReachesRootThreeTheSignalToNoise() throws {
        let (_, three) = try night.products([0, 1, 2], folder: "snr3")
        let (_, one) = try night.products([0], folder: "snr1")
        var ratios: [Double] = []
        for w in three where w.part == .joined {
            guard let single = one.first(where: { $0.target == w.target && $0.part == .joined }), single.snr > 3 else { continue }
            ratios.append(w.snr / single.snr)
        }
        ratios.sort()
        let median = ratios[ratios.count / 2]
        print("measured: OB stack of 3 / single exposure S/N, median over \(ratios.count) targets: \(median) (sqrt 3 = \(3.0.squareRoot()))")
        #expect(ratios.count >= 10 && abs(median / 3.0.squareRoot() - 1) < 0.1)
    }

    @Test func aStackOfOBProductsIsTheStackOfTheirExposuresAndTheNightContainerHoldsThem() throws {
        let (plan, all) = try night.products([0, 1, 2], folder: "all")
        let (_, first) = try night.products([0, 1], obID: night.obID + 1, base: 5_000_000_100_000, folder: "a")
        let (_, second) = try night.products([2], obID: night.obID + 2, base: 5_000_000_200_000, folder: "b")
        let dir = night.night.directory.file("stacks")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var pulls: [Double] = []
        for w in all where w.part == .joined {
            guard let a = first.first(where: { $0.target == w.target && $0.part == .joined }),
                  let b = second.first(where: { $0.target == w.target && $0.part == .joined }) else { continue }
            let target = plan.targets[w.target].target
            let path = "\(dir)/\(TargetStacks.fileName(cname: target.cname, night: plan.night, resolution: .low, part: .joined)!)"
            _ = try TargetStacks.write(inputs: [a.path, b.path], identity: .init(specuid: 7, provenance: "7_x"), level: .night, to: path)
            let stack = try Phase3SpectrumFile.read(path), direct = try Phase3SpectrumFile.read(w.path)
            #expect(stack.header.combined == 3 && stack.header.provenance == [a.path, b.path].map { ($0 as NSString).lastPathComponent })
            #expect(stack.wavelength == direct.wavelength)
            let missing = try missingSampleKeywords(path)
            #expect(missing.isEmpty, "sample keywords missing from the stack: \(missing)")
            for i in stride(from: 0, to: stack.flux.count, by: 7) where stack.quality[i] == 0 && direct.quality[i] == 0 && direct.error[i] > 0 {
                pulls.append(Double(stack.flux[i] - direct.flux[i]) / Double(direct.error[i]))
            }
        }
        pulls.sort()
        let p90 = pulls.map(abs).sorted()[pulls.count * 9 / 10]
        print("measured: night stack of two OB products vs the OB stack of the same 3 exposures: median pull \(pulls[pulls.count / 2]), 90th percentile |pull| \(p90) over \(pulls.count) bins")
        #expect(abs(pulls[pulls.count / 2]) < 0.02 && p90 < 0.2)
        #expect(throws: FileProblem.self) { try TargetStacks.write(inputs: [all[0].path], identity: .init(specuid: 1, provenance: ""), level: .all, to: "\(dir)/one.fits") }

        // The night container of the joined spectra: every one, read back equal to its file.
        let joined = all.filter { $0.part == .joined }
        let container = night.night.directory.file("night.fits")
        try NightContainer.write(container, night: plan.night, inputs: joined.map { ($0.path, nil) }, blocks: [])
        let back = try NightSpectraFile.read(container)
        #expect(back.spectra.count == joined.count && back.observingBlocks.map(\.obID) == [plan.obID])
        for (k, w) in joined.enumerated().prefix(5) {
            let file = try Phase3SpectrumFile.read(w.path)
            #expect(back.spectra[k].spectrum.flux == file.flux && back.spectra[k].spectrum.header.spectrumUID == file.header.spectrumUID)
            #expect(back.spectra[k].fileName == (w.path as NSString).lastPathComponent && back.spectra[k].part == .joined)
        }
    }

    @Test func aFibreRepeatingAnotherFibresCNAMEIsLeftOutAndNamedNotWrittenOverIt() throws {
        // A copy of the first exposure's raw frame whose FIBINFO gives the second target the first one's CNAME.
        let original = night.exposures[0]
        let copy = night.night.directory.file("repeated.fits")
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: original.raw, toPath: copy)
        let targets = try FibreTargets.read(copy)
        let slits = targets.keys.sorted()
        try withFITSFile(copy, writable: true) { file in
            let hdu = try file.moveTo(extname: "FIBINFO")
            let slit = try file.readColumn("SLIT_POS", hdu: hdu, as: Int32.self).values.map(Int.init)
            var cnames = try file.readStringColumn("CNAME", hdu: hdu).values
            cnames[slit.firstIndex(of: slits[1])!] = targets[slits[0]]!.cname
            try file.writeRows(.string(cnames), column: "CNAME", firstRow: 0, hdu: hdu)
        }
        var exposure = original
        exposure.raw = copy
        let plan = try ObservingBlockProducts.plan(night: night.night.simulator.plan.night, obID: night.obID, exposures: [exposure])
        #expect(plan.targets.count == targets.count - 1)
        #expect(plan.repeatedCNAMEs.count == 1 && plan.repeatedCNAMEs[0].left == targets[slits[1]]!.fibre.fibreID
                && plan.repeatedCNAMEs[0].kept == targets[slits[0]]!.fibre.fibreID)
        #expect(Set(plan.targets.map { plan.fileName($0, .joined) }).count == plan.targets.count, "no two targets share a file name")
    }
}
