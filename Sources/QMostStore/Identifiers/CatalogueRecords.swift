import QMostCore

/// A target as the repository holds it.
public struct StoredTarget: Sendable, Equatable {
    public var targID: Int64
    public var name: String
    public var resolution: ResolutionMode
    public var astrometry: Astrometry
    public var mag: Double?
    public var magType: String?
    /// Position at epoch 2016.0, the one linking and cone searches use.
    public var reference: SkyPosition
    public var cname: String
    public var objectID: Int64

    public init(
        targID: Int64, name: String, resolution: ResolutionMode, astrometry: Astrometry, mag: Double?,
        magType: String?, reference: SkyPosition, cname: String, objectID: Int64
    ) {
        self.targID = targID
        self.name = name
        self.resolution = resolution
        self.astrometry = astrometry
        self.mag = mag
        self.magType = magType
        self.reference = reference
        self.cname = cname
        self.objectID = objectID
    }
}

/// A new object of the shared-target procedure.
public struct NewObject: Sendable, Equatable {
    public var objectID: Int64
    public var resolution: ResolutionMode
    /// The founding target's position at 2016.0.
    public var reference: SkyPosition
    /// The founding target's CNAME.
    public var cname: String
    public var iauName: String
    public var founderTargID: Int64

    public init(objectID: Int64, resolution: ResolutionMode, reference: SkyPosition, cname: String, iauName: String,
                founderTargID: Int64) {
        self.objectID = objectID
        self.resolution = resolution
        self.reference = reference
        self.cname = cname
        self.iauName = iauName
        self.founderTargID = founderTargID
    }
}

/// Two objects joined by a new target.
public struct ObjectMerge: Sendable, Equatable {
    public var absorbed: Int64
    public var survivor: Int64
    public var bridgingTargID: Int64

    public init(absorbed: Int64, survivor: Int64, bridgingTargID: Int64) {
        self.absorbed = absorbed
        self.survivor = survivor
        self.bridgingTargID = bridgingTargID
    }
}

/// A catalogue row that was not loaded, and why.
public struct CatalogueReject: Sendable, Equatable, Codable {
    /// 1-based row number in the FITS table.
    public var row: Int
    public var name: String?
    public var reason: String

    public init(row: Int, name: String?, reason: String) {
        self.row = row
        self.name = name
        self.reason = reason
    }
}

/// What the repository knows before a catalogue of `survey` is linked.
public struct CatalogueSnapshot: Sendable {
    /// Changes with every committed catalogue; a commit prepared against an older snapshot is refused.
    public var generation: Int64
    public var surveyID: Int64?
    /// The survey's targets by NAME.
    public var surveyTargets: [String: StoredTarget]
    /// The catalogue id if this very file (same SHA-256) was already ingested for this survey.
    public var alreadyIngested: Int64?
    public var nextTargetSerial: Int64
    public var nextObjectSerial: [ResolutionMode: Int64]
}

/// Everything one catalogue ingest writes, prepared outside the write transaction.
public struct CatalogueCommit: Sendable {
    public var survey: String
    public var generation: Int64
    public var sha256: String
    public var originalName: String
    public var repoPath: String
    public var hdu: Int
    /// The column mapping used, as JSON, for provenance.
    public var columnsJSON: String
    public var linkRadiusArcseconds: Double
    public var rows: Int
    public var rejects: [CatalogueReject]
    public var newTargets: [StoredTarget]
    public var updatedTargets: [StoredTarget]
    public var unchangedTargets: Int
    public var newObjects: [NewObject]
    public var merges: [ObjectMerge]

    public init(
        survey: String, generation: Int64, sha256: String, originalName: String, repoPath: String, hdu: Int,
        columnsJSON: String, linkRadiusArcseconds: Double, rows: Int, rejects: [CatalogueReject],
        newTargets: [StoredTarget], updatedTargets: [StoredTarget], unchangedTargets: Int, newObjects: [NewObject],
        merges: [ObjectMerge]
    ) {
        self.survey = survey
        self.generation = generation
        self.sha256 = sha256
        self.originalName = originalName
        self.repoPath = repoPath
        self.hdu = hdu
        self.columnsJSON = columnsJSON
        self.linkRadiusArcseconds = linkRadiusArcseconds
        self.rows = rows
        self.rejects = rejects
        self.newTargets = newTargets
        self.updatedTargets = updatedTargets
        self.unchangedTargets = unchangedTargets
        self.newObjects = newObjects
        self.merges = merges
    }
}

/// One ingested catalogue, as `targets list` shows it.
public struct CatalogueSummary: Sendable, Codable, Equatable {
    public var id: Int64
    public var survey: String
    public var originalName: String
    public var repoPath: String
    public var sha256: String
    public var rows: Int
    public var newTargets: Int
    public var updatedTargets: Int
    public var unchangedTargets: Int
    public var rejectedRows: Int
    public var newObjects: Int
    public var merges: Int
    public var linkRadiusArcseconds: Double
    public var ingestedAt: Double
}
