import Foundation

/// The units a catalogue column may declare in TUNITn, and the factor to the unit qmostd stores.
enum CatalogueUnits {
    enum Quantity: String {
        case angle = "deg"
        case properMotion = "mas/yr"
        case epoch = "yr"
        case parallax = "mas"
        case magnitude = "mag"
    }

    /// The factor that converts a value in `unit` to the stored unit of `quantity`; nil when the unit is not one
    /// the quantity can be given in. A column without TUNITn is taken to be in the stored unit.
    static func factor(_ unit: String?, for quantity: Quantity) -> Double? {
        guard let unit, !unit.trimmingCharacters(in: .whitespaces).isEmpty else { return 1 }
        // "mas yr-1", "mas.yr**-1", "mas/yr" and "MAS / YR" are the same unit (FITS standard §4.3, VOUnits).
        let u = unit.lowercased().filter { !" .*^".contains($0) }
        switch quantity {
        case .angle:
            if ["deg", "degree", "degrees", "°"].contains(u) { return 1 }
            if ["rad", "radian", "radians"].contains(u) { return 180 / Double.pi }
        case .properMotion:
            if ["mas/yr", "masyr-1", "mas/a", "masa-1", "mas/year"].contains(u) { return 1 }
            if ["arcsec/yr", "arcsecyr-1", "arcsec/a", "arcseca-1", "asec/yr"].contains(u) { return 1000 }
            if ["deg/yr", "degyr-1", "deg/a", "dega-1"].contains(u) { return 3_600_000 }
        case .epoch:
            if ["yr", "year", "years", "a", "jyear", "julianyear"].contains(u) { return 1 }
        case .parallax:
            if u == "mas" { return 1 }
            if ["arcsec", "asec"].contains(u) { return 1000 }
        case .magnitude:
            if u.contains("mag") { return 1 }
        }
        return nil
    }
}
