import Foundation

/// HEALPix in the NESTED scheme (Górski et al. 2005, ApJ 622, 759), the cell scheme of the sky index:
/// equal-area cells whose ids, at any order, keep neighbours close and nest parents over children, so a cone
/// becomes a few ranges of cell ids in an ordinary B-tree index.
///
/// The formulas follow the reference implementation's `loc2pix`, `xyf2loc` and `max_pixrad`
/// (healpix_base.cc, HEALPix 3).
public struct HEALPix: Sendable, Equatable {
    /// log2 of nside; 0...29.
    public let order: Int
    public var nside: Int64 { 1 << Int64(order) }
    public var pixelCount: Int64 { 12 << (2 * Int64(order)) }

    public init(order: Int) {
        precondition((0...29).contains(order), "HEALPix order must be 0...29")
        self.order = order
    }

    // Per-face offsets of the ring (jrll) and longitude (jpll) coordinates.
    private static let jrll: [Double] = [2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4]
    private static let jpll: [Double] = [1, 3, 5, 7, 0, 2, 4, 6, 1, 3, 5, 7]

    /// The cell holding `position`.
    public func pixel(_ position: SkyPosition) -> Int64 {
        let z = sin(position.dec * .pi / 180)
        let za = abs(z)
        var tt = (position.ra / 90).truncatingRemainder(dividingBy: 4)  // φ / (π/2), in [0, 4)
        if tt < 0 { tt += 4 }
        let n = nside
        let face: Int64, ix: Int64, iy: Int64
        if za <= 2.0 / 3 {
            let t1 = Double(n) * (0.5 + tt), t2 = Double(n) * (z * 0.75)
            let jp = Int64(t1 - t2), jm = Int64(t1 + t2)  // ascending and descending edge lines
            let ifp = jp >> Int64(order), ifm = jm >> Int64(order)
            face = ifp == ifm ? (ifp | 4) : (ifp < ifm ? ifp : ifm + 8)
            ix = jm & (n - 1)
            iy = n - (jp & (n - 1)) - 1
        } else {
            let ntt = min(3, Int64(tt))
            let tp = tt - Double(ntt)
            let tmp = Double(n) * (3 * (1 - za)).squareRoot()
            let jp = min(Int64(tp * tmp), n - 1), jm = min(Int64((1 - tp) * tmp), n - 1)
            if z >= 0 {
                face = ntt
                ix = n - jm - 1
                iy = n - jp - 1
            } else {
                face = ntt + 8
                ix = jp
                iy = jm
            }
        }
        return (face << (2 * Int64(order))) + Self.spread(ix) + (Self.spread(iy) << 1)
    }

    /// The centre of a cell.
    public func centre(_ pixel: Int64) -> SkyPosition {
        let perFace = Int64(1) << (2 * Int64(order))
        let face = Int(pixel / perFace), inFace = pixel % perFace
        let x = (Double(Self.compress(inFace)) + 0.5) / Double(nside)
        let y = (Double(Self.compress(inFace >> 1)) + 0.5) / Double(nside)
        var jr = Self.jrll[face] - x - y
        let z: Double, nr: Double
        if jr < 1 {
            nr = jr
            z = 1 - nr * nr / 3
        } else if jr > 3 {
            nr = 4 - jr
            z = nr * nr / 3 - 1
        } else {
            nr = 1
            z = (2 - jr) * 2 / 3
        }
        jr = Self.jpll[face] * nr + x - y
        if jr < 0 { jr += 8 }
        if jr >= 8 { jr -= 8 }
        let phi = nr < 1e-15 ? 0 : (0.25 * .pi * jr) / nr
        return SkyPosition(ra: phi * 180 / .pi, dec: asin(max(-1, min(1, z))) * 180 / .pi)
    }

    /// An upper bound, in degrees, on the distance from any cell's centre to any point of that cell.
    public var maxPixelRadius: Double {
        let n = Double(nside)
        let t1 = (1 - 1 / n) * (1 - 1 / n)
        let a = SkyPosition(ra: 45 / n, dec: asin(2.0 / 3) * 180 / .pi)
        let b = SkyPosition(ra: 0, dec: asin(1 - t1 / 3) * 180 / .pi)
        return a.separation(to: b)
    }

    /// Ranges of cell ids at this order that together cover `cap` (and a little more: callers filter exactly).
    /// Descends from the twelve base cells, dropping a cell whose bounding circle misses the cap and keeping a
    /// whole cell, as one range, once it lies inside.
    public func ranges(covering cap: SkyCap) -> [ClosedRange<Int64>] {
        var found: [ClosedRange<Int64>] = []
        let radii = (0...order).map { HEALPix(order: $0).maxPixelRadius * 1.0001 + 1e-9 }
        func visit(_ pixel: Int64, _ level: Int) {
            let d = cap.centre.separation(to: HEALPix(order: level).centre(pixel))
            let r = radii[level]
            guard d <= cap.radius + r else { return }
            if level == order || d + r <= cap.radius {
                let shift = 2 * Int64(order - level)
                found.append((pixel << shift)...(((pixel + 1) << shift) - 1))
                return
            }
            for child in (pixel << 2)..<((pixel << 2) + 4) { visit(child, level + 1) }
        }
        for base in Int64(0)..<12 { visit(base, 0) }
        found.sort { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<Int64>] = []
        for r in found {
            if let last = merged.last, r.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                merged.append(r)
            }
        }
        return merged
    }

    /// The order at which positions are indexed: the finest there is, so that any cone can be searched at the
    /// order that suits its size and its ranges shifted down to this one.
    public static let indexOrder = 29

    /// The cell of `position` at ``indexOrder``.
    public static func indexCell(_ position: SkyPosition) -> Int64 { HEALPix(order: indexOrder).pixel(position) }

    /// Ranges of ``indexOrder`` cells covering `cap`, found at the finest order whose cells are still at least
    /// as large as the cap (so a small cone costs a handful of ranges).
    public static func indexRanges(covering cap: SkyCap) -> [ClosedRange<Int64>] {
        let order = (0...20).last { HEALPix(order: $0).maxPixelRadius >= cap.radius } ?? 0
        let shift = 2 * Int64(indexOrder - order)
        return HEALPix(order: order).ranges(covering: cap).map { ($0.lowerBound << shift)...((($0.upperBound + 1) << shift) - 1) }
    }

    /// Interleaves the bits of `v` with zeros (bit i to bit 2i).
    static func spread(_ v: Int64) -> Int64 {
        var x = UInt64(v) & 0xFFFF_FFFF
        x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF
        x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF
        x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0F
        x = (x | (x << 2)) & 0x3333_3333_3333_3333
        x = (x | (x << 1)) & 0x5555_5555_5555_5555
        return Int64(x)
    }

    /// The inverse of ``spread(_:)``: every other bit, packed.
    static func compress(_ v: Int64) -> Int64 {
        var x = UInt64(v) & 0x5555_5555_5555_5555
        x = (x | (x >> 1)) & 0x3333_3333_3333_3333
        x = (x | (x >> 2)) & 0x0F0F_0F0F_0F0F_0F0F
        x = (x | (x >> 4)) & 0x00FF_00FF_00FF_00FF
        x = (x | (x >> 8)) & 0x0000_FFFF_0000_FFFF
        x = (x | (x >> 16)) & 0x0000_0000_FFFF_FFFF
        return Int64(x)
    }
}
