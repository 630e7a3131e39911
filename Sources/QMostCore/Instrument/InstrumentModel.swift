/// The whole instrument as the simulator and the exposure-time calculator see it: telescope, the three
/// spectrograph types' arms, detector and fibre layout, sky, atmosphere and calibration sources.
public struct InstrumentModel: Sendable, Equatable {
    /// Airmass the arm throughputs refer to: py4most's "mid" class, 1.2 (datamodel §6.3).
    public static let referenceAirmass = 1.2

    public var telescope: Telescope
    public var detector: DetectorGeometry
    /// LRS arms (shared by LRS-A and LRS-B), in ``ArmName/allCases`` order.
    public var lowResolutionArms: [ArmModel]
    /// HRS arms, in ``ArmName/allCases`` order.
    public var highResolutionArms: [ArmModel]
    /// Fibre layout (the same for every spectrograph).
    public var fibreLayout: FibreLayout
    public var sky: SkyModel
    public var telluric: TelluricModel
    public var arcLamp: ArcLamp
    public var lowResolutionEtalon: FabryPerot
    public var highResolutionEtalon: FabryPerot

    public init(
        telescope: Telescope = .vista, detector: DetectorGeometry = .full,
        lowResolutionArms: [ArmModel] = ArmName.allCases.map(ArmModel.lowResolution),
        highResolutionArms: [ArmModel] = ArmName.allCases.map(ArmModel.highResolution),
        fibreLayout: FibreLayout = .full(), sky: SkyModel = .default, telluric: TelluricModel = .default,
        arcLamp: ArcLamp = .thoriumArgon, lowResolutionEtalon: FabryPerot = .lowResolution,
        highResolutionEtalon: FabryPerot = .highResolution
    ) {
        precondition(lowResolutionArms.map(\.arm) == ArmName.allCases && highResolutionArms.map(\.arm) == ArmName.allCases)
        self.telescope = telescope
        self.detector = detector
        self.lowResolutionArms = lowResolutionArms
        self.highResolutionArms = highResolutionArms
        self.fibreLayout = fibreLayout
        self.sky = sky
        self.telluric = telluric
        self.arcLamp = arcLamp
        self.lowResolutionEtalon = lowResolutionEtalon
        self.highResolutionEtalon = highResolutionEtalon
    }

    /// The model built from public numbers only, at full scale.
    public static let `default` = InstrumentModel()

    /// Measured curves that replace the analytic defaults, as a loader reads them from the ETC data files
    /// (efficiency_4most.fits, sky_model_*.fits, sky_transmission.fits, LR_resolution_*.fits). Any entry may be missing.
    public struct MeasuredCurves: Sendable, Equatable {
        /// LRS total efficiency per arm at the reference airmass (e-/photon).
        public var efficiency: [ArmName: TabulatedCurve]
        /// LRS resolving power per arm.
        public var resolution: [ArmName: TabulatedCurve]
        /// Sky surface brightness per moon condition in erg/s/cm²/Å/arcsec² at LRS resolution (the loader converts
        /// the files' e-/s/pixel with the efficiency, telescope area, fibre area and dispersion).
        public var sky: [MoonCondition: TabulatedCurve]
        /// Telluric transmission at ``telluricAirmass``.
        public var telluric: TabulatedCurve?
        public var telluricAirmass: Double

        public init(
            efficiency: [ArmName: TabulatedCurve] = [:], resolution: [ArmName: TabulatedCurve] = [:],
            sky: [MoonCondition: TabulatedCurve] = [:], telluric: TabulatedCurve? = nil, telluricAirmass: Double = 1.2
        ) {
            self.efficiency = efficiency
            self.resolution = resolution
            self.sky = sky
            self.telluric = telluric
            self.telluricAirmass = telluricAirmass
        }
    }

    /// The default model with the supplied measured curves in place of the analytic ones.
    public init(measured: MeasuredCurves, detector: DetectorGeometry = .full) {
        var arms = ArmName.allCases.map(ArmModel.lowResolution)
        for i in arms.indices {
            if let e = measured.efficiency[arms[i].arm] { arms[i].throughput = e }
            if let r = measured.resolution[arms[i].arm] { arms[i].resolvingPower = r }
        }
        self.init(
            detector: .full, lowResolutionArms: arms,
            sky: SkyModel(measured: measured.sky),
            telluric: TelluricModel(measured: measured.telluric, measuredAirmass: measured.telluricAirmass))
        if detector != .full { self = scaled(to: detector) }
    }

    /// The arm model of `spectrograph`'s `arm`.
    public func arm(_ spectrograph: SpectrographName, _ arm: ArmName) -> ArmModel {
        arms(spectrograph.resolutionMode)[ArmName.allCases.firstIndex(of: arm)!]
    }

    /// The three arms of a resolution mode.
    public func arms(_ mode: ResolutionMode) -> [ArmModel] { mode == .low ? lowResolutionArms : highResolutionArms }

    /// The Fabry–Pérot etalon of a resolution mode.
    public func etalon(_ mode: ResolutionMode) -> FabryPerot { mode == .low ? lowResolutionEtalon : highResolutionEtalon }

    /// The same instrument on a smaller detector (see ``DetectorGeometry/scaled(toColumns:rows:)``): arms keep their
    /// wavelength coverage over fewer spectral pixels and the fibre layout becomes the reduced one.
    public func scaled(to geometry: DetectorGeometry, slitlets: Int = 4, fibresPerSlitlet: Int = 8, calibrationFibres: Int = 2) -> InstrumentModel {
        var copy = self
        copy.detector = geometry
        copy.lowResolutionArms = lowResolutionArms.map { $0.scaled(toSpectralPixels: geometry.activeColumns) }
        copy.highResolutionArms = highResolutionArms.map { $0.scaled(toSpectralPixels: geometry.activeColumns) }
        copy.fibreLayout = geometry == .full
            ? .full(for: geometry)
            : .scaled(to: geometry, slitlets: slitlets, fibresPerSlitlet: fibresPerSlitlet, calibrationFibres: calibrationFibres)
        return copy
    }

    /// The model at the small simulation scale (1024 × 1024, 34 fibres).
    public static let small = InstrumentModel.default.scaled(to: .small)
}
