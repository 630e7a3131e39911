import QMostCore

/// The spectra extracted from one arm of one exposure: one value per traced fibre per detector column
/// (the dispersion runs along the columns), in electrons, with their variance and quality bits.
public struct ExtractedSpectra: Sendable, Equatable {
    /// A column's value is unusable: no unmasked pixel of the fibre's core contributed.
    public static let noData: UInt8 = 1
    /// A masked (bad or cosmic-ray) pixel was left out of this value.
    public static let maskedPixel: UInt8 = 2
    /// The fibre saturated here.
    public static let saturated: UInt8 = 4

    public var arm: ArmName
    /// The 1-based slit positions of the extracted fibres, in slit order.
    public var slitPositions: [Int]
    /// Detector columns per spectrum.
    public var columns: Int
    /// Electrons, fibre-major: `flux[f * columns + x]`.
    public var flux: [Float]
    public var variance: [Float]
    public var mask: [UInt8]

    public init(arm: ArmName, slitPositions: [Int], columns: Int, flux: [Float], variance: [Float], mask: [UInt8]) {
        precondition(flux.count == slitPositions.count * columns && variance.count == flux.count && mask.count == flux.count,
                     "one value per fibre per column")
        self.arm = arm
        self.slitPositions = slitPositions
        self.columns = columns
        self.flux = flux
        self.variance = variance
        self.mask = mask
    }

    /// Fibre `f`'s values (f indexes ``slitPositions``).
    public func flux(fibre f: Int) -> ArraySlice<Float> { flux[(f * columns)..<((f + 1) * columns)] }
    public func variance(fibre f: Int) -> ArraySlice<Float> { variance[(f * columns)..<((f + 1) * columns)] }
    public func mask(fibre f: Int) -> ArraySlice<UInt8> { mask[(f * columns)..<((f + 1) * columns)] }
}
