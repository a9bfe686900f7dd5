import Crdkafka
import Foundation
import Logging
import Synchronization

/// A Kafka producer: idempotent by default. Delivery reports are served by the threads that
/// produce when they ask (`serveDeliveries()`), and by a delivery thread of its own whenever they
/// do not.
///
/// Two ways to send: `produce(...)` is the cheap fire-and-forget path with an optional completion
/// closure (when librdkafka's local queue is full it waits for deliveries to make room instead of
/// failing), and `send(...)` is `async` and returns once the broker acknowledged the message.
/// Transactions are in `KafkaProducer+Transactions.swift`.
public final class KafkaProducer: Sendable {
    let client: RDKafkaClient
    private let state: ProducerState
    private let thread: DedicatedThread
    private let queueFullWait: Duration

    /// Creates the producer and starts its delivery thread. `onDelivery` receives the outcome of
    /// every record produced with a token, on whichever thread serves the report (the delivery
    /// thread, or a caller of `serveDeliveries()`, `flush(timeout:)` or a `produce` waiting for
    /// room), so it must be thread-safe.
    public init(configuration: KafkaConfiguration, hooks: KafkaClientHooks = KafkaClientHooks(), logger: Logger,
                onDelivery: (@Sendable (KafkaTokenDelivery) -> Void)? = nil) throws(KafkaError) {
        let client = try RDKafkaClient(
            type: RD_KAFKA_PRODUCER, properties: configuration.librdkafkaProperties(for: .producer),
            logger: logger, hooks: hooks, deliveryCallback: rdKafkaDeliveryCallback, tokenDelivery: onDelivery)
        let state = ProducerState()
        self.client = client
        self.state = state
        // Messages time out after message.timeout.ms, so the queue cannot stay full longer than that.
        self.queueFullWait = configuration.messageTimeout + .seconds(5)
        self.thread = DedicatedThread.start(name: "kafka-producer-delivery") {
            var seen = state.callerServes
            while !state.isStopping {
                rd_kafka_poll(client.handle, 100)
                // While producing threads serve their own reports, stay out of their way (each
                // report this thread took would free its message here, away from the thread that
                // allocates the next ones); serve again once they have been quiet for a moment.
                while !state.isStopping && state.callerServes != seen {
                    seen = state.callerServes
                    Thread.sleep(forTimeInterval: KafkaProducer.callerQuietInterval)
                }
            }
            // Serve what is left so every completion is called before the handle goes away.
            let drainDeadline = ContinuousClock.now.advanced(by: .seconds(5))
            while rd_kafka_outq_len(client.handle) > 0 && ContinuousClock.now < drainDeadline {
                rd_kafka_poll(client.handle, 10)
            }
        }
    }

    deinit {
        // Fail whatever is still queued so every completion runs, then let the thread drain it.
        rd_kafka_purge(client.handle, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
        state.stop()
    }

    /// How long callers of `serveDeliveries()` must stay quiet before the delivery thread serves
    /// reports again.
    static let callerQuietInterval = 0.002

    /// Serves the delivery reports that have arrived, on the calling thread, without waiting: their
    /// completions and the delivery handler run here. For a thread that produces at a high rate,
    /// every few records: librdkafka frees a message and its headers where its report is served,
    /// so served here the memory goes back to the cache of the thread that allocates the next
    /// messages, as in a single-threaded relay, instead of being freed on the delivery thread and
    /// taken from the shared heap again (Benchmarks/README.md, issue 17 stage 11). While callers do
    /// this, the delivery thread stands aside; once they stop for `callerQuietInterval`, it serves
    /// the reports again.
    public func serveDeliveries() {
        state.noteCallerServe()
        rd_kafka_poll(client.handle, 0)
    }

    /// Messages not yet delivered (or failed) plus delivery reports not yet served.
    public var outstandingCount: Int { Int(rd_kafka_outq_len(client.handle)) }

    /// Deliveries that failed for messages produced without a completion.
    public var unreportedFailureCount: Int { client.context.deliveryFailures.load(ordering: .relaxed) }

    /// Enqueues a message without waiting for the broker. `completion`, if given, is called once
    /// with the outcome, on the thread that serves its report. Blocks only while the local queue is
    /// full.
    public func produce(
        topic: String, partition: Int32? = nil, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = [],
        completion: KafkaDeliveryCompletion? = nil
    ) throws(KafkaError) {
        guard !state.isStopping else { throw KafkaError(code: .closed, message: "produce after close") }
        let rkt = state.topicHandle(topic, client: client)
        let opaque = completion.map { Unmanaged.passRetained(KafkaDeliveryBox($0)).toOpaque() }
        let err = retryingWhileQueueFull {
            let hdrs = Self.makeHeaders(headers)
            let err = key.withOptionalBytes { k in
                value.withOptionalBytes { v in
                    leadscore_produce(
                        client.handle, rkt, partition ?? leadscore_partition_ua,
                        k.baseAddress, k.count, v.baseAddress, v.count, hdrs, opaque)
                }
            }
            if err != RD_KAFKA_RESP_ERR_NO_ERROR, let hdrs { rd_kafka_headers_destroy(hdrs) }
            return err
        }
        if err == RD_KAFKA_RESP_ERR_NO_ERROR { return }
        if let opaque { Unmanaged<KafkaDeliveryBox>.fromOpaque(opaque).release() }
        throw KafkaError.rdKafka(err, context: "produce to \(topic)", key: err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ? "topic" : nil)
    }

    /// Calls `attempt` again while librdkafka's local queue is full, serving delivery reports to
    /// make room, for at most `queueFullWait`; returns librdkafka's last answer.
    private func retryingWhileQueueFull(_ attempt: () -> rd_kafka_resp_err_t) -> rd_kafka_resp_err_t {
        var deadline: ContinuousClock.Instant?
        while true {
            let err = attempt()
            guard err == RD_KAFKA_RESP_ERR__QUEUE_FULL else { return err }
            let now = ContinuousClock.now
            let limit = deadline ?? now.advanced(by: queueFullWait)
            deadline = limit
            guard now < limit && !state.isStopping else { return err }
            serve(waitingUpTo: .milliseconds(10))
        }
    }

    /// A topic to produce to with `produce(to:key:value:headers:token:)`, resolved once.
    public func topic(_ name: String) -> KafkaProducerTopic {
        KafkaProducerTopic(name: name, handle: state.topicHandle(name, client: client))
    }

    /// The hot path: enqueues one record with no allocation of its own. Key and value are copied by
    /// librdkafka during the call; `headers` adds the record's headers straight into librdkafka's
    /// list; the outcome goes to `onDelivery` with `token` (at most `KafkaTokenDelivery.maxToken`).
    /// A nil `value` writes a tombstone (a null value, which log compaction reads as a delete).
    /// Blocks only while the local queue is full.
    public func produce(
        to topic: KafkaProducerTopic, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, token: UInt64,
        headerCapacity: Int = 4, headers build: (inout KafkaOutgoingHeaders) -> Void = { _ in }
    ) throws(KafkaError) {
        var headers = KafkaOutgoingHeaders(capacity: headerCapacity)
        build(&headers)
        guard !state.isStopping else { throw KafkaError(code: .closed, message: "produce after close") }
        guard let rkt = topic.handle else {
            throw KafkaError(code: .invalidArgument, message: "no topic handle for \(topic.name)", key: "topic")
        }
        // Tag bit 0: a token, not a completion box (boxes are aligned objects, bit 0 clear).
        let opaque = UnsafeMutableRawPointer(bitPattern: UInt((token & KafkaTokenDelivery.maxToken) << 1 | 1))
        let hdrs = headers.take()
        let err = retryingWhileQueueFull {
            leadscore_produce(
                client.handle, rkt, leadscore_partition_ua, key?.baseAddress, key?.count ?? 0,
                value.map { $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1) } ?? nil, value?.count ?? 0, hdrs, opaque)
        }
        if err == RD_KAFKA_RESP_ERR_NO_ERROR { return }
        if let hdrs { rd_kafka_headers_destroy(hdrs) }
        throw KafkaError.rdKafka(err, context: "produce to \(topic.name)")
    }

    /// Sends a message and waits for the broker's acknowledgement.
    public func send(
        topic: String, partition: Int32? = nil, key: [UInt8]?, value: [UInt8]?, headers: [KafkaHeader] = []
    ) async throws(KafkaError) -> KafkaDeliveryReport {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<KafkaDeliveryReport, KafkaError>, Never>) in
            do throws(KafkaError) {
                try produce(topic: topic, partition: partition, key: key, value: value, headers: headers) {
                    continuation.resume(returning: $0)
                }
            } catch {
                continuation.resume(returning: .failure(error))
            }
        }
        return try result.get()
    }

    /// Waits until every message produced so far is delivered or failed (and its completion has
    /// run), up to `timeout`. Blocks the calling thread, which serves delivery reports meanwhile
    /// (beside the delivery thread), as librdkafka's own flush does.
    public func flush(timeout: Duration) throws(KafkaError) {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while outstandingCount > 0 {
            let now = ContinuousClock.now
            guard now < deadline else {
                throw KafkaError(code: .timeout, message: "flush: \(outstandingCount) messages still outstanding after \(timeout)")
            }
            serve(waitingUpTo: min(.milliseconds(10), deadline - now))
        }
    }

    /// Serves delivery reports on the calling thread, waiting up to `limit` for one to arrive.
    private func serve(waitingUpTo limit: Duration) {
        rd_kafka_poll(client.handle, Int32(clamping: max(1, limit.milliseconds)))
    }

    /// Fails every message still waiting in the local queue (not yet sent to a broker) with a
    /// purge error, without waiting: for an instance that learns it was fenced, so what it queued
    /// before it knew does not go out. Requests already in flight cannot be called back.
    public func purgeQueued() {
        rd_kafka_purge(client.handle, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_NON_BLOCKING))
    }

    /// Flushes (bounded), then fails what is still queued and stops the delivery thread.
    public func close(flushTimeout: Duration = .seconds(10)) {
        do throws(KafkaError) { try flush(timeout: flushTimeout) } catch {
            client.logger.warning("producer close: flush incomplete", metadata: ["kafka.error": .string(error.description)])
        }
        rd_kafka_purge(client.handle, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
        state.stop()
        thread.join()
    }

    private static func makeHeaders(_ headers: [KafkaHeader]) -> OpaquePointer? {
        guard !headers.isEmpty, let hdrs = rd_kafka_headers_new(headers.count) else { return nil }
        for header in headers {
            header.value.withOptionalBytes { v in
                _ = rd_kafka_header_add(hdrs, header.name, -1, v.baseAddress, v.count)
            }
        }
        return hdrs
    }
}

/// Mutable producer state shared with the delivery thread.
///
/// `@unchecked Sendable`: `topics` is guarded by its `Mutex`, `stopping` and `callerServes` are
/// atomics. Topic handles are destroyed in `deinit`, after the delivery thread (which holds the
/// client) can no longer produce to them.
final class ProducerState: @unchecked Sendable {
    private let topics = Mutex<[String: OpaquePointer]>([:])
    private let stopping = Atomic<Bool>(false)
    private let callerServeCount = Atomic<UInt64>(0)

    var isStopping: Bool { stopping.load(ordering: .acquiring) }

    /// How many times producing threads served their own delivery reports (`serveDeliveries()`).
    var callerServes: UInt64 { callerServeCount.load(ordering: .relaxed) }

    func noteCallerServe() {
        callerServeCount.add(1, ordering: .relaxed)
    }

    func stop() {
        stopping.store(true, ordering: .releasing)
    }

    /// A cached librdkafka topic handle, so producing does not look the topic up per message.
    func topicHandle(_ topic: String, client: RDKafkaClient) -> OpaquePointer? {
        topics.withLock { handles in
            if let handle = handles[topic] { return handle }
            let handle = rd_kafka_topic_new(client.handle, topic, nil)
            if let handle { handles[topic] = handle }
            return handle
        }
    }

    deinit {
        topics.withLock { handles in
            for handle in handles.values { rd_kafka_topic_destroy(handle) }
        }
    }
}

/// Delivery reports: hands each message's outcome to its completion (if any).
let rdKafkaDeliveryCallback: @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = {
    _, message, contextPointer in
    guard let message else { return }
    let m = message.pointee
    if let opaque = m._private, UInt(bitPattern: opaque) & 1 == 1 {
        guard let handler = RDKafkaCallbackContext.from(contextPointer)?.tokenDelivery else { return }
        let token = UInt64(UInt(bitPattern: opaque) >> 1)
        if m.err == RD_KAFKA_RESP_ERR_NO_ERROR {
            handler(KafkaTokenDelivery(token: token, partition: m.partition, offset: m.offset >= 0 ? m.offset : nil, error: nil))
        } else {
            let topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
            handler(KafkaTokenDelivery(token: token, partition: m.partition, offset: nil,
                                       error: KafkaError.rdKafka(m.err, context: "delivery to \(topic)[\(m.partition)]")))
        }
        return
    }
    guard let opaque = m._private else {
        if m.err != RD_KAFKA_RESP_ERR_NO_ERROR, let context = RDKafkaCallbackContext.from(contextPointer) {
            // No completion to tell: count it so the application can still see failures.
            if context.deliveryFailures.add(1, ordering: .relaxed).newValue == 1 {
                context.logger.warning("delivery failed", metadata: ["kafka.error": .string(KafkaError.rdKafka(m.err, context: "delivery").description)])
            }
        }
        return
    }
    let box = Unmanaged<KafkaDeliveryBox>.fromOpaque(opaque).takeRetainedValue()
    let topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
    if m.err == RD_KAFKA_RESP_ERR_NO_ERROR {
        box.completion(.success(KafkaDeliveryReport(topic: topic, partition: m.partition, offset: m.offset >= 0 ? m.offset : nil)))
    } else {
        box.completion(.failure(KafkaError.rdKafka(m.err, context: "delivery to \(topic)[\(m.partition)]")))
    }
}

extension Optional where Wrapped == [UInt8] {
    /// Lends the bytes, or an empty buffer with a nil base address for nil (a Kafka null).
    func withOptionalBytes<T>(_ body: (UnsafeRawBufferPointer) -> T) -> T {
        switch self {
        case .some(let bytes) where bytes.isEmpty:
            // An empty value must not become a null one: lend a valid pointer with length 0.
            withUnsafeBytes(of: UInt8(0)) { body(UnsafeRawBufferPointer(rebasing: $0[0..<0])) }
        case .some(let bytes): bytes.withUnsafeBytes(body)
        case .none: body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
    }
}
