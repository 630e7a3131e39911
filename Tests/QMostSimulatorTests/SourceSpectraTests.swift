import Foundation
import QMostCore
import QMostTesting
import Testing
@testable import QMostSimulator

/// The 4MOST joint L1 grid: 3700–9500 Å in 0.25 Å steps.
let l1Grid = (0...23200).map { 3700 + 0.25 * Double($0) }

/// A flat F_ν spectrum of AB magnitude `m`: F_λ = 3631 Jy · 10^(−0.4 m) · c/λ².
func flatFnu(magnitude m: Double, from lo: Double = 2000, to hi: Double = 12000) throws -> Spectrum {
    let grid = stride(from: lo, through: hi, by: 1.0).map { $0 }
    return try Spectrum(wavelengths: grid) { 3631e-23 * pow(10, -0.4 * m) * speedOfLightAngstromPerSecond / ($0 * $0) }
}

struct PhotometryTests {
    @Test func normalisationGivesTheRequestedMagnitudeBack() throws {
        for band in [Bandpass.sdssR, .gaiaG] {
            for kind in [SourceKind.emissionLineGalaxy, .passiveGalaxy, .qso, .fgkStar, .mDwarf, .whiteDwarf, .obaStar, .fStarStandard] {
                let spec = SourceSpec(kind: kind, redshift: kind.isExtragalactic ? 0.8 : 0, magnitude: 19.3, band: band, seed: 3)
                let fine = try spec.modelSpectrum(covering: 3700...9500)
                #expect(abs(try band.abMagnitude(of: fine) - 19.3) < 0.001, "\(kind) in \(band.name)")
            }
        }
    }

    @Test func flatFnuHasTheSameMagnitudeInEveryBand() throws {
        let source = try flatFnu(magnitude: 21.7)
        var bands = [Bandpass.sdssR, .gaiaG, .analytic(name: "narrow", blue: 4000, red: 4100, blueWidth: 5, redWidth: 5)]
        if let dir = SharedData.directory {
            for name in ["SDSS_r", "SDSS_z", "Gaia_G"] { bands.append(try Bandpass.load(tabFile: "\(dir)/4most/instrument/\(name).tab")) }
        }
        for band in bands { #expect(abs(try band.abMagnitude(of: source) - 21.7) < 1e-4, "\(band.name)") }
    }

    @Test func vegaLikeZeroPointIsAB() throws {
        // F_ν = 3631 Jy is magnitude 0 by definition.
        #expect(abs(try Bandpass.sdssR.abMagnitude(of: flatFnu(magnitude: 0))) < 1e-6)
    }

    @Test func uncoveredBandIsAnError() throws {
        let short = try flatFnu(magnitude: 20, from: 3000, to: 6000)
        #expect(throws: SpectrumError.self) { try Bandpass.sdssR.abMagnitude(of: short) }
    }

    @Test(.enabled(if: SharedData.directory != nil, "shared data (../shared/data) not found"))
    func realSDSSrAgreesWithTheDefaultBand() throws {
        let dir = try #require(SharedData.directory)
        let real = try Bandpass.load(tabFile: "\(dir)/4most/instrument/SDSS_r.tab")
        #expect(real.wavelengths.count == 75 && real.name == "SDSS_r")
        let flatFlambda = try Spectrum(wavelengths: [2000, 12000], flux: [1e-17, 1e-17])
        #expect(abs(try real.abMagnitude(of: flatFlambda) - Bandpass.sdssR.abMagnitude(of: flatFlambda)) < 0.002)
        #expect(abs(real.pivotWavelength - Bandpass.sdssR.pivotWavelength) < 1)
        let gaia = try Bandpass.load(tabFile: "\(dir)/4most/instrument/Gaia_G.tab")
        #expect(gaia.transmission.allSatisfy { $0 >= 0 })
        #expect(abs(try gaia.abMagnitude(of: flatFlambda) - Bandpass.gaiaG.abMagnitude(of: flatFlambda)) < 0.002)
        // A real source too: a G star's r magnitude through the two curves agrees to a few hundredths.
        let star = try SourceSpec(kind: .fgkStar, magnitude: 17, band: real).modelSpectrum(covering: 3700...9500)
        #expect(abs(try Bandpass.sdssR.abMagnitude(of: star) - 17) < 0.03)
    }

    @Test func filterFileErrorsNameTheFile() throws {
        let dir = try TemporaryDirectory("filters")
        let path = dir.file("bad.tab")
        try "# comment\n5000 0.1\n5100 x\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: BandpassError.malformedLine(path: path, line: 3, text: "5100 x")) { try Bandpass.load(tabFile: path) }
    }
}

struct SpectrumOperationTests {
    @Test func resamplingConservesFlux() throws {
        let source = try SourceSpec(kind: .emissionLineGalaxy, redshift: 0.3, magnitude: 20).modelSpectrum(covering: 3700...9500)
        let coarse = try source.resampled(onto: stride(from: 4000.0, through: 9000, by: 2.5).map { $0 })
        let span = (4000.0 - 1.25)...(9000.0 + 1.25)
        #expect(abs(coarse.integratedFlux(over: span) / source.integratedFlux(over: span) - 1) < 1e-3)
        // Whole-pixel sums match the fine integral exactly (up to the trapezoid at the ends).
        let sum = coarse.flux.reduce(0, +) * 2.5
        #expect(abs(sum / source.integratedFlux(over: span) - 1) < 1e-9)
    }

    @Test func redshiftMovesOIIIAndConservesFlux() throws {
        let z = 0.62
        let rest = try SourceSpec(kind: .emissionLineGalaxy, magnitude: 20, band: .gaiaG).modelSpectrum(covering: 2000...12000, medium: .vacuum)
        let shifted = rest.redshifted(by: z)
        let oiii = LineList.oiii5007.vacuumWavelength
        #expect(abs(peak(shifted, near: oiii * (1 + z), width: 8) - oiii * (1 + z)) < 0.1)
        // ∫F_λ dλ is unchanged by the stretch, so the mean F_λ over the stretched range falls by 1 + z.
        #expect(abs(shifted.integratedFlux() / rest.integratedFlux() - 1) < 1e-12)
        let restSpan = 4000.0...6000.0, obsSpan = (4000 * (1 + z))...(6000 * (1 + z))
        let meanRest = rest.integratedFlux(over: restSpan) / 2000, meanObs = shifted.integratedFlux(over: obsSpan) / (2000 * (1 + z))
        #expect(abs(meanObs * (1 + z) / meanRest - 1) < 1e-9)
        // The full observed model (air, L1 grid) puts the line at the air wavelength of 5008.24 (1 + z).
        let observed = try SourceSpec(kind: .emissionLineGalaxy, redshift: z, magnitude: 21).spectrum(on: l1Grid)
        let expected = WavelengthMedium.airWavelength(vacuum: oiii * (1 + z))
        #expect(abs(peak(observed, near: expected, width: 8) - expected) < 0.15)
        #expect(abs(expected - 5006.84 * (1 + z)) < 0.1)
    }

    @Test func airVacuumConversionRoundTrips() {
        for lambda in stride(from: 2500.0, through: 12000, by: 250) {
            #expect(abs(WavelengthMedium.airWavelength(vacuum: WavelengthMedium.vacuumWavelength(air: lambda)) - lambda) < 1e-8)
        }
        // Hα: 6562.80 air ↔ 6564.61 vacuum (NIST).
        #expect(abs(LineList.hAlpha.vacuumWavelength - 6564.61) < 0.01)
    }

    @Test func dopplerShiftUsesTheRelativisticFormula() throws {
        #expect(abs(Spectrum.dopplerFactor(velocity: 300) - (1 + 300 / speedOfLightKms)) < 1e-6)
        let s = try Spectrum(wavelengths: [5000, 6000], flux: [1, 1])
        let moved = s.dopplerShifted(velocity: -150)
        #expect(abs(moved.wavelengths[0] - 5000 * Spectrum.dopplerFactor(velocity: -150)) < 1e-9)
    }

    @Test func multiplicationByACurve() throws {
        let s = try Spectrum(wavelengths: [4000, 5000, 6000], flux: [2, 2, 2])
        let m = s.multiplied(by: [4500, 5500], [0.5, 1.0])
        #expect(m.flux == [0, 1.5, 0])
    }
}

/// The wavelength of the maximum of `spectrum` within ±`width` Å of `near`, refined by a parabola.
func peak(_ spectrum: Spectrum, near: Double, width: Double, minimum: Bool = false) -> Double {
    let idx = spectrum.wavelengths.indices.filter { abs(spectrum.wavelengths[$0] - near) <= width }
    let sign = minimum ? -1.0 : 1.0
    let i = idx.max { sign * spectrum.flux[$0] < sign * spectrum.flux[$1] }!
    let (y0, y1, y2) = (spectrum.flux[i - 1], spectrum.flux[i], spectrum.flux[i + 1])
    let h = spectrum.wavelengths[i + 1] - spectrum.wavelengths[i]
    return spectrum.wavelengths[i] + 0.5 * h * (y0 - y2) / (y0 - 2 * y1 + y2)
}

struct SourceModelTests {
    @Test func quasarForestOnlyBlueOfLymanAlpha() throws {
        let z = 3.1
        var withForest = SourceSpec(kind: .qso, redshift: z, magnitude: 20, seed: 42)
        var without = withForest
        without.parameters.quasar.lymanForest = false
        let a = try withForest.spectrum(on: l1Grid), b = try without.spectrum(on: l1Grid)
        // Normalisation is through r, which lies red of Lyα (1215.67 × 4.1 = 4984 Å vac), so the two agree there.
        let edge = WavelengthMedium.airWavelength(vacuum: 1215.67 * (1 + z))
        for i in l1Grid.indices where l1Grid[i] > edge + 0.5 {
            #expect(abs(a.flux[i] / b.flux[i] - 1) < 1e-9)
            if abs(a.flux[i] / b.flux[i] - 1) >= 1e-9 { break }
        }
        // Blueward the mean transmission follows Becker et al. 2013 (τ_eff ≈ 0.37 at z_abs ≈ 2.75 → 0.69).
        let window = l1Grid.indices.filter { (4450...4650).contains(l1Grid[$0]) }
        let transmission = window.map { a.flux[$0] / b.flux[$0] }.reduce(0, +) / Double(window.count)
        let zMid = 4550 / 1215.67 - 1
        #expect(abs(transmission - exp(-QuasarModel.effectiveOpticalDepth(z: zMid))) < 0.03)
        #expect(window.contains { a.flux[$0] < 0.3 * b.flux[$0] })  // real absorption lines, not a veil
        // Deterministic for a seed; another seed gives another forest.
        #expect(try withForest.spectrum(on: l1Grid) == a)
        withForest.seed = 43
        #expect(try withForest.spectrum(on: l1Grid) != a)
    }

    @Test func beckerOpticalDepth() {
        #expect(abs(QuasarModel.effectiveOpticalDepth(z: 3.5) - (0.751 - 0.132)) < 1e-12)
        #expect(QuasarModel.effectiveOpticalDepth(z: 1.0) > 0)
        #expect(QuasarModel.effectiveOpticalDepth(z: 1.0) < QuasarModel.effectiveOpticalDepth(z: 2.0))
    }

    @Test func starRadialVelocityShiftsTheCalciumTriplet() throws {
        let v = 250.0
        let star = SourceSpec(kind: .fgkStar, radialVelocity: v, magnitude: 16, parameters: { var p = SourceParameters(); p.star.effectiveTemperature = 5000; return p }())
        let still = SourceSpec(kind: .fgkStar, magnitude: 16, parameters: star.parameters)
        let grid = stride(from: 8400.0, through: 8750, by: 0.05).map { $0 }
        let moving = try star.spectrum(on: grid, medium: .vacuum), rest = try still.spectrum(on: grid, medium: .vacuum)
        for line in LineList.calciumTriplet {
            let at = peak(rest, near: line.vacuumWavelength, width: 3, minimum: true)
            let shifted = peak(moving, near: line.vacuumWavelength * (1 + v / speedOfLightKms), width: 3, minimum: true)
            #expect(abs(at - line.vacuumWavelength) < 0.05, "\(line.label) at rest")
            #expect(abs((shifted - at) / at * speedOfLightKms - v) < 2, "\(line.label): \((shifted - at) / at * speedOfLightKms) km/s")
        }
    }

    @Test func modelsHaveTheirSignatures() throws {
        func ratio(_ s: Spectrum, _ a: ClosedRange<Double>, _ b: ClosedRange<Double>) -> Double {
            (s.integratedFlux(over: a) / (a.upperBound - a.lowerBound)) / (s.integratedFlux(over: b) / (b.upperBound - b.lowerBound))
        }
        let grid = stride(from: 3000.0, through: 11000, by: 0.5).map { $0 }
        // Passive galaxy: a strong 4000 Å break (D4000 narrow definition of Balogh et al. 1999 in F_ν ∝ F_λ λ²).
        let passive = try SourceSpec(kind: .passiveGalaxy, magnitude: 19, band: .gaiaG).spectrum(on: grid, medium: .vacuum)
        let fnu = passive.multiplied { $0 * $0 }
        let d4000 = ratio(fnu, 4000...4100, 3850...3950)
        #expect(d4000 > 1.6 && d4000 < 2.4, "D4000 = \(d4000)")
        // Emission-line galaxy: Balmer decrement above case B (dust), [OIII] doublet 2.98.
        let elg = try SourceSpec(kind: .emissionLineGalaxy, magnitude: 19, band: .gaiaG).spectrum(on: grid, medium: .vacuum)
        func lineFlux(_ s: Spectrum, _ c: Double) -> Double {
            s.integratedFlux(over: (c - 4)...(c + 4)) - 8 * 0.5 * (s.flux(at: c - 12) + s.flux(at: c + 12))
        }
        let decrement = lineFlux(elg, LineList.hAlpha.vacuumWavelength) / lineFlux(elg, LineList.hBeta.vacuumWavelength)
        #expect(decrement > 2.86 && decrement < 4.5, "Hα/Hβ = \(decrement)")
        let oiii = lineFlux(elg, LineList.oiii5007.vacuumWavelength) / lineFlux(elg, LineList.oiii4959.vacuumWavelength)
        #expect(abs(oiii - 2.98) < 0.1)
        // M dwarf: the TiO 7054 band head is a sharp drop.
        let m = try SourceSpec(kind: .mDwarf, magnitude: 18).spectrum(on: grid, medium: .vacuum)
        #expect(ratio(m, 7070...7090, 7020...7040) < 0.6)
        // DA white dwarf: Hβ tens of Å wide and deep.
        let wd = try SourceSpec(kind: .whiteDwarf, magnitude: 18, band: .gaiaG).spectrum(on: grid, medium: .vacuum)
        #expect(ratio(wd, 4852...4872, 4700...4720) < 0.55)
        #expect(ratio(wd, 4822...4832, 4700...4720) < 0.9)
        // OBA: a B star has He I 4471; an F star does not.
        let b = try SourceSpec(kind: .obaStar, magnitude: 12, parameters: { var p = SourceParameters(); p.star.effectiveTemperature = 20000; return p }()).spectrum(on: grid, medium: .vacuum)
        #expect(ratio(b, 4470...4474, 4480...4490) < 0.9)
        // Sky fibre: nothing.
        #expect(try SourceSpec(kind: .sky, magnitude: 0).spectrum(on: l1Grid).flux.allSatisfy { $0 == 0 })
    }

    @Test func fluxStandardsHaveTheirMagnitude() throws {
        for kind in [SourceKind.whiteDwarfStandard, .fStarStandard] {
            let s = try SourceSpec(kind: kind, magnitude: 15.5, band: .gaiaG).modelSpectrum(covering: 3700...9500)
            #expect(abs(try Bandpass.gaiaG.abMagnitude(of: s) - 15.5) < 0.001)
            #expect(kind.isFluxStandard)
        }
    }
}

@Suite(.enabled(if: SharedData.directory != nil, "shared data (../shared/data) not found"))
struct TemplateFileTests {
    static var templates: [String] {
        guard let dir = SharedData.directory.map({ $0 + "/4most/templates" }),
              let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        return names.filter { $0.hasSuffix(".fits") }.sorted().map { "\(dir)/\($0)" }
    }

    @Test func templatesLoadAndNormalise() throws {
        let paths = Self.templates
        #expect(paths.count == 7)
        for path in paths {
            let template = try TemplateFile.read(path)
            let isSelsing = path.hasSuffix("quasar_template_Selsing2016.fits")
            #expect(template.absoluteFlux == !isSelsing, "\(path)")
            #expect(template.spectrum.flux.allSatisfy { $0 > 0 })
            if !isSelsing { #expect(template.magnitude == 14) }
            // Redshift each so the r band stays inside the template, then normalise.
            let z = template.spectrum.range.lowerBound > 2000 ? 0.1 : 1.2
            let spec = SourceSpec(kind: .qso, redshift: z, magnitude: 20.5, template: template.spectrum)
            let fine = try spec.modelSpectrum(covering: 5000...7500)
            #expect(abs(try Bandpass.sdssR.abMagnitude(of: fine) - 20.5) < 0.001, "\(path)")
        }
        let lrg = try TemplateFile.read(paths.first { $0.contains("LRG") }!)
        #expect(lrg.spectrum.range.lowerBound > 2500 && lrg.spectrum.range.upperBound == 97400)
        #expect(abs(try Spectrum(templateFile: paths[0]).range.lowerBound - lrg.spectrum.range.lowerBound) < 1e-9)
    }

    @Test func fourFSTemplateIsAbsolutelyCalibrated() throws {
        // The 4FS templates are scaled to MAG = 14; through r they land within a few tenths of that.
        let elg = try TemplateFile.read(Self.templates.first { $0.contains("ELG") }!)
        let m = try Bandpass.sdssR.abMagnitude(of: elg.spectrum)
        #expect(abs(m - 14) < 1.0, "r = \(m)")
    }

    @Test func missingColumnsAndUnitsAreNamed() throws {
        let dir = try #require(SharedData.directory)
        let frame = try #require(SharedData.esoRawFrames.first)
        do {
            _ = try TemplateFile.read(frame)
            Issue.record("an image file read as a template")
        } catch let error {
            #expect(error.description.contains(frame))
            if case .missingColumn = error {} else { Issue.record("unexpected \(error)") }
        }
        do {
            _ = try TemplateFile.read("\(dir)/no-such-file.fits")
            Issue.record("a missing file read")
        } catch let error {
            #expect(error.description.contains("no-such-file.fits"))
        }
    }

}

struct TemplateUnitTests {
    @Test func unitStrings() {
        #expect(TemplateFile.fluxDensityScale("erg / (Angstrom * cm * cm * s)") == 1)
        #expect(TemplateFile.fluxDensityScale("erg/s/cm2/A") == 1)
        #expect(abs(TemplateFile.fluxDensityScale("1e-17 erg/s/cm^2/Angstrom")! - 1e-17) < 1e-30)
        #expect(abs(TemplateFile.fluxDensityScale("10**-17 erg s-1 cm-2 AA-1")! - 1e-17) < 1e-30)
        #expect(abs(TemplateFile.fluxDensityScale("W / (m2 nm)")! - 1e7 / 1e4 / 10) < 1e-12)
        #expect(TemplateFile.fluxDensityScale("erg/s/cm2/Hz") == nil)
        #expect(TemplateFile.fluxDensityScale("Jy") == nil)
        #expect(TemplateFile.wavelengthScale("nm") == 10)
    }
}
