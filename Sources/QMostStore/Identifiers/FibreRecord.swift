import GRDB

/// One row of a raw frame's FIBINFO table: what one fibre pointed at during that exposure.
public struct FibreRecord: Sendable, Equatable {
    public var fibre: Int
    public var targID: Int64?
    public var uObjID: Int64?
    public var cname: String?
    public var ra: Double?
    public var dec: Double?
    /// 1 object, 2 reference, 3 sky, 4 calibration, 5 active guide, 6 inactive guide.
    public var fibreUse: Int?
    /// 0 disabled, 1 parked, 2 allocated.
    public var fibreStatus: Int?
    /// `LRSA`, `LRSB` or `HRS`.
    public var spectrograph: String?
    public var slitPosition: Int?

    public init(fibre: Int, targID: Int64? = nil, uObjID: Int64? = nil, cname: String? = nil, ra: Double? = nil,
                dec: Double? = nil, fibreUse: Int? = nil, fibreStatus: Int? = nil, spectrograph: String? = nil,
                slitPosition: Int? = nil) {
        self.fibre = fibre
        self.targID = targID
        self.uObjID = uObjID
        self.cname = cname
        self.ra = ra
        self.dec = dec
        self.fibreUse = fibreUse
        self.fibreStatus = fibreStatus
        self.spectrograph = spectrograph
        self.slitPosition = slitPosition
    }
}

extension Repository {
    /// Records a frame's FIBINFO rows; call inside the transaction that records the frame.
    public static func recordFibinfo(fileID: Int64, fibres: [FibreRecord], in db: Database) throws {
        let insert = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO fibinfo (file_id, fibre, targ_id, u_obj_id, cname, ra, dec, fib_use, fib_st,
                spectrograph, slit_pos)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for f in fibres {
            try insert.execute(arguments: [fileID, f.fibre, f.targID, f.uObjID, f.cname, f.ra, f.dec, f.fibreUse,
                                           f.fibreStatus, f.spectrograph, f.slitPosition])
        }
    }

    /// The FIBINFO rows recorded for a raw frame, by fibre.
    public func fibinfo(fileID: Int64) throws -> [FibreRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM fibinfo WHERE file_id = ? ORDER BY fibre", arguments: [fileID]).map { row in
                FibreRecord(fibre: row["fibre"], targID: row["targ_id"], uObjID: row["u_obj_id"], cname: row["cname"],
                            ra: row["ra"], dec: row["dec"], fibreUse: row["fib_use"], fibreStatus: row["fib_st"],
                            spectrograph: row["spectrograph"], slitPosition: row["slit_pos"])
            }
        }
    }
}
