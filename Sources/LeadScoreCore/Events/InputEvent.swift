/// One decoded input event (SPEC section 3). Decoding is strict: see `EventDecoder`.
///
/// Lead events (`engagement`, `intent`, `profile`) arrive on the lead events topic keyed by account
/// id (lead id when the lead has no account); rep events on the rep events topic.
public enum InputEvent: Sendable, Equatable {
    case engagement(EngagementEvent)
    case intent(IntentEvent)
    case profile(ProfileEvent)
    case repRoster(RepRosterEvent)
    case repAvailability(RepAvailabilityEvent)
    case leadAssigned(LeadAssignedEvent)
    case leadOutcome(LeadOutcomeEvent)
    case accountAssigned(AccountAssignedEvent)
    case leadTouched(LeadTouchedEvent)
    case leadForgotten(LeadForgottenEvent)

    /// The event's own `event_id`.
    public var eventID: String {
        switch self {
        case .engagement(let e): e.eventID
        case .intent(let e): e.eventID
        case .profile(let e): e.eventID
        case .repRoster(let e): e.eventID
        case .repAvailability(let e): e.eventID
        case .leadAssigned(let e): e.eventID
        case .leadOutcome(let e): e.eventID
        case .accountAssigned(let e): e.eventID
        case .leadTouched(let e): e.eventID
        case .leadForgotten(let e): e.eventID
        }
    }

    /// The event's own `occurred_at`.
    public var occurredAt: Timestamp {
        switch self {
        case .engagement(let e): e.occurredAt
        case .intent(let e): e.occurredAt
        case .profile(let e): e.occurredAt
        case .repRoster(let e): e.occurredAt
        case .repAvailability(let e): e.occurredAt
        case .leadAssigned(let e): e.occurredAt
        case .leadOutcome(let e): e.occurredAt
        case .accountAssigned(let e): e.occurredAt
        case .leadTouched(let e): e.occurredAt
        case .leadForgotten(let e): e.occurredAt
        }
    }

    /// True for the events that change rep state (`rep-events` topic).
    public var isRepEvent: Bool {
        switch self {
        case .engagement, .intent, .profile, .leadTouched, .leadForgotten: false
        case .repRoster, .repAvailability, .leadAssigned, .leadOutcome, .accountAssigned: true
        }
    }
}

/// The engagement signals of SPEC section 2, each with a configurable weight and half-life.
///
/// The last three (`unsubscribe`, `bounce`, `spam_complaint`) are negative signals: their weights
/// are at most zero, so they pull intent down (never below 0) while they decay.
public enum Signal: String, Sendable, CaseIterable, Hashable, Codable {
    case emailOpen = "email_open"
    case emailClick = "email_click"
    case blogVisit = "blog_visit"
    case webVisit = "web_visit"
    case pricingPageVisit = "pricing_page_visit"
    case contentDownload = "content_download"
    case webinarAttended = "webinar_attended"
    case formFill = "form_fill"
    case demoRequest = "demo_request"
    case rfpSubmitted = "rfp_submitted"
    case unsubscribe
    case bounce
    case spamComplaint = "spam_complaint"

    /// True for the signals whose weight must not be positive (`unsubscribe`, `bounce`,
    /// `spam_complaint`).
    public var isNegative: Bool {
        switch self {
        case .unsubscribe, .bounce, .spamComplaint: true
        default: false
        }
    }
}

/// `engagement`: one first-party signal from a lead.
public struct EngagementEvent: Sendable, Equatable {
    /// The event's unique `event_id`.
    public var eventID: String
    /// `occurred_at`: when it happened (event time).
    public var occurredAt: Timestamp
    /// The lead (`lead_id`).
    public var leadID: String
    /// Present when the lead belongs to an account; the event is then keyed by it.
    public var accountID: String?
    /// Which engagement signal.
    public var signal: Signal
    /// Scales the signal's configured weight; 1 when absent. Must be finite and in 0...100.
    public var weightMultiplier: Double

    /// Creates the event.
    public init(eventID: String, occurredAt: Timestamp, leadID: String, accountID: String? = nil,
                signal: Signal, weightMultiplier: Double = 1) {
        self.eventID = eventID
        self.occurredAt = occurredAt
        self.leadID = leadID
        self.accountID = accountID
        self.signal = signal
        self.weightMultiplier = weightMultiplier
    }
}

/// `intent`: third-party intent. With only `account_id` it is account-level and counts toward every
/// lead of the account; with `lead_id` it counts toward that lead alone.
public struct IntentEvent: Sendable, Equatable {
    /// The event's unique `event_id`.
    public var eventID: String
    /// `occurred_at`: when it happened (event time).
    public var occurredAt: Timestamp
    /// The lead (`lead_id`).
    public var leadID: String?
    /// The account (`account_id`), if any.
    public var accountID: String?
    /// The intent topic.
    public var topic: String
    /// 0...100.
    public var surge: Double
    /// The intent provider.
    public var source: String

    /// Creates the event.
    public init(eventID: String, occurredAt: Timestamp, leadID: String? = nil, accountID: String? = nil,
                topic: String, surge: Double, source: String) {
        self.eventID = eventID
        self.occurredAt = occurredAt
        self.leadID = leadID
        self.accountID = accountID
        self.topic = topic
        self.surge = surge
        self.source = source
    }
}

/// `profile`: a partial update of a lead's firmographics. A field that is `nil` keeps its value.
public struct ProfileEvent: Sendable, Equatable {
    /// The event's unique `event_id`.
    public var eventID: String
    /// `occurred_at`: when it happened (event time).
    public var occurredAt: Timestamp
    /// The lead (`lead_id`).
    public var leadID: String
    /// The account (`account_id`), if any.
    public var accountID: String?
    /// `company.industry`.
    public var industry: String?
    /// `company.employees`, 0...10,000,000.
    public var employees: Int?
    /// `company.country`.
    public var country: String?
    /// `company.region`.
    public var region: String?
    /// Expected seats, 0...1,000,000.
    public var seats: Int?
    /// Estimated deal value in USD, 0...1e10.
    public var dealValueUSD: Double?
    /// Technologies the company uses.
    public var technographics: [String]?
    /// `email_domain`: the domain of the lead's email address (`acme.com`), lower-cased by the
    /// decoder. Checked against the disqualifying domain lists; a domain on no list clears an
    /// earlier domain disqualification.
    public var emailDomain: String?
    /// `disqualified`: the CRM's own disqualification flag; `false` lifts it.
    public var disqualified: Bool?

    /// Creates the event.
    public init(eventID: String, occurredAt: Timestamp, leadID: String, accountID: String? = nil,
                industry: String? = nil, employees: Int? = nil, country: String? = nil, region: String? = nil,
                seats: Int? = nil, dealValueUSD: Double? = nil, technographics: [String]? = nil,
                emailDomain: String? = nil, disqualified: Bool? = nil) {
        self.eventID = eventID
        self.occurredAt = occurredAt
        self.leadID = leadID
        self.accountID = accountID
        self.industry = industry
        self.employees = employees
        self.country = country
        self.region = region
        self.seats = seats
        self.dealValueUSD = dealValueUSD
        self.technographics = technographics
        self.emailDomain = emailDomain
        self.disqualified = disqualified
    }
}

/// `rep_roster`: a rep joins, changes, or leaves (active false) the team.
public struct RepRosterEvent: Sendable, Equatable {
    /// The event's unique `event_id`.
    public var eventID: String
    /// `occurred_at`: when it happened (event time).
    public var occurredAt: Timestamp
    /// The rep (`rep_id`).
    public var repID: String
    /// The rep's display name.
    public var name: String
    /// False when the rep left the team.
    public var active: Bool
    /// Leads the rep can take per day, 0...10,000.
    public var capacityPerDay: Int
    /// When non-empty, the rep takes only leads whose region or country is listed.
    public var territories: [String]?
    /// The rep's calendar from `time_zone` (default UTC), `working_hours` (default every day
    /// 00:00-24:00) and `holidays`; nil when neither `working_hours` nor `holidays` is given (the
    /// rep is always working).
    public var workingHours: WorkingHours?

    /// Creates the event.
    public init(eventID: String, occurredAt: Timestamp, repID: String, name: String, active: Bool,
                capacityPerDay: Int, territories: [String]? = nil, workingHours: WorkingHours? = nil) {
        self.eventID = eventID
        self.occurredAt = occurredAt
        self.repID = repID
        self.name = name
        self.active = active
        self.capacityPerDay = capacityPerDay
        self.territories = territories
        self.workingHours = workingHours
    }
}

/// `rep_availability`: out of office (available false), optionally until a moment.
public struct RepAvailabilityEvent: Sendable, Equatable {
    /// The event's unique `event_id`.
    public var eventID: String
    /// `occurred_at`: when it happened (event time).
    public var occurredAt: Timestamp
    /// The rep (`rep_id`).
    public var repID: String
    /// False while out of office.
    public var available: Bool
    /// End of the absence, if known.
    public var until: Timestamp?

    /// Creates the event.
    public init(eventID: String, occurredAt: Timestamp, repID: String, available: Bool, until: Timestamp? = nil) {
        self.eventID = eventID
        self.occurredAt = occurredAt
        self.repID = repID
        self.available = available
        self.until = until
    }
}

/// `lead_assigned`: an assignment made outside leadscore (e.g. in the CRM).
public struct LeadAssignedEvent: Sendable, Equatable {
    /// The event's unique `event_id`.
    public var eventID: String
    /// `occurred_at`: when it happened (event time).
    public var occurredAt: Timestamp
    /// The lead (`lead_id`).
    public var leadID: String
    /// The rep (`rep_id`).
    public var repID: String

    /// Creates the event.
    public init(eventID: String, occurredAt: Timestamp, leadID: String, repID: String) {
        self.eventID = eventID
        self.occurredAt = occurredAt
        self.leadID = leadID
        self.repID = repID
    }
}

/// The outcome a rep reports for a lead.
public enum LeadOutcome: String, Sendable, CaseIterable, Hashable, Codable {
    case converted
    case disqualified
    case noResponse = "no_response"
}

/// `lead_outcome`: feeds the rep's conversion windows.
public struct LeadOutcomeEvent: Sendable, Equatable {
    /// The event's unique `event_id`.
    public var eventID: String
    /// `occurred_at`: when it happened (event time).
    public var occurredAt: Timestamp
    /// The lead (`lead_id`).
    public var leadID: String
    /// The rep (`rep_id`).
    public var repID: String
    /// What happened to the lead.
    public var outcome: LeadOutcome

    /// Creates the event.
    public init(eventID: String, occurredAt: Timestamp, leadID: String, repID: String, outcome: LeadOutcome) {
        self.eventID = eventID
        self.occurredAt = occurredAt
        self.leadID = leadID
        self.repID = repID
        self.outcome = outcome
    }
}

/// `account_assigned`: the CRM names the owner of an account. The account's leads entering a rep
/// bucket with no owner of their own go to that rep while it is eligible.
public struct AccountAssignedEvent: Sendable, Equatable {
    /// The event's unique `event_id`.
    public var eventID: String
    /// `occurred_at`: when it happened (event time).
    public var occurredAt: Timestamp
    /// The account (`account_id`).
    public var accountID: String
    /// The rep (`rep_id`).
    public var repID: String

    /// Creates the event.
    public init(eventID: String, occurredAt: Timestamp, accountID: String, repID: String) {
        self.eventID = eventID
        self.occurredAt = occurredAt
        self.accountID = accountID
        self.repID = repID
    }
}

/// How a rep touched a lead.
public enum TouchChannel: String, Sendable, CaseIterable, Hashable, Codable {
    case call
    case email
    case meeting
}

/// `lead_touched`: a rep reached out to a lead (from the CRM or a sequence tool). The lead's owner
/// touching it stops its first-touch SLA clock.
public struct LeadTouchedEvent: Sendable, Equatable {
    /// The event's unique `event_id`.
    public var eventID: String
    /// `occurred_at`: when the touch happened (event time).
    public var occurredAt: Timestamp
    /// The lead (`lead_id`).
    public var leadID: String
    /// Its account (`account_id`), if any: the event is keyed like the lead's other events.
    public var accountID: String?
    /// The rep who touched it (`rep_id`).
    public var repID: String
    /// How (`channel`).
    public var channel: TouchChannel

    /// Creates the event.
    public init(eventID: String, occurredAt: Timestamp, leadID: String, accountID: String? = nil, repID: String, channel: TouchChannel) {
        self.eventID = eventID
        self.occurredAt = occurredAt
        self.leadID = leadID
        self.accountID = accountID
        self.repID = repID
        self.channel = channel
    }
}

/// `lead_forgotten`: erase a lead (a GDPR erasure request). Its state leaves the engine and the
/// next snapshots, its output keys get tombstones, and a later event for the id starts fresh.
public struct LeadForgottenEvent: Sendable, Equatable {
    /// The event's unique `event_id`.
    public var eventID: String
    /// `occurred_at`: when the erasure was requested (event time).
    public var occurredAt: Timestamp
    /// The lead (`lead_id`).
    public var leadID: String
    /// Its account (`account_id`), if any: the event must be keyed like the lead's other events
    /// to reach the partition that holds it.
    public var accountID: String?

    /// Creates the event.
    public init(eventID: String, occurredAt: Timestamp, leadID: String, accountID: String? = nil) {
        self.eventID = eventID
        self.occurredAt = occurredAt
        self.leadID = leadID
        self.accountID = accountID
    }
}
