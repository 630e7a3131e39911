/// The VISTA telescope as 4MOST's fibres see it.
public struct Telescope: Sendable, Equatable {
    /// Collecting area in cm².
    public var collectingArea: Double
    /// Fibre diameter on the sky in arcsec.
    public var fibreDiameter: Double
    /// Fibre-average area on the sky in arcsec², the area sky brightness is integrated over.
    public var fibreArea: Double

    public init(collectingArea: Double, fibreDiameter: Double, fibreArea: Double) {
        self.collectingArea = collectingArea
        self.fibreDiameter = fibreDiameter
        self.fibreArea = fibreArea
    }

    /// π((4.1/2)² − (1.2/2)²) m² = 120715.7 cm²: 4.1 m primary less the 1.2 m central obstruction (py4most qmost_etc.py, datamodel §6.3).
    public static let vistaCollectingArea = Double.pi * ((4.1 / 2) * (4.1 / 2) - (1.2 / 2) * (1.2 / 2)) * 1e4

    /// VISTA with 1.45″ fibres (legacy 4FS ETC, datamodel §6.2) and the qmostetc fibre-average area 1.605 arcsec² (datamodel §6.1).
    public static let vista = Telescope(collectingArea: vistaCollectingArea, fibreDiameter: 1.45, fibreArea: 1.605)

    /// Plate scale of the wide-field corrector, 59.4 µm per arcsec (4most.eu subsystems page, datamodel §6.4).
    public static let plateScaleMicronsPerArcsec = 59.4
}
