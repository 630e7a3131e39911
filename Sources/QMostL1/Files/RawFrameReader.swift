import Foundation
import QMostCore
import QMostFITS

/// Reads the arms of a 4MOST-style raw frame: one image extension per arm (EXTNAME BLUE, GREEN, RED) whose
/// `ESO DET OUTi` keywords describe the outputs' prescan, active and overscan columns.
public enum RawFrameReader {
    /// The primary header and the arms present (of those in `only`), in BLUE, GREEN, RED order. Reading one arm
    /// at a time keeps a full-size frame's memory to a third.
    public static func read(_ path: String, only: Set<ArmName> = Set(ArmName.allCases)) throws(FileProblem) -> (primary: FITSHeader, arms: [ArmFrame]) {
        do {
            return try withFITSFile(path) { file in
                let primary = try file.header(hdu: 0)
                let exposure = primary.double("EXPTIME") ?? 0
                var arms: [ArmFrame] = []
                for arm in ArmName.allCases where only.contains(arm) {
                    guard let index = try? file.moveTo(extname: arm.headerName) else { continue }
                    let header = try file.header(hdu: index)
                    let layout = try Self.layout(header, arm: arm, path: path)
                    let image = try file.readImage(hdu: index, as: Float.self)
                    guard image.shape == [layout.rawColumns, layout.rawRows] else {
                        throw FileProblem(path: path, problem: "HDU \(arm.headerName): the image is \(image.shape) but its DET OUT keywords describe \(layout.rawColumns) x \(layout.rawRows)")
                    }
                    let gains = (1...layout.amplifierCount).map { header.double("ESO DET OUT\($0) CONAD") ?? 1 }
                    arms.append(ArmFrame(arm: arm, raw: image.pixels, layout: layout, gains: gains, exposureTime: exposure,
                                         darkTime: header.double("ESO DET DARK TIME") ?? exposure))
                }
                guard !arms.isEmpty else {
                    throw FileProblem(path: path, problem: "no image extension named \(ArmName.allCases.filter { only.contains($0) }.map(\.headerName).joined(separator: ", "))")
                }
                return (primary, arms)
            }
        } catch let problem as FileProblem {
            throw problem
        } catch {
            throw FileProblem(path: path, problem: "\(error)")
        }
    }

    /// The detector layout an arm's header declares.
    static func layout(_ header: FITSHeader, arm: ArmName, path: String) throws(FileProblem) -> DetectorGeometry {
        func int(_ key: String) throws(FileProblem) -> Int {
            guard let v = header.int(key) else { throw FileProblem(path: path, problem: "HDU \(arm.headerName): no \(key)") }
            return Int(v)
        }
        let outputs = Int(header.int("ESO DET NOUT") ?? 1)
        guard outputs == 1 || outputs == 2 else { throw FileProblem(path: path, problem: "HDU \(arm.headerName): ESO DET NOUT = \(outputs); one or two outputs are supported") }
        let nx = try int("ESO DET OUT1 NX"), prescan = try int("ESO DET OUT1 PRSCX"), overscan = try int("ESO DET OUT1 OVSCX")
        let ny = try int("NAXIS2")
        for o in 1...outputs {
            guard try int("ESO DET OUT\(o) NX") == nx, try int("ESO DET OUT\(o) PRSCX") == prescan, try int("ESO DET OUT\(o) OVSCX") == overscan else {
                throw FileProblem(path: path, problem: "HDU \(arm.headerName): the outputs' NX/PRSCX/OVSCX differ; only a symmetric layout is supported")
            }
        }
        let layout = DetectorGeometry(
            activeColumns: nx * outputs, activeRows: ny, pixelSizeX: header.double("ESO DET CHIP PSZX") ?? 15,
            pixelSizeY: header.double("ESO DET CHIP PSZY") ?? 15, amplifierCount: outputs, prescanColumns: prescan, overscanColumns: overscan)
        let naxis1 = try int("NAXIS1")
        guard naxis1 == layout.rawColumns else {
            throw FileProblem(path: path, problem: "HDU \(arm.headerName): NAXIS1 = \(naxis1) but the DET OUT keywords describe \(layout.rawColumns) columns")
        }
        return layout
    }
}

extension RawFrameReader {
    /// The primary header alone (exposure time, airmass), without reading any pixels.
    public static func primaryHeader(_ path: String) throws(FileProblem) -> FITSHeader {
        do { return try withFITSFile(path) { try $0.header(hdu: 0) } } catch { throw FileProblem(path: path, problem: "\(error)") }
    }
}
