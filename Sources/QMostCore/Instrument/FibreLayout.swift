/// How a spectrograph's fibres sit along its slit and where their spectra fall on each arm's detector.
///
/// Science fibres come in slitlets of consecutive positions with a gap between slitlets; calibration fibres
/// sit at both ends of the slit, beyond one more gap. Positions are rows (y) of the trimmed detector, the
/// slit running bottom (slit position 1) to top. Each trace bends smoothly along the dispersion axis
/// (see ``TraceDistortion``), more strongly towards the ends of the slit, as camera distortion does.
public struct FibreLayout: Sendable, Equatable {
    /// What a fibre carries.
    public enum Role: String, Sendable, Equatable {
        /// Science-capable (targets or sky).
        case science
        /// Calibration fibre (simultaneous arc/FP light, or spare).
        case calibration
    }

    /// One fibre's place on the slit.
    public struct Fibre: Sendable, Equatable {
        /// 1-based position along the slit, bottom to top, over all fibres.
        public var slitPosition: Int
        public var role: Role
        /// 1-based science fibre number in slit order (the FIB_ID range 1…812 at full scale); nil for calibration fibres.
        public var scienceNumber: Int?
        /// 1-based slitlet of a science fibre; nil for calibration fibres.
        public var slitlet: Int?
        /// 1-based position within the slitlet; nil for calibration fibres.
        public var positionInSlitlet: Int?
        /// Trace centre row at the detector's middle column before arm-specific distortion.
        public var nominalRow: Double
    }

    /// Smooth, per-arm bend of the traces: y(x) = y₀ + offset + t²·(smile + fan·u·|u|), with t ∈ [−1, 1] the column
    /// measured from the detector centre and u ∈ [−1, 1] the fibre's place along the slit. Because the bend grows
    /// monotonically with u, traces never cross. ASSUMPTION: amplitudes of a few pixels (no public 4MOST distortion map).
    public struct TraceDistortion: Sendable, Equatable {
        /// Shift of every trace in rows (arm-to-arm alignment).
        public var offset: Double
        /// Bend in rows at the detector's ends for a fibre at the slit centre.
        public var smile: Double
        /// Additional bend in rows at the detector's ends for the outermost fibres (sign follows the side of the slit).
        public var fan: Double

        public init(offset: Double, smile: Double, fan: Double) {
            self.offset = offset
            self.smile = smile
            self.fan = fan
        }

        /// Default per-arm distortions (ASSUMPTION): 1–2 px smile, 2.5–3.5 px extra at the slit ends.
        public static func `default`(_ arm: ArmName) -> TraceDistortion {
            switch arm {
            case .blue: TraceDistortion(offset: 0, smile: 1.0, fan: 2.5)
            case .green: TraceDistortion(offset: 1.5, smile: 1.5, fan: 3.0)
            case .red: TraceDistortion(offset: -1.0, smile: 2.0, fan: 3.5)
            }
        }
    }

    /// Every fibre in slit order.
    public let fibres: [Fibre]
    /// Science fibres per slitlet.
    public let fibresPerSlitlet: Int
    /// Number of slitlets.
    public let slitlets: Int
    /// Centre-to-centre spacing of neighbouring fibres within a slitlet, in rows.
    public let pitch: Double
    /// Extra spacing (rows) between slitlets and before the calibration fibres.
    public let slitletGap: Double
    /// FWHM of a fibre's spatial profile in rows.
    public let profileFWHM: Double
    /// Active columns of the detector the traces run across.
    public let columns: Int
    /// Active rows of the detector.
    public let rows: Int
    /// Trace distortion per arm, indexed like ``ArmName/allCases``.
    public let distortions: [TraceDistortion]

    /// Fibre core 85 µm, fed at f/3 and imaged by f/1.73 cameras (SPIE 9908 99087V, datamodel §6.4): the
    /// image is 85 × 1.73/3 ≈ 49 µm, ≈ 3.3 pixels of 15 µm.
    public static let fibreCoreMicrons = 85.0
    public static let fibreFocalRatio = 3.0
    public static let cameraFocalRatio = 1.73
    /// The fibre image FWHM in µm on the detector.
    public static var imageFWHMMicrons: Double { fibreCoreMicrons * cameraFocalRatio / fibreFocalRatio }

    /// 28 slitlets × 29 positions = 812 science fibres per spectrograph (AESOP table, datamodel §2).
    public static let fullSlitlets = 28
    public static let fullFibresPerSlitlet = 29
    /// 10 calibration fibres per spectrograph ("1624 for science and 20 for calibration" over the two LRS,
    /// datamodel §4); ASSUMPTION: 5 at each end of the slit, and the same for HRS.
    public static let fullCalibrationFibres = 10
    /// 7 px pitch with one extra pitch between slitlets. ASSUMPTION (not public), chosen so that 822 fibres fill
    /// ~97% of the 6160 rows with the profile (3.3 px FWHM) well separated.
    public static let fullPitch = 7.0

    /// Builds a layout centred on the detector's rows.
    /// - Parameters:
    ///   - calibrationFibres: total, split between the two ends (the extra one, if odd, at the top).
    public init(
        slitlets: Int, fibresPerSlitlet: Int, calibrationFibres: Int, pitch: Double, slitletGap: Double,
        profileFWHM: Double, columns: Int, rows: Int,
        distortions: [TraceDistortion] = ArmName.allCases.map(TraceDistortion.default)
    ) {
        precondition(distortions.count == ArmName.allCases.count, "one distortion per arm")
        precondition(slitlets >= 1 && fibresPerSlitlet >= 1 && calibrationFibres >= 0, "at least one science fibre")
        self.slitlets = slitlets
        self.fibresPerSlitlet = fibresPerSlitlet
        self.pitch = pitch
        self.slitletGap = slitletGap
        self.profileFWHM = profileFWHM
        self.columns = columns
        self.rows = rows
        self.distortions = distortions

        let lowerCalibration = calibrationFibres / 2
        let upperCalibration = calibrationFibres - lowerCalibration
        var offsets: [(Role, Int?, Int?, Int?, Double)] = []
        var y = 0.0
        func advance(gap: Bool) { if !offsets.isEmpty { y += pitch + (gap ? slitletGap : 0) } }
        for _ in 0..<lowerCalibration {
            advance(gap: false)
            offsets.append((.calibration, nil, nil, nil, y))
        }
        var science = 0
        for s in 1...slitlets {
            for p in 1...fibresPerSlitlet {
                advance(gap: p == 1)
                science += 1
                offsets.append((.science, science, s, p, y))
            }
        }
        for k in 0..<upperCalibration {
            advance(gap: k == 0)
            offsets.append((.calibration, nil, nil, nil, y))
        }
        let centreShift = 0.5 * Double(rows) - 0.5 * y
        self.fibres = offsets.enumerated().map { index, entry in
            Fibre(
                slitPosition: index + 1, role: entry.0, scienceNumber: entry.1, slitlet: entry.2,
                positionInSlitlet: entry.3, nominalRow: entry.4 + centreShift)
        }
    }

    /// The full-scale layout for the given detector: 28 × 29 science fibres, 10 calibration fibres, 7 px pitch,
    /// the fibre image FWHM converted to the detector's row pitch.
    public static func full(for geometry: DetectorGeometry = .full) -> FibreLayout {
        FibreLayout(
            slitlets: fullSlitlets, fibresPerSlitlet: fullFibresPerSlitlet, calibrationFibres: fullCalibrationFibres,
            pitch: fullPitch, slitletGap: fullPitch, profileFWHM: imageFWHMMicrons / geometry.pixelSizeY,
            columns: geometry.activeColumns, rows: geometry.activeRows)
    }

    /// A reduced layout for a small detector: a few slitlets of a few fibres (default 4 × 8 + 2 calibration = 34),
    /// spread evenly over ~85% of the rows with one empty pitch between slitlets. The profile keeps its physical
    /// width (rows keep their physical pitch in ``DetectorGeometry/scaled(toColumns:rows:)``); the traces bend as
    /// at full scale.
    public static func scaled(
        to geometry: DetectorGeometry, slitlets: Int = 4, fibresPerSlitlet: Int = 8, calibrationFibres: Int = 2
    ) -> FibreLayout {
        let fibres = slitlets * fibresPerSlitlet + calibrationFibres
        let gaps = max(slitlets - 1, 0) + (calibrationFibres > 0 ? 1 : 0) + (calibrationFibres > 1 ? 1 : 0)
        let pitch = 0.85 * Double(geometry.activeRows) / Double(max(fibres - 1 + gaps, 1))
        return FibreLayout(
            slitlets: slitlets, fibresPerSlitlet: fibresPerSlitlet, calibrationFibres: calibrationFibres,
            pitch: pitch, slitletGap: pitch, profileFWHM: imageFWHMMicrons / geometry.pixelSizeY,
            columns: geometry.activeColumns, rows: geometry.activeRows)
    }

    /// Science fibres only, in slit order.
    public var scienceFibres: [Fibre] { fibres.filter { $0.role == .science } }

    /// Calibration fibres only, in slit order.
    public var calibrationFibres: [Fibre] { fibres.filter { $0.role == .calibration } }

    /// The distortion of `arm`.
    public func distortion(_ arm: ArmName) -> TraceDistortion {
        distortions[ArmName.allCases.firstIndex(of: arm)!]
    }

    /// The fibre at 1-based `slitPosition`.
    public func fibre(atSlitPosition slitPosition: Int) -> Fibre { fibres[slitPosition - 1] }

    /// Trace centre row y(x) of the fibre at 1-based `slitPosition` on `arm` at column `x` (fractional, trimmed
    /// coordinates, pixel centres at integers).
    public func traceCentre(slitPosition: Int, arm: ArmName, column x: Double) -> Double {
        let fibre = fibres[slitPosition - 1]
        let d = distortion(arm)
        let halfColumns = 0.5 * Double(columns - 1)
        let t = (x - halfColumns) / halfColumns
        let first = fibres[0].nominalRow, last = fibres[fibres.count - 1].nominalRow
        let halfSpan = max(0.5 * (last - first), 1)
        let u = (fibre.nominalRow - 0.5 * (first + last)) / halfSpan
        return fibre.nominalRow + d.offset + t * t * (d.smile + d.fan * u * abs(u))
    }

    /// The Gaussian σ of the spatial profile in rows (FWHM / 2√(2 ln 2)).
    public var profileSigma: Double { profileFWHM / 2.354_820_045 }
}
