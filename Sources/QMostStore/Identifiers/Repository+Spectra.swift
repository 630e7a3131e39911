import Foundation
import GRDB
import QMostCore

/// What makes one extracted spectrum that spectrum; L1 registers one per spectrum it creates.
public struct SpectrumRegistration: Sendable, Equatable {
    public var night: Night
    public var obID: Int64?
    public var spectrograph: String
    /// `B`, `G`, `R`, or `J` for the joined spectrum.
    public var arm: String
    public var stack: StackLevel
    public var pipelineVersion: String
    /// The raw science exposure, for single-exposure spectra.
    public var exposureFileID: Int64?
    public var fibre: Int?
    /// The spectra a stack combines.
    public var inputs: [Int64]
    /// Filled from the exposure's FIBINFO when nil.
    public var targID: Int64?
    public var uObjID: Int64?

    public init(night: Night, obID: Int64?, spectrograph: String, arm: String, stack: StackLevel,
                pipelineVersion: String, exposureFileID: Int64? = nil, fibre: Int? = nil, inputs: [Int64] = [],
                targID: Int64? = nil, uObjID: Int64? = nil) {
        self.night = night
        self.obID = obID
        self.spectrograph = spectrograph
        self.arm = arm
        self.stack = stack
        self.pipelineVersion = pipelineVersion
        self.exposureFileID = exposureFileID
        self.fibre = fibre
        self.inputs = inputs
        self.targID = targID
        self.uObjID = uObjID
    }

    /// The uniqueness key: the same spectrum registered twice (a re-run) gets the same SPECUID; a new pipeline
    /// version makes a new spectrum.
    var key: String {
        let what = stack == .exposure
            ? "file:\(exposureFileID.map(String.init) ?? "-")/fibre:\(fibre.map(String.init) ?? "-")"
            : "inputs:" + inputs.sorted().map(String.init).joined(separator: ",")
        let probe = SpectrumProvenance(specuid: 0, night: night, obID: obID, spectrograph: spectrograph, arm: arm,
                                       stack: stack, pipelineVersion: pipelineVersion)
        return "\(stack.rawValue)|\(what)|\(probe.spectrograph)|\(probe.arm)|\(pipelineVersion)"
    }
}

extension Repository {
    /// Assigns SPECUIDs, one per registration, in order; registering an existing spectrum returns its SPECUID.
    public func registerSpectra(_ registrations: [SpectrumRegistration]) throws -> [SpectrumProvenance] {
        try pool.write { db in try Self.registerSpectra(registrations, in: db) }
    }

    /// ``registerSpectra(_:)`` inside a caller's transaction.
    public static func registerSpectra(_ registrations: [SpectrumRegistration], in db: Database) throws -> [SpectrumProvenance] {
        let find = try db.cachedStatement(sql: "SELECT specuid FROM spectra WHERE key = ?")
        let insert = try db.cachedStatement(sql: """
            INSERT INTO spectra (specuid, key, night, ob_id, spectrograph, arm, stack, pipeline_version, file_id, fibre,
                targ_id, u_obj_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let input = try db.cachedStatement(sql: "INSERT OR IGNORE INTO spectrum_inputs (specuid, input_specuid) VALUES (?, ?)")
        var next = (try Int64.fetchOne(db, sql: "SELECT max(specuid) FROM spectra") ?? IdentifierSpace.spectrumBase) + 1
        let now = Date().timestamp
        return try registrations.map { r in
            let key = r.key
            var specuid = try Int64.fetchOne(find, arguments: [key])
            if specuid == nil {
                var targ = r.targID, obj = r.uObjID
                if let file = r.exposureFileID, let fibre = r.fibre, targ == nil || obj == nil,
                   let row = try Row.fetchOne(db, sql: "SELECT targ_id, u_obj_id FROM fibinfo WHERE file_id = ? AND fibre = ?",
                                              arguments: [file, fibre]) {
                    targ = targ ?? row[0]
                    obj = obj ?? row[1]
                }
                if obj == nil, let targ {
                    obj = try Int64.fetchOne(db, sql: "SELECT u_obj_id FROM targets WHERE targ_id = ?", arguments: [targ])
                }
                let probe = SpectrumProvenance(specuid: next, night: r.night, obID: r.obID, spectrograph: r.spectrograph,
                                               arm: r.arm, stack: r.stack, pipelineVersion: r.pipelineVersion)
                try insert.execute(arguments: [next, key, r.night.iso, probe.obID, probe.spectrograph, probe.arm,
                                               r.stack.rawValue, r.pipelineVersion, r.exposureFileID, r.fibre, targ, obj, now])
                for i in r.inputs { try input.execute(arguments: [next, i]) }
                specuid = next
                next += 1
            }
            return SpectrumProvenance(specuid: specuid!, night: r.night, obID: r.obID, spectrograph: r.spectrograph,
                                      arm: r.arm, stack: r.stack, pipelineVersion: r.pipelineVersion)
        }
    }

    /// Links spectra to the product file that holds them, once L1 has written it.
    public func attachSpectra(_ specuids: [Int64], toProduct productID: Int64) throws {
        try pool.write { db in try Self.attachSpectra(specuids, toProduct: productID, in: db) }
    }

    /// ``attachSpectra(_:toProduct:)`` inside a caller's transaction.
    public static func attachSpectra(_ specuids: [Int64], toProduct productID: Int64, in db: Database) throws {
        let update = try db.cachedStatement(sql: "UPDATE spectra SET product_id = ? WHERE specuid = ?")
        for s in specuids { try update.execute(arguments: [productID, s]) }
    }
}
