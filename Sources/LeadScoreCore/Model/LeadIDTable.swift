import CCacheHints

/// Maps lead ids to lead indexes with 4 bytes per slot: an open-addressing table (linear probing,
/// at most half full) of indexes into the book's id array, which already holds the strings.
///
/// A `[String: Int32]` would store every id a second time plus its value (about 40 bytes per
/// lead at a million leads); this keeps the per-lead budget of SPEC section 6. The hash is
/// FNV-1a 64 of the UTF-8 bytes: stable, seedless and cheap for short ids.
struct LeadIDTable: Sendable {
    private var slots: [Int32] = [Int32](repeating: -1, count: 16)
    private(set) var count = 0

    init() {}

    /// A table sized for `capacity` ids.
    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
    }

    @inline(__always)
    static func hash(_ id: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        // FNV's low bits are weak for short keys; fold the high half in before masking.
        return h ^ (h >> 29)
    }

    /// The index of `id`, looking ids up in `ids`.
    @inline(__always)
    func find(_ id: String, in ids: [String]) -> Int32? {
        let mask = slots.count - 1
        var slot = home(LeadIDTable.hash(id))
        while true {
            let index = slots[slot]
            if index < 0 { return nil }
            if ids[Int(index)] == id { return index }
            slot = (slot + 1) & mask
        }
    }

    /// The slot a lookup of an id with hash `hash` reads first (every lookup, insert, removal and
    /// hint starts here).
    @inline(__always)
    private func home(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash) & (slots.count - 1) }

    /// Asks the CPU to fetch the slot a lookup of an id with hash `hash` reads first.
    @inline(__always)
    func prefetchHome(_ hash: UInt64) {
        let slot = home(hash)
        slots.withUnsafeBufferPointer { leadscore_prefetch($0.baseAddress! + slot) }
    }

    /// The index in the slot a lookup of `hash` reads first, without comparing its id (a guess
    /// for cache hints: right whenever the id sits in its home slot, as most do at half load);
    /// nil when that slot is empty.
    @inline(__always)
    func homeIndex(_ hash: UInt64) -> Int32? {
        let index = slots[home(hash)]
        return index >= 0 ? index : nil
    }

    /// Adds `index` for `ids[index]` (which must not be present yet).
    mutating func insert(_ index: Int32, in ids: [String]) {
        if (count + 1) * 2 > slots.count { grow(ids) }
        place(index, ids[Int(index)])
        count += 1
    }

    /// Removes `id` (found through `ids`); keeps every other id findable (backward-shift
    /// deletion, no tombstones, so probes stay as short as before).
    mutating func remove(_ id: String, in ids: [String]) {
        let mask = slots.count - 1
        var slot = home(LeadIDTable.hash(id))
        while true {
            let index = slots[slot]
            if index < 0 { return }
            if ids[Int(index)] == id { break }
            slot = (slot + 1) & mask
        }
        slots[slot] = -1
        count -= 1
        var hole = slot
        var next = (slot + 1) & mask
        while slots[next] >= 0 {
            let start = home(LeadIDTable.hash(ids[Int(slots[next])]))
            // The entry at `next` may fill the hole unless its home lies cyclically in (hole, next].
            let homeAfterHole = hole <= next ? (start > hole && start <= next) : (start > hole || start <= next)
            if !homeAfterHole {
                slots[hole] = slots[next]
                slots[next] = -1
                hole = next
            }
            next = (next + 1) & mask
        }
    }

    /// Points the entry of `id` (now at `old` in `ids`) to `new`, for a lead moved in the arrays.
    mutating func move(_ id: String, from old: Int32, to new: Int32) {
        let mask = slots.count - 1
        var slot = home(LeadIDTable.hash(id))
        while slots[slot] >= 0 {
            if slots[slot] == old {
                slots[slot] = new
                return
            }
            slot = (slot + 1) & mask
        }
    }

    private mutating func place(_ index: Int32, _ id: String) {
        let mask = slots.count - 1
        var slot = home(LeadIDTable.hash(id))
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = index
    }

    private mutating func grow(_ ids: [String]) {
        let old = slots
        slots = [Int32](repeating: -1, count: old.count * 2)
        for index in old where index >= 0 { place(index, ids[Int(index)]) }
    }
}
