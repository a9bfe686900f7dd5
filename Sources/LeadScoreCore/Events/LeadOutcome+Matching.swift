extension LeadOutcome {
    /// The outcome whose JSON name is exactly these bytes, if any.
    static func match(_ k: UnsafeBufferPointer<UInt8>) -> LeadOutcome? {
        k.equals("converted") ? .converted : k.equals("disqualified") ? .disqualified : k.equals("no_response") ? .noResponse : nil
    }
}
