import Foundation

/// The text QA table of one arm, laid out like the seed's Figure 7: a title line, the per-fibre rows, then the
/// summary lines and the sky-line block.
public enum QualityTableText {
    public static func render(_ q: ArmQuality, category: String = "SCIENCE") -> String {
        func f(_ v: Double, _ width: Int = 7, _ digits: Int = 3) -> String {
            v.isFinite ? String(format: "%\(width).\(digits)f", v) : String(repeating: " ", count: max(0, width - 3)) + "nan"
        }
        func opt(_ v: Double?, _ width: Int = 7, _ digits: Int = 3) -> String { v.map { f($0, width, digits) } ?? String(repeating: " ", count: width - 1) + "-" }
        // Fluxes in erg/s/cm²/Å are ~1e-17: fixed-point would print them all as 0.000.
        let calibrated = q.unit != "electron"
        func level(_ v: Double, _ width: Int) -> String {
            guard calibrated, v.isFinite else { return f(v, width, 3) }
            return String(format: "%\(width).3e", v)
        }
        func optLevel(_ v: Double?, _ width: Int) -> String { v.map { level($0, width) } ?? String(repeating: " ", count: width - 1) + "-" }
        var lines = ["QMOST \(q.arm) \(q.spectrograph) \(category)",
                     "No.  Mag    <flux>s  <flux>p  <flux>t  <sigma>  sqrt<var>  s:n  fibuse  nused   RA      Dec"]
        for (k, r) in q.fibres.enumerated() {
            lines.append(String(format: "%4d ", k + 1) + opt(r.catalogueMagnitude, 6, 2) + " " + level(r.flux, 10) + " " + opt(r.syntheticMagnitude, 8, 2)
                         + " " + optLevel(r.skyFlux, 9) + " " + level(r.sigma, 9) + " " + level(r.pipelineNoise, 9) + " " + f(r.snr, 7, 1)
                         + String(format: " %5d %6d ", r.use, r.used) + f(r.ra, 9, 4) + " " + f(r.dec, 9, 4))
        }
        lines.append("Sky covariance: " + q.covariance.map { f($0, 6, 3) }.joined(separator: " "))
        lines.append("Noise factor   : " + f(q.noiseFactor, 5, 3))
        lines.append("log10(KS) stats sky -v- targets = " + q.ksLog10.map { f($0, 6, 2) }.joined(separator: " "))
        lines.append("Average sky flux and no. of sky = " + level(q.averageSkyFlux, 8) + String(format: " %5d", q.skyFibres))
        lines.append("Residual median sky sigma and % = " + level(q.residualSkySigma, 8) + " " + f(q.residualSkyPercent, 7, 2))
        lines.append("No. of fibres with extremely low flux = \(q.lowFluxFibres)")
        lines.append("Skyline residual rms & kurtosis = " + f(q.skyLineResidualRMS, 7, 2) + " " + f(q.skyLineResidualKurtosis, 7, 2))
        lines.append("  Skyline  <offset>  rms  <FWHM>  rms")
        for l in q.skyLines {
            lines.append("\(l.name) " + String(format: "%.3f", l.wavelength) + " " + f(l.offset, 6, 3) + " " + f(l.offsetRMS, 6, 3) + " "
                         + f(l.fwhm, 6, 3) + " " + f(l.fwhmRMS, 6, 3))
        }
        lines.append("No. of pixels with -ve IVAR and zero VAR = \(q.negativeVariancePixels)      \(q.zeroVariancePixels)")
        lines.append("No. of pixels with -ve NOSS out of total = \(q.negativeUnsubtractedPixels)  \(q.pixels)")
        return lines.joined(separator: "\n") + "\n"
    }
}
