extension LeadBook {
    /// The lead's current owner, nil when it has none or the lead is unknown.
    public func owner(leadID: String) -> String? {
        guard let index = leadIndex.find(leadID, in: leadIDs) else { return nil }
        let o = leads[Int(index)].owner
        return o >= 0 ? owners[Int(o)] : nil
    }

    /// Makes `repID` the owner of a known lead (nil: no owner), as decided elsewhere. The daemon
    /// uses it after a crash: when a replayed routing decision is suppressed because the decision
    /// written before the crash is already in the routing topic, the lead must keep the rep that
    /// downstream systems were told about, even if the replay (with different rep load) chose
    /// another. `self_serve` is not a rep and clears the owner. Returns false for an unknown lead.
    @discardableResult
    public mutating func adoptOwner(leadID: String, repID: String?) -> Bool {
        guard let index = leadIndex.find(leadID, in: leadIDs) else { return false }
        if let repID, repID != "self_serve" {
            leads[Int(index)].owner = internOwner(repID)
        } else {
            leads[Int(index)].owner = -1
        }
        return true
    }
}
