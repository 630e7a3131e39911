/// Hands a value that is not Sendable (a buffer pointer, a non-escaping closure) to concurrent workers that use it
/// in disjoint parts only, as the science targets' parallel loops over pixels, rows and fibres do.
public struct UncheckedSendable<T>: @unchecked Sendable {
    public let value: T
    public init(_ value: T) { self.value = value }
}
