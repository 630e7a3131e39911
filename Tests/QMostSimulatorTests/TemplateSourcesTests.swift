import Foundation
import QMostCore
import QMostTesting
import Testing
@testable import QMostSimulator

/// 4FS-format templates in simulated fields: classes from file names, redshifts where the template covers the
/// arms, normalised to the target's magnitude, rendered like any other source.
struct TemplateSourcesTests {
    @Test func templatesFillSomeGalaxiesAndQuasars() throws {
        let data = try #require(SharedData.directory, "../shared/data is missing")
        let templates = try SourceTemplates.load(directory: "\(data)/4most/templates")
        #expect(templates.templates.count == 7)
        #expect(!templates.of(.passiveGalaxy).isEmpty && !templates.of(.emissionLineGalaxy).isEmpty && !templates.of(.qso).isEmpty)
        let counts = NightPlan.Counts(biases: 0, darks: 0, ledLevels: [], fibreFlats: 0, arcs: 0, fabryPerots: 0,
                                      twilightFlats: 0, blockExposures: [1], scienceExposureTime: 900, darkTime: 900)
        let instrument = InstrumentModel.default.scaled(to: .small, slitlets: 8, fibresPerSlitlet: 10)
        let plan = NightPlan(night: Night("2026-11-24")!, scale: .small, seed: 3, instrument: instrument, spectrographs: [.lrsA],
                             counts: counts, templates: templates)
        let sources = (plan.blocks[0].allocations[.lrsA] ?? []).compactMap(\.target?.source)
        let templated = sources.filter { $0.template != nil }
        #expect(templated.count >= 5, "\(templated.count) of \(sources.count) targets use templates")
        for source in templated {
            #expect(source.kind.isExtragalactic)
            let model = try source.modelSpectrum(covering: 3671...9524)
            #expect(abs(try source.band.abMagnitude(of: model) - source.magnitude) < 0.01)
            // Real flux across all three arms: the redshift keeps the template under them.
            #expect(model.flux(at: 3700) > 0 && model.flux(at: 9500) > 0)
        }
        let simulator = SpectrographSimulator(instrument: instrument, spectrograph: .lrsA, plan: plan)
        let rendered = try simulator.render(plan.exposures[0], arm: .red)
        #expect(rendered.sourceElectrons?.contains { $0 != nil } == true)
    }

    @Test func aTemplateWhoseClassIsUnknownIsNamed() throws {
        let dir = try TemporaryDirectory("qmost-templates")
        try Data("not FITS".utf8).write(to: URL(fileURLWithPath: dir.file("mystery.fits")))
        #expect { try SourceTemplates.load(directory: dir.path) } throws: { error in
            "\(error)".contains("mystery.fits") && "\(error)".contains("class is unknown")
        }
        #expect(SourceTemplates.kind(ofFileName: "DR16LRG-stitched.fits") == .passiveGalaxy)
        #expect(SourceTemplates.kind(ofFileName: "quasar_template_Selsing2016.fits") == .qso)
    }
}
