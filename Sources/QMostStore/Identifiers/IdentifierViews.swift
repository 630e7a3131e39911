import QMostCore

/// A target with its provenance, as `qmostd ids` and `qmostd cone` report it.
public struct TargetView: Sendable, Codable, Equatable {
    public var targID: Int64
    public var survey: String
    public var name: String
    public var resolution: String
    public var ra: Double
    public var dec: Double
    public var pmra: Double
    public var pmdec: Double
    public var epoch: Double
    public var parallax: Double
    public var mag: Double?
    public var magType: String?
    public var ra2016: Double
    public var dec2016: Double
    public var cname: String
    public var uObjID: Int64
    /// The object the target was first linked to, if a merge has since moved it.
    public var firstUObjID: Int64
    public var catalogueID: Int64
    public var catalogueFile: String
    public var ingestedAt: Double
    public var updatedByCatalogueID: Int64?
    /// Arcseconds from a cone's centre; nil outside cone searches.
    public var separationArcsec: Double?
}

/// An object of the shared-target procedure.
public struct ObjectView: Sendable, Codable, Equatable {
    public var uObjID: Int64
    public var resolution: String
    /// The founding target's position at 2016.0.
    public var ra: Double
    public var dec: Double
    public var cname: String
    public var iauName: String
    public var founderTargID: Int64
    public var catalogueID: Int64
    public var createdAt: Double
    /// Set when the object was merged: the object it now resolves to.
    public var mergedInto: Int64?
    public var targets: [Int64]
    public var separationArcsec: Double?
}

/// A recorded merge of two objects.
public struct MergeView: Sendable, Codable, Equatable {
    public var absorbed: Int64
    public var survivor: Int64
    public var bridgingTargID: Int64
    public var catalogueID: Int64
    public var at: Double
}

/// A spectrum and its provenance.
public struct SpectrumView: Sendable, Codable, Equatable {
    public var specuid: Int64
    public var specuidP: String
    public var night: String
    public var obID: Int64
    public var spectrograph: String
    public var arm: String
    public var stack: String
    public var pipelineVersion: String
    /// The raw exposure, relative to the installation root, for single-exposure spectra.
    public var exposure: String?
    public var fibre: Int?
    public var targID: Int64?
    public var uObjID: Int64?
    public var product: String?
    public var inputs: [Int64]
}

/// One fibre of one raw exposure's FIBINFO table.
public struct FibreView: Sendable, Codable, Equatable {
    public var exposure: String
    public var night: String?
    public var fibre: Int
    public var targID: Int64?
    public var uObjID: Int64?
    public var cname: String?
}

/// Everything one identifier resolves to.
public struct IdentifierReport: Sendable, Codable, Equatable {
    public var query: String
    /// What the query was read as: TARG_ID, U_OBJ_ID, SPECUID, CNAME or IAU_NAME.
    public var matchedAs: String
    public var objects: [ObjectView]
    public var targets: [TargetView]
    public var spectra: [SpectrumView]
    public var fibres: [FibreView]
    public var merges: [MergeView]

    /// True when the identifier names nothing in this installation.
    public var isEmpty: Bool { objects.isEmpty && targets.isEmpty && spectra.isEmpty }
}

/// What lies in a cone.
public struct ConeReport: Sendable, Codable, Equatable {
    public var ra: Double
    public var dec: Double
    public var radiusArcsec: Double
    public var objects: [ObjectView]
    public var targets: [TargetView]
    public var spectra: [SpectrumView]
}
