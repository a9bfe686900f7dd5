import Crdkafka

/// Headers for one produced record, built straight into librdkafka's header list (no Swift
/// array or String per header). Non-copyable: the list has one owner, and `produce` takes it.
public struct KafkaOutgoingHeaders: ~Copyable {
    fileprivate var handle: OpaquePointer?

    /// An empty list with room for `capacity` headers.
    public init(capacity: Int) {
        handle = rd_kafka_headers_new(capacity)
    }

    /// Adds a header; the bytes are copied.
    public mutating func add(_ name: StaticString, _ value: UnsafeRawBufferPointer) {
        guard let handle else { return }
        name.withUTF8Buffer { n in
            n.withMemoryRebound(to: CChar.self) { n in
                _ = rd_kafka_header_add(handle, n.baseAddress, n.count, value.baseAddress, value.count)
            }
        }
    }

    /// Adds a header whose value is a string's UTF-8 bytes.
    public mutating func add(_ name: StaticString, string: String) {
        var string = string
        string.withUTF8 { add(name, UnsafeRawBufferPointer($0)) }
    }

    /// Adds a header whose value is an integer's decimal digits.
    public mutating func add(_ name: StaticString, decimal value: Int64) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var v = value.magnitude
            var i = digits.count
            repeat {
                i -= 1
                digits[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            } while v > 0
            if value < 0 {
                i -= 1
                digits[i] = UInt8(ascii: "-")
            }
            add(name, UnsafeRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(digits)[i...]))
        }
    }

    /// Hands the list to librdkafka (which frees it once the record is sent).
    consuming func take() -> OpaquePointer? {
        let h = handle
        discard self
        return h
    }

    deinit {
        if let handle { rd_kafka_headers_destroy(handle) }
    }
}
