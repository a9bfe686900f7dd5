import Foundation
import Logging

/// The poll loop behind `KafkaConsumer.messages` and `KafkaConsumer.run()`: polls on a dedicated
/// thread and hands batches to the async side, blocking the thread (not dropping) when the reader
/// falls more than `maxBufferedMessages` behind.
///
/// `@unchecked Sendable`: every stored property is read and written only while holding `condition`.
final class KafkaConsumerLoop: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [[KafkaMessage]] = []
    private var head = 0
    private var buffered = 0
    private var waiter: CheckedContinuation<[KafkaMessage]?, any Error>?
    private var stopRequested = false
    private var finished = false
    private var failure: KafkaError?
    private var thread: DedicatedThread?
    let maxBufferedMessages = 100_000

    /// Starts the loop once; later calls do nothing.
    func startIfNeeded(core: RDKafkaConsumerCore, logger: Logger) {
        condition.lock()
        defer { condition.unlock() }
        guard thread == nil, !stopRequested else { return }
        thread = DedicatedThread.start(name: "kafka-consumer-poll") { [self] in
            var failure: KafkaError?
            while !isStopRequested {
                do throws(KafkaError) {
                    let batch = try core.poll(maxMessages: 10_000, timeout: .milliseconds(100))
                    if !batch.isEmpty { send(batch) }
                } catch {
                    failure = error
                    break
                }
            }
            do throws(KafkaError) { try core.close() } catch {
                logger.warning("consumer close failed", metadata: ["kafka.error": .string(error.description)])
            }
            finish(failure)
        }
    }

    private var isStopRequested: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopRequested
    }

    private func send(_ batch: [KafkaMessage]) {
        condition.lock()
        if let waiter {
            self.waiter = nil
            condition.unlock()
            waiter.resume(returning: batch)
            return
        }
        batches.append(batch)
        buffered += batch.count
        while buffered > maxBufferedMessages && !stopRequested { condition.wait() }
        condition.unlock()
    }

    private func finish(_ error: KafkaError?) {
        condition.lock()
        finished = true
        failure = error
        let waiter = self.waiter
        self.waiter = nil
        condition.unlock()
        if let error { waiter?.resume(throwing: error) } else { waiter?.resume(returning: nil) }
    }

    /// Asks the loop to stop; it closes the consumer and ends the sequence within one poll timeout.
    func requestStop() {
        condition.lock()
        stopRequested = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops a running loop and blocks until it has closed the consumer. False if it never ran.
    func stopAndWait() -> Bool {
        condition.lock()
        let thread = self.thread
        stopRequested = true
        condition.broadcast()
        condition.unlock()
        thread?.join()
        return thread != nil
    }

    /// Waits until the loop has ended; throws the error that ended it, if any.
    func joined() async throws(KafkaError) {
        let thread = condition.withLock { self.thread }
        await thread?.joined()
        if let failure = condition.withLock({ self.failure }) { throw failure }
    }

    /// The next batch; nil at the end of the stream or when the task is cancelled.
    func nextBatch() async throws -> [KafkaMessage]? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[KafkaMessage]?, any Error>) in
                condition.lock()
                if head < batches.count {
                    let batch = batches[head]
                    head += 1
                    buffered -= batch.count
                    if head > 64 && head * 2 > batches.count {
                        batches.removeFirst(head)
                        head = 0
                    }
                    condition.broadcast()
                    condition.unlock()
                    continuation.resume(returning: batch)
                } else if finished || Task.isCancelled {
                    let failure = self.failure
                    condition.unlock()
                    if let failure { continuation.resume(throwing: failure) } else { continuation.resume(returning: nil) }
                } else {
                    waiter = continuation
                    condition.unlock()
                }
            }
        } onCancel: {
            condition.lock()
            let waiter = self.waiter
            self.waiter = nil
            condition.unlock()
            waiter?.resume(returning: nil)
        }
    }
}
