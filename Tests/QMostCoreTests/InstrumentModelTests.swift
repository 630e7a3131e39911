import Foundation
import Testing
@testable import QMostCore

struct InstrumentModelTests {
    let model = InstrumentModel.default

    @Test func tabulatedCurveInterpolatesAndHandlesTheEnds() throws {
        let c = try TabulatedCurve(wavelengths: [4000, 5000, 7000], values: [1, 3, 7], outside: .zero)
        #expect(c(4500) == 2)
        #expect(c(6000) == 5)
        #expect(c(7000) == 7)
        #expect(c(3999) == 0 && c(7001) == 0)
        let clamped = try TabulatedCurve(wavelengths: [4000, 5000], values: [1, 3], outside: .clamp)
        #expect(clamped(100) == 1 && clamped(9000) == 3)
        #expect(throws: TabulatedCurve.Problem.notIncreasing(index: 1)) {
            try TabulatedCurve(wavelengths: [5000, 5000], values: [1, 2], outside: .clamp)
        }
    }

    @Test func lowResolutionArmsMatchThePublicNumbers() {
        let expected: [(ArmName, ClosedRange<Double>, Double, Double, Double, Double)] = [
            (.blue, 3671...5549, 3694.7, 3813, 5527.6, 6222),
            (.green, 5220...7229, 5225.6, 5146, 7203.2, 7696),
            (.red, 6884...9524, 6889.5, 5392, 9496.1, 7661),
        ]
        for (name, range, l1, r1, l2, r2) in expected {
            let arm = model.arm(.lrsA, name)
            #expect(arm.wavelengthRange == range)
            #expect(abs(arm.resolvingPower(at: l1) - r1) < 1e-9)
            #expect(abs(arm.resolvingPower(at: l2) - r2) < 1e-9)
            // linear in between
            #expect(abs(arm.resolvingPower(at: 0.5 * (l1 + l2)) - 0.5 * (r1 + r2)) < 1e-6)
            // 6144 pixels of the dispersion span the range
            #expect(abs(arm.dispersion * 6144 - (range.upperBound - range.lowerBound)) < 1e-9)
            #expect(abs(arm.wavelength(atPixel: -0.5) - range.lowerBound) < 1e-9)
            #expect(abs(arm.wavelength(atPixel: 6143.5) - range.upperBound) < 1e-6)
            #expect(abs(arm.pixel(atWavelength: arm.wavelength(atPixel: 1234.25)) - 1234.25) < 1e-6)
            // the resolution element is sampled by 2–5 pixels
            let mid = 0.5 * (range.lowerBound + range.upperBound)
            #expect((2...5).contains(arm.lsfFWHMPixels(at: mid)))
        }
        #expect(model.arm(.lrsB, .blue) == model.arm(.lrsA, .blue))
        #expect(model.arm(.lrsA, .blue).readNoise == 2.286)
        #expect(model.arm(.lrsA, .green).readNoise == 2.265)
        #expect(model.arm(.lrsA, .red).readNoise == 2.206)
        #expect(model.arm(.lrsA, .red).darkCurrentPerSecond * 3600 == 3)
        #expect(model.arm(.lrsA, .red).fullWell == 350_000)
    }

    @Test func highResolutionArms() {
        #expect(SpectrographName.hrs.resolutionMode == .high && SpectrographName.lrsA.resolutionMode == .low)
        let ranges: [ClosedRange<Double>] = [3926...4355, 5160...5730, 6100...6790]
        for (name, range) in zip(ArmName.allCases, ranges) {
            let arm = model.arm(.hrs, name)
            #expect(arm.wavelengthRange == range)
            #expect(arm.resolvingPower(at: range.lowerBound + 10) == 20_000)
            #expect(abs(arm.dispersion * 6144 - (range.upperBound - range.lowerBound)) < 1e-9)
            // HRS is less efficient than LRS
            let lrs = model.arm(.lrsA, name)
            #expect(arm.throughput.medianValue < lrs.throughput.medianValue)
        }
    }

    @Test func defaultThroughputIsPhysicallyShaped() {
        for name in ArmName.allCases {
            let arm = model.arm(.lrsA, name)
            let median = arm.throughput.medianValue
            #expect((0.09...0.15).contains(median), "\(name) median \(median)")
            #expect(arm.throughput.values.allSatisfy { $0 >= 0 && $0 < 0.35 })
            #expect(arm.throughput(arm.wavelengthRange.lowerBound - 10) == 0)
        }
        // the dichroic splits light in the blue/green overlap
        let b = model.arm(.lrsA, .blue).throughput(5385), g = model.arm(.lrsA, .green).throughput(5385)
        #expect(abs(b - g) / (b + g) < 0.2)
    }

    @Test func detectorGeometryAndAmplifiers() {
        let full = DetectorGeometry.full
        #expect(full.activeColumns == 6144 && full.activeRows == 6160 && full.pixelSizeX == 15)
        #expect(full.rawColumns == 6144 + 200)
        let amps = full.amplifiers
        #expect(amps.count == 2)
        #expect(amps[0].prescan == 0..<50 && amps[0].active == 50..<3122 && amps[0].overscan == 3122..<3172)
        #expect(amps[1].overscan == 3172..<3222 && amps[1].active == 3222..<6294 && amps[1].prescan == 6294..<6344)
        #expect(full.rawColumn(forActiveColumn: 0) == 50 && full.rawColumn(forActiveColumn: 3072) == 3222)
        let small = DetectorGeometry.small
        #expect(small.activeColumns == 1024 && small.activeRows == 1024)
        #expect(small.pixelSizeX == 90 && small.pixelSizeY == 15)
        #expect(small.prescanColumns >= 16 && small.amplifiers[1].prescan.upperBound == small.rawColumns)
        // the small arm keeps the wavelength coverage and bins the dark current
        let smallArm = InstrumentModel.small.arm(.lrsA, .green)
        #expect(abs(smallArm.dispersion * 1024 - 2009) < 1e-9)
        #expect(abs(smallArm.darkCurrentPerHour - 18) < 1e-9)
    }

    @Test(arguments: [InstrumentModel.default, InstrumentModel.small])
    func fibreTracesAreOrderedSeparatedAndOnTheDetector(_ instrument: InstrumentModel) {
        let layout = instrument.fibreLayout
        let geometry = instrument.detector
        #expect(abs(layout.profileFWHM - 85 * 1.73 / 3 / 15) < 1e-9)
        for arm in ArmName.allCases {
            for x in [0.0, Double(geometry.activeColumns / 3), Double(geometry.activeColumns - 1)] {
                let ys = layout.fibres.map { layout.traceCentre(slitPosition: $0.slitPosition, arm: arm, column: x) }
                for (a, b) in zip(ys, ys.dropFirst()) { #expect(b - a > layout.profileFWHM) }
                #expect(ys.first! - 3 * layout.profileFWHM > 0)
                #expect(ys.last! + 3 * layout.profileFWHM < Double(geometry.activeRows - 1))
            }
            // traces bend by a few pixels, more at the slit ends than in the middle
            let mid = layout.fibres.count / 2 + 1
            func bend(_ p: Int) -> Double {
                abs(layout.traceCentre(slitPosition: p, arm: arm, column: 0)
                    - layout.traceCentre(slitPosition: p, arm: arm, column: Double(geometry.activeColumns - 1) / 2))
            }
            #expect(bend(layout.fibres.count) > bend(mid) && bend(layout.fibres.count) < 10 && bend(mid) > 0.5)
        }
    }

    @Test func fullLayoutCounts() {
        let layout = FibreLayout.full()
        #expect(layout.scienceFibres.count == 812)
        #expect(layout.calibrationFibres.count == 10)
        #expect(layout.scienceFibres.last?.slitlet == 28 && layout.scienceFibres.last?.positionInSlitlet == 29)
        #expect(InstrumentModel.small.fibreLayout.fibres.count == 34)
        // slitlet gaps are wider than the pitch inside a slitlet
        let s = layout.scienceFibres
        #expect(abs(s[29].nominalRow - s[28].nominalRow - 14) < 1e-9 && abs(s[1].nominalRow - s[0].nominalRow - 7) < 1e-9)
    }

    @Test func telescopeNumbers() {
        #expect(abs(Telescope.vista.collectingArea - 120_715.7) < 0.1)
        #expect(Telescope.vista.fibreArea == 1.605 && Telescope.vista.fibreDiameter == 1.45)
    }

    @Test func skyHasItsLinesAndIsBrighterInTheRed() {
        let sky = SkyModel.default
        let arm = model.arm(.lrsA, .green)
        for line in [5577.338, 6300.304, 6363.780, 5889.953, 5895.923] {
            let fwhm = arm.lsfFWHM(at: line)
            let peak = sky.surfaceBrightness(at: line, moon: .dark, lsfFWHM: fwhm)
            let beside = min(
                sky.surfaceBrightness(at: line + 15, moon: .dark, lsfFWHM: fwhm),
                sky.surfaceBrightness(at: line - 15, moon: .dark, lsfFWHM: fwhm))
            #expect(peak > 3 * beside, "\(line)")
        }
        // dark continuum at V is near 21.77 mag (a little fainter, the lines make up the rest)
        let vMag = PhysicalConstants.abMagnitude(flambda: sky.continuum(at: 5510, moon: .dark), at: 5510)
        #expect((21.77...22.3).contains(vMag))
        // OH makes the red far brighter than the blue on average
        let red = model.arm(.lrsA, .red)
        func mean(_ arm: ArmModel) -> Double {
            let n = 4000
            return (0..<n).map { i in
                let l = arm.wavelength(atPixel: Double(i) * 6144 / Double(n))
                return sky.surfaceBrightness(at: l, moon: .dark, lsfFWHM: arm.lsfFWHM(at: l))
            }.reduce(0, +) / Double(n)
        }
        #expect(mean(red) > 2 * mean(model.arm(.lrsA, .blue)))
        #expect(sky.lines(in: 6800...9500).filter { $0.species.hasPrefix("OH") }.count >= 40)
        // moonlight brightens and blues the sky
        var previous = 0.0
        for moon in MoonCondition.allCases {
            let blue = sky.continuum(at: 4000, moon: moon)
            #expect(blue > previous)
            previous = blue
        }
        let darkColour = sky.continuum(at: 4000, moon: .dark) / sky.continuum(at: 8000, moon: .dark)
        let brightColour = sky.continuum(at: 4000, moon: .bright) / sky.continuum(at: 8000, moon: .bright)
        #expect(brightColour > 2 * darkColour)
    }

    @Test func tellurics() {
        let t = TelluricModel.default
        #expect(t.transmission(at: 7605, airmass: 1) < 0.5)
        #expect(t.transmission(at: 7605, airmass: 2) < t.transmission(at: 7605, airmass: 1))
        #expect(t.transmission(at: 6880, airmass: 1) < 0.8)
        #expect(t.transmission(at: 9350, airmass: 1) < 0.7)
        for clear in [4500.0, 5500, 6500, 7800, 8700] {
            #expect(t.transmission(at: clear, airmass: 1) > 0.99, "\(clear)")
        }
        #expect(TelluricModel.extinctionCoefficient(at: 3700) > TelluricModel.extinctionCoefficient(at: 5500))
        #expect((0.08...0.2).contains(TelluricModel.extinctionCoefficient(at: 5500)))
    }

    @Test func arcLinesFallInEveryArm() {
        let lamp = ArcLamp.thoriumArgon
        #expect(lamp.lines.count >= 60)
        for mode in ResolutionMode.allCases {
            for arm in model.arms(mode) {
                #expect(lamp.lines(in: arm.wavelengthRange).count >= (mode == .low ? 10 : 5), "\(mode) \(arm.arm)")
            }
        }
        #expect(lamp.lines.contains { $0.wavelength == 7635.106 && $0.species == "Ar I" })
    }

    @Test func fabryPerotCombSpacing() {
        for mode in ResolutionMode.allCases {
            let fp = FabryPerot.default(mode)
            for arm in model.arms(mode) {
                let peaks = fp.peaks(in: arm.wavelengthRange)
                #expect(peaks.count > 50)
                for (a, b) in zip(peaks, peaks.dropFirst()) {
                    #expect(b.order == a.order - 1)
                    let spacing = b.wavelength - a.wavelength
                    let predicted = a.wavelength * b.wavelength / fp.opticalPath  // λ_m λ_{m-1} / 2nd, ≈ λ²/2nd
                    #expect(abs(spacing - predicted) < 1e-9 * a.wavelength)
                    #expect(abs(spacing - fp.freeSpectralRange(at: a.wavelength)) / spacing < 0.01)
                }
                // a line every few resolution elements, each narrower than one
                let mid = 0.5 * (arm.wavelengthRange.lowerBound + arm.wavelengthRange.upperBound)
                let elements = fp.freeSpectralRange(at: mid) / arm.lsfFWHM(at: mid)
                #expect((2...12).contains(elements), "\(mode) \(arm.arm): \(elements)")
                #expect(fp.peakFWHM(at: mid) < arm.lsfFWHM(at: mid))
                #expect(abs(fp.transmission(at: peaks[3].wavelength) - 1) < 1e-9)
                let between = 0.5 * (peaks[3].wavelength + peaks[4].wavelength)
                #expect(fp.transmission(at: between) < 0.01)
            }
        }
    }

    @Test func noiseModelMatchesAHandComputation() throws {
        // A flat 10% efficiency arm and a flat measured sky so that every factor can be written down.
        var arm = model.arm(.lrsA, .green)
        arm.throughput = .constant(0.10, over: 5000...7500, outside: .zero)
        let skyLevel = 1e-17  // erg/s/cm²/Å/arcsec²
        var instrument = model
        instrument.sky = SkyModel(measured: [.dark: .constant(skyLevel, over: 3000...10000)])
        let signal = instrument.expectedSignal(
            flambda: 1e-16, wavelength: 6000, arm: arm, exposureTime: 1200, moon: .dark, airmass: 1.2, includeTelluric: false)
        // S = F λ/hc A Δλ t η
        let photonsPerErg = 6000 / 1.986_445_857e-8
        let dispersion = (7229.0 - 5220.0) / 6144
        let source = 1e-16 * photonsPerErg * 120_715.7 * dispersion * 1200 * 0.10
        #expect(abs(signal.source - source) / source < 1e-5)
        #expect(abs(source - 143.07) < 0.05)
        let atmosphere = pow(10, -0.4 * TelluricModel.extinctionCoefficient(at: 6000) * 1.2)
        let sky = skyLevel * 1.605 * photonsPerErg * 120_715.7 * dispersion * 1200 * 0.10 / atmosphere
        #expect(abs(signal.sky - sky) / sky < 1e-5)
        #expect(abs(signal.dark - 3.0 / 3600 * 1200 * 6) < 1e-9)
        #expect(abs(signal.readNoiseVariance - 6 * 2.265 * 2.265) < 1e-9)
        let snr = source / (source + sky + 6 + 6 * 2.265 * 2.265).squareRoot()
        #expect(abs(signal.signalToNoise - snr) < 1e-6 * snr)
        // more airmass, less signal; the A band removes most of it
        let high = instrument.expectedSignal(
            flambda: 1e-16, wavelength: 6000, arm: arm, exposureTime: 1200, moon: .dark, airmass: 2.0, includeTelluric: false)
        #expect(high.source < signal.source)
    }

    @Test func measuredCurvesReplaceTheDefaults() throws {
        let efficiency = try TabulatedCurve(wavelengths: [5220, 7229], values: [0.2, 0.2], outside: .zero)
        let resolution = try TabulatedCurve(wavelengths: [5220, 7229], values: [5000, 5000], outside: .clamp)
        let telluric = try TabulatedCurve(wavelengths: [3700, 9500], values: [0.9, 0.9], outside: .clamp)
        let m = InstrumentModel(measured: .init(efficiency: [.green: efficiency], resolution: [.green: resolution], telluric: telluric, telluricAirmass: 1))
        #expect(m.arm(.lrsB, .green).throughput(6000) == 0.2)
        #expect(m.arm(.lrsB, .green).resolvingPower(at: 6000) == 5000)
        #expect(m.arm(.lrsB, .blue) == InstrumentModel.default.arm(.lrsB, .blue))
        #expect(abs(m.telluric.transmission(at: 6000, airmass: 2) - 0.81) < 1e-12)
        let small = InstrumentModel(measured: .init(efficiency: [.green: efficiency]), detector: .small)
        #expect(small.arm(.lrsA, .green).spectralPixels == 1024 && small.arm(.lrsA, .green).throughput(6000) == 0.2)
    }

    @Test func airToVacuum() {
        // [OI] 5577.338 air is 5578.887 in vacuum (NIST)
        #expect(abs(PhysicalConstants.vacuumWavelength(fromAir: 5577.338) - 5578.887) < 0.01)
        #expect(abs(PhysicalConstants.abMagnitude(flambda: PhysicalConstants.flambda(abMagnitude: 20, at: 5000), at: 5000) - 20) < 1e-9)
    }
}
