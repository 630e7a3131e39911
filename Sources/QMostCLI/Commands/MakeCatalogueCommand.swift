import ArgumentParser
import Foundation
import QMostTesting

struct MakeCatalogueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make-catalogue",
        abstract: "Write a synthetic 4FS-style target catalogue (FITS) for trying `qmostd targets ingest`.")

    @Argument(help: "The FITS file to write.") var file: String
    @Option(help: "Number of targets.") var count: Int = 10_000
    @Option(help: "Seed; the same seed writes the same catalogue.") var seed: UInt64 = 1
    @Option(help: "Fraction of targets catalogued twice (a twin within 0.5\" at epoch 2016), to be linked.")
    var shared: Double = 0.1
    @Option(help: "Prefix of the target names.") var prefix: String = "T"

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive") }
        guard (0...1).contains(shared) else { throw ValidationError("--shared must be between 0 and 1") }
    }

    func run() throws {
        let targets = SyntheticCatalogue.random(count: count, seed: seed, sharedFraction: shared, prefix: prefix)
        do { try SyntheticCatalogue.write(targets, to: file) } catch { throw CLIError("\(file): \(error)") }
        print("\(file): \(count) targets over RA 150-180, Dec -10..+10 (half LR, half HR)")
    }
}
