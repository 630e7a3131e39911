import Foundation
import QMostCore
import QMostFITS

/// One arm of a master read back: the image, its variance and mask when the file has them, and the
/// extension header with the statistics and fitted values.
public struct LoadedMasterArm: Sendable {
    public var image: Plane
    public var variance: Plane?
    public var mask: BadPixelMask?
    public var header: FITSHeader
}

/// A master calibration file read back (the format ``MasterFile`` writes).
public struct LoadedMaster: Sendable {
    public var path: String
    public var primary: FITSHeader
    public var arms: [ArmName: LoadedMasterArm]

    /// Reads `path`, the arms in `only`; an arm the file lacks is simply absent.
    public static func read(_ path: String, only: Set<ArmName> = Set(ArmName.allCases)) throws(FileProblem) -> LoadedMaster {
        do {
            return try withFITSFile(path) { file in
                let primary = try file.header(hdu: 0)
                var arms: [ArmName: LoadedMasterArm] = [:]
                for arm in ArmName.allCases where only.contains(arm) {
                    guard let index = try? file.moveTo(extname: arm.headerName) else { continue }
                    let header = try file.header(hdu: index)
                    let image = try file.readImage(hdu: index, as: Float.self)
                    guard image.shape.count == 2 else { throw FileProblem(path: path, problem: "HDU \(arm.headerName) is not a 2-D image") }
                    let plane = Plane(width: image.shape[0], height: image.shape[1], pixels: image.pixels)
                    var variance: Plane?
                    if let v = try? file.moveTo(extname: "\(arm.headerName)_VAR") {
                        let data = try file.readImage(hdu: v, as: Float.self)
                        guard data.shape == image.shape else { throw FileProblem(path: path, problem: "\(arm.headerName)_VAR is \(data.shape), not \(image.shape)") }
                        variance = Plane(width: plane.width, height: plane.height, pixels: data.pixels)
                    }
                    var mask: BadPixelMask?
                    if let m = try? file.moveTo(extname: "\(arm.headerName)_BPM") {
                        let data = try file.readImage(hdu: m, as: UInt8.self)
                        guard data.shape == image.shape else { throw FileProblem(path: path, problem: "\(arm.headerName)_BPM is \(data.shape), not \(image.shape)") }
                        mask = BadPixelMask(width: plane.width, height: plane.height, bits: data.pixels)
                    }
                    arms[arm] = LoadedMasterArm(image: plane, variance: variance, mask: mask, header: header)
                }
                return LoadedMaster(path: path, primary: primary, arms: arms)
            }
        } catch let problem as FileProblem {
            throw problem
        } catch {
            throw FileProblem(path: path, problem: "\(error)")
        }
    }
}
