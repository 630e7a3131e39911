extension String {
    /// The string blank-padded (or cut) to `length` characters, as header cards are.
    func card(_ length: Int = 80) -> String {
        count >= length ? String(prefix(length)) : self + String(repeating: " ", count: length - count)
    }
}
