import Foundation
import QMostCore
import QMostFITS

/// A master file known by its headers, its pixels read a band of rows at a time while a frame is corrected.
public struct MasterReference: Sendable {
    public var path: String
    /// Each arm's image extension header.
    public var headers: [ArmName: FITSHeader]

    /// Reads the headers of `path`'s arm extensions.
    public static func open(_ path: String) throws(FileProblem) -> MasterReference {
        do {
            return try withFITSFile(path) { file in
                var headers: [ArmName: FITSHeader] = [:]
                for arm in ArmName.allCases {
                    guard let index = try? file.moveTo(extname: arm.headerName) else { continue }
                    headers[arm] = try file.header(hdu: index)
                }
                return MasterReference(path: path, headers: headers)
            }
        } catch {
            throw FileProblem(path: path, problem: "\(error)")
        }
    }

    /// The linearity fit recorded in arm `arm`'s header, if any.
    public func linearity(_ arm: ArmName) -> LinearityFit? {
        guard let h = headers[arm], let n = h.int("QMOST LIN NPOINTS") else { return nil }
        var beta: [Double] = [], maximum: [Double] = []
        var o = 1
        while let b = h.double("QMOST LIN OUT\(o) BETA") {
            beta.append(b)
            maximum.append(h.double("QMOST LIN OUT\(o) MAX") ?? .infinity)
            o += 1
        }
        return beta.isEmpty ? nil : LinearityFit(beta: beta, maximumSignal: maximum, points: Int(n))
    }
}

/// The detector masters one exposure is corrected with.
public struct DetectorMasterSet: Sendable {
    public var bias: MasterReference
    public var dark: MasterReference?
    public var detectorFlat: MasterReference?

    /// Opens the masters at the given paths (headers only).
    public static func open(bias: String, dark: String?, detectorFlat: String?) throws(FileProblem) -> DetectorMasterSet {
        DetectorMasterSet(bias: try MasterReference.open(bias),
                          dark: try dark.map { p throws(FileProblem) in try MasterReference.open(p) },
                          detectorFlat: try detectorFlat.map { p throws(FileProblem) in try MasterReference.open(p) })
    }

    /// `frame` corrected for the detector (seed 9.1.1–9.1.6) with these masters: overscan, bias, linearity,
    /// dark, gain, detector flat, bad-pixel mask, variance throughout. The read noise is the master bias's
    /// overscan estimate per output; the gains are the detector flat's photon-transfer ones when it has them,
    /// else the header's nominal `CONAD`. The masters' pixels are read a band of rows at a time, so a full-size arm
    /// holds only the frame, its corrected planes and one band of each master.
    public func correct(_ frame: ArmFrame, crosstalk: CrosstalkCorrection? = nil) throws(FileProblem) -> DetrendedArm {
        let arm = frame.arm
        guard let biasHeader = bias.headers[arm] else { throw FileProblem(path: bias.path, problem: "no \(arm.headerName) extension") }
        var readNoise: [Double]? = (1...frame.layout.amplifierCount).map { biasHeader.double("QMOST QC OUT\($0) RON") ?? .nan }
        if readNoise!.contains(where: { !$0.isFinite }) { readNoise = nil }
        // The detector flat's photon-transfer gains replace the header's nominal ones.
        var frame = frame
        if let h = detectorFlat?.headers[arm] {
            let measured = (1...frame.layout.amplifierCount).map { h.double("QMOST QC OUT\($0) GAIN") }
            if measured.allSatisfy({ $0 != nil }) { frame.gains = measured.map { $0! } }
        }
        let bands = try MasterBands(arm: arm, layout: frame.layout, bias: bias, dark: dark, detectorFlat: detectorFlat)
        return try Detrending.apply(frame, linearity: detectorFlat?.linearity(arm), crosstalk: crosstalk, readNoise: readNoise) { rows throws(FileProblem) in
            try bands.read(rows)
        }
    }
}

/// The open master files of one arm, read band by band.
private final class MasterBands {
    struct Source {
        var file: FITSFile
        var path: String
        var image: Int
        var variance: Int?
        var mask: Int?
    }
    let arm: ArmName
    let bias: Source
    let dark: Source?
    let flat: Source?

    init(arm: ArmName, layout: DetectorGeometry, bias: MasterReference, dark: MasterReference?, detectorFlat: MasterReference?) throws(FileProblem) {
        self.arm = arm
        func open(_ m: MasterReference, _ name: String) throws(FileProblem) -> Source {
            do {
                let file = try FITSFile.open(m.path)
                let image = try file.moveTo(extname: arm.headerName)
                let shape = try file.imageShape(hdu: image)
                guard shape == [layout.activeColumns, layout.activeRows] else {
                    throw FileProblem(path: m.path, problem: "the master \(name)'s \(arm.headerName) is \(shape.map(String.init).joined(separator: " x ")); the frame's active area is \(layout.activeColumns) x \(layout.activeRows)")
                }
                let variance = try? file.moveTo(extname: "\(arm.headerName)_VAR")
                let mask = try? file.moveTo(extname: "\(arm.headerName)_BPM")
                return Source(file: file, path: m.path, image: image, variance: variance, mask: mask)
            } catch let p as FileProblem {
                throw p
            } catch {
                throw FileProblem(path: m.path, problem: "\(arm.headerName): \(error)")
            }
        }
        self.bias = try open(bias, "bias")
        self.dark = try dark.map { m throws(FileProblem) in try open(m, "dark") }
        self.flat = try detectorFlat.map { m throws(FileProblem) in try open(m, "detector flat") }
    }

    func read(_ rows: Range<Int>) throws(FileProblem) -> MasterRows {
        func floats(_ s: Source?, _ hdu: Int?) throws(FileProblem) -> [Float]? {
            guard let s, let hdu else { return nil }
            do { return try s.file.readImageRows(hdu: hdu, rows: rows, as: Float.self) } catch {
                throw FileProblem(path: s.path, problem: "reading rows \(rows) of HDU \(hdu): \(error)")
            }
        }
        var mask: [UInt8]?
        if let f = flat, let hdu = f.mask {
            do { mask = try f.file.readImageRows(hdu: hdu, rows: rows, as: UInt8.self) } catch {
                throw FileProblem(path: f.path, problem: "reading rows \(rows) of the mask: \(error)")
            }
        }
        return MasterRows(bias: try floats(bias, bias.image), biasVariance: try floats(bias, bias.variance),
                          dark: try floats(dark, dark?.image), darkVariance: try floats(dark, dark?.variance),
                          flat: try floats(flat, flat?.image), flatVariance: try floats(flat, flat?.variance), mask: mask)
    }
}

extension InstrumentModel {
    /// The instrument whose detector has `geometry`'s active area: the full 4MOST model, or the reduced one the
    /// simulator's small scale uses; nil for any other detector.
    public static func matching(_ geometry: DetectorGeometry) -> InstrumentModel? {
        for model in [InstrumentModel.default, .small]
        where model.detector.activeColumns == geometry.activeColumns && model.detector.activeRows == geometry.activeRows {
            return model
        }
        return nil
    }
}
