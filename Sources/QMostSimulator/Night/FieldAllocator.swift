import Foundation
import QMostCore

/// Fills a field's fibres with targets: the mix of classes a 4MOST field holds, sky fibres, flux standards and
/// parked fibres, with magnitudes, redshifts and radial velocities drawn from plausible ranges.
///
/// LRS fibres get mostly extragalactic targets (as the cosmology surveys dominate them) and some stars; HRS
/// fibres get stars (the Galactic high-resolution surveys). At least 8% of the science fibres look at blank sky
/// (the L1 sky subtraction needs ≥ 5%, seed 9.1.14) and every spectrograph gets flux standards (seed 9.1.16).
public struct FieldAllocator: Sendable {
    /// Target ids lie high in the TARG_ID block (serials from 9×10¹¹), so they never meet the ids a local
    /// `targets ingest` hands out from 1; the same holds for object ids in their blocks.
    public static let serialBase: Int64 = 900_000_000_000

    public let layout: FibreLayout
    /// Field radius in degrees (the 4MOST field of view is 2.5° across).
    public var radius = 1.2
    /// Templates that replace the analytic galaxy and quasar models for half of those targets.
    public var templates: SourceTemplates?
    /// The observed range a template must cover (the mode's three arms).
    public var coverage: ClosedRange<Double>

    public init(layout: FibreLayout, templates: SourceTemplates? = nil, coverage: ClosedRange<Double> = 3650...9550) {
        self.layout = layout
        self.templates = templates
        self.coverage = coverage
    }

    /// Allocations for `spectrograph` in the field centred on `centre`; `serial` is advanced for each new target.
    public func allocate(spectrograph: SpectrographName, centre: SkyPosition, seed: UInt64, serial: inout Int64,
                         broken: Set<Int>) -> [FibreAllocation] {
        var rng = Deviates(seed: seed)
        let science = layout.fibres.filter { $0.role == .science }.map(\.slitPosition)
        let count = science.count
        let skyCount = max(2, Int((0.10 * Double(count)).rounded()))
        let standardCount = max(2, Int((0.006 * Double(count)).rounded()))
        let parkedCount = count >= 100 ? Int((0.02 * Double(count)).rounded()) : 0
        // Shuffle the science positions deterministically, then deal out roles.
        var order = science
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(i, Int(rng.uniform() * Double(i + 1)) % (i + 1))
        }
        var role: [Int: FibreUse] = [:]
        var standard = Set<Int>()
        var k = 0
        for p in order where broken.contains(p) { role[p] = .unallocated }
        for p in order where role[p] == nil {
            if k < skyCount { role[p] = .sky } else if k < skyCount + standardCount {
                role[p] = .object
                standard.insert(p)
            } else if k < skyCount + standardCount + parkedCount { role[p] = .unallocated } else { role[p] = .object }
            k += 1
        }
        let mode = spectrograph.resolutionMode
        return layout.fibres.map { f in
            if f.role == .calibration { return FibreAllocation(slitPosition: f.slitPosition, use: .calibration) }
            let use = role[f.slitPosition] ?? .unallocated
            let position = randomPosition(around: centre, rng: &rng)
            switch use {
            case .sky: return FibreAllocation(slitPosition: f.slitPosition, use: .sky, skyPosition: position)
            case .unallocated, .calibration: return FibreAllocation(slitPosition: f.slitPosition, use: .unallocated)
            case .object:
                serial += 1
                let source = standard.contains(f.slitPosition)
                    ? standardSource(rng: &rng, seed: PixelHash.seed(seed, UInt64(f.slitPosition)))
                    : scienceSource(mode: mode, rng: &rng, seed: PixelHash.seed(seed, UInt64(f.slitPosition)))
                let target = SimulatedTarget(
                    targID: IdentifierSpace.targetID(serial: Self.serialBase + serial),
                    uObjID: IdentifierSpace.objectID(serial: Self.serialBase + serial, mode: mode),
                    cname: CoordinateName.cname(position), position: position, source: source)
                return FibreAllocation(slitPosition: f.slitPosition, use: .object, target: target)
            }
        }
    }

    /// Uniform on the sphere within ``radius`` of `centre`.
    func randomPosition(around centre: SkyPosition, rng: inout Deviates) -> SkyPosition {
        let r = radius * Double.pi / 180
        let rho = acos(1 - rng.uniform() * (1 - cos(r)))
        let theta = 2 * Double.pi * rng.uniform()
        let d0 = centre.dec * Double.pi / 180, a0 = centre.ra * Double.pi / 180
        let dec = asin(sin(d0) * cos(rho) + cos(d0) * sin(rho) * cos(theta))
        let ra = a0 + atan2(sin(theta) * sin(rho) * cos(d0), cos(rho) - sin(d0) * sin(dec))
        var raDeg = ra * 180 / Double.pi
        raDeg = raDeg.truncatingRemainder(dividingBy: 360)
        if raDeg < 0 { raDeg += 360 }
        return SkyPosition(ra: raDeg, dec: dec * 180 / Double.pi)
    }

    func uniform(_ range: ClosedRange<Double>, _ rng: inout Deviates) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * rng.uniform()
    }

    /// A stellar radial velocity: thin/thick disc (σ 40 km/s) or, for one in ten, halo (σ 130 km/s).
    func stellarVelocity(_ rng: inout Deviates) -> Double {
        (rng.uniform() < 0.1 ? 130 : 40) * rng.normal()
    }

    func standardSource(rng: inout Deviates, seed: UInt64) -> SourceSpec {
        if rng.uniform() < 0.5 {
            return SourceSpec(kind: .whiteDwarfStandard, radialVelocity: 30 * rng.normal(), magnitude: uniform(16.2...17.5, &rng), seed: seed)
        }
        return SourceSpec(kind: .fStarStandard, radialVelocity: stellarVelocity(&rng), magnitude: uniform(16.0...17.2, &rng), seed: seed)
    }

    func scienceSource(mode: ResolutionMode, rng: inout Deviates, seed: UInt64) -> SourceSpec {
        var source = analyticSource(mode: mode, rng: &rng, seed: seed)
        // Half the galaxies and quasars take a template of their class, at a redshift where it covers the arms.
        guard source.kind.isExtragalactic, let choices = templates?.of(source.kind), !choices.isEmpty, rng.uniform() < 0.5 else { return source }
        let template = choices[Int(rng.uniform() * Double(choices.count)) % choices.count]
        guard let z = SourceTemplates.redshifts(for: template, covering: coverage, band: source.band) else { return source }
        source.redshift = uniform(z, &rng)
        source.template = template.spectrum
        return source
    }

    func analyticSource(mode: ResolutionMode, rng: inout Deviates, seed: UInt64) -> SourceSpec {
        let draw = rng.uniform()
        var parameters = SourceParameters()
        if mode == .high {
            switch draw {
            case ..<0.72:
                parameters.star = StellarParameters(effectiveTemperature: uniform(4400...6600, &rng), metallicity: uniform(-1.5...0.4, &rng))
                return SourceSpec(kind: .fgkStar, radialVelocity: stellarVelocity(&rng), magnitude: uniform(12.0...16.0, &rng), parameters: parameters, seed: seed)
            case ..<0.82:
                return SourceSpec(kind: .mDwarf, radialVelocity: stellarVelocity(&rng), magnitude: uniform(13.0...16.0, &rng), seed: seed)
            case ..<0.96:
                parameters.star = StellarParameters(effectiveTemperature: uniform(7500...20000, &rng))
                return SourceSpec(kind: .obaStar, radialVelocity: stellarVelocity(&rng), magnitude: uniform(11.0...15.0, &rng), parameters: parameters, seed: seed)
            default:
                return SourceSpec(kind: .whiteDwarf, radialVelocity: 30 * rng.normal(), magnitude: uniform(14.5...16.0, &rng), seed: seed)
            }
        }
        switch draw {
        case ..<0.38:
            parameters.emissionLineGalaxy.hBetaEquivalentWidth = uniform(8...40, &rng)
            parameters.emissionLineGalaxy.oiii5007ToHBeta = uniform(0.3...3, &rng)
            return SourceSpec(kind: .emissionLineGalaxy, redshift: uniform(0.05...1.35, &rng), magnitude: uniform(20.0...22.3, &rng), parameters: parameters, seed: seed)
        case ..<0.60:
            parameters.passiveGalaxy.velocityDispersion = uniform(150...300, &rng)
            return SourceSpec(kind: .passiveGalaxy, redshift: uniform(0.05...0.9, &rng), magnitude: uniform(19.0...21.5, &rng), parameters: parameters, seed: seed)
        case ..<0.74:
            return SourceSpec(kind: .qso, redshift: uniform(0.3...3.5, &rng), magnitude: uniform(19.0...21.5, &rng), seed: seed)
        case ..<0.90:
            parameters.star = StellarParameters(effectiveTemperature: uniform(4400...6600, &rng), metallicity: uniform(-1.5...0.4, &rng))
            return SourceSpec(kind: .fgkStar, radialVelocity: stellarVelocity(&rng), magnitude: uniform(15.0...19.0, &rng), parameters: parameters, seed: seed)
        case ..<0.95:
            return SourceSpec(kind: .mDwarf, radialVelocity: stellarVelocity(&rng), magnitude: uniform(16.0...19.5, &rng), seed: seed)
        case ..<0.98:
            return SourceSpec(kind: .whiteDwarf, radialVelocity: 30 * rng.normal(), magnitude: uniform(17.0...19.5, &rng), seed: seed)
        default:
            parameters.star = StellarParameters(effectiveTemperature: uniform(7500...20000, &rng))
            return SourceSpec(kind: .obaStar, radialVelocity: stellarVelocity(&rng), magnitude: uniform(14.0...17.5, &rng), parameters: parameters, seed: seed)
        }
    }
}
