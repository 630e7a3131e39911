import Foundation
import QMostCore

/// The telluric (molecular O₂/H₂O band) correction of one arm of one exposure (seed 9.1.15: "Correcting for telluric
/// absorption can be done in a number of ways using variants of the methods in the ESO tool 'molecfit'").
///
/// The transmission comes from the atmosphere model the instrument model carries (``TelluricModel``, the O₂ A/B and
/// H₂O bands, or the measured transmission when the model holds one), evaluated at each bin at the exposure's
/// airmass: the molecfit-like "model as is" option of the seed. ``FluxCalibration/refinedTelluric(_:standards:exposureTime:airmass:model:minimumBins:)``
/// instead scales each band's depth to fit the exposure's standard stars (the seed's second option, reduced to one
/// scale per band); ``method`` records which one made the curve.
public struct TelluricCorrection: Sendable, Equatable {
    /// How the transmission was obtained.
    public enum Method: String, Sendable, Equatable {
        /// The atmosphere model at the exposure's airmass, as is (seed 9.1.15, first option).
        case model = "MODEL"
        /// The model's band depths scaled by fits to the exposure's standard stars (seed 9.1.15, second option);
        /// see ``FluxCalibration/refinedTelluric(_:standards:exposureTime:airmass:model:minimumBins:)``.
        case refinedByStandards = "MODEL_REFINED_STANDARDS"
    }

    /// Mask bit set by ``apply(to:)`` where the transmission is below ``deepThreshold``: the correction there
    /// amplifies the noise and the model's band shape dominates the error.
    public static let deepBand: UInt8 = 64
    /// Transmission below which a bin is flagged ``deepBand`` (the O₂ A band core at LRS resolution).
    public static let deepThreshold = 0.3
    /// Transmission below which a bin counts as inside a band for ``inBand`` (masked from continuum fits).
    public static let bandThreshold = 0.98

    public var grid: SpectralGrid
    public var airmass: Double
    public var method: Method
    /// Telluric transmission per bin (1 outside the bands).
    public var transmission: [Double]
    /// The depth scale fitted per band name (``Method/refinedByStandards`` only; empty for the model as is).
    public var bandScales: [String: Double] = [:]

    /// The correction for `grid` at `airmass` from `model`.
    public static func fromModel(grid: SpectralGrid, airmass: Double, model: TelluricModel = .default) -> TelluricCorrection {
        let t = (0..<grid.count).map { model.transmission(at: grid.wavelength(ofBin: $0), airmass: airmass) }
        return TelluricCorrection(grid: grid, airmass: airmass, method: .model, transmission: t)
    }

    /// Bins affected by a telluric band (transmission below ``bandThreshold``).
    public var inBand: [Bool] { transmission.map { $0 < Self.bandThreshold } }

    /// The spectra divided by the transmission (flux by T, variance by T²); bins with T < ``deepThreshold`` are
    /// also flagged ``deepBand``.
    public func apply(to spectra: RebinnedSpectra) -> RebinnedSpectra {
        precondition(spectra.grid == grid, "the correction is for the spectra's grid")
        var out = spectra
        let nb = grid.count
        for f in spectra.slitPositions.indices {
            for i in 0..<nb {
                let k = f * nb + i, t = transmission[i]
                out.flux[k] = Float(Double(spectra.flux[k]) / t)
                out.variance[k] = Float(Double(spectra.variance[k]) / (t * t))
                if t < Self.deepThreshold { out.mask[k] |= Self.deepBand }
            }
        }
        return out
    }
}
