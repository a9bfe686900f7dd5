extension LeadBook {
    /// Milliseconds per UTC day.
    static let dayMS: Int64 = 86_400_000

    /// Applies the daily cap of `slot` to an engagement worth `points` (signed) that occurred at
    /// `occurredAt` (ms), and returns the points that count (same sign, magnitude cut to what is
    /// left of the day's allowance).
    ///
    /// A "day" is the UTC calendar day of `occurred_at`: exact, replayable, and O(1) state per
    /// capped signal per lead (the latest day seen and the points counted on it). A rolling 24-hour
    /// window would need the last `cap` events' times. An event of a later day starts that day's
    /// allowance; an event of the same day draws on it; a late event, of a day before the latest
    /// one seen for the signal, draws on the latest day's allowance (the older day's count is no
    /// longer kept, and charging it somewhere keeps a backlog of late events from flooding intent).
    mutating func chargeDailyCap(_ i: Int, slot: Int, points: Double, cap: Double, at occurredAt: Int64) -> Double {
        let magnitude = points.magnitude
        guard magnitude > 0 && magnitude.isFinite else { return points }
        let day = Double(floorDiv(occurredAt, LeadBook.dayMS))
        let cell = capCell(i, slot: slot)
        leads.mark(i)
        if day > capPool[cell] {
            capPool[cell] = day
            capPool[cell + 1] = 0
        }
        let allowed = Swift.max(0, Swift.min(magnitude, cap - capPool[cell + 1]))
        capPool[cell + 1] += allowed
        if allowed < magnitude { cappedEvents &+= 1 }
        return points < 0 ? -allowed : allowed
    }

    /// The first of the two cells (day, points) of the lead's counter for `slot`, made (day
    /// -infinity, 0 points) when the lead has none yet.
    mutating func capCell(_ i: Int, slot: Int) -> Int {
        let lead = leads[i]
        let bit = UInt16(1) << UInt16(slot)
        let rank = (lead.capSlots & (bit &- 1)).nonzeroBitCount
        let block = Int(lead.capBlock)
        if lead.capSlots & bit != 0 { return block + 2 * rank }
        let count = lead.capCount
        let grown = Int(capPool.allocate(2 * (count + 1)))
        for k in 0..<(2 * rank) { capPool[grown + k] = capPool[block + k] }
        capPool[grown + 2 * rank] = -.infinity
        capPool[grown + 2 * rank + 1] = 0
        for k in (2 * rank)..<(2 * count) { capPool[grown + k + 2] = capPool[block + k] }
        if count > 0 { capPool.release(Int32(block), size: 2 * count) }
        leads[i].capBlock = Int32(grown)
        leads[i].capSlots = lead.capSlots | bit
        return grown + 2 * rank
    }
}
