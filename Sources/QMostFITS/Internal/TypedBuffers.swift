// The standard library's withUnsafeBytes is `rethrows`, which erases FITSError to
// `any Error`; these wrappers keep the wrapper's typed throws intact.
extension Array where Element: BitwiseCopyable {
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(FITSError) -> R) throws(FITSError) -> R {
        let result = withUnsafeBytes { buffer in Result { () throws(FITSError) in try body(buffer) } }
        return try result.get()
    }

    mutating func withMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws(FITSError) -> R) throws(FITSError) -> R {
        let result = withUnsafeMutableBytes { buffer in Result { () throws(FITSError) in try body(buffer) } }
        return try result.get()
    }
}
