/// The header keywords of a frame as plain strings, with names normalised so rules can be written simply.
///
/// Keys are upper-cased with any `HIERARCH ` prefix and surrounding blanks removed, so `ESO DPR CATG` finds
/// `HIERARCH ESO DPR CATG`. Values are the keyword's value as text (strings unquoted and trimmed, logicals
/// `T`/`F`). When a frame has several HDUs, the primary header wins and extensions fill in missing keys.
public struct HeaderFacts: Sendable, Equatable {
    public private(set) var values: [String: String] = [:]

    public init(_ pairs: [(String, String)] = []) {
        for (key, value) in pairs { add(key, value) }
    }

    /// Adds a keyword unless it is already present.
    public mutating func add(_ key: String, _ value: String) {
        let k = HeaderFacts.normalise(key)
        if values[k] == nil { values[k] = value.trimmingCharacters(in: .whitespaces) }
    }

    public subscript(_ key: String) -> String? { values[HeaderFacts.normalise(key)] }

    public static func normalise(_ key: String) -> String {
        var k = key.trimmingCharacters(in: .whitespaces).uppercased()
        if k.hasPrefix("HIERARCH ") { k = String(k.dropFirst(9)).trimmingCharacters(in: .whitespaces) }
        return k
    }
}

import Foundation
