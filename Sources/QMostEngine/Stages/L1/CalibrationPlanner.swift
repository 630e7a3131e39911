import Foundation
import GRDB
import QMostCore
import QMostStore

/// The repository side of calibration association: which masters an exposure would use now, and which reduced
/// exposures a new master improves.
struct CalibrationPlanner: Sendable {
    let association: CalibrationAssociation

    init(configuration: QMostCore.Configuration) {
        association = CalibrationAssociation(windows: configuration.calibrationWindows)
    }

    /// The widest window of any kind: no master farther away can matter.
    var reach: Int { association.windows.values.max() ?? 0 }

    /// The best master of each kind (those in `kinds`) for an exposure of `spectrograph` in `night` and `obID`.
    func choices(spectrograph: String, night: Night, obID: Int64?, kinds: [CalibrationKind] = CalibrationKind.allCases,
                 in db: Database) throws -> [CalibrationKind: CalibrationChoice] {
        let candidates = try Repository.calibrationCandidates(spectrograph: spectrograph, from: night.adding(days: -reach),
                                                              to: night.adding(days: reach), in: db)
        return association.chooseAll(from: candidates, spectrograph: spectrograph, night: night, obID: obID, kinds: kinds)
    }

    /// The science exposures of `spectrographs` within reach of `night` whose best masters differ from the ones
    /// their recorded reduction used (or that were never reduced) and that now have every required master.
    func framesToReduce(near night: Night, spectrographs: Set<String>, in db: Database) throws -> [(file: FileRecord, frame: FrameRecord)] {
        let frames = try FrameRecord.filter([FrameKind.science.rawValue, FrameKind.standard.rawValue].contains(Column("kind"))
                                            && Column("night") >= night.adding(days: -reach).iso
                                            && Column("night") <= night.adding(days: reach).iso)
            .order(Column("night"), Column("mjd_obs")).fetchAll(db)
        var out: [(FileRecord, FrameRecord)] = []
        for frame in frames {
            guard let spectrograph = frame.spectrograph, spectrographs.contains(spectrograph), let n = Night(frame.night),
                  let file = try FileRecord.fetchOne(db, key: frame.fileID) else { continue }
            let chosen = try choices(spectrograph: spectrograph, night: n, obID: frame.obID, in: db)
            guard CalibrationKind.allCases.allSatisfy({ !$0.isRequired || chosen[$0] != nil }) else { continue }
            let used = try Repository.reduction(fileID: frame.fileID, in: db)
            let usedIDs = Dictionary(uniqueKeysWithValues: (used?.calibrations ?? []).map { ($0.kind, $0.product.id!) })
            let chosenIDs = chosen.mapValues(\.candidate.id)
            if used == nil || usedIDs != chosenIDs { out.append((file, frame)) }
        }
        return out
    }
}

extension Night {
    /// The night `days` later (earlier when negative).
    func adding(days: Int) -> Night {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = iso.split(separator: "-").map { Int($0)! }
        let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: 12))!
        return Night(utcDateOf: calendar.date(byAdding: .day, value: days, to: date)!)
    }
}
