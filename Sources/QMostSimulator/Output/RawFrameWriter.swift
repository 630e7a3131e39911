import Foundation
import QMostCore
import QMostFITS

/// What one written raw file holds, for the truth tables and progress.
public struct WrittenFrame: Sendable, Equatable {
    public var fileName: String
    public var spectrograph: SpectrographName
    public var exposure: PlannedExposure
    /// Per arm, in ``ArmName/allCases`` order.
    public var readouts: [Readout.Record]
    public var bytes: Int
}

/// Writes a spectrograph's raw file for one exposure: an empty primary HDU with the ESO keywords, one 16-bit
/// image extension per arm (rendered and read out one at a time, so only one arm is in memory), the FIBINFO
/// table, and CHECKSUM/DATASUM. The file is written under a dot name and renamed into place, so a watcher on the
/// directory never sees it half written.
public enum RawFrameWriter {
    public static func write(_ exposure: PlannedExposure, simulator: SpectrographSimulator, directory: String,
                             truth: TruthRecorder?) throws(SimulationError) -> WrittenFrame {
        let name = ArchiveName.fileName(exposure, simulator.spectrograph)
        let final = (directory as NSString).appendingPathComponent(name)
        let temp = (directory as NSString).appendingPathComponent(".\(name).part")
        let plan = simulator.plan
        let geometry = simulator.instrument.detector
        let firstOfBlock = exposure.kind == .science && exposure.exposureNumber == 1
        var records: [Readout.Record] = []
        do {
            let file = try FITSFile.create(temp, overwrite: true)
            do {
                try file.appendEmptyPrimary(cards: RawFrameHeader.primary(plan: plan, exposure: exposure, spectrograph: simulator.spectrograph))
                var blockTruth: TruthRecorder.BlockFile?
                if firstOfBlock, let truth, let block = exposure.block {
                    blockTruth = try truth.beginBlock(block, simulator: simulator)
                }
                for arm in ArmName.allCases {
                    let rendered = try simulator.render(exposure, arm: arm)
                    let detector = simulator.detector(arm)
                    let readout = Readout(detector: detector).read(
                        photons: rendered.photons, darkTime: rendered.darkTime, seed: simulator.readoutSeed(exposure, arm))
                    records.append(readout.record)
                    let cards = RawFrameHeader.arm(simulator.instrument.arm(simulator.spectrograph, arm), spectrograph: simulator.spectrograph,
                                                   detector: detector, darkTime: rendered.darkTime)
                    try file.appendImage(readout.pixels, shape: [geometry.rawColumns, geometry.rawRows], cards: cards)
                    if let blockTruth, let block = exposure.block {
                        try blockTruth.appendArm(arm, flux: try simulator.inputSpectra(block: block, arm: arm),
                                                 source: rendered.sourceElectrons ?? [], sky: rendered.skyElectrons ?? [])
                    }
                }
                try blockTruth?.close()
                let allocations = exposure.block.map { simulator.allocations(block: $0) }
                try file.appendBinaryTable(
                    name: "FIBINFO",
                    columns: FibinfoTable.columns(layout: simulator.instrument.fibreLayout, transmission: simulator.transmission,
                                                  spectrograph: simulator.spectrograph, allocations: allocations))
                try file.writeChecksums()
                try file.close()
            } catch {
                try? file.close()
                throw error
            }
        } catch let error as SimulationError {
            try? FileManager.default.removeItem(atPath: temp)
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: temp)
            throw SimulationError(path: temp, problem: "\(error)")
        }
        try FileProblem.renameIntoPlace(temp, final)
        let size = (try? FileManager.default.attributesOfItem(atPath: final)[.size] as? Int) ?? 0
        return WrittenFrame(fileName: name, spectrograph: simulator.spectrograph, exposure: exposure, readouts: records, bytes: size)
    }
}
