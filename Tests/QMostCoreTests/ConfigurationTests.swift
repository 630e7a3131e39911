import Foundation
import Testing
@testable import QMostCore

struct ConfigurationTests {
    @Test func templateParsesToTheDefaults() throws {
        #expect(try Configuration.parse(ConfigurationTemplate.text, path: "template") == Configuration())
    }

    @Test func checkoutConfigurationIsTheTemplate() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("etc/qmostd.yaml"), encoding: .utf8)
        #expect(text == ConfigurationTemplate.text, "etc/qmostd.yaml must equal ConfigurationTemplate.text")
    }

    @Test func everySectionKeyIsDocumented() {
        let sections: [[String]] = [
            Configuration.CodingKeys.allCases.map(\.stringValue),
            Configuration.Paths.CodingKeys.allCases.map(\.stringValue),
            NightSection.CodingKeys.allCases.map(\.stringValue),
            FrameKeywordsSection.CodingKeys.allCases.map(\.stringValue),
            Configuration.Watch.CodingKeys.allCases.map(\.stringValue),
            Configuration.Ingest.CodingKeys.allCases.map(\.stringValue),
            Configuration.Engine.CodingKeys.allCases.map(\.stringValue),
            Configuration.StageSettings.CodingKeys.allCases.map(\.stringValue),
            Configuration.Alerts.CodingKeys.allCases.map(\.stringValue),
        ]
        for key in sections.joined() {
            #expect(ConfigurationTemplate.text.contains("\(key):"), "key \(key) is not documented in the template")
        }
    }

    @Test func unknownKeysNameThemselves() {
        #expect {
            try Configuration.parse("watch:\n  reconcile_intervall_s: 5\n", path: "/x/etc/qmostd.yaml")
        } throws: { error in
            let text = "\(error)"
            return text.contains("/x/etc/qmostd.yaml") && text.contains("watch.reconcile_intervall_s")
        }
    }

    @Test func unknownStageIsAnError() {
        #expect(throws: ConfigurationError.self) { try Configuration.parse("stages:\n  l3: {enabled: true}\n", path: "c") }
    }

    @Test func typeErrorsNameTheKey() {
        #expect {
            try Configuration.parse("engine:\n  workers: many\n", path: "c")
        } throws: { "\($0)".contains("engine.workers") }
    }

    @Test func heartbeatMustBeShorterThanLease() {
        #expect(throws: ConfigurationError.self) { try Configuration.parse("engine: {lease_s: 10, heartbeat_s: 20}\n", path: "c") }
    }

    @Test func emptyCommandIsAnError() {
        #expect(throws: ConfigurationError.self) { try Configuration.parse("stages:\n  l1: {command: []}\n", path: "c") }
    }

    @Test func stagesEnabledOnlyWithAnImplementation() throws {
        var config = try Configuration.parse("stages:\n  l1: {command: [/bin/true]}\n  qc: {enabled: true}\n  qa_analyse: {enabled: false}\n", path: "c")
        #expect(config.isEnabled(.ingest))
        #expect(config.isEnabled(.l1))
        #expect(config.isEnabled(.qa), "qa is built in")
        #expect(!config.isEnabled(.qaAnalyse), "a built-in stage can be switched off")
        #expect(config.isEnabled(.l2), "l2 is built in")
        #expect(!config.isEnabled(.qc), "qc has no built-in implementation yet and no command")
        config.stages["ingest"] = .init(enabled: false)
        #expect(!config.isEnabled(.ingest))
    }

    @Test func customRulesReplaceTheDefaults() throws {
        let config = try Configuration.parse("""
            classification:
              rules:
                - {name: mine, kind: arc, when: {OBJECT: "THAR*"}}
            """, path: "c")
        #expect(config.classifier.classify(HeaderFacts([("OBJECT", "ThAr lamp")])).kind == .arc)
        #expect(config.classifier.classify(HeaderFacts([("ESO DPR TYPE", "BIAS")])).kind == .other)
    }

    @Test func pathsResolveAgainstTheRoot() throws {
        var config = Configuration()
        config.root = "/srv/q"
        #expect(config.spoolRawPath == "/srv/q/spool/raw")
        config.paths.database = "/var/lib/q.db"
        #expect(config.databasePath == "/var/lib/q.db")
    }

    @Test func loadSetsTheRootToTheParentOfEtc() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID())")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("etc"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "night: {offset_hours: 10}\n".write(to: dir.appendingPathComponent("etc/qmostd.yaml"), atomically: true, encoding: .utf8)
        let config = try Configuration.load(path: dir.appendingPathComponent("etc/qmostd.yaml").path)
        #expect(config.root == dir.standardizedFileURL.path)
        #expect(config.night.offsetHours == 10)
    }
}
