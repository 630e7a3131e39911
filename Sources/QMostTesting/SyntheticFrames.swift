import Foundation
import QMostCore
import QMostFITS

/// Small raw frames with 4MOST-style headers, for the demo, tests and benchmarks until the full instrument
/// simulator (`qmostd simulate`) writes realistic ones.
///
/// Each frame is a primary HDU with the ESO DPR keywords the classifier reads, the night's MJD-OBS, the OB id,
/// spectrograph and arm, and a 16-bit image of bias level plus a deterministic pattern, with CHECKSUM/DATASUM.
/// A spec may add a FIBINFO binary table after the image.
public enum SyntheticFrames {
    /// One frame to write.
    public struct Spec: Sendable {
        public var kind: FrameKind
        public var night: Night
        public var index: Int
        public var obID: Int64
        public var spectrograph: String
        public var arm: String
        public var width: Int
        public var height: Int
        /// Rows of a FIBINFO binary table written after the image; nil writes none.
        public var fibinfo: [SyntheticFibre]?
        /// FIBINFO column names to write instead of the standard ones (key: standard name, value: name written),
        /// for the names other 4MOST data models use.
        public var fibinfoNames: [String: String]
        /// Standard FIBINFO columns left out, to make tables that lack one.
        public var fibinfoOmit: Set<String>

        public init(kind: FrameKind, night: Night, index: Int, obID: Int64 = 1_000_000, spectrograph: String = "LRS-A",
                    arm: String = "BLUE", width: Int = 64, height: Int = 64, fibinfo: [SyntheticFibre]? = nil,
                    fibinfoNames: [String: String] = [:], fibinfoOmit: Set<String> = []) {
            self.kind = kind
            self.night = night
            self.index = index
            self.obID = obID
            self.spectrograph = spectrograph
            self.arm = arm
            self.width = width
            self.height = height
            self.fibinfo = fibinfo
            self.fibinfoNames = fibinfoNames
            self.fibinfoOmit = fibinfoOmit
        }

        /// The ESO data product keywords (CATG, TYPE, TECH) for this kind.
        public var dpr: (catg: String, type: String, tech: String) {
            switch kind {
            case .bias: return ("CALIB", "BIAS", "IMAGE")
            case .dark: return ("CALIB", "DARK", "IMAGE")
            case .detectorFlat: return ("CALIB", "FLAT,LED", "IMAGE")
            case .fibreFlat: return ("CALIB", "FLAT,LAMP", "MOS")
            case .twilightFlat: return ("CALIB", "FLAT,TWILIGHT", "MOS")
            case .arc: return ("CALIB", "WAVE,LAMP", "MOS")
            case .fp: return ("CALIB", "WAVE,FP", "MOS")
            case .science: return ("SCIENCE", "OBJECT", "MOS")
            case .standard: return ("SCIENCE", "STD", "MOS")
            case .other, .dxu: return ("TEST", "OTHER", "IMAGE")
            }
        }

        /// Observation time: the night's evening (23:00 UTC) plus two minutes per frame index.
        public var mjd: Double {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let parts = night.iso.split(separator: "-").map { Int($0)! }
            let evening = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: 23))!
            return MJD.mjd(evening) + Double(index) * 120 / 86_400
        }

        /// `4MOST.<ISO time>.<arm>.fits`, in the ESO archive style.
        public var fileName: String {
            let f = DateFormatter()
            f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS"
            f.timeZone = TimeZone(identifier: "UTC")
            return "4MOST.\(f.string(from: MJD.date(mjd))).\(spectrograph).\(arm).fits"
        }
    }

    /// Writes one frame, with CHECKSUM/DATASUM unless `checksums` is false (byte-patched copies need none).
    public static func write(_ spec: Spec, to path: String, checksums: Bool = true) throws(FITSError) {
        let dpr = spec.dpr
        let cards: [FITSCard] = [
            FITSCard(keyword: "ORIGIN", value: .string("qmostd synthetic"), comment: "not real data"),
            FITSCard(keyword: "INSTRUME", value: .string("4MOST")),
            FITSCard(keyword: "OBJECT", value: .string(spec.kind == .science ? "FIELD-\(spec.obID)" : dpr.type)),
            FITSCard(keyword: "MJD-OBS", value: .double(spec.mjd), comment: "start of observation"),
            FITSCard(keyword: "EXPTIME", value: .double(spec.kind == .bias ? 0 : 60)),
            FITSCard(keyword: "HIERARCH ESO DPR CATG", value: .string(dpr.catg)),
            FITSCard(keyword: "HIERARCH ESO DPR TYPE", value: .string(dpr.type)),
            FITSCard(keyword: "HIERARCH ESO DPR TECH", value: .string(dpr.tech)),
            FITSCard(keyword: "HIERARCH ESO OBS ID", value: .int(spec.obID)),
            FITSCard(keyword: "HIERARCH ESO INS SPEC ID", value: .string(spec.spectrograph)),
            FITSCard(keyword: "HIERARCH ESO DET ARM NAME", value: .string(spec.arm)),
        ]
        var pixels = [UInt16](repeating: 0, count: spec.width * spec.height)
        let level: Int = spec.kind == .bias ? 1000 : (spec.kind == .science ? 1500 : 5000)
        for y in 0..<spec.height {
            for x in 0..<spec.width {
                // A deterministic pattern (fibre-like stripes) plus a per-frame offset so every frame's bytes differ.
                let stripe = (x % 8 < 3) ? level / 2 : 0
                pixels[y * spec.width + x] = UInt16(clamping: level + stripe + (x * 7 + y * 13 + spec.index * 31) % 17)
            }
        }
        let file = try FITSFile.create(path, overwrite: true)
        try file.appendImage(pixels, shape: [spec.width, spec.height], cards: cards)
        if let fibres = spec.fibinfo {
            try file.appendBinaryTable(name: "FIBINFO", columns: fibinfoColumns(fibres, names: spec.fibinfoNames, omit: spec.fibinfoOmit))
        }
        if checksums { try file.writeChecksums() }
        try file.close()
    }

    /// The FIBINFO columns in the QL1 layout (FIB_ID J, TARG_ID K, OBJ_UID K, CNAME A, TRG_RA/TRG_DEC D in deg,
    /// FIB_USE I, FIB_ROOT I), renamed by `names` and without those in `omit`.
    public static func fibinfoColumns(_ fibres: [SyntheticFibre], names: [String: String] = [:],
                                      omit: Set<String> = []) -> [FITSColumn] {
        func column(_ name: String, _ unit: String?, _ data: FITSColumn.Data) -> FITSColumn? {
            omit.contains(name) ? nil : FITSColumn(name: names[name] ?? name, unit: unit, data: data)
        }
        return [
            column("FIB_ID", nil, .int32(fibres.map { Int32(clamping: $0.fibre) })),
            column("TARG_ID", nil, .int64(fibres.map(\.targID))),
            column("OBJ_UID", nil, .int64(fibres.map(\.uObjID))),
            column("CNAME", nil, .string(fibres.map(\.cname))),
            column("TRG_RA", "deg", .double(fibres.map(\.ra))),
            column("TRG_DEC", "deg", .double(fibres.map(\.dec))),
            column("FIB_USE", nil, .int16(fibres.map { Int16(clamping: $0.fibUse) })),
            column("FIB_ROOT", nil, .int16(fibres.map { Int16(clamping: $0.fibRoot) })),
        ].compactMap { $0 }
    }

    /// A night's worth of frames: biases, a dark, LED and fibre flats, an arc, a Fabry-Perot, science and a standard,
    /// spread over the arms of the first spectrograph.
    public static func night(_ night: Night, obID: Int64 = 1_000_000, size: Int = 64) -> [Spec] {
        let kinds: [FrameKind] = [.bias, .bias, .bias, .dark, .detectorFlat, .fibreFlat, .arc, .fp, .science, .science, .standard]
        var specs: [Spec] = []
        for (i, kind) in kinds.enumerated() {
            for (j, arm) in ["BLUE", "GREEN", "RED"].enumerated() {
                specs.append(Spec(kind: kind, night: night, index: i * 3 + j, obID: obID + Int64(kind == .science ? 1 : 0),
                                  arm: arm, width: size, height: size))
            }
        }
        return specs
    }
}

/// One row of a synthetic FIBINFO table. Missing values are written as 4MOST writes them: -1 for an identifier,
/// NaN for a coordinate, blanks for a name.
public struct SyntheticFibre: Sendable {
    public var fibre: Int
    public var targID: Int64
    public var uObjID: Int64
    public var cname: String
    public var ra: Double
    public var dec: Double
    /// 1 object, 2 reference, 3 sky, 4 calibration, 5 active guide, 6 inactive guide.
    public var fibUse: Int
    /// 1 LRS-A, 2 LRS-B, 3 HRS.
    public var fibRoot: Int

    public init(fibre: Int, targID: Int64 = -1, uObjID: Int64 = -1, cname: String = "", ra: Double = .nan,
                dec: Double = .nan, fibUse: Int = 1, fibRoot: Int = 1) {
        self.fibre = fibre
        self.targID = targID
        self.uObjID = uObjID
        self.cname = cname
        self.ra = ra
        self.dec = dec
        self.fibUse = fibUse
        self.fibRoot = fibRoot
    }
}

extension SyntheticFrames {
    /// Many distinct valid frames, fast: one frame's bytes with the last data pixels overwritten by a counter.
    /// The header is untouched and no checksum is written, so every copy stays a valid FITS file.
    public static func copies(of spec: Spec, count: Int, scratch: String) throws -> (bytes: [UInt8], patch: (inout [UInt8], Int) -> Void) {
        // The counter goes into the last block, which must be image data, not a table.
        precondition(spec.fibinfo == nil, "copies(of:) patches image pixels; a FIBINFO table would be overwritten")
        try write(spec, to: scratch, checksums: false)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: scratch)))
        try? FileManager.default.removeItem(atPath: scratch)
        let dataEnd = 2880 * ((bytes.count - 1) / 2880)  // start of the last block, inside the image data
        precondition(bytes.count >= 2 * 2880 && spec.width * spec.height * 2 >= 8)
        let offset = min(dataEnd, bytes.count - 2880) + 0
        return (bytes, { buffer, i in
            withUnsafeBytes(of: UInt64(i).bigEndian) { counter in
                for k in 0..<8 { buffer[offset + k] = counter[k] }
            }
        })
    }
}
