/// The top-level fields any input event type may carry. The decoder records where each one is in
/// the payload during its single scan and converts only the ones the event's `type` needs, so an
/// unknown or irrelevant field never costs more than its validation.
enum EventField: Int, CaseIterable {
    case eventID, type, occurredAt, leadID, accountID, signal, weightMultiplier, topic, surge, source
    case company, seats, dealValueUSD, technographics, repID, name, active, capacityPerDay, territories
    case available, until, outcome, emailDomain, disqualified, timeZone, workingHours, holidays, channel

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
        case .emailDomain: "email_domain"
        case .disqualified: "disqualified"
        case .timeZone: "time_zone"
        case .workingHours: "working_hours"
        case .holidays: "holidays"
        case .channel: "channel"
        }
    }

    /// Matches a key's bytes; dispatches on length first so a lookup is one or two comparisons.
    @inline(__always)
    static func match(_ k: UnsafeBufferPointer<UInt8>) -> EventField? {
        switch k.count {
        case 4: return k.equals("type") ? .type : k.equals("name") ? .name : nil
        case 5:
            switch k[1] {
            case UInt8(ascii: "o"): return k.equals("topic") ? .topic : nil
            case UInt8(ascii: "u"): return k.equals("surge") ? .surge : nil
            case UInt8(ascii: "e"): return k.equals("seats") ? .seats : nil
            case UInt8(ascii: "n"): return k.equals("until") ? .until : nil
            default: return nil
            }
        case 6:
            switch k[0] {
            case UInt8(ascii: "s"): return k.equals("signal") ? .signal : k.equals("source") ? .source : nil
            case UInt8(ascii: "r"): return k.equals("rep_id") ? .repID : nil
            case UInt8(ascii: "a"): return k.equals("active") ? .active : nil
            default: return nil
            }
        case 7:
            switch k[0] {
            case UInt8(ascii: "l"): return k.equals("lead_id") ? .leadID : nil
            case UInt8(ascii: "c"): return k.equals("company") ? .company : k.equals("channel") ? .channel : nil
            case UInt8(ascii: "o"): return k.equals("outcome") ? .outcome : nil
            default: return nil
            }
        case 8: return k.equals("event_id") ? .eventID : k.equals("holidays") ? .holidays : nil
        case 9: return k.equals("available") ? .available : k.equals("time_zone") ? .timeZone : nil
        case 10: return k.equals("account_id") ? .accountID : nil
        case 11: return k.equals("occurred_at") ? .occurredAt : k.equals("territories") ? .territories : nil
        case 12: return k.equals("email_domain") ? .emailDomain : k.equals("disqualified") ? .disqualified : nil
        case 13: return k.equals("working_hours") ? .workingHours : nil
        case 14: return k.equals("deal_value_usd") ? .dealValueUSD : k.equals("technographics") ? .technographics : nil
        case 16: return k.equals("capacity_per_day") ? .capacityPerDay : nil
        case 17: return k.equals("weight_multiplier") ? .weightMultiplier : nil
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
