/// The intent accumulators of all leads of a book, stored sparsely: a lead has one `Double` per
/// signal class it has actually received (its own third-party intent is one more class), in one
/// block of exactly that many cells, in slot order. Which slots a block holds is the lead's
/// `LeadRecord.intentSlots` mask.
///
/// Why sparse doubles: single precision drifts away from the closed form of SPEC section 2 (decay
/// moments a second early, missed threshold landings), while eleven doubles per lead would cost
/// 88 bytes of the 200-byte budget. Most leads touch one to three signal classes, so a block
/// averages about two cells (16 bytes), less than the eleven floats it replaces, and each
/// signal's contribution stays exact for the score breakdown too.
///
/// Blocks are carved from one array. A block that outgrows its size (a lead's first signal of a
/// new class) moves to a block one cell larger; the old one goes on the free list of its size and
/// is reused first, so the pool stays within the cells in use plus the blocks vacated since.
/// Snapshots store only the cells in use, so a restored pool is compact.
struct IntentPool: Sendable {
    /// All blocks. The first cell of a free block holds the index of the next free block of the
    /// same size (as an `Int64` bit pattern), -1 at the end.
    private(set) var cells: [Double] = []
    /// First free block per size (index = size), -1 when none.
    private var firstFree: [Int32]

    /// An empty pool for blocks of at most `maxSize` cells.
    init(maxSize: Int) {
        firstFree = [Int32](repeating: -1, count: maxSize + 1)
    }

    /// Total cells, free ones included.
    var capacity: Int { cells.count }

    @inline(__always)
    subscript(index: Int) -> Double {
        get { cells[index] }
        set { cells[index] = newValue }
    }

    /// A block of `size` cells (contents unspecified), reusing a vacated one when there is one.
    mutating func allocate(_ size: Int) -> Int32 {
        let head = firstFree[size]
        if head >= 0 {
            firstFree[size] = Int32(truncatingIfNeeded: Int64(bitPattern: cells[Int(head)].bitPattern))
            return head
        }
        let block = Int32(cells.count)
        cells.append(contentsOf: repeatElement(0, count: size))
        return block
    }

    /// Returns a block of `size` cells to its free list.
    mutating func release(_ block: Int32, size: Int) {
        cells[Int(block)] = Double(bitPattern: UInt64(bitPattern: Int64(firstFree[size])))
        firstFree[size] = block
    }

    mutating func reserveCapacity(_ n: Int) {
        cells.reserveCapacity(n)
    }
}
