import LeadScoreCore

/// A deterministic synthetic input stream for benchmarks, demos and replay checks: the same
/// options always give the same bytes.
///
/// It writes the rep roster first, then a mix shaped like real B2B traffic: mostly engagement
/// (email opens and web visits common, demo requests and RFPs rare), account-level third-party
/// intent, profile updates (a lead's firmographics are derived from its id, so repeated profiles
/// agree), rep outcomes, CRM assignments of leads and accounts, out-of-office notices, reps'
/// first touches and a rare erasure request. Every third rep keeps office hours in a time zone.
/// Lead popularity is skewed (a few leads are very active) and `occurred_at` never decreases.
public struct SyntheticStream: Sendable {
    /// What to generate.
    public struct Options: Sendable, Equatable {
        /// Total lines, roster included.
        public var events: Int
        /// Distinct leads.
        public var leads: Int
        /// Reps on the roster.
        public var reps: Int
        /// PRNG seed.
        public var seed: UInt64
        /// `occurred_at` of the first event.
        public var start: Timestamp
        /// Event time covered by the whole stream, in milliseconds.
        public var spanMilliseconds: Int64

        /// Defaults: 20 reps, seed 1, starting 2026-01-05T00:00:00Z, spanning 60 days.
        public init(events: Int, leads: Int, reps: Int = 20, seed: UInt64 = 1,
                    start: Timestamp = Timestamp(millisecondsSinceEpoch: 1_767_571_200_000),
                    spanMilliseconds: Int64 = 60 * 86_400_000) {
            self.events = events
            self.leads = leads
            self.reps = reps
            self.seed = seed
            self.start = start
            self.spanMilliseconds = spanMilliseconds
        }
    }

    /// The options in use.
    public let options: Options
    private var rng: SplitMix64
    /// Lines written so far.
    public private(set) var written = 0

    /// A stream at its first line.
    public init(_ options: Options) {
        self.options = Options(events: max(0, options.events), leads: max(1, options.leads), reps: max(1, options.reps),
                               seed: options.seed, start: options.start, spanMilliseconds: max(0, options.spanMilliseconds))
        rng = SplitMix64(seed: options.seed)
    }

    /// Appends the next line (with its newline) to `out`; false when the stream is done.
    public mutating func next(into out: inout [UInt8]) -> Bool {
        guard written < options.events else { return false }
        let i = written
        written += 1
        let t = Timestamp(millisecondsSinceEpoch: options.start.millisecondsSinceEpoch
            + Int64((Double(i) / Double(max(1, options.events))) * Double(options.spanMilliseconds)))
        if i < options.reps {
            roster(rep: i, at: t, eventNo: i, into: &out)
            return true
        }
        let r = rng.unit()
        if r < 0.595 {
            engagement(at: t, eventNo: i, into: &out)
        } else if r < 0.6195 {
            // A rep's first touch (by a random rep: the stream does not know the owners, so
            // most first-touch SLAs breach).
            let lead = pickLead()
            begin("lead_touched", i, t, &out)
            leadFields(lead, &out)
            field("rep_id", repID(rng.below(options.reps)), &out)
            field("channel", rng.unit() < 0.6 ? "email" : "call", &out)
            end(&out)
        } else if r < 0.62 {
            // A rare erasure request.
            begin("lead_forgotten", i, t, &out)
            leadFields(pickLead(), &out)
            end(&out)
        } else if r < 0.72 {
            intent(at: t, eventNo: i, into: &out)
        } else if r < 0.90 {
            profile(lead: pickLead(), at: t, eventNo: i, into: &out)
        } else if r < 0.95 {
            outcome(at: t, eventNo: i, into: &out)
        } else if r < 0.965 {
            begin("lead_assigned", i, t, &out)
            field("lead_id", leadID(pickLead()), &out)
            field("rep_id", repID(rng.below(options.reps)), &out)
            end(&out)
        } else if r < 0.97 {
            begin("account_assigned", i, t, &out)
            field("account_id", "A-\(pickLead() / 4)", &out)
            field("rep_id", repID(rng.below(options.reps)), &out)
            end(&out)
        } else if r < 0.985 {
            begin("rep_availability", i, t, &out)
            field("rep_id", repID(rng.below(options.reps)), &out)
            let away = rng.unit() < 0.5
            raw("available", away ? "false" : "true", &out)
            if away {
                out.append(contentsOf: Array(",\"until\":\"".utf8))
                Timestamp(millisecondsSinceEpoch: t.millisecondsSinceEpoch + Int64(1 + rng.below(5)) * 86_400_000).appendRFC3339(to: &out)
                out.append(UInt8(ascii: "\""))
            }
            end(&out)
        } else {
            roster(rep: rng.below(options.reps), at: t, eventNo: i, into: &out)
        }
        return true
    }

    // MARK: Event shapes

    static let signals: [(Signal, Double)] = [
        (.emailOpen, 0.30), (.webVisit, 0.50), (.blogVisit, 0.62), (.emailClick, 0.74), (.contentDownload, 0.82),
        (.pricingPageVisit, 0.90), (.webinarAttended, 0.94), (.formFill, 0.97), (.demoRequest, 0.99), (.rfpSubmitted, 1.0),
    ]
    static let industries = ["software", "financial_services", "healthcare", "retail", "manufacturing", "education", "media", "logistics"]
    static let places = [("US", "NA"), ("CA", "NA"), ("GB", "EMEA"), ("DE", "EMEA"), ("FR", "EMEA"), ("JP", "APAC"), ("AU", "APAC"), ("BR", "LATAM")]
    static let tools = ["salesforce", "hubspot", "snowflake", "segment", "marketo", "zendesk"]

    private mutating func engagement(at t: Timestamp, eventNo: Int, into out: inout [UInt8]) {
        let lead = pickLead()
        let u = rng.unit()
        var signal = Signal.rfpSubmitted
        for (s, bound) in SyntheticStream.signals where u < bound {
            signal = s
            break
        }
        begin("engagement", eventNo, t, &out)
        leadFields(lead, &out)
        field("signal", signal.rawValue, &out)
        if rng.unit() < 0.05 { raw("weight_multiplier", "1.5", &out) }
        end(&out)
    }

    private mutating func intent(at t: Timestamp, eventNo: Int, into out: inout [UInt8]) {
        let lead = pickLead()
        begin("intent", eventNo, t, &out)
        if let account = accountOf(lead), rng.unit() < 0.7 {
            field("account_id", "A-\(account)", &out)
        } else {
            leadFields(lead, &out)
        }
        field("topic", rng.unit() < 0.5 ? "crm software" : "sales engagement", &out)
        raw("surge", String(10 + rng.below(91)), &out)
        field("source", rng.unit() < 0.5 ? "bombora" : "g2", &out)
        end(&out)
    }

    private mutating func profile(lead: Int, at t: Timestamp, eventNo: Int, into out: inout [UInt8]) {
        // Firmographics come from the lead id, so every profile of a lead agrees.
        var h = SplitMix64(seed: UInt64(lead) &* 0x9E37_79B9 &+ options.seed)
        let industry = SyntheticStream.industries[h.below(SyntheticStream.industries.count)]
        let employees = Int(5 * pow10(h.unit() * 4))
        let (country, region) = SyntheticStream.places[h.below(SyntheticStream.places.count)]
        let seats = 1 + Int(pow10(h.unit() * 2.6))
        let useDealValue = h.unit() < 0.25
        var techs: [String] = []
        for tool in SyntheticStream.tools where h.unit() < 0.3 { techs.append(tool) }
        begin("profile", eventNo, t, &out)
        leadFields(lead, &out)
        out.append(contentsOf: Array(",\"company\":{\"industry\":\"\(industry)\",\"employees\":\(employees),\"country\":\"\(country)\",\"region\":\"\(region)\"}".utf8))
        if useDealValue {
            raw("deal_value_usd", String(seats * 700), &out)
        } else {
            raw("seats", String(seats), &out)
        }
        out.append(contentsOf: Array(",\"technographics\":[".utf8))
        for (k, tool) in techs.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: Array("\"\(tool)\"".utf8))
        }
        out.append(UInt8(ascii: "]"))
        end(&out)
    }

    private mutating func outcome(at t: Timestamp, eventNo: Int, into out: inout [UInt8]) {
        let u = rng.unit()
        let outcome: LeadOutcome = u < 0.2 ? .converted : u < 0.6 ? .disqualified : .noResponse
        begin("lead_outcome", eventNo, t, &out)
        field("lead_id", leadID(pickLead()), &out)
        field("rep_id", repID(rng.below(options.reps)), &out)
        field("outcome", outcome.rawValue, &out)
        end(&out)
    }

    private mutating func roster(rep: Int, at t: Timestamp, eventNo: Int, into out: inout [UInt8]) {
        begin("rep_roster", eventNo, t, &out)
        field("rep_id", repID(rep), &out)
        field("name", "Rep \(rep)", &out)
        raw("active", rng.unit() < 0.95 ? "true" : "false", &out)
        raw("capacity_per_day", String(20 + rng.below(41)), &out)
        if rep % 5 == 4 {
            out.append(contentsOf: Array(",\"territories\":[\"\(rep % 10 == 4 ? "NA" : "EMEA")\"]".utf8))
        }
        // Every third rep keeps office hours: half in New York, half in Berlin with a lunch break.
        if rep % 3 == 1 {
            let (zone, day) = rep % 6 == 1 ? ("America/New_York", "[\"09:00-17:00\"]") : ("Europe/Berlin", "[\"08:30-12:00\",\"13:00-17:30\"]")
            field("time_zone", zone, &out)
            out.append(contentsOf: Array(",\"working_hours\":{\"mon\":\(day),\"tue\":\(day),\"wed\":\(day),\"thu\":\(day),\"fri\":\(day)}".utf8))
            out.append(contentsOf: Array(",\"holidays\":[\"2026-01-19\",\"2026-12-25\"]".utf8))
        }
        end(&out)
    }

    // MARK: Helpers

    /// Skewed toward low lead numbers: the square of a uniform draw.
    private mutating func pickLead() -> Int {
        let u = rng.unit()
        return min(options.leads - 1, Int(u * u * Double(options.leads)))
    }

    /// Four leads an account; every fifth lead has none.
    private func accountOf(_ lead: Int) -> Int? { lead % 5 == 0 ? nil : lead / 4 }

    private func leadID(_ lead: Int) -> String { "L-\(lead)" }
    private func repID(_ rep: Int) -> String { "R-\(rep)" }

    private func leadFields(_ lead: Int, _ out: inout [UInt8]) {
        field("lead_id", leadID(lead), &out)
        if let account = accountOf(lead) { field("account_id", "A-\(account)", &out) }
    }

    private func begin(_ type: String, _ eventNo: Int, _ t: Timestamp, _ out: inout [UInt8]) {
        out.append(contentsOf: Array("{\"event_id\":\"evt-\(options.seed)-\(eventNo)\",\"type\":\"\(type)\",\"occurred_at\":\"".utf8))
        t.appendRFC3339(to: &out)
        out.append(UInt8(ascii: "\""))
    }

    private func field(_ key: String, _ value: String, _ out: inout [UInt8]) {
        out.append(contentsOf: Array(",\"\(key)\":\"\(value)\"".utf8))
    }

    private func raw(_ key: String, _ value: String, _ out: inout [UInt8]) {
        out.append(contentsOf: Array(",\"\(key)\":\(value)".utf8))
    }

    private func end(_ out: inout [UInt8]) {
        out.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
    }

    private func pow10(_ x: Double) -> Double {
        // Piecewise-linear 10^x: spread enough for synthetic firmographics, and exact across
        // platforms (no libm), which keeps the output byte-identical everywhere.
        let whole = Int(x)
        var p = 1.0
        for _ in 0..<whole { p *= 10 }
        return p * (1 + 9 * (x - Double(whole)))
    }
}
