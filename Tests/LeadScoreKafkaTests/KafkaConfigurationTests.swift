import Logging
import Testing

@testable import LeadScoreKafka

@Suite("KafkaConfiguration")
struct KafkaConfigurationTests {
    @Test func groupConsumerPropertiesEnforceExplicitOffsetStore() {
        var config = KafkaConfiguration(bootstrapServers: ["a:9092", "b:9092"], groupID: "g", sessionTimeout: .seconds(6))
        config.librdkafka["enable.auto.offset.store"] = "true"
        let p = config.librdkafkaProperties(for: .groupConsumer)
        #expect(p["bootstrap.servers"] == "a:9092,b:9092")
        #expect(p["group.id"] == "g")
        #expect(p["session.timeout.ms"] == "6000")
        #expect(p["partition.assignment.strategy"] == "cooperative-sticky")
        #expect(p["enable.auto.offset.store"] == "false")
        #expect(p["enable.auto.commit"] == "false")
        #expect(p["enable.partition.eof"] == nil)
    }

    @Test func readerGetsEndOfPartitionAndNeverCommits() {
        let p = KafkaConfiguration(bootstrap: "x:1").librdkafkaProperties(for: .partitionReader)
        #expect(p["enable.partition.eof"] == "true")
        #expect(p["enable.auto.commit"] == "false")
        #expect(p["partition.assignment.strategy"] == nil)
        #expect(p["group.id"] != nil)
    }

    @Test func fetchSizesReachConsumersOnlyAndLibrdkafkaAcceptsThem() throws {
        var config = KafkaConfiguration(bootstrap: "x:1")
        #expect(config.librdkafkaProperties(for: .partitionReader)["max.partition.fetch.bytes"] == nil)
        config.maxPartitionFetchBytes = 64 << 20
        config.fetchMaxBytes = 64 << 20
        for role in [KafkaConfiguration.ClientRole.partitionReader, .groupConsumer] {
            let p = config.librdkafkaProperties(for: role)
            #expect(p["max.partition.fetch.bytes"] == "67108864")
            #expect(p["fetch.max.bytes"] == "67108864")
        }
        #expect(config.librdkafkaProperties(for: .producer)["fetch.max.bytes"] == nil)
        try config.validate(for: .partitionReader)
        config.librdkafka["max.partition.fetch.bytes"] = "2097152"
        #expect(config.librdkafkaProperties(for: .partitionReader)["max.partition.fetch.bytes"] == "2097152")
    }

    @Test func producerIsIdempotentByDefaultAndPassthroughWins() {
        var config = KafkaConfiguration(bootstrap: "x:1 , y:2", clientID: "c")
        config.linger = .milliseconds(20)
        config.librdkafka = ["compression.type": "lz4", "linger.ms": "7"]
        let p = config.librdkafkaProperties(for: .producer)
        #expect(config.bootstrapServers == ["x:1", "y:2"])
        #expect(p["enable.idempotence"] == "true")
        #expect(p["compression.type"] == "lz4")
        #expect(p["linger.ms"] == "7")
        #expect(p["group.id"] == nil)
    }

    @Test(arguments: [
        ("sasl.password", true), ("sasl.username", true), ("sasl.jaas.config", true),
        ("sasl.oauthbearer.client.secret", true), ("ssl.key.password", true), ("ssl.key.pem", true),
        ("ssl.keystore.location", true), ("some.api.secret", true), ("sasl.mechanism", false),
        ("security.protocol", false), ("ssl.ca.location", false), ("bootstrap.servers", false),
        // Misspelt and unusual secret-like keys stay hidden; so do environment-style spellings.
        ("sasl.pasword", true), ("sasl.passwrd", true), ("ssl_key_password", true), ("sasl.kerberos.keytab", true),
        ("sasl.oauthbearer.token.endpoint.url", true), ("my.private.cert", true), ("fetch.wait.max.ms", false),
        ("compression.type", false), ("sasl.kerberos.service.name", false),
    ])
    func secretKeys(key: String, secret: Bool) {
        #expect(Redaction.isSecret(key) == secret)
    }

    @Test func descriptionRedactsSecrets() {
        var config = KafkaConfiguration(bootstrap: "x:1")
        config.librdkafka = ["sasl.password": "hunter2", "sasl.username": "svc-user", "sasl.mechanism": "PLAIN"]
        let text = config.description
        #expect(!text.contains("hunter2"))
        #expect(!text.contains("svc-user"))
        #expect(text.contains("sasl.password=[REDACTED]"))
        #expect(text.contains("sasl.mechanism=PLAIN"))
        #expect(text.contains("bootstrap.servers=x:1"))
    }

    @Test func environmentValuesAreAlwaysHidden() {
        let shown = Redaction.redacted(["compression.type": "lz4", "client.rack": "rack-7"], environmentKeys: ["client.rack"])
        #expect(shown == ["compression.type": "lz4", "client.rack": Redaction.placeholder])
    }

    @Test(arguments: [
        (Duration.milliseconds(1500), 1500), (.seconds(6), 6000), (.microseconds(999), 0),
        (.seconds(Int64.max / 2), Int(Int32.max)),
    ])
    func durationsBecomeMilliseconds(duration: Duration, expected: Int) {
        #expect(duration.milliseconds == expected)
    }

    @Test func badValueNamesTheKey() {
        var config = KafkaConfiguration(bootstrap: "127.0.0.1:1")
        config.librdkafka["linger.ms"] = "banana"
        #expect {
            try KafkaProducer(configuration: config, logger: Logger(label: "test"))
        } throws: { error in
            guard let error = error as? KafkaError else { return false }
            return error.code == .configuration && error.key == "linger.ms" && error.message.contains("linger.ms")
        }
    }

    @Test func unknownKeyNamesTheKey() {
        #expect {
            try RDKafkaClient.validate(["no.such.property": "1"])
        } throws: { error in
            (error as? KafkaError)?.key == "no.such.property"
        }
    }

    @Test func badSecretValueIsNotEchoed() {
        #expect {
            try RDKafkaClient.validate(["sasl.password": "x", "ssl.key.password": "topsecret", "acks": "sometimes"])
        } throws: { error in
            guard let error = error as? KafkaError else { return false }
            return error.key == "acks" && !error.description.contains("topsecret")
        }
    }

    @Test func validateChecksPassthroughWithoutConnecting() throws {
        var config = KafkaConfiguration(bootstrap: "127.0.0.1:1", groupID: "g")
        try config.validate(for: .groupConsumer)
        config.librdkafka["fetch.wait.max.ms"] = "-5"
        #expect {
            try config.validate(for: .groupConsumer)
        } throws: { error in
            (error as? KafkaError)?.key == "fetch.wait.max.ms"
        }
    }

    @Test func groupConsumerNeedsGroupID() {
        #expect {
            try KafkaConsumer(configuration: KafkaConfiguration(bootstrap: "127.0.0.1:1"), topics: ["t"], logger: Logger(label: "test"))
        } throws: { error in
            (error as? KafkaError)?.key == "group.id"
        }
    }
}
