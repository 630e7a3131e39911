import Foundation
import QMostCore
import QMostFITS
import QMostTesting
import Testing
@testable import QMostL1

/// The fibre-trace product round-trips and names the file in its errors.
struct TraceFileTests {
    @Test func tracesAndProfilesRoundTripThroughTheProductFile() throws {
        let dir = try TemporaryDirectory("qmost-l1-trace")
        let traces = (1...5).map { FibreTrace(slitPosition: $0, centre: [10.5 * Double($0), 1e-3, -2.5e-7, 1e-11], width: [1.41, 1e-5, -3e-9],
                                              rms: 0.01 * Double($0), blocks: 60 + $0) }
        let shapes = (0..<6).map { ProfileShape(coreScale: 0.97 + 0.001 * Double($0), haloFraction: 0.08, haloRatio: 2.2 + 0.01 * Double($0)) }
        let profiles = FibreProfiles(columns: 1024, rows: 1024, columnZones: 3, rowZones: 2, shapes: shapes, chiSquare: [1, 1.1, 0.9, 1, 1, 1.2])
        let arms = [ArmTraces(arm: .blue, traces: traces, profiles: profiles),
                    ArmTraces(arm: .red, traces: Array(traces.dropLast()), profiles: profiles)]
        let path = dir.file("trace.fits")
        try TraceFile.write(path, inputs: ["/raw/QMOST.2026-11-29T20:00:00.fits"], arms: arms)
        #expect(!FileManager.default.fileExists(atPath: dir.file(".trace.fits.part")))
        let back = try TraceFile.read(path)
        #expect(back == arms)
        let headers = try withFITSFile(path) { try $0.headers() }
        #expect(headers[0].string("ESO PRO CATG") == "FIBRE_TRACE")
        #expect(headers[0].string("PROV1") == "QMOST.2026-11-29T20:00:00.fits")
        #expect(headers.compactMap { $0.string("EXTNAME") } == ["TRACE_BLUE", "TRACE_RED"])
        print("measured: \(back.count) arms, \(back.map(\.traces.count)) traces read back equal")
        #expect { try TraceFile.read(dir.file("missing.fits")) } throws: { "\($0)".contains(dir.file("missing.fits")) }
    }
}
