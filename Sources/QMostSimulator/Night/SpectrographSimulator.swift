import Foundation
import QMostCore

/// What one arm of one exposure puts on the detector, before the readout.
public struct ArmExposure: Sendable {
    /// Expected photo-electrons per active pixel, nil with the shutter closed (bias, dark).
    public var photons: [Float]?
    /// Seconds of dark-current integration.
    public var darkTime: Double
    /// Science exposures: expected source and sky electrons per column of every fibre (by slit position − 1).
    public var sourceElectrons: [[Double]?]?
    public var skyElectrons: [[Double]?]?
}

/// Simulates the exposures of one spectrograph: lights each fibre as the exposure's kind demands, renders the
/// arms one at a time and reads them out.
///
/// Holds per arm only the tabulated lighting and detector (small), and for the current science OB the
/// targets' spectra as detector rates (≈ 60 MB per arm at full scale), so memory stays bounded however long
/// the night.
public final class SpectrographSimulator {
    public let instrument: InstrumentModel
    public let spectrograph: SpectrographName
    public let plan: NightPlan
    public let transmission: FibreTransmission
    private var lighting: [ArmName: ArmLighting] = [:]
    private var detectors: [ArmName: DetectorModel] = [:]
    /// The current OB's targets as detector rates (e-/s/Å) per arm, by slit position − 1, in single precision.
    private var cachedBlock: Int?
    private var blockSources: [ArmName: [UniformCurve.Compact?]] = [:]
    /// The current OB's targets' F_λ on each arm's nominal pixel centres, for the truth.
    private var blockFlux: [ArmName: [[Float]?]] = [:]

    public init(instrument: InstrumentModel, spectrograph: SpectrographName, plan: NightPlan) {
        self.instrument = instrument
        self.spectrograph = spectrograph
        self.plan = plan
        self.transmission = FibreTransmission(spectrograph: spectrograph, layout: instrument.fibreLayout)
    }

    /// The optics and lighting of `arm`, built on first use.
    public func lighting(_ arm: ArmName) -> ArmLighting {
        if let l = lighting[arm] { return l }
        let optics = ArmOptics(instrument: instrument, spectrograph: spectrograph, arm: arm, transmission: transmission)
        let l = ArmLighting(optics: optics, instrument: instrument)
        lighting[arm] = l
        return l
    }

    /// The detector of `arm`.
    public func detector(_ arm: ArmName) -> DetectorModel {
        if let d = detectors[arm] { return d }
        let d = DetectorModel(spectrograph: spectrograph, arm: instrument.arm(spectrograph, arm), geometry: instrument.detector)
        detectors[arm] = d
        return d
    }

    /// The seed of one readout: the night's seed, the exposure, the spectrograph and the arm.
    public func readoutSeed(_ exposure: PlannedExposure, _ arm: ArmName) -> UInt64 {
        PixelHash.seed(plan.noiseSeed, UInt64(exposure.sequence), UInt64(spectrograph.fibreRoot), UInt64(ArmName.allCases.firstIndex(of: arm)! + 1))
    }

    /// The fibre allocations of a science OB on this spectrograph.
    public func allocations(block: Int) -> [FibreAllocation] {
        plan.blocks[block].allocations[spectrograph] ?? []
    }

    /// The wavelength range the targets' models must cover: all three arms of the mode.
    var modeRange: ClosedRange<Double> {
        let arms = instrument.arms(spectrograph.resolutionMode)
        return (arms.map(\.wavelengthRange.lowerBound).min()! - 20)...(arms.map(\.wavelengthRange.upperBound).max()! + 20)
    }

    /// Builds the detector rates and nominal-grid spectra of the OB's targets for every arm (once per OB: the
    /// model spectra are the slow part of a science exposure).
    func prepare(block: Int) throws(SpectrumError) {
        guard cachedBlock != block else { return }
        blockSources = [:]
        blockFlux = [:]
        cachedBlock = nil
        let ob = plan.blocks[block]
        let lights = ArmName.allCases.map { lighting($0) }
        let responses = lights.map { $0.sourceResponse(airmass: ob.airmass) }
        let centres = ArmName.allCases.map { arm -> [Double] in
            let model = instrument.arm(spectrograph, arm)
            return (0..<model.spectralPixels).map { model.wavelength(atPixel: Double($0)) }
        }
        let allocations = allocations(block: block)
        let range = modeRange
        let faults = plan.faults
        let perTarget = try ParallelMap.map(allocations.count) { i throws(SpectrumError) -> [(UniformCurve.Compact, [Float])]? in
            let source: SourceSpec
            if let target = allocations[i].target {
                source = target.source
            } else if allocations[i].use == .sky, faults.starInSkyFibres.contains(allocations[i].slitPosition) {
                // A star where FIBINFO says sky: the fault a contaminated sky fibre is.
                source = SourceSpec(kind: .mDwarf, radialVelocity: 20, magnitude: 16.5, seed: UInt64(allocations[i].slitPosition))
            } else {
                return nil
            }
            let model = try source.modelSpectrum(covering: range)
            var arms: [(UniformCurve.Compact, [Float])] = []
            for a in 0..<3 {
                arms.append((model.uniform(like: lights[a].grid).multiplied(by: responses[a]).compact,
                             try model.resampled(onto: centres[a]).flux.map { Float($0) }))
            }
            return arms
        }
        var rates = [[UniformCurve.Compact?]](repeating: [], count: 3)
        var fluxes = [[[Float]?]](repeating: [], count: 3)
        for entry in perTarget {
            for a in 0..<3 {
                rates[a].append(entry?[a].0)
                fluxes[a].append(entry?[a].1)
            }
        }
        for (a, arm) in ArmName.allCases.enumerated() {
            blockSources[arm] = rates[a]
            blockFlux[arm] = fluxes[a]
        }
        cachedBlock = block
    }

    /// The noiseless input spectra (F_λ, erg/s/cm²/Å above the atmosphere, air wavelengths) of the OB's
    /// targets on `arm`'s nominal pixel centres, by slit position − 1 (nil without a target).
    public func inputSpectra(block: Int, arm: ArmName) throws(SpectrumError) -> [[Float]?] {
        try prepare(block: block)
        return blockFlux[arm] ?? []
    }

    /// Renders `arm` of `exposure`: the expected photo-electrons on the detector.
    public func render(_ exposure: PlannedExposure, arm: ArmName) throws(SpectrumError) -> ArmExposure {
        let light = lighting(arm)
        let optics = light.optics
        let fibres = optics.layout.fibres
        let t = exposure.exposureTime
        switch exposure.kind {
        case .bias:
            return ArmExposure(photons: nil, darkTime: 0)
        case .dark:
            return ArmExposure(photons: nil, darkTime: t)
        case .detectorFlat:
            // The LED's photons grow with the time it is on (the level only chose that time).
            return ArmExposure(photons: ledIllumination(level: NightPlan.ledRate * t, optics: optics), darkTime: t)
        case .fibreFlat, .arc, .fp, .twilightFlat:
            let lamp: FibreLight
            switch exposure.kind {
            case .fibreFlat: lamp = light.fibreFlatLamp(exposureTime: t)
            case .arc: lamp = light.arcLamp(exposureTime: t)
            case .fp: lamp = light.fabryPerot(exposureTime: t)
            default: lamp = try light.twilight(exposureTime: t)
            }
            let twilight = exposure.kind == .twilightFlat
            let spectra = ParallelMap.map(fibres.count) { i -> [Double]? in
                // Twilight enters through the telescope, which the calibration fibres do not see.
                if twilight && fibres[i].role == .calibration { return nil }
                return optics.columnSpectrum(slitPosition: fibres[i].slitPosition, light: lamp, exposureTime: t)
            }
            return ArmExposure(photons: optics.image(columnSpectra: spectra), darkTime: t)
        case .science, .standard:
            guard let block = exposure.block else { return ArmExposure(photons: nil, darkTime: t) }
            let optics = plan.faults.wavelengthShift[arm].map { optics.shifted(by: $0) } ?? optics
            try prepare(block: block)
            let ob = plan.blocks[block]
            let sky = light.sky(ob.moon)
            let simultaneous = spectrograph.resolutionMode == .low
                ? light.fabryPerot(exposureTime: t, peak: ArmLighting.simultaneousPeak)
                : light.arcLamp(exposureTime: t, peak: ArmLighting.simultaneousPeak)
            let sources = blockSources[arm] ?? []
            let allocations = allocations(block: block)
            let perFibre = ParallelMap.map(allocations.count) { i -> (source: [Double]?, sky: [Double]?, total: [Double]?) in
                let allocation = allocations[i]
                let slit = allocation.slitPosition
                switch allocation.use {
                case .object, .sky:
                    let s = i < sources.count ? sources[i].flatMap { optics.columnSpectrum(slitPosition: slit, light: FibreLight(continua: [$0.expanded()]), exposureTime: t) } : nil
                    let k = optics.columnSpectrum(slitPosition: slit, light: sky, exposureTime: t)
                    return (s, k, Self.sum(s, k))
                case .calibration:
                    return (nil, nil, optics.columnSpectrum(slitPosition: slit, light: simultaneous, exposureTime: t))
                case .unallocated:
                    return (nil, nil, nil)
                }
            }
            let sourceE = perFibre.map(\.source), skyE = perFibre.map(\.sky), total = perFibre.map(\.total)
            return ArmExposure(photons: optics.image(columnSpectra: total), darkTime: t, sourceElectrons: sourceE, skyElectrons: skyE)
        case .other, .dxu:
            return ArmExposure(photons: nil, darkTime: t)
        }
    }

    static func sum(_ a: [Double]?, _ b: [Double]?) -> [Double]? {
        guard let a else { return b }
        guard let b else { return a }
        return zip(a, b).map { $0 + $1 }
    }

    /// The LED illuminates the detector directly (no fibres): `level` e-/pixel at the centre with a gentle
    /// radial fall-off (8% at the corners) and a colour-independent shape. ASSUMPTION.
    func ledIllumination(level: Double, optics: ArmOptics) -> [Float] {
        let cols = optics.arm.spectralPixels, rows = optics.layout.rows
        var image = [Float](repeating: 0, count: cols * rows)
        let xc = 0.5 * Double(cols - 1), yc = 0.5 * Double(rows - 1)
        for y in 0..<rows {
            let dy = (Double(y) - yc) / yc
            for x in 0..<cols {
                let dx = (Double(x) - xc) / xc
                image[y * cols + x] = Float(level * (1 - 0.04 * (dx * dx + dy * dy)))
            }
        }
        return image
    }
}
