/// The FITS rules for an HDU's mandatory keywords and the data size they declare.
enum FITSHeaderLayout {
    private enum Step {
        case value(Int64)
        case stop(Declared)
    }

    enum Declared {
        case layout(DeclaredLayout)
        /// The header was cut before all mandatory keywords appeared.
        case unknown
        case invalid(String)
    }

    private static let bitpixValues: Set<Int64> = [8, 16, 32, 64, -32, -64]

    /// Checks the mandatory keywords in their required order and computes the data size.
    static func declaredLayout(_ header: FITSHeader, primary: Bool, complete: Bool, label: String) -> Declared {
        let cards = header.cards
        func at(_ position: Int) -> FITSCard? { position < cards.count ? cards[position] : nil }
        func missing(_ keyword: String, _ position: Int) -> Declared {
            complete
                ? .invalid("\(label) header is malformed: keyword \(position + 1) should be \(keyword) but is \(at(position).map { "'\($0.keyword)'" } ?? "missing")")
                : .unknown
        }
        func integer(_ keyword: String, _ position: Int, _ valid: (Int64) -> Bool) -> Step {
            guard let card = at(position) else { return .stop(missing(keyword, position)) }
            guard card.keyword == keyword else {
                return .stop(.invalid("\(label) header is malformed: keyword \(position + 1) should be \(keyword) but is '\(card.keyword)'"))
            }
            guard case .int(let value)? = card.value, valid(value) else {
                return .stop(.invalid("\(label) header is malformed: \(keyword) = \(card.value.map { "\($0)" } ?? "nothing") is not allowed"))
            }
            return .value(value)
        }

        guard let first = at(0) else { return missing(primary ? "SIMPLE" : "XTENSION", 0) }
        let xtension: String
        if primary {
            guard first.keyword == "SIMPLE", first.value == .bool(true) else {
                return .invalid("not a FITS file: the first card is not SIMPLE = T")
            }
            xtension = "SIMPLE"
        } else {
            guard first.keyword == "XTENSION", case .string(let type)? = first.value, !type.trimmingFITSBlanks().isEmpty else {
                return .invalid("\(label) does not start with XTENSION")
            }
            xtension = type.trimmingFITSBlanks()
        }

        let bitpix: Int64, naxisCount: Int64
        switch integer("BITPIX", 1, { bitpixValues.contains($0) }) {
        case .value(let value): bitpix = value
        case .stop(let outcome): return outcome
        }
        switch integer("NAXIS", 2, { (0...999).contains($0) }) {
        case .value(let value): naxisCount = value
        case .stop(let outcome): return outcome
        }
        var naxis: [Int64] = []
        for axis in 0..<Int(naxisCount) {
            switch integer("NAXIS\(axis + 1)", 3 + axis, { $0 >= 0 }) {
            case .value(let value): naxis.append(value)
            case .stop(let outcome): return outcome
            }
        }

        var pcount: Int64 = 0, gcount: Int64 = 1
        var groups = false
        if primary {
            // Random groups: NAXIS1 = 0 with GROUPS = T; PCOUNT/GCOUNT may sit anywhere.
            groups = header.bool("GROUPS") == true && naxis.first == 0
            if groups {
                pcount = header.int("PCOUNT") ?? 0
                gcount = header.int("GCOUNT") ?? 1
            }
        } else {
            switch integer("PCOUNT", 3 + naxis.count, { $0 >= 0 }) {
            case .value(let value): pcount = value
            case .stop(let outcome): return outcome
            }
            switch integer("GCOUNT", 4 + naxis.count, { $0 >= 0 }) {
            case .value(let value): gcount = value
            case .stop(let outcome): return outcome
            }
        }

        // FITS 4.0 eq. 1-2: |BITPIX| / 8 * GCOUNT * (PCOUNT + NAXIS1 * ... * NAXISm).
        var elements: Int64 = naxis.isEmpty ? 0 : 1
        for axis in (groups ? naxis.dropFirst() : naxis[...]) {
            let (product, overflow) = elements.multipliedReportingOverflow(by: axis)
            guard !overflow else { return .invalid("\(label) declares an impossible data size") }
            elements = product
        }
        if !primary || groups {
            let (sum, overflowA) = elements.addingReportingOverflow(pcount)
            let (total, overflowB) = sum.multipliedReportingOverflow(by: gcount)
            guard !overflowA, !overflowB else { return .invalid("\(label) declares an impossible data size") }
            elements = total
        }
        let (dataBytes, overflow) = elements.multipliedReportingOverflow(by: abs(bitpix) / 8)
        guard !overflow else { return .invalid("\(label) declares an impossible data size") }
        return .layout(DeclaredLayout(xtension: xtension, bitpix: Int(bitpix), naxis: naxis, dataBytes: dataBytes))
    }

}
