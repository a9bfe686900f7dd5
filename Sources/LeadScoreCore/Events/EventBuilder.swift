/// The per-payload work of `EventDecoder`: one scan that records where the known top-level fields
/// are, then a typed build of the event that the `type` field names.
struct EventBuilder {
    var scanner: JSONScanner
    /// One slot per `EventField`, valid where `present` has the field's bit.
    let slots: UnsafeMutableBufferPointer<JSONScanner.Value>
    var present: UInt32 = 0
    let limits: EventDecoder.Limits

    init(scanner: JSONScanner, slots: UnsafeMutableBufferPointer<JSONScanner.Value>, limits: EventDecoder.Limits) {
        self.scanner = scanner
        self.slots = slots
        self.limits = limits
    }

    // MARK: Scan

    mutating func scanTopLevel() throws(EventDecodingError) {
        scanner.skipWhitespace()
        guard scanner.pos < scanner.count, scanner.base[scanner.pos] == UInt8(ascii: "{") else {
            throw scanner.syntax("an event must be a JSON object")
        }
        if try !scanner.beginObject() {
            repeat {
                let keyStart = scanner.pos
                let key = try scanner.readKey()
                let field = scanner.withBytes(key) { EventField.match($0) }
                let value = try scanner.scanValue(depth: 1)
                if let field {
                    let bit: UInt32 = 1 << UInt32(field.rawValue)
                    if present & bit != 0 {
                        throw EventDecodingError(code: .duplicateField, field: field.key, message: "the field appears more than once", offset: keyStart)
                    }
                    present |= bit
                    slots[field.rawValue] = value
                }
            } while try scanner.nextMember()
        }
        try scanner.expectEnd()
    }

    /// The field's value, or nil when absent or `null`.
    @inline(__always)
    func raw(_ field: EventField) -> JSONScanner.Value? {
        guard present & (1 << UInt32(field.rawValue)) != 0 else { return nil }
        let v = slots[field.rawValue]
        return v.kind == .null ? nil : v
    }

    // MARK: Build

    func build() throws(EventDecodingError) -> InputEvent {
        let eventID = try requiredID(.eventID)
        guard let typeValue = raw(.type) else {
            throw EventDecodingError(code: .missingField, field: "type", message: "required field is missing or null")
        }
        guard typeValue.kind == .string else { throw wrongType("type", typeValue, expected: "a string") }
        let type = scanner.withBytes(typeValue) { EventType.match($0) }
        guard let type else {
            throw EventDecodingError(code: .unknownType, field: "type",
                                     message: "unknown event type \(quoted(typeValue)); expected one of \(EventType.names)")
        }
        let occurredAt = try requiredTimestamp(.occurredAt)
        switch type {
        case .engagement:
            return .engagement(EngagementEvent(
                eventID: eventID, occurredAt: occurredAt,
                leadID: try requiredID(.leadID), accountID: try optionalID(.accountID),
                signal: try signal(), weightMultiplier: try optionalDouble(.weightMultiplier, in: 0...100) ?? 1
            ))
        case .intent:
            let leadID = try optionalID(.leadID)
            let accountID = try optionalID(.accountID)
            guard leadID != nil || accountID != nil else {
                throw EventDecodingError(code: .missingField, field: "lead_id",
                                         message: "an intent event needs lead_id or account_id")
            }
            return .intent(IntentEvent(
                eventID: eventID, occurredAt: occurredAt, leadID: leadID, accountID: accountID,
                topic: try requiredText(.topic), surge: try requiredDouble(.surge, in: 0...100),
                source: try requiredText(.source)
            ))
        case .profile:
            var event = ProfileEvent(eventID: eventID, occurredAt: occurredAt, leadID: try requiredID(.leadID),
                                     accountID: try optionalID(.accountID))
            if let company = raw(.company) {
                try readCompany(company, into: &event)
            }
            event.seats = try optionalInt(.seats, in: 0...1_000_000)
            event.dealValueUSD = try optionalDouble(.dealValueUSD, in: 0...1e10)
            event.technographics = try optionalStringArray(.technographics)
            event.emailDomain = try optionalEmailDomain()
            event.disqualified = try optionalBool(.disqualified)
            return .profile(event)
        case .repRoster:
            return .repRoster(RepRosterEvent(
                eventID: eventID, occurredAt: occurredAt, repID: try requiredID(.repID),
                name: try requiredText(.name), active: try requiredBool(.active),
                capacityPerDay: try requiredInt(.capacityPerDay, in: 0...10_000),
                territories: try optionalStringArray(.territories),
                workingHours: try workingHours()
            ))
        case .repAvailability:
            return .repAvailability(RepAvailabilityEvent(
                eventID: eventID, occurredAt: occurredAt, repID: try requiredID(.repID),
                available: try requiredBool(.available), until: try optionalTimestamp(.until)
            ))
        case .leadAssigned:
            return .leadAssigned(LeadAssignedEvent(
                eventID: eventID, occurredAt: occurredAt, leadID: try requiredID(.leadID), repID: try requiredID(.repID)
            ))
        case .leadOutcome:
            return .leadOutcome(LeadOutcomeEvent(
                eventID: eventID, occurredAt: occurredAt, leadID: try requiredID(.leadID),
                repID: try requiredID(.repID), outcome: try outcome()
            ))
        case .accountAssigned:
            return .accountAssigned(AccountAssignedEvent(
                eventID: eventID, occurredAt: occurredAt, accountID: try requiredID(.accountID), repID: try requiredID(.repID)
            ))
        case .leadTouched:
            return .leadTouched(LeadTouchedEvent(
                eventID: eventID, occurredAt: occurredAt, leadID: try requiredID(.leadID),
                accountID: try optionalID(.accountID), repID: try requiredID(.repID), channel: try channel()
            ))
        case .leadForgotten:
            return .leadForgotten(LeadForgottenEvent(
                eventID: eventID, occurredAt: occurredAt, leadID: try requiredID(.leadID), accountID: try optionalID(.accountID)
            ))
        }
    }

    // MARK: Field conversions

    func missing(_ field: EventField) -> EventDecodingError {
        EventDecodingError(code: .missingField, field: field.key, message: "required field is missing or null")
    }

    func wrongType(_ path: String, _ v: JSONScanner.Value, expected: String) -> EventDecodingError {
        let found = switch v.kind {
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        case .object: "an object"
        case .array: "an array"
        }
        return EventDecodingError(code: .wrongType, field: path, message: "expected \(expected), found \(found)", offset: v.start)
    }

    /// A short, printable rendering of a string value for messages.
    func quoted(_ v: JSONScanner.Value) -> String {
        var text = scanner.string(v)
        if text.utf8.count > 64 { text = String(text.prefix(60)) + "..." }
        return "\"" + text + "\""
    }

    func requiredID(_ field: EventField) throws(EventDecodingError) -> String {
        guard let v = raw(field) else { throw missing(field) }
        return try id(v, field: field)
    }

    func optionalID(_ field: EventField) throws(EventDecodingError) -> String? {
        guard let v = raw(field) else { return nil }
        return try id(v, field: field)
    }

    func id(_ v: JSONScanner.Value, field: EventField) throws(EventDecodingError) -> String {
        guard v.kind == .string else { throw wrongType(field.key, v, expected: "a string id") }
        guard v.end > v.start else {
            throw EventDecodingError(code: .invalidValue, field: field.key, message: "an id must not be empty", offset: v.start)
        }
        // Characters, not bytes: JSON Schema's maxLength (schemas/) counts characters, and the
        // decoder must accept exactly what the schemas accept. A string never has more characters
        // than bytes, so an id without escapes that is within the limit in bytes is not counted.
        let bytes = v.end &- v.start
        guard v.flag || bytes > limits.maxIDLength else { return scanner.string(v) }
        let length = scanner.characterCount(v)
        guard length <= limits.maxIDLength else {
            throw EventDecodingError(code: .invalidValue, field: field.key,
                                     message: "id is \(length) characters; the limit is \(limits.maxIDLength)", offset: v.start)
        }
        return scanner.string(v)
    }

    /// A required free-text string that must not be empty (`topic`, `source`, `name`).
    func requiredText(_ field: EventField) throws(EventDecodingError) -> String {
        guard let v = raw(field) else { throw missing(field) }
        guard v.kind == .string else { throw wrongType(field.key, v, expected: "a string") }
        guard v.end > v.start else {
            throw EventDecodingError(code: .invalidValue, field: field.key, message: "must not be empty", offset: v.start)
        }
        return scanner.string(v)
    }

    func requiredBool(_ field: EventField) throws(EventDecodingError) -> Bool {
        guard let v = raw(field) else { throw missing(field) }
        guard v.kind == .bool else { throw wrongType(field.key, v, expected: "true or false") }
        return v.flag
    }

    func optionalBool(_ field: EventField) throws(EventDecodingError) -> Bool? {
        guard let v = raw(field) else { return nil }
        guard v.kind == .bool else { throw wrongType(field.key, v, expected: "true or false") }
        return v.flag
    }

    /// `email_domain`: a domain name (`acme.com`), not an address; lower-cased. 1-253 characters,
    /// no `@`, no whitespace or control characters, no leading dot (one trailing dot is allowed and
    /// dropped when matching).
    func optionalEmailDomain() throws(EventDecodingError) -> String? {
        guard let v = raw(.emailDomain) else { return nil }
        guard v.kind == .string else { throw wrongType("email_domain", v, expected: "a domain name string") }
        let text = scanner.string(v)
        let bytes = text.utf8
        // 253 characters, as the schema's maxLength counts them.
        guard !bytes.isEmpty, text.unicodeScalars.count <= 253, bytes.first != UInt8(ascii: "."),
              !bytes.contains(where: { $0 == UInt8(ascii: "@") || $0 <= 0x20 || $0 == 0x7f }) else {
            throw EventDecodingError(code: .invalidValue, field: "email_domain",
                                     message: "must be a domain name such as acme.com (1-253 characters, no @, no spaces), got \(quoted(v))",
                                     offset: v.start)
        }
        return text.lowercased()
    }

    func requiredTimestamp(_ field: EventField) throws(EventDecodingError) -> Timestamp {
        guard let v = raw(field) else { throw missing(field) }
        return try timestamp(v, field: field)
    }

    func optionalTimestamp(_ field: EventField) throws(EventDecodingError) -> Timestamp? {
        guard let v = raw(field) else { return nil }
        return try timestamp(v, field: field)
    }

    func timestamp(_ v: JSONScanner.Value, field: EventField) throws(EventDecodingError) -> Timestamp {
        guard v.kind == .string else { throw wrongType(field.key, v, expected: "an RFC 3339 time string") }
        do {
            if !v.flag {
                return try Timestamp.parseRFC3339(scanner.base + v.start, count: v.end &- v.start)
            }
            let bytes = scanner.unescaped(v)
            return try bytes.withUnsafeBufferPointer { (b) throws(TimestampSyntaxError) -> Timestamp in
                guard let base = b.baseAddress else { throw TimestampSyntaxError(reason: "empty string") }
                return try Timestamp.parseRFC3339(base, count: b.count)
            }
        } catch {
            throw EventDecodingError(code: .invalidTimestamp, field: field.key,
                                     message: "\(error.reason) in \(quoted(v)); expected RFC 3339 like 2026-11-24T10:15:00Z",
                                     offset: v.start)
        }
    }

    func requiredDouble(_ field: EventField, in range: ClosedRange<Double>) throws(EventDecodingError) -> Double {
        guard let v = raw(field) else { throw missing(field) }
        return try double(v, path: field.key, in: range)
    }

    func optionalDouble(_ field: EventField, in range: ClosedRange<Double>) throws(EventDecodingError) -> Double? {
        guard let v = raw(field) else { return nil }
        return try double(v, path: field.key, in: range)
    }

    func double(_ v: JSONScanner.Value, path: @autoclosure () -> String, in range: ClosedRange<Double>) throws(EventDecodingError) -> Double {
        guard v.kind == .number else { throw wrongType(path(), v, expected: "a number") }
        let d = scanner.double(v)
        guard d.isFinite else {
            throw EventDecodingError(code: .nonFinite, field: path(), message: "\(text(v)) is too large to represent", offset: v.start)
        }
        guard range.contains(d) else {
            throw EventDecodingError(code: .outOfRange, field: path(),
                                     message: "\(text(v)) is outside \(format(range.lowerBound))...\(format(range.upperBound))",
                                     offset: v.start)
        }
        return d == 0 ? 0 : d // no negative zero
    }

    func requiredInt(_ field: EventField, in range: ClosedRange<Int>) throws(EventDecodingError) -> Int {
        guard let v = raw(field) else { throw missing(field) }
        return try int(v, path: field.key, in: range)
    }

    func optionalInt(_ field: EventField, in range: ClosedRange<Int>) throws(EventDecodingError) -> Int? {
        guard let v = raw(field) else { return nil }
        return try int(v, path: field.key, in: range)
    }

    func int(_ v: JSONScanner.Value, path: @autoclosure () -> String, in range: ClosedRange<Int>) throws(EventDecodingError) -> Int {
        guard v.kind == .number else { throw wrongType(path(), v, expected: "an integer") }
        let n: Int
        if let plain = scanner.plainInteger(v) {
            n = plain
        } else {
            let d = scanner.double(v)
            guard d.isFinite else {
                throw EventDecodingError(code: .nonFinite, field: path(), message: "\(text(v)) is too large to represent", offset: v.start)
            }
            guard d == d.rounded(.towardZero) else {
                throw EventDecodingError(code: .outOfRange, field: path(), message: "\(text(v)) is not an integer", offset: v.start)
            }
            guard d >= Double(range.lowerBound) && d <= Double(range.upperBound) else {
                throw EventDecodingError(code: .outOfRange, field: path(),
                                         message: "\(text(v)) is outside \(range.lowerBound)...\(range.upperBound)", offset: v.start)
            }
            n = Int(d)
        }
        guard range.contains(n) else {
            throw EventDecodingError(code: .outOfRange, field: path(),
                                     message: "\(text(v)) is outside \(range.lowerBound)...\(range.upperBound)", offset: v.start)
        }
        return n
    }

    func optionalStringArray(_ field: EventField) throws(EventDecodingError) -> [String]? {
        guard let v = raw(field) else { return nil }
        guard v.kind == .array else { throw wrongType(field.key, v, expected: "an array of strings") }
        var items: [String] = []
        var sub = JSONScanner(base: scanner.base, count: v.end, start: v.start, maxDepth: limits.maxDepth)
        if try sub.beginArray() { return items }
        // Room for a typical list at once, not regrown from one element.
        items.reserveCapacity(8)
        repeat {
            let item = try sub.scanValue(depth: 2)
            guard item.kind == .string else {
                throw wrongType("\(field.key)[\(items.count)]", item, expected: "a string")
            }
            items.append(scanner.string(item))
        } while try sub.nextElement()
        return items
    }

    func readCompany(_ v: JSONScanner.Value, into event: inout ProfileEvent) throws(EventDecodingError) {
        guard v.kind == .object else { throw wrongType("company", v, expected: "an object") }
        var sub = JSONScanner(base: scanner.base, count: v.end, start: v.start, maxDepth: limits.maxDepth)
        if try sub.beginObject() { return }
        var seen: UInt8 = 0
        repeat {
            let keyStart = sub.pos
            let key = try sub.readKey()
            let field = sub.withBytes(key) { CompanyField.match($0) }
            let value = try sub.scanValue(depth: 2)
            guard let field else { continue }
            // Built only for an error message ("company.employees" is too long to be inline).
            func path() -> String { "company." + field.key }
            let bit: UInt8 = 1 << UInt8(field.rawValue)
            if seen & bit != 0 {
                throw EventDecodingError(code: .duplicateField, field: path(), message: "the field appears more than once", offset: keyStart)
            }
            seen |= bit
            if value.kind == .null { continue }
            switch field {
            case .employees:
                event.employees = try int(value, path: path(), in: 0...10_000_000)
            case .industry, .country, .region:
                guard value.kind == .string else { throw wrongType(path(), value, expected: "a string") }
                let text = scanner.string(value)
                switch field {
                case .industry: event.industry = text
                case .country: event.country = text
                default: event.region = text
                }
            }
        } while try sub.nextMember()
    }

    func signal() throws(EventDecodingError) -> Signal {
        guard let v = raw(.signal) else { throw missing(.signal) }
        guard v.kind == .string else { throw wrongType("signal", v, expected: "a string") }
        guard let signal = scanner.withBytes(v, { Signal.match($0) }) else {
            throw EventDecodingError(code: .unknownSignal, field: "signal",
                                     message: "unknown signal \(quoted(v)); expected one of \(Signal.allCases.map(\.rawValue).joined(separator: ", "))",
                                     offset: v.start)
        }
        return signal
    }

    func outcome() throws(EventDecodingError) -> LeadOutcome {
        guard let v = raw(.outcome) else { throw missing(.outcome) }
        guard v.kind == .string else { throw wrongType("outcome", v, expected: "a string") }
        guard let outcome = scanner.withBytes(v, { LeadOutcome.match($0) }) else {
            throw EventDecodingError(code: .unknownOutcome, field: "outcome",
                                     message: "unknown outcome \(quoted(v)); expected one of converted, disqualified, no_response",
                                     offset: v.start)
        }
        return outcome
    }

    /// A roster's calendar: `time_zone` (an IANA name; default UTC), `working_hours` (an object of
    /// weekday keys `mon`...`sun`, each a list of `HH:MM-HH:MM` spans, sorted or not, not
    /// overlapping; a weekday left out has no working time) and `holidays` (`YYYY-MM-DD` dates in
    /// the rep's zone). Nil when neither `working_hours` nor `holidays` is given.
    func workingHours() throws(EventDecodingError) -> WorkingHours? {
        var zone = WorkingHours.zone(named: "UTC")
        if let v = raw(.timeZone) {
            guard v.kind == .string else { throw wrongType("time_zone", v, expected: "an IANA time zone name") }
            guard let named = WorkingHours.zone(named: scanner.string(v)) else {
                throw EventDecodingError(code: .unknownTimeZone, field: "time_zone",
                                         message: "unknown time zone \(quoted(v)); expected an IANA time zone database name such as America/New_York, Etc/GMT+5 or UTC (offsets such as GMT+5 are not accepted)",
                                         offset: v.start)
            }
            zone = named
        }
        let hours = raw(.workingHours)
        let holidayList = raw(.holidays)
        guard hours != nil || holidayList != nil, let zone else { return nil }
        var week = WorkingHours.allDay
        if let hours { week = try readWeek(hours) }
        var days: [Int64] = []
        if let holidayList {
            guard holidayList.kind == .array else { throw wrongType("holidays", holidayList, expected: "an array of YYYY-MM-DD dates") }
            var sub = JSONScanner(base: scanner.base, count: holidayList.end, start: holidayList.start, maxDepth: limits.maxDepth)
            if try !sub.beginArray() {
                repeat {
                    let item = try sub.scanValue(depth: 2)
                    let path = "holidays[\(days.count)]"
                    guard item.kind == .string else { throw wrongType(path, item, expected: "a YYYY-MM-DD date") }
                    guard let day = WorkingHours.parseDate(scanner.string(item)) else {
                        throw EventDecodingError(code: .invalidValue, field: path,
                                                 message: "\(quoted(item)) is not a date like 2026-12-25", offset: item.start)
                    }
                    days.append(day)
                } while try sub.nextElement()
            }
        }
        return WorkingHours(timeZone: zone, week: week, holidays: days)
    }

    func readWeek(_ v: JSONScanner.Value) throws(EventDecodingError) -> [[WorkingHours.Span]] {
        guard v.kind == .object else {
            throw wrongType("working_hours", v, expected: "an object of weekdays (mon ... sun) to lists of HH:MM-HH:MM spans")
        }
        var week = [[WorkingHours.Span]](repeating: [], count: 7)
        var seen = [Bool](repeating: false, count: 7)
        var sub = JSONScanner(base: scanner.base, count: v.end, start: v.start, maxDepth: limits.maxDepth)
        if try sub.beginObject() { return week }
        repeat {
            let keyStart = sub.pos
            let keyValue = try sub.readKey()
            let key = sub.withBytes(keyValue) { String(decoding: $0, as: UTF8.self) }
            let value = try sub.scanValue(depth: 2)
            guard let day = WorkingHours.weekdayKeys.firstIndex(of: key) else {
                throw EventDecodingError(code: .invalidValue, field: "working_hours",
                                         message: "unknown weekday \"\(key.prefix(20))\"; expected mon, tue, wed, thu, fri, sat, sun",
                                         offset: keyStart)
            }
            let path = "working_hours." + key
            guard !seen[day] else {
                throw EventDecodingError(code: .duplicateField, field: path, message: "the field appears more than once", offset: keyStart)
            }
            seen[day] = true
            if value.kind == .null { continue }
            guard value.kind == .array else { throw wrongType(path, value, expected: "a list of HH:MM-HH:MM spans") }
            var spans: [WorkingHours.Span] = []
            var items = JSONScanner(base: scanner.base, count: value.end, start: value.start, maxDepth: limits.maxDepth)
            if try !items.beginArray() {
                repeat {
                    let item = try items.scanValue(depth: 3)
                    // Built only for an error message.
                    func itemPath() -> String { "\(path)[\(spans.count)]" }
                    guard item.kind == .string else { throw wrongType(itemPath(), item, expected: "a HH:MM-HH:MM span") }
                    guard let span = WorkingHours.parseSpan(scanner.string(item)) else {
                        throw EventDecodingError(code: .invalidValue, field: itemPath(),
                                                 message: "\(quoted(item)) is not a span like 09:00-17:30 (24-hour local time, end after start, 24:00 allowed as an end)",
                                                 offset: item.start)
                    }
                    spans.append(span)
                } while try items.nextElement()
            }
            spans.sort { $0.start < $1.start }
            for k in spans.indices.dropFirst() where spans[k].start < spans[k - 1].end {
                throw EventDecodingError(code: .invalidValue, field: path,
                                         message: "spans \(WorkingHours.spanString(spans[k - 1])) and \(WorkingHours.spanString(spans[k])) overlap")
            }
            week[day] = spans
        } while try sub.nextMember()
        return week
    }

    func channel() throws(EventDecodingError) -> TouchChannel {
        guard let v = raw(.channel) else { throw missing(.channel) }
        guard v.kind == .string else { throw wrongType("channel", v, expected: "a string") }
        let channel = scanner.withBytes(v) { k -> TouchChannel? in
            k.equals("call") ? .call : k.equals("email") ? .email : k.equals("meeting") ? .meeting : nil
        }
        guard let channel else {
            throw EventDecodingError(code: .invalidValue, field: "channel",
                                     message: "unknown channel \(quoted(v)); expected one of call, email, meeting", offset: v.start)
        }
        return channel
    }

    /// The literal text of a scanned number, for messages.
    func text(_ v: JSONScanner.Value) -> String {
        var t = String(decoding: UnsafeBufferPointer(start: scanner.base + v.start, count: v.end &- v.start), as: UTF8.self)
        if t.utf8.count > 40 { t = String(t.prefix(36)) + "..." }
        return t
    }

    func format(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
    }
}

/// The `type` values of input events.
enum EventType {
    case engagement, intent, profile, repRoster, repAvailability, leadAssigned, leadOutcome, accountAssigned, leadTouched, leadForgotten

    static let names = "engagement, intent, profile, rep_roster, rep_availability, lead_assigned, lead_outcome, account_assigned, lead_touched, lead_forgotten"

    static func match(_ k: UnsafeBufferPointer<UInt8>) -> EventType? {
        switch k.count {
        case 10: return k.equals("engagement") ? .engagement : k.equals("rep_roster") ? .repRoster : nil
        case 6: return k.equals("intent") ? .intent : nil
        case 7: return k.equals("profile") ? .profile : nil
        case 16: return k.equals("rep_availability") ? .repAvailability : k.equals("account_assigned") ? .accountAssigned : nil
        case 13: return k.equals("lead_assigned") ? .leadAssigned : nil
        case 12: return k.equals("lead_outcome") ? .leadOutcome : k.equals("lead_touched") ? .leadTouched : nil
        case 14: return k.equals("lead_forgotten") ? .leadForgotten : nil
        default: return nil
        }
    }
}

/// One slot per `EventField`, on the decoder's stack. A tuple: `InlineArray` needs macOS 26 and
/// the package supports macOS 15. (A test checks it has room for every field.)
struct EventSlots {
    typealias Value = JSONScanner.Value
    static let count = 28
    var slots: (
        Value, Value, Value, Value, Value, Value, Value,
        Value, Value, Value, Value, Value, Value, Value,
        Value, Value, Value, Value, Value, Value, Value,
        Value, Value, Value, Value, Value, Value, Value
    )

    init() {
        let v = Value(kind: .null, start: 0, end: 0, flag: false)
        slots = (
            v, v, v, v, v, v, v, v, v, v, v, v, v, v,
            v, v, v, v, v, v, v, v, v, v, v, v, v, v
        )
    }
}
