/// One complex spectrum bin.
public struct FFTComplex: Sendable, Hashable {
    public var re: Double
    public var im: Double

    public init(re: Double, im: Double) {
        self.re = re
        self.im = im
    }

    /// The modulus, √(re² + im²).
    public var magnitude: Double { (re * re + im * im).squareRoot() }
}
