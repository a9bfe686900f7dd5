import Synchronization

/// A dictionary behind a `Mutex`, for caches filled on first use from any thread.
final class LockedDictionary<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let storage = Mutex<[Key: Value]>([:])

    /// The cached value for `key`, made by `make` (under the lock) the first time.
    func value(for key: Key, orMake make: () -> Value) -> Value {
        storage.withLock { dict in
            if let existing = dict[key] { return existing }
            let made = make()
            dict[key] = made
            return made
        }
    }
}
