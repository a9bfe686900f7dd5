import Testing

@testable import LeadScoreKafka

@Suite("KafkaError and version checks")
struct KafkaErrorTests {
    // librdkafka's response codes: _TIMED_OUT -185, _MSG_TIMED_OUT -192, _QUEUE_FULL -184,
    // _ALL_BROKERS_DOWN -187, TOPIC_ALREADY_EXISTS 36.
    @Test(arguments: [
        (Int32(-185), KafkaError.Code.timeout, "_TIMED_OUT"),
        (-192, .timeout, "_MSG_TIMED_OUT"),
        (-184, .queueFull, "_QUEUE_FULL"),
        (-187, .brokerUnavailable, "_ALL_BROKERS_DOWN"),
        (36, .librdkafka, "TOPIC_ALREADY_EXISTS"),
    ])
    func responseCodesMapToCodes(raw: Int32, code: KafkaError.Code, name: String) {
        let error = KafkaError.fromResponseCode(raw, context: "ctx")
        #expect(error.code == code)
        #expect(error.librdkafkaCode == raw)
        #expect(error.librdkafkaName == name)
        #expect(error.message.hasPrefix("ctx: "))
        #expect(error.description.contains(name))
    }

    @Test func runningVersionIsRecentEnough() {
        let version = LibrdkafkaVersion.current
        #expect(version >= LibrdkafkaVersion.minimumForFlexibleBrokers)
        #expect(version.text.hasPrefix("\(version.major).\(version.minor)"))
    }

    @Test func oldVersionsExplainTheirProblem() {
        let old = LibrdkafkaVersion(major: 2, minor: 0, patch: 2)
        #expect(old.problems.first?.severity == .error)
        #expect(old.problems.first?.message.contains("Read underflow") == true)
        #expect(old.problems.first?.message.contains("ensure-librdkafka.sh") == true)
        #expect(LibrdkafkaVersion(major: 2, minor: 3, patch: 0).problems.first?.severity == .warning)
        #expect(LibrdkafkaVersion(major: 2, minor: 8, patch: 0).problems.isEmpty)
    }
}
