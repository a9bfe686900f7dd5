extension Signal {
    /// Position of the signal's accumulator in a lead's intent state (0..<10); the lead's own
    /// third-party intent uses `Signal.thirdPartySlot`.
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
        }
    }

    /// Slot of the lead's own third-party intent.
    static let thirdPartySlot = 10
    /// Accumulators per lead: the ten signals and third-party intent.
    static let slotCount = 11
    /// The signal of each slot below `thirdPartySlot`.
    static let bySlot: [Signal] = Signal.allCases.sorted { $0.slot < $1.slot }
}
