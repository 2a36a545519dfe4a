/// Test input with a marker (`1️⃣`) where a diagnostic is expected to point.
///
/// The marker is removed from the text; `offset` is the UTF-8 byte offset where it stood.
public struct MarkedText: Sendable {
    /// The text without the marker.
    public let text: String
    /// Where the marker stood, in UTF-8 bytes.
    public let offset: Int

    /// The marker itself.
    public static let marker = "1️⃣"

    /// Splits `marked` at its single marker.
    public init(_ marked: String) {
        let bytes = Array(marked.utf8)
        let marker = Array(Self.marker.utf8)
        var found: Int?
        var index = 0
        while index + marker.count <= bytes.count {
            if bytes[index..<index + marker.count].elementsEqual(marker) {
                found = index
                break
            }
            index += 1
        }
        guard let found else {
            preconditionFailure("marked text needs a \(Self.marker) marker")
        }
        self.offset = found
        self.text = String(decoding: bytes[..<found] + bytes[(found + marker.count)...], as: UTF8.self)
    }
}
