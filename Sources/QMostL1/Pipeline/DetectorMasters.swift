import Foundation
import QMostCore
import QMostFITS

/// Makes the detector masters of one spectrograph from raw frame files, one arm at a time so that a full-size
/// night holds one arm of each input in memory, and writes them as ``MasterFile``s (seed 9.1.2–9.1.6).
public enum DetectorMasters {
    /// `qmost_bias_combine`: the master bias of `frames` (raw bias files).
    public static func bias(_ frames: [String], to path: String) throws(FileProblem) {
        var arms: [MasterArm] = []
        for arm in try armsPresent(frames[0]) {
            arms.append(MasterBias.combine(try read(frames, arm)))
        }
        try MasterFile.write(path, category: CalibrationKind.bias.category, inputs: frames, arms: arms)
    }

    /// `qmost_dark_combine`: the master dark (ADU/s) of `frames`, corrected with `bias`.
    public static func dark(_ frames: [String], bias: LoadedMaster, to path: String) throws(FileProblem) {
        var arms: [MasterArm] = []
        for arm in try armsPresent(frames[0]) {
            let b = try bias.arm(arm)
            arms.append(MasterDark.combine(try read(frames, arm), bias: b.image))
        }
        try MasterFile.write(path, category: CalibrationKind.dark.category, inputs: frames, arms: arms)
    }

    /// `qmost_detector_flat_analyse`: the normalised detector flat from the LED frames at the longest on-time,
    /// the linearity fit from the whole sequence (when it has at least three frames at two levels), and the bad
    /// pixel mask from the flat, dark and bias. β per output goes into each arm's header.
    public static func detectorFlat(_ frames: [String], bias: LoadedMaster, dark: LoadedMaster?, to path: String) throws(FileProblem) {
        var arms: [MasterArm] = [], masks: [ArmName: BadPixelMask] = [:]
        for arm in try armsPresent(frames[0]) {
            let b = try bias.arm(arm)
            let d = try dark.map { m throws(FileProblem) in try m.arm(arm) }
            let sequence = try read(frames, arm)
            let longest = sequence.map(\.exposureTime).max()!
            let bright = sequence.filter { $0.exposureTime > 0.8 * longest }
            var master = DetectorFlat.combine(bright, bias: b.image, dark: d?.image)
            let fit = LinearityFit.fit(sequence, bias: b.image, dark: d?.image)
            // Photon-transfer gains from the brightest pair, when the sequence has one.
            let readNoise = (1...sequence[0].layout.amplifierCount).map { b.header.double("QMOST QC OUT\($0) RON") ?? 0 }
            if bright.count >= 2 {
                let gains = PhotonTransfer.gains(flats: (bright[0], bright[1]), bias: b.image, readNoise: readNoise, linearity: fit)
                for (o, g) in gains.enumerated() where g.isFinite && g > 0 {
                    master.cards.append(FITSCard(keyword: "HIERARCH QMOST QC OUT\(o + 1) GAIN", value: .double(g), comment: "photon-transfer gain [e-/adu]"))
                }
            }
            if let fit {
                for (o, beta) in fit.beta.enumerated() {
                    master.cards.append(FITSCard(keyword: "HIERARCH QMOST LIN OUT\(o + 1) BETA", value: .double(beta), comment: "S' = S(1 + beta S) [1/adu]"))
                    master.cards.append(FITSCard(keyword: "HIERARCH QMOST LIN OUT\(o + 1) MAX", value: .double(fit.maximumSignal[o]), comment: "largest signal fitted [adu]"))
                }
                master.cards.append(FITSCard(keyword: "HIERARCH QMOST LIN NPOINTS", value: .int(Int64(fit.points))))
            }
            masks[arm] = BadPixelMask.make(flat: master.image, dark: d?.image, bias: b.image)
            arms.append(master)
        }
        try MasterFile.write(path, category: CalibrationKind.detectorFlat.category, inputs: frames, arms: arms, masks: masks)
    }

    /// One arm of every frame.
    static func read(_ frames: [String], _ arm: ArmName) throws(FileProblem) -> [ArmFrame] {
        var out: [ArmFrame] = []
        for f in frames {
            guard let a = try RawFrameReader.read(f, only: [arm]).arms.first else {
                throw FileProblem(path: f, problem: "no \(arm.headerName) extension, unlike the other frames of the set")
            }
            if let first = out.first, first.layout != a.layout {
                throw FileProblem(path: f, problem: "\(arm.headerName): detector layout differs from \((frames[0] as NSString).lastPathComponent)")
            }
            out.append(a)
        }
        return out
    }

    /// The arms the first frame of a set holds (read from its extension names, without the pixels).
    static func armsPresent(_ path: String) throws(FileProblem) -> [ArmName] {
        do {
            return try withFITSFile(path) { file in ArmName.allCases.filter { (try? file.moveTo(extname: $0.headerName)) != nil } }
        } catch {
            throw FileProblem(path: path, problem: "\(error)")
        }
    }
}

extension LoadedMaster {
    /// Arm `arm`, or an error naming the file when it has none.
    public func arm(_ arm: ArmName) throws(FileProblem) -> LoadedMasterArm {
        guard let a = arms[arm] else { throw FileProblem(path: path, problem: "no \(arm.headerName) extension") }
        return a
    }
}
