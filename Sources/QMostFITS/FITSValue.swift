/// The value of one header keyword, typed the way the card spells it.
public enum FITSValue: Sendable, Equatable, Hashable {
    /// A quoted string; trailing blanks are dropped (they are not significant in FITS),
    /// leading blanks are kept.
    case string(String)
    /// An integer written without a decimal point or exponent.
    case int(Int64)
    /// A floating-point number (`E` and `D` exponents are both accepted).
    case double(Double)
    /// A logical `T` or `F`.
    case bool(Bool)
    /// A complex number written as `(re, im)`.
    case complex(re: Double, im: Double)
    /// A keyword with a value indicator but an empty value field.
    case undefined
}

extension FITSValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral
{
    /// Lets card lists spell string values as literals.
    public init(stringLiteral value: String) { self = .string(value) }
    /// Lets card lists spell integer values as literals.
    public init(integerLiteral value: Int64) { self = .int(value) }
    /// Lets card lists spell floating-point values as literals.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// Lets card lists spell logical values as literals.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension FITSValue: CustomStringConvertible {
    /// The value roughly as FITS would print it (strings unquoted), for logs and messages.
    public var description: String {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): String(d)
        case .bool(let b): b ? "T" : "F"
        case .complex(let re, let im): "(\(re), \(im))"
        case .undefined: ""
        }
    }
}
