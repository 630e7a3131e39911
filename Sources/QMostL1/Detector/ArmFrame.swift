import QMostCore

/// One arm of a raw frame as read from its image extension: the raw pixels in ADU, the detector layout its
/// header declares, and the exposure's facts the corrections need.
public struct ArmFrame: Sendable {
    public var arm: ArmName
    /// Raw pixels, ``DetectorGeometry/rawColumns`` × ``DetectorGeometry/rawRows``, row-major.
    public var raw: [Float]
    public var layout: DetectorGeometry
    /// Nominal conversion gain per output (e-/ADU, `ESO DET OUTi CONAD`).
    public var gains: [Double]
    /// Exposure time in seconds.
    public var exposureTime: Double
    /// Dark-current integration time in seconds (`ESO DET DARK TIME`, else the exposure time).
    public var darkTime: Double

    public init(arm: ArmName, raw: [Float], layout: DetectorGeometry, gains: [Double], exposureTime: Double, darkTime: Double) {
        precondition(raw.count == layout.rawColumns * layout.rawRows, "one value per raw pixel")
        self.arm = arm
        self.raw = raw
        self.layout = layout
        self.gains = gains
        self.exposureTime = exposureTime
        self.darkTime = darkTime
    }

    @inline(__always)
    public func raw(_ x: Int, _ y: Int) -> Float { raw[y * layout.rawColumns + x] }
}
