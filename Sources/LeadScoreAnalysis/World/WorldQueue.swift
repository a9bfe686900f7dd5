import LeadScoreCore

/// The world's agenda: what happens next, in time order (ties in the order scheduled), as a
/// binary min-heap, so the stream's `occurred_at` never decreases.
struct WorldQueue: Sendable {
    enum Kind: Sendable {
        case arrive(lead: Int32)
        case profile(lead: Int32)
        case engage(lead: Int32)
        case accountIntent(lead: Int32)
        case crmAssign(lead: Int32)
        case outcome(lead: Int32, rep: Int32, converted: Bool)
        case warmUp(rep: Int32)
        case roster(rep: Int32, active: Bool)
        case awaySpell(rep: Int32)
        case churn
        case touch(lead: Int32, rep: Int32)
    }

    struct Item: Sendable {
        var time: Int64
        var order: UInt64
        var kind: Kind

        func precedes(_ other: Item) -> Bool {
            time != other.time ? time < other.time : order < other.order
        }
    }

    private var heap: [Item] = []
    private var scheduled: UInt64 = 0

    var peek: Item? { heap.first }

    mutating func push(_ time: Int64, _ kind: Kind) {
        heap.append(Item(time: time, order: scheduled, kind: kind))
        scheduled += 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Item? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { break }
            var best = left
            if left + 1 < heap.count && heap[left + 1].precedes(heap[left]) { best = left + 1 }
            guard heap[best].precedes(heap[parent]) else { break }
            heap.swapAt(best, parent)
            parent = best
        }
        return top
    }
}
