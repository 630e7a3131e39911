import Foundation
import QMostCore
import QMostFITS

/// Target catalogues in the 4FS layout for tests, the demo and benchmarks.
public enum SyntheticCatalogue {
    /// One catalogue row.
    public struct Target: Sendable {
        public var name: String
        public var ra: Double
        public var dec: Double
        public var pmra: Double
        public var pmdec: Double
        public var epoch: Double
        public var parallax: Double
        /// 1 LR, 2 HR (other values make bad rows on purpose).
        public var resolution: Int
        public var mag: Double
        public var magType: String

        public init(name: String, ra: Double, dec: Double, pmra: Double = 0, pmdec: Double = 0, epoch: Double = 2000,
                    parallax: Double = 0, resolution: Int = 1, mag: Double = 18, magType: String = "Gaia_G_Vega") {
            self.name = name
            self.ra = ra
            self.dec = dec
            self.pmra = pmra
            self.pmdec = pmdec
            self.epoch = epoch
            self.parallax = parallax
            self.resolution = resolution
            self.mag = mag
            self.magType = magType
        }
    }

    /// Writes `targets` as a binary table with the 4FS column names (or `names` where given: key is the 4FS
    /// name, value the name to write) and units (or `units` overrides, keyed by 4FS name; "" writes none).
    public static func write(
        _ targets: [Target], to path: String, names: [String: String] = [:], units: [String: String] = [:],
        omit: Set<String> = []
    ) throws(FITSError) {
        func column(_ name: String, _ unit: String?, _ data: FITSColumn.Data) -> FITSColumn? {
            guard !omit.contains(name) else { return nil }
            let u = units[name] ?? unit
            return FITSColumn(name: names[name] ?? name, unit: u?.isEmpty == true ? nil : u, data: data)
        }
        let columns = [
            column("NAME", nil, .string(targets.map(\.name))),
            column("RA", "deg", .double(targets.map(\.ra))),
            column("DEC", "deg", .double(targets.map(\.dec))),
            column("PMRA", "mas/yr", .double(targets.map(\.pmra))),
            column("PMDEC", "mas/yr", .double(targets.map(\.pmdec))),
            column("EPOCH", "yr", .double(targets.map(\.epoch))),
            column("PARALLAX", "mas", .double(targets.map(\.parallax))),
            column("RESOLUTION", nil, .int16(targets.map { Int16(clamping: $0.resolution) })),
            column("MAG", "mag", .double(targets.map(\.mag))),
            column("MAG_TYPE", nil, .string(targets.map(\.magType))),
        ].compactMap { $0 }
        let file = try FITSFile.create(path, overwrite: true)
        try file.appendEmptyPrimary(cards: [FITSCard(keyword: "ORIGIN", value: .string("qmostd synthetic"), comment: "not real data")])
        try file.appendBinaryTable(name: "TARGETS", columns: columns)
        try file.close()
    }

    /// `count` targets spread uniformly over a sky patch (RA `raRange`, Dec `decRange`), half LR and half HR,
    /// with `sharedFraction` of them given a twin from another survey-like entry within 0.5″ so linking has
    /// work to do. Deterministic for a given seed. Names are `prefix` plus the row number.
    public static func random(
        count: Int, seed: UInt64, raRange: ClosedRange<Double> = 150...180, decRange: ClosedRange<Double> = -10...10,
        sharedFraction: Double = 0.1, prefix: String = "T"
    ) -> [Target] {
        var rng = SplitMix64(seed: seed)
        var targets: [Target] = []
        targets.reserveCapacity(count)
        let sinLow = sin(decRange.lowerBound * .pi / 180), sinHigh = sin(decRange.upperBound * .pi / 180)
        while targets.count < count {
            let ra = Double.random(in: raRange, using: &rng)
            let dec = asin(Double.random(in: sinLow...sinHigh, using: &rng)) * 180 / .pi  // uniform on the sphere
            let resolution = Int.random(in: 1...2, using: &rng)
            let pm = Double.random(in: 0..<1, using: &rng) < 0.3
            let t = Target(
                name: "\(prefix)\(targets.count + 1)", ra: ra, dec: dec,
                pmra: pm ? Double.random(in: -50...50, using: &rng) : 0, pmdec: pm ? Double.random(in: -50...50, using: &rng) : 0,
                epoch: 2000, parallax: pm ? Double.random(in: 0...5, using: &rng) : 0, resolution: resolution,
                mag: Double.random(in: 15...21, using: &rng))
            targets.append(t)
            if targets.count < count, Double.random(in: 0..<1, using: &rng) < sharedFraction {
                // The same object catalogued again at epoch 2016 with a small astrometric difference.
                let offset = 0.5 / 3600
                var twin = t
                twin.name = "\(prefix)\(targets.count + 1)"
                let moved = propagate(t)
                twin.ra = moved.ra + Double.random(in: -offset...offset, using: &rng) / max(0.1, cos(dec * .pi / 180)) / 2
                twin.dec = moved.dec + Double.random(in: -offset...offset, using: &rng) / 2
                if twin.ra >= 360 { twin.ra -= 360 }
                if twin.ra < 0 { twin.ra += 360 }
                twin.epoch = 2016
                twin.mag += Double.random(in: -0.1...0.1, using: &rng)
                targets.append(twin)
            }
        }
        return targets
    }

    /// Linear motion to 2016.0, good enough to place a twin well inside the link radius.
    private static func propagate(_ t: Target) -> (ra: Double, dec: Double) {
        let years = 2016 - t.epoch
        return (t.ra + t.pmra * years / 3_600_000 / cos(t.dec * .pi / 180), t.dec + t.pmdec * years / 3_600_000)
    }
}
