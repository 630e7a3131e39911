import Foundation
import QMostCore
import QMostFITS
import QMostTesting
import Testing
@testable import QMostSimulator

/// The measured instrument curves in ../shared/data/4most/instrument; CI always has them, so their absence fails.
private func instrumentDirectory() throws -> String {
    let shared = try #require(
        SharedData.directory,
        "shared data (../shared/data beside the checkout) not found: the measured-curve tests need ../shared/data/4most/instrument")
    return shared + "/4most/instrument"
}

/// One HDU's WAVE and MID columns as the file holds them, read independently of the loader.
private func readArm(_ path: String, _ arm: ArmName) throws -> (wave: [Double], mid: [Double]) {
    let file = try FITSFile.open(path)
    defer { try? file.close() }
    try file.moveTo(extname: arm.headerName)
    return (try file.readColumn("WAVE", as: Double.self).values, try file.readColumn("MID", as: Double.self).values)
}

@Suite struct MeasuredCurvesLoaderRealDataTests {
    @Test func allCurvesLoadWithTheDocumentedFigures() throws {
        let curves = try MeasuredCurvesLoader.load(directory: try instrumentDirectory())
        #expect(Set(curves.efficiency.keys) == Set(ArmName.allCases))
        #expect(Set(curves.resolution.keys) == Set(ArmName.allCases))
        #expect(Set(curves.sky.keys) == [.dark, .grey])
        #expect(curves.telluricAirmass == 1.2)

        // Medians of the MID class: 0.099 (blue), 0.130 (green), 0.129 (red); datamodel §6.4 quotes ≈0.10/0.13/0.13.
        for arm in ArmName.allCases {
            let efficiency = try #require(curves.efficiency[arm])
            #expect(efficiency.wavelengths.count == 6144, "\(arm)")
            #expect((0.095...0.135).contains(efficiency.medianValue), "\(arm) median efficiency \(efficiency.medianValue)")
            #expect(efficiency.outside == .zero)
            #expect(efficiency(efficiency.domain.upperBound + 10) == 0)
            // The tables cover the public arm ranges (ArmModel.lowResolutionRange) to within a pixel.
            let range = ArmModel.lowResolutionRange(arm)
            #expect(abs(efficiency.domain.lowerBound - range.lowerBound) < 1 && abs(efficiency.domain.upperBound - range.upperBound) < 1)
        }

        // R at the User-Manual endpoints (the files stop short of some of them; the curves clamp there).
        for arm in ArmName.allCases {
            let r = try #require(curves.resolution[arm])
            #expect(r.outside == .clamp)
            let ends = ArmModel.lowResolutionEndpoints(arm)
            for end in [ends.lower, ends.upper] {
                let measured = r(end.wavelength)
                #expect(abs(measured / end.r - 1) < 0.10, "\(arm) R(\(end.wavelength) Å) = \(measured), manual \(end.r)")
            }
        }

        let telluric = try #require(curves.telluric)
        #expect(telluric.wavelengths.count == 23201)
        let aBand = zip(telluric.wavelengths, telluric.values).filter { (7600...7650).contains($0.0) }.map(\.1)
        #expect(try #require(aBand.min()) < 0.5, "O2 A band minimum \(aBand.min() ?? .nan)")
        #expect(abs(telluric(5500) - 1) < 0.01)

        for (moon, sky) in curves.sky {
            #expect(sky.outside == .clamp)
            #expect(sky.values.allSatisfy { $0 > 0 }, "\(moon)")
            #expect(sky.domain.lowerBound < 3672 && sky.domain.upperBound > 9524, "\(moon) sky covers \(sky.domain)")
        }
    }

    /// Sky electrons through `expectedSignal` reproduce the file's MID e-/s/pixel.
    ///
    /// `expectedSignal` multiplies by `ArmModel.dispersion`, the arm's mean pixel width, while the file's pixels are
    /// not uniform: the blue arm's run from 0.285 to 0.317 Å about a 0.3057 Å mean, and over the arms the mean/local
    /// width ratio spans 0.96–1.08 (largest at the red end). The file's electrons per pixel scale with the local
    /// width, the model's with the mean one, so the model's sky differs from the file by that ratio, beyond the 2 %
    /// tolerance at most rows: a limit of the linear dispersion model, not of the loader, which converts every
    /// sample with its own width. The ratio is therefore applied here, not hidden in the tolerance. Rows are taken at
    /// least 20 Å outside the arm overlaps (the merged curve there comes from this arm alone) and away from the edges.
    @Test(arguments: [MoonCondition.dark, .grey])
    func skyRoundTripsToTheFileElectrons(moon: MoonCondition) throws {
        let dir = try instrumentDirectory()
        let curves = try MeasuredCurvesLoader.load(directory: dir)
        let model = InstrumentModel(measured: curves)
        for arm in ArmName.allCases {
            let (wave, rate) = try readArm("\(dir)/sky_model_\(moon.rawValue).fits", arm)
            let others = ArmName.allCases.filter { $0 != arm }.compactMap { curves.efficiency[$0]?.domain }
                .map { ($0.lowerBound - 20)...($0.upperBound + 20) }
            let candidates = (50..<(wave.count - 50)).filter { row in !others.contains { $0.contains(wave[row]) } }
            #expect(candidates.count > 3000, "\(arm): \(candidates.count) rows outside the overlaps")
            let armModel = model.arm(.lrsA, arm)
            for k in 0..<8 {
                let row = candidates[k * (candidates.count - 1) / 7]
                let localWidth = 0.5 * (wave[row + 1] - wave[row - 1])
                let expected = rate[row] * armModel.dispersion / localWidth
                let sky = model.expectedSignal(flambda: 0, wavelength: wave[row], arm: armModel, exposureTime: 1, moon: moon).sky
                #expect(abs(sky / expected - 1) < 0.02, "\(moon) \(arm) row \(row + 1) at \(wave[row]) Å: \(sky) e- against \(expected)")
            }
        }
    }

    /// An independent check of the conversion: near each arm crossover, the sky the merged curve takes from one arm,
    /// put back through the *other* arm's efficiency and pixel width, gives that other arm's file electrons. The two
    /// arms have different efficiencies and pixel widths, so only a right conversion makes them agree. Sky lines are
    /// sampled at the two arms' different resolutions, so the median ratio over ±25 Å is compared.
    @Test(arguments: [MoonCondition.dark, .grey])
    func armsAgreeAcrossTheCrossovers(moon: MoonCondition) throws {
        let dir = try instrumentDirectory()
        let curves = try MeasuredCurvesLoader.load(directory: dir)
        let model = InstrumentModel(measured: curves)
        let efficiency = try MeasuredCurvesLoader.readEfficiency("\(dir)/efficiency_4most.fits")
        for (lower, upper) in [(ArmName.blue, ArmName.green), (.green, .red)] {
            let cut = MeasuredCurvesLoader.crossover(try #require(efficiency[lower]), try #require(efficiency[upper]))
            let eLower = try #require(curves.efficiency[lower]), eUpper = try #require(curves.efficiency[upper])
            // The cut is where the efficiencies cross: the bluer arm is better just below it, the redder just above.
            #expect(eLower(cut - 2) > eUpper(cut - 2) && eUpper(cut + 2) > eLower(cut + 2), "\(lower)/\(upper) cut at \(cut) Å")
            // Below the cut the curve comes from `lower`; compare with `upper`'s file there, and the reverse above.
            for (arm, side) in [(upper, (cut - 25)...(cut - 1)), (lower, (cut + 1)...(cut + 25))] {
                let (wave, rate) = try readArm("\(dir)/sky_model_\(moon.rawValue).fits", arm)
                let armModel = model.arm(.lrsA, arm)
                var ratios: [Double] = []
                for row in 1..<(wave.count - 1) where side.contains(wave[row]) {
                    let expected = rate[row] * armModel.dispersion / (0.5 * (wave[row + 1] - wave[row - 1]))
                    ratios.append(model.expectedSignal(flambda: 0, wavelength: wave[row], arm: armModel, exposureTime: 1, moon: moon).sky / expected)
                }
                #expect(ratios.count > 40)
                let median = ratios.sorted()[ratios.count / 2]
                #expect(abs(median - 1) < 0.03, "\(moon): sky from the other arm through \(arm) near \(cut) Å is \(median) of the file")
            }
        }
    }

    @Test func darkIsFainterThanGreyAndOIStandsOut() throws {
        let curves = try MeasuredCurvesLoader.load(directory: try instrumentDirectory())
        let dark = try #require(curves.sky[.dark]), grey = try #require(curves.sky[.grey])
        #expect(dark(5000) < grey(5000), "dark \(dark(5000)) grey \(grey(5000)) erg/s/cm²/Å/arcsec² at 5000 Å")
        for sky in [dark, grey] {
            let samples = Array(zip(sky.wavelengths, sky.values))
            let peak = try #require(samples.filter { abs($0.0 - 5577.34) < 1.5 }.map(\.1).max())
            let neighbours = samples.filter { (5545...5570).contains($0.0) || (5585...5610).contains($0.0) }.map(\.1).sorted()
            let continuum = neighbours[neighbours.count / 2]
            #expect(peak > 5 * continuum, "[OI] 5577 peak \(peak) against neighbours \(continuum)")
        }
    }

    @Test func onlyThePresentFilesAreRead() throws {
        let dir = try instrumentDirectory()
        let temporary = try TemporaryDirectory("measured-curves")
        try FileManager.default.createSymbolicLink(
            atPath: temporary.file(MeasuredCurvesLoader.transmissionFile), withDestinationPath: "\(dir)/sky_transmission.fits")
        let curves = try MeasuredCurvesLoader.load(directory: temporary.path)
        #expect(curves.telluric != nil && curves.efficiency.isEmpty && curves.resolution.isEmpty && curves.sky.isEmpty)
    }
}

/// Broken files written into a temporary directory.
@Suite struct MeasuredCurvesLoaderErrorTests {
    /// A small per-arm table: `rows` samples 1 Å apart starting at the arm's lower wavelength.
    static func armColumns(_ arm: ArmName, rows: Int = 12, unit: String? = "Angstrom", columns: [String] = ["MID", "LOW", "HIGH"]) -> [FITSColumn] {
        let start = ArmModel.lowResolutionRange(arm).lowerBound
        let wave = (0..<rows).map { start + Double($0) }  // Å
        let wavelengths = unit == "nm" ? wave.map { $0 / 10 } : wave
        return [FITSColumn(name: "WAVE", unit: unit, data: .double(wavelengths))]
            + columns.map { FITSColumn(name: $0, unit: "e-", data: .double([Double](repeating: 0.1, count: rows))) }
    }

    static func write(_ path: String, primary: [FITSCard] = [], _ hdus: [(name: String, columns: [FITSColumn])]) throws {
        let file = try FITSFile.create(path, overwrite: true)
        try file.appendEmptyPrimary(cards: primary)
        for hdu in hdus { try file.appendBinaryTable(name: hdu.name, columns: hdu.columns) }
        try file.close()
    }

    @discardableResult
    static func writeEfficiency(_ dir: TemporaryDirectory, _ columns: (ArmName) -> [FITSColumn] = { armColumns($0) }) throws -> String {
        let path = dir.file(MeasuredCurvesLoader.efficiencyFile)
        try write(path, ArmName.allCases.map { ($0.headerName, columns($0)) })
        return path
    }

    /// The loader's error on `dir`, or a recorded failure.
    static func error(loading dir: TemporaryDirectory) -> MeasuredCurvesError? {
        do {
            _ = try MeasuredCurvesLoader.load(directory: dir.path)
            Issue.record("loading \(dir.path) succeeded")
            return nil
        } catch {
            return error
        }
    }

    @Test func emptyDirectoryIsAnError() throws {
        let dir = try TemporaryDirectory("measured-curves")
        let error = try #require(Self.error(loading: dir))
        #expect(error.path == dir.path)
        #expect(error.description.hasPrefix("\(dir.path): none of efficiency_4most.fits, "), "\(error)")
        #expect(error.problem.contains("sky_transmission.fits"))
    }

    @Test func decreasingWavelengthIsReportedWithItsRow() throws {
        let dir = try TemporaryDirectory("measured-curves")
        let path = try Self.writeEfficiency(dir) { arm in
            var columns = Self.armColumns(arm)
            if arm == .green, case .double(var wave) = columns[0].data {
                wave[4] = wave[2]  // row 5 (1-based) goes back to row 3's wavelength
                columns[0].data = .double(wave)
            }
            return columns
        }
        let error = try #require(Self.error(loading: dir))
        #expect(error.path == path)
        #expect(error.description.contains("efficiency_4most.fits: HDU GREEN: WAVE does not increase at row 5"), "\(error)")
    }

    @Test func missingColumnIsNamed() throws {
        let dir = try TemporaryDirectory("measured-curves")
        let path = try Self.writeEfficiency(dir) { Self.armColumns($0, columns: ["LOW", "HIGH"]) }
        let error = try #require(Self.error(loading: dir))
        #expect(error.path == path)
        #expect(error.problem == "HDU BLUE has no column MID (columns: WAVE, LOW, HIGH)", "\(error)")
    }

    @Test func missingHDUIsNamed() throws {
        let dir = try TemporaryDirectory("measured-curves")
        let path = dir.file(MeasuredCurvesLoader.efficiencyFile)
        try Self.write(path, [("BLUE", Self.armColumns(.blue))])
        let error = try #require(Self.error(loading: dir))
        #expect(error.description == "\(path): no HDU named GREEN", "\(error)")
    }

    @Test func nonFiniteValueIsReportedWithItsRow() throws {
        let dir = try TemporaryDirectory("measured-curves")
        try Self.writeEfficiency(dir) { arm in
            var columns = Self.armColumns(arm)
            if arm == .red { columns[1].data = .double([0.1, 0.1, 0.1, .nan] + [Double](repeating: 0.1, count: 8)) }
            return columns
        }
        let error = try #require(Self.error(loading: dir))
        #expect(error.problem == "HDU RED: MID is nan in row 4; every value must be finite", "\(error)")
    }

    @Test func wavelengthUnitsAreCheckedAndNanometresConverted() throws {
        let dir = try TemporaryDirectory("measured-curves")
        try Self.writeEfficiency(dir) { Self.armColumns($0, unit: "nm") }
        let curves = try MeasuredCurvesLoader.load(directory: dir.path)
        let blue = try #require(curves.efficiency[.blue])
        #expect(abs(blue.domain.lowerBound - 3671) < 1e-9 && abs(blue.domain.upperBound - 3682) < 1e-9, "\(blue.domain)")

        for accepted in ["angstrom", "AA", "Angstroem"] {
            try Self.writeEfficiency(dir) { Self.armColumns($0, unit: accepted) }
            #expect(try MeasuredCurvesLoader.load(directory: dir.path).efficiency[.red]?.domain.lowerBound == 6884, "\(accepted)")
        }

        let path = try Self.writeEfficiency(dir) { Self.armColumns($0, unit: "um") }
        let error = try #require(Self.error(loading: dir))
        #expect(error.description == "\(path): HDU BLUE: column WAVE has unit 'um'; expected Angstrom (or nm)", "\(error)")
    }

    @Test func skyOnAnotherGridThanTheEfficiencyIsAnError() throws {
        let dir = try TemporaryDirectory("measured-curves")
        try Self.writeEfficiency(dir)
        let sky = dir.file("sky_model_dark.fits")
        let exposure = FITSCard(keyword: "EXPTIME", value: .int(1))
        var hdus = ArmName.allCases.map { (name: $0.headerName, columns: Self.armColumns($0, columns: ["HIGH", "MID", "LOW"])) }
        if case .double(let wave) = hdus[1].columns[0].data {
            hdus[1].columns[0].data = .double(wave.enumerated().map { $0.offset == 7 ? $0.element + 0.5 : $0.element })
        }
        try Self.write(sky, primary: [exposure], hdus)
        let error = try #require(Self.error(loading: dir))
        #expect(error.path == sky)
        #expect(error.problem.hasPrefix("HDU GREEN row 8: WAVE 5227.5 Å differs from efficiency_4most.fits (5227.0 Å)"), "\(error)")

        // The same grid loads, and a short table is reported by its row count.
        hdus = ArmName.allCases.map { (name: $0.headerName, columns: Self.armColumns($0, columns: ["HIGH", "MID", "LOW"])) }
        try Self.write(sky, primary: [exposure], hdus)
        #expect(try MeasuredCurvesLoader.load(directory: dir.path).sky[.dark] != nil)
        hdus[2] = (name: "RED", columns: Self.armColumns(.red, rows: 10, columns: ["HIGH", "MID", "LOW"]))
        try Self.write(sky, primary: [exposure], hdus)
        let short = try #require(Self.error(loading: dir))
        #expect(short.problem.hasPrefix("HDU RED has 10 rows but HDU RED of efficiency_4most.fits has 12"), "\(short)")
    }

    @Test func skyWithoutTheEfficiencyIsAnError() throws {
        let dir = try TemporaryDirectory("measured-curves")
        let sky = dir.file("sky_model_grey.fits")
        try Self.write(sky, ArmName.allCases.map { ($0.headerName, Self.armColumns($0, columns: ["HIGH", "MID", "LOW"])) })
        let error = try #require(Self.error(loading: dir))
        #expect(error.path == sky && error.problem.contains("efficiency_4most.fits is not in the same directory"), "\(error)")
    }

    @Test func notAFITSFileIsAnErrorAboutThatFile() throws {
        let dir = try TemporaryDirectory("measured-curves")
        let path = dir.file("LR_resolution_RED.fits")
        try Data("not FITS".utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(Self.error(loading: dir))
        #expect(error.path == path && error.problem.hasPrefix("opening the file failed"), "\(error)")
    }
}
