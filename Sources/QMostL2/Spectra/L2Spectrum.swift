import Foundation
import QMostCore
import QMostL1

/// One spectrum as the L2 modules see it: vacuum wavelengths (Å, increasing), flux density and inverse variance,
/// with masked or invalid pixels at inverse variance 0.
/// The frame of a spectrum's wavelengths (`SPECSYS`).
public enum VelocityFrame: Sendable, Equatable {
    /// Heliocentric (or barycentric, which differs by far less than 4MOST measures).
    case heliocentric
    /// Topocentric, with the velocity (km/s) to add to make it heliocentric when the date and position are known.
    case topocentric(correction: Double?)
}

public struct L2Spectrum: Sendable {
    /// Where it came from: the file, and the row of a night container.
    public var file: String
    public var row: Int?
    /// The 4MOST identifiers when the file carries them (empty and 0 otherwise).
    public var cname: String
    public var spectrumUID: Int64
    public var resolution: ResolutionMode
    public var wavelength: [Double]
    public var flux: [Double]
    public var inverseVariance: [Double]
    /// The frame the wavelengths are in, which radial velocities are measured in before any correction.
    public var frame: VelocityFrame
    /// The spectrum's position (degrees, ICRS) when the file gives it.
    public var ra: Double?
    public var dec: Double?

    public init(file: String, row: Int? = nil, cname: String = "", spectrumUID: Int64 = 0, resolution: ResolutionMode,
                wavelength: [Double], flux: [Double], inverseVariance: [Double], frame: VelocityFrame = .heliocentric) {
        precondition(wavelength.count == flux.count && flux.count == inverseVariance.count, "arrays of one spectrum differ in length")
        self.file = file
        self.row = row
        self.cname = cname
        self.spectrumUID = spectrumUID
        self.resolution = resolution
        self.wavelength = wavelength
        self.flux = flux
        self.inverseVariance = inverseVariance
        self.frame = frame
    }

    /// `file` or `file[row]`, for messages and JSON.
    public var label: String { row.map { "\(file)[\($0)]" } ?? file }

    public var count: Int { flux.count }

    /// Median over the usable pixels of flux·√ivar; 0 when none is usable.
    public var medianSNRPerPixel: Double {
        var values: [Double] = []
        values.reserveCapacity(count)
        for i in 0..<count where inverseVariance[i] > 0 { values.append(flux[i] * inverseVariance[i].squareRoot()) }
        return values.isEmpty ? 0 : RobustStatistics.medianInPlace(&values)
    }

    /// The mean pixel width (Å).
    public var pixelWidth: Double { count > 1 ? (wavelength[count - 1] - wavelength[0]) / Double(count - 1) : 0 }

    /// A S/N per pixel as S/N per Å: times √(pixels per Å).
    public func perAngstrom(_ snrPerPixel: Double) -> Double { pixelWidth > 0 ? snrPerPixel / pixelWidth.squareRoot() : 0 }

    /// Median S/N per Å.
    public var medianSNRPerAngstrom: Double { perAngstrom(medianSNRPerPixel) }
}
