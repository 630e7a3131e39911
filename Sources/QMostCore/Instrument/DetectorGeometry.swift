/// The pixel layout of one arm's detector, active area plus the prescan and overscan columns of its outputs.
///
/// Axes: x (FITS NAXIS1, columns) runs along the dispersion, blue to red; y (NAXIS2, rows) along the slit.
/// LAYOUT (an ASSUMPTION; 4MOST's raw layout is not public, datamodel §8): the active columns are split equally
/// between the amplifiers, side by side along x. Each amplifier's block in a raw row is
/// `[prescan | active | overscan]` for amplifier 1 (read towards the left edge) and mirrored,
/// `[overscan | active | prescan]`, for amplifier 2 (read towards the right edge), so the prescans sit at the
/// outer edges like ESO's `DET OUTi PRSCX/OVSCX` keywords describe. There are no overscan rows.
public struct DetectorGeometry: Sendable, Equatable {
    /// Active columns (dispersion axis).
    public var activeColumns: Int
    /// Active rows (spatial axis).
    public var activeRows: Int
    /// Pixel pitch along x in µm (15 µm physically; larger in a scaled geometry that bins the same area).
    public var pixelSizeX: Double
    /// Pixel pitch along y in µm.
    public var pixelSizeY: Double
    /// Number of readout amplifiers (1 or 2).
    public var amplifierCount: Int
    /// Prescan columns per amplifier.
    public var prescanColumns: Int
    /// Overscan columns per amplifier.
    public var overscanColumns: Int

    public init(
        activeColumns: Int, activeRows: Int, pixelSizeX: Double, pixelSizeY: Double,
        amplifierCount: Int, prescanColumns: Int, overscanColumns: Int
    ) {
        precondition(amplifierCount == 1 || amplifierCount == 2, "one or two amplifiers")
        precondition(activeColumns % amplifierCount == 0, "amplifiers share the columns equally")
        self.activeColumns = activeColumns
        self.activeRows = activeRows
        self.pixelSizeX = pixelSizeX
        self.pixelSizeY = pixelSizeY
        self.amplifierCount = amplifierCount
        self.prescanColumns = prescanColumns
        self.overscanColumns = overscanColumns
    }

    /// 6144 × 6160 active 15 µm pixels of the 6k e2v CCDs (datamodel §4, brief); 2 amplifiers with 50 prescan
    /// and 50 overscan columns each (ASSUMPTION, see the type's documentation).
    public static let full = DetectorGeometry(
        activeColumns: 6144, activeRows: 6160, pixelSizeX: 15, pixelSizeY: 15,
        amplifierCount: 2, prescanColumns: 50, overscanColumns: 50)

    /// The small simulation geometry: 1024 × 1024 active pixels.
    public static let small = DetectorGeometry.full.scaled(toColumns: 1024, rows: 1024)

    /// A smaller detector that keeps the physics consistent: the same wavelength coverage is spread over
    /// `columns` (each pixel `activeColumns/columns` times wider, like on-chip binning along the dispersion), while
    /// rows keep their physical 15 µm pitch, so a fibre's image has the same size in pixels and the window shows
    /// a shorter slit (see ``FibreLayout/scaled(to:slitlets:fibresPerSlitlet:calibrationFibres:)``).
    /// Pre/overscan shrink in proportion but keep at least 16 columns so their statistics stay usable.
    public func scaled(toColumns columns: Int, rows: Int) -> DetectorGeometry {
        let factor = Double(activeColumns) / Double(columns)
        let scan = { (n: Int) in max(16, Int((Double(n) / factor).rounded())) }
        return DetectorGeometry(
            activeColumns: columns, activeRows: rows, pixelSizeX: pixelSizeX * factor, pixelSizeY: pixelSizeY,
            amplifierCount: amplifierCount, prescanColumns: scan(prescanColumns), overscanColumns: scan(overscanColumns))
    }

    /// Columns per amplifier in the active area.
    public var activeColumnsPerAmplifier: Int { activeColumns / amplifierCount }

    /// Width of a raw frame: active plus every amplifier's prescan and overscan.
    public var rawColumns: Int { activeColumns + amplifierCount * (prescanColumns + overscanColumns) }

    /// Height of a raw frame (no overscan rows).
    public var rawRows: Int { activeRows }

    /// Where one amplifier's pixels lie in a raw row (0-based column ranges).
    public struct AmplifierRegion: Sendable, Equatable {
        /// 1-based output number, as in `ESO DET OUTi`.
        public var output: Int
        /// Raw columns of the prescan.
        public var prescan: Range<Int>
        /// Raw columns of the active pixels.
        public var active: Range<Int>
        /// Raw columns of the overscan.
        public var overscan: Range<Int>
        /// The same active pixels as columns of the trimmed (active-only) image.
        public var trimmed: Range<Int>
        /// Whether the output reads towards increasing raw column (false: towards column 0).
        public var readsTowardsHigherColumns: Bool
    }

    /// The amplifier regions, left to right.
    public var amplifiers: [AmplifierRegion] {
        let width = activeColumnsPerAmplifier
        let first = AmplifierRegion(
            output: 1, prescan: 0..<prescanColumns, active: prescanColumns..<(prescanColumns + width),
            overscan: (prescanColumns + width)..<(prescanColumns + width + overscanColumns), trimmed: 0..<width,
            readsTowardsHigherColumns: false)
        guard amplifierCount == 2 else { return [first] }
        let start = first.overscan.upperBound
        let second = AmplifierRegion(
            output: 2, prescan: (start + overscanColumns + width)..<(start + overscanColumns + width + prescanColumns),
            active: (start + overscanColumns)..<(start + overscanColumns + width), overscan: start..<(start + overscanColumns),
            trimmed: width..<(2 * width), readsTowardsHigherColumns: true)
        return [first, second]
    }

    /// The amplifier (0-based index into ``amplifiers``) reading trimmed column `column`.
    public func amplifierIndex(forActiveColumn column: Int) -> Int {
        min(max(column / activeColumnsPerAmplifier, 0), amplifierCount - 1)
    }

    /// Raw column of trimmed active column `column`.
    public func rawColumn(forActiveColumn column: Int) -> Int {
        let region = amplifiers[amplifierIndex(forActiveColumn: column)]
        return region.active.lowerBound + (column - region.trimmed.lowerBound)
    }
}
