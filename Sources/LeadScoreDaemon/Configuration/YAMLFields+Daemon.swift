import LeadScoreCore
import Yams

/// Readers for the value kinds only the daemon's sections use; the scoring core's `YAMLFields`
/// supplies the rest, so both halves of one file report problems the same way.
extension YAMLFields {
    mutating func string(_ key: String, into value: inout String, nonEmpty: Bool, _ problems: inout [ConfigError.Problem]) {
        guard let node = take(key) else { return }
        guard case .scalar(let scalar) = node else {
            problems.append(.init(path: child(key), reason: "must be a string, got \(YAMLFields.describe(node))"))
            return
        }
        if nonEmpty && scalar.string.isEmpty {
            problems.append(.init(path: child(key), reason: "must not be empty"))
            return
        }
        value = scalar.string
    }

    mutating func integer(_ key: String, into value: inout Int, in range: ClosedRange<Int>, _ problems: inout [ConfigError.Problem]) {
        var parsed = value
        let before = problems.count
        integer(key, into: &parsed, &problems)
        guard problems.count == before else { return }
        guard range.contains(parsed) else {
            problems.append(.init(path: child(key), reason: "must be in \(range.lowerBound)...\(range.upperBound), got \(parsed)"))
            return
        }
        value = parsed
    }

    mutating func duration(_ key: String, into value: inout Duration, atLeast minimum: Duration, _ problems: inout [ConfigError.Problem]) {
        var parsed = value
        let before = problems.count
        duration(key, into: &parsed, &problems)
        guard problems.count == before else { return }
        guard parsed >= minimum else {
            problems.append(.init(path: child(key), reason: "must be at least \(ConfigDuration.format(minimum)), got \(ConfigDuration.format(parsed))"))
            return
        }
        value = parsed
    }

    mutating func topic(_ key: String, into value: inout String, _ problems: inout [ConfigError.Problem]) {
        var name = value
        let before = problems.count
        string(key, into: &name, nonEmpty: true, &problems)
        guard problems.count == before else { return }
        let allowed = name.utf8.allSatisfy { c in
            (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x2E || c == 0x5F || c == 0x2D
        }
        guard allowed, name.utf8.count <= 249, name != ".", name != ".." else {
            problems.append(.init(path: child(key),
                                  reason: "is not a valid Kafka topic name (letters, digits, '.', '_', '-'; at most 249), got \(name)"))
            return
        }
        value = name
    }

    mutating func stringMap(_ key: String, into value: inout [String: String], _ problems: inout [ConfigError.Problem]) {
        guard let node = take(key) else { return }
        guard case .mapping(let mapping) = node else {
            problems.append(.init(path: child(key), reason: "must be a mapping of property: value"))
            return
        }
        for (k, v) in mapping {
            guard case .scalar(let name) = k, !name.string.isEmpty else {
                problems.append(.init(path: child(key), reason: "keys must be plain strings"))
                continue
            }
            guard case .scalar(let scalar) = v else {
                problems.append(.init(path: "\(child(key)).\(name.string)", reason: "must be a scalar value"))
                continue
            }
            value[name.string] = scalar.string
        }
    }
}
