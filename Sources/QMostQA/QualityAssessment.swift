import QMostCore

extension ArmQuality {
    /// The value a test reads, nil when this arm cannot give it (no sky line in the arm, no sky fibre).
    public func value(of metric: QualityMetric) -> Double? {
        func finite(_ v: Double) -> Double? { v.isFinite ? v : nil }
        switch metric {
        case .skyLineOffset:
            let offsets = skyLines.map { abs($0.offset) }.sorted()
            return offsets.isEmpty ? nil : offsets[offsets.count / 2]
        case .residualSkyPercent: return skyFibres > 1 ? finite(residualSkyPercent) : nil
        case .skyResidualLevel:
            let levels = fibres.compactMap(\.skyResidualPercent).filter(\.isFinite).sorted()
            return levels.isEmpty ? nil : abs(levels.count % 2 == 1 ? levels[levels.count / 2] : 0.5 * (levels[levels.count / 2 - 1] + levels[levels.count / 2]))
        case .worstSkyFibrePercent:
            let levels = fibres.compactMap(\.skyResidualPercent).filter(\.isFinite).map(abs)
            return levels.max()
        case .skyLineResidualRMS: return skyLineResiduals.isEmpty ? nil : finite(skyLineResidualRMS)
        case .noiseFactor: return skyFibres > 0 ? finite(noiseFactor) : nil
        case .lowFluxFibres: return skyFibres > 0 ? Double(lowFluxFibres) : nil
        case .negativeVariancePixels: return Double(negativeVariancePixels)
        case .skyFibreFraction: return fibres.isEmpty ? nil : Double(skyFibres) / Double(fibres.count)
        case .averageSkyFlux: return skyFibres > 0 ? finite(averageSkyFlux) : nil
        case .stackMaskedFraction, .stackBadErrorPixels: return nil
        }
    }
}

/// One test's outcome on one arm (a row of the qa table before it is stored).
public struct QualityOutcome: Sendable, Equatable {
    public var test: QualityTest
    public var value: Double
    public var state: Int
    /// What was tested: spectrograph, arm and test, e.g. `LRS-A GREEN sky-line wavelength offset`.
    public var info: String
}

/// qa_analyse (seed 9.2.2): each test of the catalogue on each arm's QA; the night is as good as its worst test.
public enum QualityAssessment {
    /// The outcomes of `tests` on `quality`; tests the arm cannot give a value for are left out.
    public static func evaluate(_ tests: [QualityTest], on quality: ArmQuality, label: String) -> [QualityOutcome] {
        tests.compactMap { t in
            guard let v = quality.value(of: t.metric) else { return nil }
            return QualityOutcome(test: t, value: v, state: t.state(v), info: "\(label) \(quality.spectrograph) \(quality.arm): \(t.name)")
        }
    }

    /// The night's validation state: the worst state over its outcomes, tests in `exempted` not counted; 2 when none.
    public static func nightState(_ outcomes: [QualityOutcome], exempted: Set<Int64> = []) -> Int {
        outcomes.filter { !exempted.contains($0.test.id) }.map(\.state).min() ?? 2
    }
}
