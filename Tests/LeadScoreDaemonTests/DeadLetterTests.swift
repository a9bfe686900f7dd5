import Foundation
import LeadScoreCore
@testable import LeadScoreDaemon
import LeadScoreKafka
import Testing

/// Dead letters always fit in one Kafka record, whatever the input's size (issue: one ~760 KB
/// input crash-looped the daemon because its base64 dead letter exceeded `message.max.bytes`).
@Suite("Dead letters")
struct DeadLetterTests {
    static let limit = 1_000_000

    private func input(size: Int) -> KafkaMessage {
        // Not an event: a JSON prefix and filler, as a broken or hostile producer would send.
        var value = Array(#"{"type":"engagement","lead_id":"L-1","junk":""#.utf8)
        value += (0..<max(0, size - value.count)).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        return KafkaMessage(topic: "lead-events", partition: 2, offset: 77, key: Array("A-1".utf8), value: value)
    }

    /// What the daemon does with an input of this size: by reference beyond `max_event_bytes`,
    /// otherwise quoted with the decoder's error, then fitted to the record limit.
    private func deadLetter(for message: KafkaMessage, maxEventBytes: Int = 1 << 20) -> DeadLetter {
        let value = message.value ?? []
        if value.count > maxEventBytes { return DeadLetter(tooLarge: message, limit: maxEventBytes).fitted(maxRecordBytes: Self.limit) }
        do {
            _ = try EventDecoder().decode(value)
            Issue.record("filler decoded as an event")
            return DeadLetter(reason: "none", field: nil, message: "", input: message)
        } catch {
            return DeadLetter(decodingError: error, input: message).fitted(maxRecordBytes: Self.limit)
        }
    }

    @Test("a dead letter fits in one record at any input size", arguments: [500_000, 750_000, 1_000_000, 5_000_000])
    func fitsWhateverTheSize(size: Int) throws {
        let message = input(size: size)
        let letter = deadLetter(for: message)
        let json = letter.json()
        #expect(json.count + (letter.key?.count ?? 0) + DeadLetter.overheadBytes / 2 <= Self.limit, "\(json.count) bytes")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        #expect(object["original_size"] as? Int == size)
        #expect(object["original_xxh64"] as? String == DeadLetter.hex(Checksum64.hash(message.value!)))
        let source = try #require(object["source"] as? [String: Any])
        #expect(source["topic"] as? String == "lead-events" && source["partition"] as? Int == 2 && source["offset"] as? Int == 77)
        let error = try #require(object["error"] as? [String: Any])
        if size > 1 << 20 {
            // Too large to handle: by reference only.
            #expect(error["code"] as? String == "too_large")
            #expect(object["original"] is NSNull)
            #expect(object["original_truncated"] as? Bool == true)
        } else {
            let original = try #require((object["original"] as? String).flatMap { Data(base64Encoded: $0) })
            // Whatever is quoted is the input's own first bytes.
            #expect(Array(original) == Array(message.value!.prefix(original.count)))
            #expect((object["original_truncated"] as? Bool) == (original.count < size))
            if size == 500_000 { #expect(original.count == size, "a 0.5 MB input fits whole") }
        }
    }

    @Test("small dead letters quote the input whole and say so")
    func smallQuotedWhole() throws {
        let message = KafkaMessage(topic: "lead-events", partition: 0, offset: 3, key: nil, value: Array("{oops".utf8))
        let letter = deadLetter(for: message)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(letter.json())) as? [String: Any])
        #expect(object["original"] as? String == Data("{oops".utf8).base64EncodedString())
        #expect(object["original_truncated"] as? Bool == false)
        #expect(object["original_size"] as? Int == 5)
        #expect(letter.fitted(maxRecordBytes: Self.limit) == letter)
    }

    @Test("a huge key is cut too, and the record still fits")
    func hugeKey() {
        var message = input(size: 900_000)
        message.key = Array(repeating: UInt8(ascii: "k"), count: 600_000)
        let letter = deadLetter(for: message)
        #expect(letter.key?.count == DeadLetter.keyLimit)
        #expect(letter.json().count + DeadLetter.keyLimit <= Self.limit)
    }
}
