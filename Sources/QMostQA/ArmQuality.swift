import QMostCore

/// One isolated sky line measured in every allocated fibre (seed 9.2.1, Figure 7's skyline block).
public struct SkyLineQuality: Sendable, Equatable, Codable {
    /// The line's name and fiducial air wavelength (Å), e.g. `[OI]` 5577.338.
    public var name: String
    public var wavelength: Double
    /// Mean and rms over fibres of measured − fiducial (Å).
    public var offset: Double
    public var offsetRMS: Double
    /// Mean and rms over fibres of the fitted FWHM (Å).
    public var fwhm: Double
    public var fwhmRMS: Double
    /// Fibres measured.
    public var fibres: Int
    /// Per fibre measured: slit position and measured centre (Å), for the skyline plot.
    public var measured: [FibreLine]

    public struct FibreLine: Sendable, Equatable, Codable {
        public var slitPosition: Int
        public var centre: Double
        public var fwhm: Double
    }
}

/// One fibre's row of the QA table (Figure 7's per-fibre columns).
public struct FibreQuality: Sendable, Equatable, Codable {
    public var slitPosition: Int
    public var fibreID: Int
    /// FIB_USE.
    public var use: Int
    public var isStandard: Bool
    /// FIBINFO magnitude, and the magnitude synthesised from the spectrum in the arm's SDSS band (nil without one).
    public var catalogueMagnitude: Double?
    public var syntheticMagnitude: Double?
    /// <flux>: the mean of the good bins between the 10th and 90th percentiles.
    public var flux: Double
    /// <sigma>: pixel-to-pixel noise from the spectrum itself (robust σ of first differences / √2).
    public var sigma: Double
    /// sqrt<var>: the pipeline's noise, the square root of the median variance.
    public var pipelineNoise: Double
    /// s:n = <flux> / sqrt<var>.
    public var snr: Double
    /// Good bins used.
    public var used: Int
    /// Sky fibres: the median of the sky-subtracted flux as % of the average sky, and the median sky flux itself.
    public var skyResidualPercent: Double?
    public var skyFlux: Double?
    public var ra: Double
    public var dec: Double
}

/// The QA of one arm of one exposure: every number of the seed's Figure 7, with what the six diagnostic plots of
/// its Table 1 draw.
public struct ArmQuality: Sendable, Equatable, Codable {
    public var spectrograph: String
    public var arm: String
    public var unit: String
    /// Sky covariance: the mean normalised autocorrelation of the sky-subtracted sky fibres at lags −4…4.
    public var covariance: [Double]
    /// Noise factor: √(Σ covariance), how much more noise a sum over bins has than the variance says.
    public var noiseFactor: Double
    /// log10 of the two-sample KS probabilities, sky against target fibres, of <sigma>, sqrt<var> and their ratio.
    public var ksLog10: [Double]
    /// Average (median) sky flux in the sky fibres before subtraction, and their number.
    public var averageSkyFlux: Double
    public var skyFibres: Int
    /// Residual median sky: the robust σ over sky fibres of their median sky-subtracted flux, and as % of the sky.
    public var residualSkySigma: Double
    public var residualSkyPercent: Double
    /// Target fibres with less flux before subtraction than half the sky's: a fibre that saw nothing.
    public var lowFluxFibres: Int
    /// rms and kurtosis (4th moment / 3σ⁴: 1 for Gaussian noise) of the sky-subtracted sky fibres' residuals in σ
    /// at the bins of sky emission lines.
    public var skyLineResidualRMS: Double
    public var skyLineResidualKurtosis: Double
    public var skyLines: [SkyLineQuality]
    /// Unmasked pixels with a negative or non-finite variance, and with zero variance (infinite IVAR).
    public var negativeVariancePixels: Int
    public var zeroVariancePixels: Int
    /// Good pixels of FLUX_NOSS below zero, out of all good pixels.
    public var negativeUnsubtractedPixels: Int
    public var pixels: Int
    public var fibres: [FibreQuality]
    /// For the plots: wavelength (Å) of each smoothed bin of the sky-subtracted sky fibres, and per sky fibre the
    /// residual there as % of the median sky (delskys); the residuals in σ at sky-line bins (skystat, right).
    public var smoothedWavelength: [Double]
    public var smoothedSkyResiduals: [[Double]]
    public var skyLineResiduals: [Double]
}
