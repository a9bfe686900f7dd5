/// A record header.
public struct KafkaHeader: Sendable, Hashable {
    /// Header name.
    public var name: String
    /// Header value; nil is a null header value.
    public var value: [UInt8]?

    /// Creates a header.
    public init(name: String, value: [UInt8]?) {
        self.name = name
        self.value = value
    }

    /// Creates a header with a UTF-8 string value.
    public init(name: String, string: String) {
        self.init(name: name, value: Array(string.utf8))
    }
}
