extension LeadBook {
    /// Adds `weight` to the lead's accumulator of `slot` at `t`, the lead's evaluation time
    /// (>= both its clocks): the accumulators are first decayed to `t`, which becomes their
    /// reference time. A late event counts in full at `t` (docs/model.md, "Evaluation time and
    /// late events"). `added` is negative for the negative signals.
    mutating func addIntent(_ i: Int, slot: Int, weight added: Double, at t: Int64) {
        guard added.isFinite && added != 0 else { return }
        let lead = leads[i]
        let bit = UInt16(1) << UInt16(slot)
        let rank = (lead.intentSlots & (bit &- 1)).nonzeroBitCount
        let count = lead.intentCount
        let block = Int(lead.intentBlock)
        if t > lead.intentClock && count > 0 {
            let dt = t - lead.intentClock
            var slots = lead.intentSlots
            var k = block
            var lastHalfLife = -1.0
            var factor = 1.0
            while slots != 0 {
                let s = slots.trailingZeroBitCount
                let h = model.halfLife[s]
                if h != lastHalfLife {
                    factor = decayFactor(dt, halfLife: h)
                    lastHalfLife = h
                }
                intentPool[k] *= factor
                slots &= slots &- 1
                k += 1
            }
        }
        leads[i].intentClock = t
        if lead.intentSlots & bit != 0 {
            intentPool[block + rank] += added
            return
        }
        // A signal class the lead has not had yet: move to a block one cell larger.
        let grown = Int(intentPool.allocate(count + 1))
        for k in 0..<rank { intentPool[grown + k] = intentPool[block + k] }
        intentPool[grown + rank] = added
        for k in rank..<count { intentPool[grown + k + 1] = intentPool[block + k] }
        if count > 0 { intentPool.release(Int32(block), size: count) }
        leads[i].intentBlock = Int32(grown)
        leads[i].intentSlots = lead.intentSlots | bit
    }

    /// Uncapped intent of a lead at `t` (>= its clock) from the current state, without changing it:
    /// each accumulator decayed in one step from its reference time, plus the account's.
    @inline(__always)
    func rawIntent(_ i: Int, at t: Int64) -> Double {
        let lead = leads[i]
        var sum = 0.0
        if lead.intentSlots != 0 {
            let dt = t - lead.intentClock
            var slots = lead.intentSlots
            var k = Int(lead.intentBlock)
            var lastHalfLife = -1.0
            var factor = 1.0
            while slots != 0 {
                let h = model.halfLife[slots.trailingZeroBitCount]
                if h != lastHalfLife {
                    factor = decayFactor(dt, halfLife: h)
                    lastHalfLife = h
                }
                sum += intentPool[k] * factor
                slots &= slots &- 1
                k += 1
            }
        }
        let a = lead.account
        if a >= 0 {
            let account = accounts[Int(a)]
            if account.intent != 0 {
                sum += account.intent * decayFactor(t - account.clock, halfLife: model.thirdPartyHalfLife)
            }
        }
        return sum
    }

    /// Calls `body` with the lead's accumulators as (slot, value at its `intentClock`), in slot
    /// order, without collecting them (the hot paths run it once or twice per event).
    @inline(__always)
    func forEachIntentTerm(_ i: Int, _ body: (_ slot: Int, _ value: Double) -> Void) {
        var slots = leads[i].intentSlots
        var k = Int(leads[i].intentBlock)
        while slots != 0 {
            body(slots.trailingZeroBitCount, intentPool[k])
            slots &= slots &- 1
            k += 1
        }
    }

    /// Per-class decayed contributions at `t`: the signals in `Signal` order (negative ones
    /// negative), then third-party and account. One allocation, of the exact size.
    func contributions(_ i: Int, at t: Int64) -> [ScoreBreakdown.SignalContribution] {
        let dt = t - leads[i].intentClock
        let a = leads[i].account
        let withAccount = a >= 0 && accounts[Int(a)].intent != 0
        let count = leads[i].intentSlots.nonzeroBitCount + (withAccount ? 1 : 0)
        guard count > 0 else { return [] }
        var result: [ScoreBreakdown.SignalContribution] = []
        result.reserveCapacity(count)
        var thirdParty: Double?
        forEachIntentTerm(i) { slot, value in
            let points = value * decayFactor(dt, halfLife: model.halfLife[slot])
            if slot == Signal.thirdPartySlot {
                thirdParty = points
            } else {
                result.append(.init(signal: Signal.bySlot[slot]?.rawValue ?? "third_party", points: points))
            }
        }
        if let thirdParty { result.append(.init(signal: "third_party", points: thirdParty)) }
        if withAccount {
            let account = accounts[Int(a)]
            result.append(.init(signal: "account_third_party",
                                points: account.intent * decayFactor(t - account.clock, halfLife: model.thirdPartyHalfLife)))
        }
        return result
    }
}
