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
    /// another. `self_serve` is not a rep and clears the owner. When that lead's routing made its
    /// rep the account's owner, the account's owner follows. Returns false for an unknown lead.
    @discardableResult
    public mutating func adoptOwner(leadID: String, repID: String?) -> Bool {
        guard let index = leadIndex.find(leadID, in: leadIDs) else { return false }
        let i = Int(index)
        if let repID, repID != "self_serve" {
            leads[i].owner = internOwner(repID)
        } else {
            leads[i].owner = -1
        }
        let account = Int(leads[i].account)
        if account >= 0 && accounts[account].ownerSetBy == index {
            accounts[account].owner = leads[i].owner
            if leads[i].owner < 0 { accounts[account].ownerSetBy = -1 }
        }
        return true
    }

    /// The owner routing gave an account in this partition (the rep its first routed lead went
    /// to), nil when none or the account is unknown. The CRM's owner is the rep book's.
    public func learnedAccountOwner(accountID: String) -> String? {
        guard let a = accountIndex[accountID].map(Int.init), accounts[a].owner >= 0 else { return nil }
        return owners[Int(accounts[a].owner)]
    }
}
