import Foundation
import QMostCore
import QMostFITS

/// The FIBINFO binary table of a simulated raw frame: one row per fibre of the spectrograph, in slit order,
/// with the QL1 column names (datamodel §2) that ``FibinfoReader`` knows.
///
/// Science fibres are numbered 1…812 (FIB_ID) in slit order, calibration fibres after them. Calibration frames
/// carry the same table with no targets. Missing values are written as 4MOST writes them: −1 for an id, NaN for
/// a coordinate or magnitude, blanks for a name.
enum FibinfoTable {
    static func columns(layout: FibreLayout, transmission: FibreTransmission, spectrograph: SpectrographName,
                        allocations: [FibreAllocation]?) -> [FITSColumn] {
        let fibID = layout.fibreIDs
        var slitlet: [Int16] = [], slit: [Int32] = [], status: [Int16] = [], use: [Int16] = []
        var targ: [Int64] = [], obj: [Int64] = [], cname: [String] = [], ra: [Double] = [], dec: [Double] = []
        var mag: [Float] = [], band: [String] = [], cls: [String] = []
        for f in layout.fibres {
            slitlet.append(Int16(f.slitlet ?? 0))
            slit.append(Int32(f.slitPosition))
            let a = allocations?[f.slitPosition - 1]
            let broken = transmission.fibres[f.slitPosition - 1].broken
            let fibreUse: FibreUse = f.role == .calibration ? .calibration : (a?.use ?? .unallocated)
            // FIB_ST 0 disabled, 1 parked, 2 allocated (datamodel §2).
            status.append(broken ? 0 : (fibreUse == .object || fibreUse == .sky || fibreUse == .calibration ? 2 : 1))
            use.append(Int16(fibreUse.rawValue))
            let t = a?.target
            targ.append(t?.targID ?? -1)
            obj.append(t?.uObjID ?? -1)
            cname.append(t?.cname ?? "")
            let position = t?.position ?? a?.skyPosition
            ra.append(position?.ra ?? .nan)
            dec.append(position?.dec ?? .nan)
            mag.append(t.map { Float($0.source.magnitude) } ?? .nan)
            band.append(t?.source.band.name ?? "")
            cls.append(t?.targetClass ?? (fibreUse == .sky ? "SKY" : ""))
        }
        return [
            FITSColumn(name: "FIB_ID", data: .int32(fibID)),
            FITSColumn(name: "SLITLET", data: .int16(slitlet)),
            FITSColumn(name: "SLIT_POS", data: .int32(slit)),
            FITSColumn(name: "FIB_ST", data: .int16(status)),
            FITSColumn(name: "FIB_USE", data: .int16(use)),
            FITSColumn(name: "FIB_ROOT", data: .int16([Int16](repeating: Int16(spectrograph.fibreRoot), count: fibID.count))),
            FITSColumn(name: "TARG_ID", data: .int64(targ)),
            FITSColumn(name: "U_OBJ_ID", data: .int64(obj)),
            FITSColumn(name: "CNAME", data: .string(cname.map { $0.isEmpty ? " " : $0 })),
            FITSColumn(name: "TRG_RA", unit: "deg", data: .double(ra)),
            FITSColumn(name: "TRG_DEC", unit: "deg", data: .double(dec)),
            FITSColumn(name: "TRG_MAG", unit: "mag", data: .float(mag)),
            FITSColumn(name: "TRG_MAGB", data: .string(band.map { $0.isEmpty ? " " : $0 })),
            FITSColumn(name: "TRG_CLASS", data: .string(cls.map { $0.isEmpty ? " " : $0 })),
        ]
    }
}
