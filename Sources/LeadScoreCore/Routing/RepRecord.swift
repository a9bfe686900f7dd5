/// One rep's state inside `RepBook`: roster data, availability, today's load and conversion
/// windows (daily buckets in a ring, with running sums so a slide costs O(days moved)).
struct RepRecord: Sendable, Equatable {
    var id: String
    var name: String = ""
    /// False until a roster event says otherwise: a rep seen only in outcomes is not routable.
    var active: Bool = false
    var onRoster: Bool = false
    var capacityPerDay: Int32 = 0
    var territories: [String] = []
    var available: Bool = true
    /// While `available` is false: the moment it ends (nil: until told otherwise).
    var unavailableUntil: Int64?
    /// Working hours, time zone and holidays from the roster; nil: always working.
    var hours: WorkingHours?
    /// UTC day (days since epoch) `loadCount` counts for.
    var loadDay: Int64 = Int64.min
    var loadCount: Int32 = 0
    /// Newest day in the ring (days since epoch).
    var headDay: Int64 = Int64.min
    /// Successes per day, slot `day mod ringDays`.
    var successes: [UInt32]
    /// Trials per day, slot `day mod ringDays`.
    var trials: [UInt32]
    var longSuccesses: UInt64 = 0
    var longTrials: UInt64 = 0
    var shortSuccesses: UInt64 = 0
    var shortTrials: UInt64 = 0
    /// First-touch SLA breaches per day, slot `day mod ringDays` (a breach is counted on its
    /// deadline's day), and their sum over the short window and overall.
    var breaches: [UInt32]
    var shortBreaches: UInt64 = 0
    var totalBreaches: UInt64 = 0

    init(id: String, ringDays: Int) {
        self.id = id
        successes = [UInt32](repeating: 0, count: ringDays)
        trials = [UInt32](repeating: 0, count: ringDays)
        breaches = [UInt32](repeating: 0, count: ringDays)
    }

    /// Today's load as seen on `day` (a new day starts at zero).
    func load(onDay day: Int64) -> Int32 { day == loadDay ? loadCount : (day > loadDay ? 0 : loadCount) }

    /// Inside working hours at `t` (always, without a calendar).
    func isWorking(at t: Timestamp) -> Bool {
        hours?.isWorking(at: t) ?? true
    }

    func isAvailable(at ms: Int64) -> Bool {
        if available { return true }
        if let until = unavailableUntil, ms >= until { return true }
        return false
    }

    /// Moves the ring forward so `day` is the newest day; days leaving a window leave its sums.
    mutating func slide(to day: Int64, shortDays: Int) {
        let ringDays = successes.count
        if headDay == Int64.min {
            headDay = day
            return
        }
        guard day > headDay else { return }
        if day - headDay >= Int64(ringDays) {
            for i in 0..<ringDays {
                successes[i] = 0
                trials[i] = 0
                breaches[i] = 0
            }
            longSuccesses = 0; longTrials = 0; shortSuccesses = 0; shortTrials = 0; shortBreaches = 0
            headDay = day
            return
        }
        var d = headDay + 1
        while d <= day {
            // The day leaving the short window is d - shortDays; the slot reused by d held d - ringDays.
            let leavingShort = Int(floorMod(d - Int64(shortDays), Int64(ringDays)))
            shortSuccesses -= UInt64(successes[leavingShort])
            shortTrials -= UInt64(trials[leavingShort])
            shortBreaches -= UInt64(breaches[leavingShort])
            let slot = Int(floorMod(d, Int64(ringDays)))
            longSuccesses -= UInt64(successes[slot])
            longTrials -= UInt64(trials[slot])
            successes[slot] = 0
            trials[slot] = 0
            breaches[slot] = 0
            d += 1
        }
        headDay = day
    }

    /// Counts one outcome on `day` if it is still inside the long window.
    mutating func record(success: Bool, day: Int64, shortDays: Int) {
        slide(to: day, shortDays: shortDays)
        let ringDays = Int64(successes.count)
        guard day > headDay - ringDays else { return }
        let slot = Int(floorMod(day, ringDays))
        trials[slot] &+= 1
        longTrials += 1
        if success {
            successes[slot] &+= 1
            longSuccesses += 1
        }
        if day > headDay - Int64(shortDays) {
            shortTrials += 1
            if success { shortSuccesses += 1 }
        }
    }
}

extension RepRecord {
    /// Counts one first-touch SLA breach whose deadline fell on `day`.
    mutating func recordBreach(day: Int64, shortDays: Int) {
        slide(to: day, shortDays: shortDays)
        totalBreaches += 1
        let ringDays = Int64(breaches.count)
        guard day > headDay - ringDays else { return }
        breaches[Int(floorMod(day, ringDays))] &+= 1
        if day > headDay - Int64(shortDays) { shortBreaches += 1 }
    }

    /// Takes back one breach counted by `recordBreach(day:shortDays:)`: never below zero, and a
    /// day already out of the window only leaves the total.
    mutating func releaseBreach(day: Int64, shortDays: Int) {
        if totalBreaches > 0 { totalBreaches -= 1 }
        let ringDays = Int64(breaches.count)
        guard day <= headDay, day > headDay - ringDays else { return }
        let slot = Int(floorMod(day, ringDays))
        guard breaches[slot] > 0 else { return }
        breaches[slot] -= 1
        if day > headDay - Int64(shortDays), shortBreaches > 0 { shortBreaches -= 1 }
    }
}

func floorMod(_ a: Int64, _ b: Int64) -> Int64 {
    let r = a % b
    return r < 0 ? r + b : r
}

func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
