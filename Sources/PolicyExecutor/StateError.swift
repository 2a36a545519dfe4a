/// A failure to read or write mino's own state, with the path involved.
package struct StateError: Error {
    package let path: String
    package let reason: String

    /// Creates a value from its parts.
    package init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}
