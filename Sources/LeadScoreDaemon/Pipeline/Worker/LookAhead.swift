import LeadScoreCore

/// The worker's records decoded ahead of the one being applied (`EventLookAhead`), and the dead
/// letters of those that are not events, in the same positions.
final class LookAhead {
    static let distance = EventLookAhead.distance
    private static let capacity = distance + 1
    let events = EventLookAhead()
    /// Behind a `let` pointer, as `EventLookAhead`'s storage is: a `var` array in a class is
    /// checked for exclusive access on every touch, and every record touches it.
    private let letters = UnsafeMutablePointer<DeadLetter?>.allocate(capacity: LookAhead.capacity)

    init() {
        letters.initialize(repeating: nil, count: LookAhead.capacity)
    }

    deinit {
        letters.deinitialize(count: LookAhead.capacity)
        letters.deallocate()
    }

    /// Holds the dead letter the run's record at `position` makes instead of an event.
    func put(letter: DeadLetter, at position: Int) {
        events.release(position)
        letters[position % LookAhead.capacity] = letter
    }

    /// The dead letter held at `position`; nil when it holds an event (`events.event(at:)`) or
    /// nothing.
    func letter(at position: Int) -> DeadLetter? { letters[position % LookAhead.capacity] }

    /// Whether a record (event or dead letter) is held at `position`.
    func holds(_ position: Int) -> Bool { events.holds(position) || letters[position % LookAhead.capacity] != nil }

    /// Empties the slot of `position` once its record is done with.
    func release(_ position: Int) {
        events.release(position)
        letters[position % LookAhead.capacity] = nil
    }

    /// Empties every slot (a run's start; a failure may have left some).
    func clear() {
        events.clear()
        for slot in 0..<LookAhead.capacity { letters[slot] = nil }
    }
}
