/// One redshift solution of 4XP-Z.
public struct RedshiftSolution: Sendable, Codable, Equatable {
    public var redshift: Double
    /// 1σ from the curvature of χ² in redshift; NaN when it could not be determined.
    public var error: Double
    public var spectralClass: SpectralClass
    public var subtype: String
    /// The template's name, e.g. `STAR-K`.
    public var template: String
    public var chiSquare: Double
    public var reducedChiSquare: Double
    /// Depth of the χ² valley: the lower of χ² one cross-correlation step either side, minus the minimum.
    public var valleyDepth: Double
    /// The cross-correlation peak's height in robust σ of the correlation function.
    public var correlationSignificance: Double
    /// Relative probability among the kept solutions (they sum to 1).
    public var confidence: Double
}

/// What 4XP-Z says of one spectrum: the best solution, four alternatives and the flag word.
public struct RedshiftResult: Sendable, Codable, Equatable {
    public var best: RedshiftSolution?
    public var alternatives: [RedshiftSolution]
    public var flags: RedshiftFlags
    /// χ² of the second solution minus the best's (∞ when there is none).
    public var deltaChiSquare: Double
    public var medianSNRPerPixel: Double
    public var badPixels: Int
    public var pixels: Int
}

/// An optional Gaussian redshift prior (a photometric redshift) for the extragalactic classes (seed 10.2.1.2).
public struct RedshiftPrior: Sendable, Equatable {
    public var mean: Double
    public var sigma: Double
    public init(mean: Double, sigma: Double) {
        precondition(sigma > 0, "a redshift prior needs a positive width")
        self.mean = mean
        self.sigma = sigma
    }

    /// −2 ln p(z) up to a constant, added to χ².
    func penalty(_ z: Double, _ spectralClass: SpectralClass) -> Double {
        spectralClass == .star ? 0 : ((z - mean) / sigma) * ((z - mean) / sigma)
    }
}
