/// Header keywords that say which exposure a frame belongs to; names are configurable per installation.
public struct FrameKeywords: Sendable, Equatable, Codable {
    public var obID: String = "ESO OBS ID"
    public var spectrograph: String = "ESO INS SPEC ID"
    public var arm: String = "ESO DET ARM NAME"
    public var instrument: String = "INSTRUME"
    public var exposureTime: String = "EXPTIME"
    public var object: String = "OBJECT"
    public var mjd: String = "MJD-OBS"
    public init() {}
}

/// What ingest learned about a frame from its headers.
public struct FrameFacts: Sendable, Equatable {
    public var kind: FrameKind
    public var rule: String
    public var night: Night
    public var mjd: Double?
    public var obID: Int64?
    public var spectrograph: String?
    public var arm: String?
    public var instrument: String?
    public var exposureTime: Double?
    public var object: String?
    public var dprCatg: String?
    public var dprType: String?
    public var dprTech: String?

    public init(kind: FrameKind, rule: String, night: Night, header: HeaderFacts, keywords: FrameKeywords) {
        self.kind = kind
        self.rule = rule
        self.night = night
        mjd = header[keywords.mjd].flatMap(Double.init)
        obID = header[keywords.obID].flatMap { Int64($0) ?? Double($0).map { Int64($0) } }
        spectrograph = header[keywords.spectrograph]
        arm = header[keywords.arm]
        instrument = header[keywords.instrument]
        exposureTime = header[keywords.exposureTime].flatMap(Double.init)
        object = header[keywords.object]
        dprCatg = header["ESO DPR CATG"]
        dprType = header["ESO DPR TYPE"]
        dprTech = header["ESO DPR TECH"]
    }
}
