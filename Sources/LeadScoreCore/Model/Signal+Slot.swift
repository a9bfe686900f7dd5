extension Signal {
    /// Position of the signal's accumulator in a lead's intent state: 0..<10 for the positive
    /// signals, 11...13 for the negative ones; the lead's own third-party intent uses
    /// `Signal.thirdPartySlot` (10). The negative signals come after it so that the slots of
    /// snapshot formats 1 and 2 keep their meaning.
    @inlinable
    var slot: Int {
        switch self {
        case .emailOpen: 0
        case .emailClick: 1
        case .blogVisit: 2
        case .webVisit: 3
        case .pricingPageVisit: 4
        case .contentDownload: 5
        case .webinarAttended: 6
        case .formFill: 7
        case .demoRequest: 8
        case .rfpSubmitted: 9
        case .unsubscribe: 11
        case .bounce: 12
        case .spamComplaint: 13
        }
    }

    /// Slot of the lead's own third-party intent.
    static let thirdPartySlot = 10
    /// Accumulators per lead: the thirteen signals and third-party intent.
    static let slotCount = 14
    /// Slots per lead in snapshot formats 1 and 2 (ten signals and third-party intent).
    static let legacySlotCount = 11
    /// Bits of `LeadRecord.intentSlots` that hold negative accumulators.
    static let negativeSlots: UInt16 = 0b11_1000_0000_0000
    /// The signal of each slot, nil for `thirdPartySlot`.
    static let bySlot: [Signal?] = {
        var table = [Signal?](repeating: nil, count: slotCount)
        for signal in Signal.allCases { table[signal.slot] = signal }
        return table
    }()
}
