/// What a QA test measures: a number of one arm's QA (seed 9.2.1, Figure 7), by its configuration name.
public enum QualityMetric: String, Sendable, Codable, CaseIterable {
    /// Median over the measured sky lines of |measured − fiducial| (Å): the wavelength scale.
    case skyLineOffset = "sky_line_offset"
    /// Robust σ over the sky fibres of their median sky-subtracted level, % of the sky.
    case residualSkyPercent = "residual_sky_percent"
    /// |Median over the sky fibres of their median sky-subtracted level|, % of the sky: the subtraction's centring
    /// (skystat's left panel "should be centred on zero").
    case skyResidualLevel = "sky_residual_level"
    /// The largest |median sky-subtracted level| of one sky fibre, % of the sky: a contaminated sky fibre.
    case worstSkyFibrePercent = "worst_sky_fibre_percent"
    /// rms, in σ, of the sky-subtracted sky fibres at sky-line bins.
    case skyLineResidualRMS = "sky_line_residual_rms"
    /// √(Σ covariance) of the sky-subtracted sky fibres.
    case noiseFactor = "noise_factor"
    /// Target fibres with less than half the sky's flux before subtraction.
    case lowFluxFibres = "low_flux_fibres"
    /// Unmasked pixels with a negative or non-finite variance.
    case negativeVariancePixels = "negative_variance_pixels"
    /// Sky fibres as a fraction of the allocated fibres (seed 9.1.14: at least 5%).
    case skyFibreFraction = "sky_fibre_fraction"
    /// The average (median) sky flux in the sky fibres before subtraction, in the arm's unit: at or below zero the
    /// background was over-subtracted, and every "% of the sky" figure is undefined.
    case averageSkyFlux = "average_sky_flux"
    /// A Phase 3 spectrum's (any stack level) bins flagged in QUAL, as a fraction.
    case stackMaskedFraction = "stack_masked_fraction"
    /// A Phase 3 spectrum's unflagged bins with a negative, zero or non-finite error.
    case stackBadErrorPixels = "stack_bad_error_pixels"
}

/// One test of the qa_analyse catalogue (seed 9.2.2): a metric with the REQUIRED value it must reach and the
/// IDEAL (goal) value it should; `atMost` when smaller is better.
public struct QualityTest: Sendable, Equatable, Codable {
    public enum Direction: String, Sendable, Codable { case atMost = "max", atLeast = "min" }

    public var id: Int64
    public var name: String
    public var metric: QualityMetric
    public var required: Double
    public var goal: Double
    public var direction: Direction

    public init(id: Int64, name: String, metric: QualityMetric, required: Double, goal: Double, direction: Direction) {
        self.id = id
        self.name = name
        self.metric = metric
        self.required = required
        self.goal = goal
        self.direction = direction
    }

    /// 0 failed, 1 passed the requirement, 2 passed the goal (seed Table 2's `state`).
    public func state(_ value: Double) -> Int {
        guard value.isFinite else { return 0 }
        switch direction {
        case .atMost: return value <= goal ? 2 : value <= required ? 1 : 0
        case .atLeast: return value >= goal ? 2 : value >= required ? 1 : 0
        }
    }

    /// The default catalogue. The seed leaves thresholds "TBD during commissioning"; these pass a clean simulated
    /// night at both scales and fail each fault the QA must catch (a 0.3 Å wavelength shift, a star in a sky
    /// fibre, an arm left without sky subtraction).
    public static let defaults: [QualityTest] = [
        QualityTest(id: 1001, name: "sky-line wavelength offset", metric: .skyLineOffset, required: 0.1, goal: 0.03, direction: .atMost),
        QualityTest(id: 1002, name: "residual sky level", metric: .residualSkyPercent, required: 10, goal: 2, direction: .atMost),
        QualityTest(id: 1003, name: "worst sky fibre", metric: .worstSkyFibrePercent, required: 10, goal: 3, direction: .atMost),
        QualityTest(id: 1004, name: "sky-line residuals", metric: .skyLineResidualRMS, required: 40, goal: 1.5, direction: .atMost),
        QualityTest(id: 1005, name: "noise factor", metric: .noiseFactor, required: 3.5, goal: 1.5, direction: .atMost),
        QualityTest(id: 1006, name: "fibres with extremely low flux", metric: .lowFluxFibres, required: 5, goal: 0, direction: .atMost),
        QualityTest(id: 1007, name: "pixels with negative variance", metric: .negativeVariancePixels, required: 0, goal: 0, direction: .atMost),
        QualityTest(id: 1008, name: "sky fibre fraction", metric: .skyFibreFraction, required: 0.05, goal: 0.08, direction: .atLeast),
        QualityTest(id: 1009, name: "sky residual level", metric: .skyResidualLevel, required: 5, goal: 1, direction: .atMost),
        QualityTest(id: 1010, name: "stack masked fraction", metric: .stackMaskedFraction, required: 0.3, goal: 0.1, direction: .atMost),
        QualityTest(id: 1011, name: "stack pixels with bad errors", metric: .stackBadErrorPixels, required: 0, goal: 0, direction: .atMost),
        QualityTest(id: 1012, name: "average sky flux", metric: .averageSkyFlux, required: 0, goal: 0, direction: .atLeast),
    ]
}
