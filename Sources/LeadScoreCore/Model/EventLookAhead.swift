/// Events decoded ahead of the one being applied, so that their leads' cache misses overlap the
/// work on the events before them (`LeadBook+LookAhead`): the event `distance` on is put here and
/// its lead's id-table slot hinted, the next one's lead record hinted (its slot has arrived by
/// then), the one in hand applied from where it lies.
///
/// Decoding needs no state and hints change nothing, so applying events from here, in order, is
/// exactly applying each as it comes. A ring of `distance + 1` slots by position in the caller's
/// sequence. The events live in storage of their own, decoded into place and read in place: an
/// `InputEvent` is ~180 bytes with its strings, and moving it through optionals and enums on its
/// way cost as many copies as the hints saved. All storage sits behind `let` pointers, since a
/// class's `var` properties are checked for exclusive access at run time on every touch.
///
/// `@unchecked Sendable`: used by one owner at a time (a partition worker's thread, a replay);
/// a value type that holds one copies it before changing it when it is shared (`copy()`).
public final class EventLookAhead: @unchecked Sendable {
    /// How far ahead events are put: two (one event's work is enough for a cache miss to arrive).
    public static let distance = 2
    static let capacity = distance + 1

    private enum Held: UInt8 {
        case nothing, event, hintedEvent
    }

    private let events = UnsafeMutablePointer<InputEvent>.allocate(capacity: EventLookAhead.capacity)
    private let held = UnsafeMutablePointer<Held>.allocate(capacity: EventLookAhead.capacity)
    private let hashes = UnsafeMutablePointer<UInt64>.allocate(capacity: EventLookAhead.capacity)

    public init() {
        held.initialize(repeating: .nothing, count: EventLookAhead.capacity)
        hashes.initialize(repeating: 0, count: EventLookAhead.capacity)
    }

    deinit {
        clear()
        hashes.deallocate()
        held.deallocate()
        events.deallocate()
    }

    /// Holds `event`, the one at `position`, and hints its lead's id-table slot in `book`.
    public func put(_ event: consuming InputEvent, at position: Int, book: LeadBook) {
        let slot = release(position)
        (events + slot).initialize(to: event)
        if let id = LeadBook.hintedLeadID(of: events[slot]) {
            let hash = LeadBook.hintHash(id)
            book.prefetchSlot(hash: hash)
            hashes[slot] = hash
            held[slot] = .hintedEvent
        } else {
            held[slot] = .event
        }
    }

    /// Hints the lead record of the event held at `position` (nothing when it names no lead).
    public func hintRecord(at position: Int, book: LeadBook) {
        let slot = position % EventLookAhead.capacity
        if held[slot] == .hintedEvent { book.prefetchRecord(hash: hashes[slot]) }
    }

    /// Whether an event is held at `position`.
    public func holds(_ position: Int) -> Bool { held[position % EventLookAhead.capacity] != .nothing }

    /// The event held at `position`, to read in place (valid until its slot is released or reused).
    public func event(at position: Int) -> UnsafePointer<InputEvent> {
        let slot = position % EventLookAhead.capacity
        precondition(held[slot] != .nothing, "no event held at \(position)")
        return UnsafePointer(events + slot)
    }

    /// Empties the slot of `position` (the event is dropped); returns the slot.
    @discardableResult
    public func release(_ position: Int) -> Int {
        let slot = position % EventLookAhead.capacity
        if held[slot] != .nothing { (events + slot).deinitialize(count: 1) }
        held[slot] = .nothing
        return slot
    }

    /// Empties every slot.
    public func clear() {
        for slot in 0..<EventLookAhead.capacity { release(slot) }
    }

    /// A ring holding the same events (copied) and hints.
    public func copy() -> EventLookAhead {
        let other = EventLookAhead()
        for slot in 0..<EventLookAhead.capacity where held[slot] != .nothing {
            (other.events + slot).initialize(to: events[slot])
            other.held[slot] = held[slot]
            other.hashes[slot] = hashes[slot]
        }
        return other
    }
}
