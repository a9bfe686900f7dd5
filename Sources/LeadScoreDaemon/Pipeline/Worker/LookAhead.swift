import LeadScoreCore

/// The records of a run (one partition's, in offset order) decoded ahead of the one being
/// applied, so that their leads' cache misses overlap the work on the records before them
/// (`LeadBook+LookAhead`): record n + 2 is decoded and its lead's id-table slot hinted, record
/// n + 1's lead record hinted (its slot has arrived by then), record n applied.
///
/// Decoding needs no state and hints change nothing, so what is applied, in what order, is what
/// applying each record as it comes would do. A ring of `distance + 1` slots by position in the
/// run, emptied by every run. The events live in storage of their own, decoded into place and
/// applied from there: an `InputEvent` is ~180 bytes, and moving it through optionals and enums
/// on its way (as a first version did) cost as many copies as the hints saved.
final class LookAhead {
    static let distance = 2
    private static let capacity = distance + 1

    /// What a slot holds.
    private enum Held: UInt8 {
        case nothing, event, hintedEvent, letter
    }

    // All storage is allocated once and reached through `let` pointers: a class's `var` arrays
    // are checked for exclusive access at run time on every touch (that was a third of the
    // look-ahead's cost).
    private let events = UnsafeMutablePointer<InputEvent>.allocate(capacity: LookAhead.capacity)
    private let held = UnsafeMutablePointer<Held>.allocate(capacity: LookAhead.capacity)
    private let hashes = UnsafeMutablePointer<UInt64>.allocate(capacity: LookAhead.capacity)
    private let letters = UnsafeMutablePointer<DeadLetter?>.allocate(capacity: LookAhead.capacity)

    init() {
        held.initialize(repeating: .nothing, count: LookAhead.capacity)
        hashes.initialize(repeating: 0, count: LookAhead.capacity)
        letters.initialize(repeating: nil, count: LookAhead.capacity)
    }

    deinit {
        clear()
        letters.deinitialize(count: LookAhead.capacity)
        letters.deallocate()
        hashes.deallocate()
        held.deallocate()
        events.deallocate()
    }

    /// Holds the event of the run's record at `position` and hints its lead's id-table slot.
    func put(event: consuming InputEvent, at position: Int, book: LeadBook) {
        let slot = vacate(position)
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

    /// Holds the dead letter the run's record at `position` makes instead of an event.
    func put(letter: DeadLetter, at position: Int) {
        let slot = vacate(position)
        letters[slot] = letter
        held[slot] = .letter
    }

    /// Hints the lead record of the record held at `position` (nothing when it names no lead).
    func hintRecord(at position: Int, book: LeadBook) {
        let slot = position % LookAhead.capacity
        if held[slot] == .hintedEvent { book.prefetchRecord(hash: hashes[slot]) }
    }

    /// Whether a record is held at `position`.
    func holds(_ position: Int) -> Bool { held[position % LookAhead.capacity] != .nothing }

    /// The dead letter held at `position`; nil when it holds an event (`event(at:)`).
    func letter(at position: Int) -> DeadLetter? {
        let slot = position % LookAhead.capacity
        return held[slot] == .letter ? letters[slot] : nil
    }

    /// The event held at `position`, read in place (valid until the slot is released).
    func event(at position: Int) -> UnsafePointer<InputEvent> {
        let slot = position % LookAhead.capacity
        precondition(held[slot] == .event || held[slot] == .hintedEvent, "no event held at \(position)")
        return UnsafePointer(events + slot)
    }

    /// Empties the slot of `position` once its record is done with.
    func release(_ position: Int) {
        _ = vacate(position)
    }

    /// Empties every slot (a run's start; a failure may have left some).
    func clear() {
        for slot in 0..<LookAhead.capacity { _ = vacate(slot) }
    }

    /// Empties the slot of `position`; returns it.
    private func vacate(_ position: Int) -> Int {
        let slot = position % LookAhead.capacity
        switch held[slot] {
        case .event, .hintedEvent: (events + slot).deinitialize(count: 1)
        case .letter: letters[slot] = nil
        case .nothing: break
        }
        held[slot] = .nothing
        return slot
    }
}
