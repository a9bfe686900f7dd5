/// An array that remembers which positions changed since it was last told to forget
/// (`clearChanges()`), so a checkpoint can write only what changed: its cost follows the leads an
/// interval touched, not the leads the book holds.
///
/// Every write goes through the subscript's `_modify` or `append`, so no mutation can bypass the
/// record. A position is listed once however often it changes; positions at or past `count` after
/// a removal are stale and are skipped by whoever reads the list.
struct TrackedArray<Element: Sendable>: RandomAccessCollection, Sendable {
    private(set) var elements: [Element] = []
    /// One bit per position: changed since the last `clearChanges()`.
    private var marks: [UInt64] = []
    /// The changed positions, each once, in the order first changed.
    private(set) var changed: [Int32] = []

    init() {}

    init(_ elements: [Element]) {
        self.elements = elements
    }

    var startIndex: Int { 0 }
    var endIndex: Int { elements.count }

    @inline(__always)
    subscript(position: Int) -> Element {
        get { elements[position] }
        _modify {
            mark(position)
            yield &elements[position]
        }
    }

    mutating func append(_ element: Element) {
        mark(elements.count)
        elements.append(element)
    }

    mutating func removeLast() {
        elements.removeLast()
    }

    mutating func reserveCapacity(_ n: Int) {
        elements.reserveCapacity(n)
    }

    /// Forgets every change recorded so far.
    mutating func clearChanges() {
        for position in changed { marks[Int(position) >> 6] = 0 }
        changed.removeAll(keepingCapacity: true)
    }

    /// Records every position as changed (a fresh book, or one whose checkpoint chain restarts).
    mutating func markAll() {
        clearChanges()
        for position in elements.indices { mark(position) }
    }

    /// Records a position as changed when the change lies outside the element (state kept
    /// beside the array, keyed by position).
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
        changed.append(Int32(truncatingIfNeeded: position))
    }
}
