import CCacheHints

/// The positions of a table changed since the last checkpoint, each listed once, so a checkpoint
/// writes only what changed: its cost follows the leads an interval touched, not the leads the
/// book holds (see `LeadBook+Delta`).
///
/// Positions at or past the table's count after a removal are stale; whoever reads the list skips
/// them.
struct ChangedPositions: Sendable {
    /// One bit per position.
    private var marks: [UInt64] = []
    /// The changed positions, in the order first changed.
    private(set) var list: [Int32] = []

    /// Records a position as changed.
    @inline(__always)
    mutating func mark(_ position: Int) {
        let word = position >> 6
        let bit = UInt64(1) << UInt64(position & 63)
        if word < marks.count {
            if marks[word] & bit != 0 { return }
        } else {
            marks.append(contentsOf: repeatElement(0, count: Swift.max(word + 1 - marks.count, marks.count)))
        }
        marks[word] |= bit
        list.append(Int32(truncatingIfNeeded: position))
    }

    /// Forgets every change recorded so far.
    mutating func clear() {
        for position in list { marks[Int(position) >> 6] = 0 }
        list.removeAll(keepingCapacity: true)
    }
}

/// The book's leads. Every write goes through the subscript's `_modify` or `append`, so no code
/// path can change a lead without it being recorded in `changes`; state kept beside the table and
/// keyed by lead index (SLA starts, breach chains, late floors, cap cells) records its changes with
/// `mark(_:)`.
///
/// A concrete type rather than a generic wrapper: the debug build the integration tests run does
/// not specialize generics, and this subscript is on every event's path.
struct LeadTable: RandomAccessCollection, Sendable {
    private(set) var elements: [LeadRecord] = []
    private(set) var changes = ChangedPositions()

    var startIndex: Int { 0 }
    var endIndex: Int { elements.count }

    @inline(__always)
    subscript(position: Int) -> LeadRecord {
        get { elements[position] }
        _modify {
            changes.mark(position)
            yield &elements[position]
        }
    }

    mutating func append(_ lead: LeadRecord) {
        changes.mark(elements.count)
        elements.append(lead)
    }

    mutating func removeLast() { elements.removeLast() }
    mutating func reserveCapacity(_ n: Int) { elements.reserveCapacity(n) }
    @inline(__always) mutating func mark(_ position: Int) { changes.mark(position) }
    mutating func clearChanges() { changes.clear() }

    /// Asks the CPU to fetch the record at `position` (both cache lines it may span).
    @inline(__always)
    func prefetch(_ position: Int) {
        elements.withUnsafeBufferPointer { buffer in
            let record = UnsafeRawPointer(buffer.baseAddress! + position)
            leadscore_prefetch(record)
            leadscore_prefetch(record + MemoryLayout<LeadRecord>.stride - 1)
        }
    }
}

/// The book's accounts, with their changes recorded as `LeadTable` records its leads'.
struct AccountTable: RandomAccessCollection, Sendable {
    private(set) var elements: [AccountRecord] = []
    private(set) var changes = ChangedPositions()

    var startIndex: Int { 0 }
    var endIndex: Int { elements.count }

    @inline(__always)
    subscript(position: Int) -> AccountRecord {
        get { elements[position] }
        _modify {
            changes.mark(position)
            yield &elements[position]
        }
    }

    mutating func append(_ account: AccountRecord) {
        changes.mark(elements.count)
        elements.append(account)
    }

    mutating func reserveCapacity(_ n: Int) { elements.reserveCapacity(n) }
    mutating func clearChanges() { changes.clear() }
}
