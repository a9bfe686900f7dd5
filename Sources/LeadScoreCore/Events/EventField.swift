/// The top-level fields any input event type may carry. The decoder records where each one is in
/// the payload during its single scan and converts only the ones the event's `type` needs, so an
/// unknown or irrelevant field never costs more than its validation.
enum EventField: Int, CaseIterable {
    case eventID, type, occurredAt, leadID, accountID, signal, weightMultiplier, topic, surge, source
    case company, seats, dealValueUSD, technographics, repID, name, active, capacityPerDay, territories
    case available, until, outcome

    /// The JSON key.
    var key: String {
        switch self {
        case .eventID: "event_id"
        case .type: "type"
        case .occurredAt: "occurred_at"
        case .leadID: "lead_id"
        case .accountID: "account_id"
        case .signal: "signal"
        case .weightMultiplier: "weight_multiplier"
        case .topic: "topic"
        case .surge: "surge"
        case .source: "source"
        case .company: "company"
        case .seats: "seats"
        case .dealValueUSD: "deal_value_usd"
        case .technographics: "technographics"
        case .repID: "rep_id"
        case .name: "name"
        case .active: "active"
        case .capacityPerDay: "capacity_per_day"
        case .territories: "territories"
        case .available: "available"
        case .until: "until"
        case .outcome: "outcome"
        }
    }

    /// Matches a key's bytes; dispatches on length first so a lookup is one or two comparisons.
    @inline(__always)
    static func match(_ k: UnsafeBufferPointer<UInt8>) -> EventField? {
        @inline(__always) func eq(_ s: StaticString) -> Bool {
            let l = s.utf8Start
            for i in 0..<k.count where k[i] != l[i] { return false }
            return true
        }
        switch k.count {
        case 4: return eq("type") ? .type : eq("name") ? .name : nil
        case 5:
            switch k[1] {
            case UInt8(ascii: "o"): return eq("topic") ? .topic : nil
            case UInt8(ascii: "u"): return eq("surge") ? .surge : nil
            case UInt8(ascii: "e"): return eq("seats") ? .seats : nil
            case UInt8(ascii: "n"): return eq("until") ? .until : nil
            default: return nil
            }
        case 6:
            switch k[0] {
            case UInt8(ascii: "s"): return eq("signal") ? .signal : eq("source") ? .source : nil
            case UInt8(ascii: "r"): return eq("rep_id") ? .repID : nil
            case UInt8(ascii: "a"): return eq("active") ? .active : nil
            default: return nil
            }
        case 7:
            switch k[0] {
            case UInt8(ascii: "l"): return eq("lead_id") ? .leadID : nil
            case UInt8(ascii: "c"): return eq("company") ? .company : nil
            case UInt8(ascii: "o"): return eq("outcome") ? .outcome : nil
            default: return nil
            }
        case 8: return eq("event_id") ? .eventID : nil
        case 9: return eq("available") ? .available : nil
        case 10: return eq("account_id") ? .accountID : nil
        case 11: return eq("occurred_at") ? .occurredAt : eq("territories") ? .territories : nil
        case 14: return eq("deal_value_usd") ? .dealValueUSD : eq("technographics") ? .technographics : nil
        case 16: return eq("capacity_per_day") ? .capacityPerDay : nil
        case 17: return eq("weight_multiplier") ? .weightMultiplier : nil
        default: return nil
        }
    }
}

/// The nested fields of a profile's `company` object.
enum CompanyField: Int {
    case industry, employees, country, region

    var key: String {
        switch self {
        case .industry: "industry"
        case .employees: "employees"
        case .country: "country"
        case .region: "region"
        }
    }

    static func match(_ k: UnsafeBufferPointer<UInt8>) -> CompanyField? {
        let key = String(decoding: k, as: UTF8.self)
        switch key {
        case "industry": return .industry
        case "employees": return .employees
        case "country": return .country
        case "region": return .region
        default: return nil
        }
    }
}
