/// A two-dimensional image of the active pixels of one detector, row-major with x (NAXIS1) fastest.
public struct Plane: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [Float]

    public init(width: Int, height: Int, pixels: [Float]) {
        precondition(pixels.count == width * height, "one value per pixel")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A plane of one value.
    public init(width: Int, height: Int, value: Float = 0) {
        self.init(width: width, height: height, pixels: [Float](repeating: value, count: width * height))
    }

    @inline(__always)
    public subscript(x: Int, y: Int) -> Float {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }
}

extension Plane {
    /// `self − other × scale`, pixel by pixel.
    public func subtracting(_ other: Plane, scale: Float = 1) -> Plane {
        precondition(other.width == width && other.height == height, "planes differ in size")
        var copy = self
        for i in pixels.indices { copy.pixels[i] -= other.pixels[i] * scale }
        return copy
    }
}
