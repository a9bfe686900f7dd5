import Yams

/// Reads one YAML mapping of the configuration, remembering which keys were used so that unknown
/// keys (usually typos) are reported instead of silently ignored, and recording every problem with
/// its field path.
package struct YAMLFields {
    package let path: String
    private var pairs: [(key: String, value: Node)] = []
    private var used: Set<String> = []

    /// Nil (with a problem recorded) when the node is not a mapping.
    package init?(_ node: Node, path: String, problems: inout [ConfigError.Problem]) {
        self.path = path
        guard case .mapping(let mapping) = node else {
            problems.append(.init(path: path, reason: "must be a mapping"))
            return nil
        }
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                problems.append(.init(path: path, reason: "keys must be plain strings"))
                continue
            }
            pairs.append((scalar.string, value))
        }
    }

    /// All keys in document order.
    package var keys: [String] { pairs.map(\.key) }

    package func child(_ key: String) -> String { "\(path).\(key)" }

    package mutating func take(_ key: String) -> Node? {
        guard let pair = pairs.first(where: { $0.key == key }) else { return nil }
        used.insert(key)
        return pair.value
    }

    /// Records every key that was not taken.
    package func reportUnknown(into problems: inout [ConfigError.Problem], known: [String]) {
        for (key, _) in pairs where !used.contains(key) {
            problems.append(.init(path: child(key), reason: "unknown key (known: \(known.joined(separator: ", ")))"))
        }
    }

    package mutating func mapping(_ key: String, _ problems: inout [ConfigError.Problem]) -> YAMLFields? {
        guard let node = take(key) else { return nil }
        return YAMLFields(node, path: child(key), problems: &problems)
    }

    package mutating func number(_ key: String, into value: inout Double, _ problems: inout [ConfigError.Problem]) {
        guard let node = take(key) else { return }
        guard case .scalar(let scalar) = node, let parsed = YAMLFields.parseNumber(scalar.string) else {
            problems.append(.init(path: child(key), reason: "must be a number, got \(YAMLFields.describe(node))"))
            return
        }
        value = parsed
    }

    package mutating func integer(_ key: String, into value: inout Int, _ problems: inout [ConfigError.Problem]) {
        guard let node = take(key) else { return }
        guard case .scalar(let scalar) = node, let parsed = Int(scalar.string) else {
            problems.append(.init(path: child(key), reason: "must be an integer, got \(YAMLFields.describe(node))"))
            return
        }
        value = parsed
    }

    package mutating func duration(_ key: String, into value: inout Duration, _ problems: inout [ConfigError.Problem]) {
        guard let node = take(key) else { return }
        guard case .scalar(let scalar) = node, let parsed = ConfigDuration.parse(scalar.string) else {
            problems.append(.init(path: child(key),
                                  reason: "must be a duration such as 21d, 36h, 90m, 30s or 1500ms, got \(YAMLFields.describe(node))"))
            return
        }
        guard parsed.milliseconds.magnitude <= ConfigDuration.maximum.milliseconds.magnitude else {
            problems.append(.init(path: child(key), reason: "must be at most \(ConfigDuration.format(ConfigDuration.maximum)) (100 years), got \(scalar.string)"))
            return
        }
        value = parsed
    }

    package mutating func bool(_ key: String, into value: inout Bool, _ problems: inout [ConfigError.Problem]) {
        guard let node = take(key) else { return }
        guard let parsed = node.bool else {
            problems.append(.init(path: child(key), reason: "must be true or false, got \(YAMLFields.describe(node))"))
            return
        }
        value = parsed
    }

    /// One of a fixed set of words (an enum's raw values), named in the problem when it is not.
    package mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, into value: inout T,
                                                                     _ problems: inout [ConfigError.Problem]) where T.RawValue == String {
        guard let node = take(key) else { return }
        guard case .scalar(let scalar) = node, let parsed = T(rawValue: scalar.string) else {
            let words = T.allCases.map(\.rawValue).joined(separator: ", ")
            problems.append(.init(path: child(key), reason: "must be one of \(words), got \(YAMLFields.describe(node))"))
            return
        }
        value = parsed
    }

    /// A name: a string that is not YAML's null (`null`, `~`, nothing) and not blank. Written
    /// into outputs as given, so `escalate_to: ~` must not become the name "null"; a quoted
    /// `'null'` is a string and accepted.
    package mutating func text(_ key: String, into value: inout String, _ problems: inout [ConfigError.Problem]) {
        guard let node = take(key) else { return }
        guard case .scalar(let scalar) = node, !YAMLFields.isNull(scalar) else {
            problems.append(.init(path: child(key), reason: "must be a name, got \(YAMLFields.describe(node))"))
            return
        }
        guard !YAMLFields.isBlank(scalar.string) else {
            problems.append(.init(path: child(key), reason: "must not be blank"))
            return
        }
        value = scalar.string
    }

    /// YAML's null as a plain scalar (`null`, `Null`, `NULL`, `~`, or nothing at all).
    package static func isNull(_ scalar: Node.Scalar) -> Bool {
        scalar.style != .singleQuoted && scalar.style != .doubleQuoted
            && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// Empty or only white space.
    package static func isBlank(_ text: String) -> Bool {
        text.allSatisfy(\.isWhitespace)
    }

    /// A list of mappings, each with exactly the keys `fields` (all required), each read by
    /// `read`; nil when the key is absent or not a list (reported).
    package mutating func records<T>(_ key: String, fields: [String], _ problems: inout [ConfigError.Problem],
                                     _ read: (inout YAMLFields, inout [ConfigError.Problem]) -> T) -> [T]? {
        guard let node = take(key) else { return nil }
        let path = child(key)
        guard case .sequence(let sequence) = node else {
            problems.append(.init(path: path, reason: "must be a list of {\(fields.joined(separator: ", "))}, got \(Self.describe(node))"))
            return nil
        }
        var out: [T] = []
        for (i, item) in sequence.enumerated() {
            guard var entry = YAMLFields(item, path: "\(path)[\(i)]", problems: &problems) else { continue }
            if !fields.allSatisfy(entry.keys.contains) {
                problems.append(.init(path: "\(path)[\(i)]", reason: "needs \(fields.joined(separator: " and "))"))
            }
            out.append(read(&entry, &problems))
            entry.reportUnknown(into: &problems, known: fields)
        }
        return out
    }

    package mutating func strings(_ key: String, into value: inout [String], _ problems: inout [ConfigError.Problem]) {
        guard let node = take(key) else { return }
        guard case .sequence(let sequence) = node else {
            problems.append(.init(path: child(key), reason: "must be a list of strings"))
            return
        }
        var result: [String] = []
        for (i, item) in sequence.enumerated() {
            guard case .scalar(let scalar) = item, !YAMLFields.isNull(scalar) else {
                problems.append(.init(path: "\(child(key))[\(i)]", reason: "must be a string, got \(YAMLFields.describe(item))"))
                continue
            }
            guard !YAMLFields.isBlank(scalar.string) else {
                problems.append(.init(path: "\(child(key))[\(i)]", reason: "must not be blank"))
                continue
            }
            result.append(scalar.string)
        }
        value = result
    }

    /// A mapping of names to numbers (`{retail: 20, education: -5}`).
    package mutating func namedNumbers(_ key: String, into value: inout [String: Double], _ problems: inout [ConfigError.Problem]) {
        guard var fields = mapping(key, &problems) else { return }
        var result: [String: Double] = [:]
        for name in fields.keys {
            guard !YAMLFields.isBlank(name) else {
                problems.append(.init(path: fields.path, reason: "names must not be blank"))
                _ = fields.take(name)
                continue
            }
            var number = Double.nan
            let before = problems.count
            fields.number(name, into: &number, &problems)
            if problems.count == before { result[name] = number }
        }
        value = result
    }

    /// Decimal numbers (YAML's `.inf`/`.nan` spellings included, so validation can name them).
    package static func parseNumber(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: return Double(text.replacingUnderscores())
        }
    }

    package static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): "'\(scalar.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }
}

extension String {
    /// YAML allows `50_000`; Swift's `Double(_:)` does not.
    fileprivate func replacingUnderscores() -> String {
        contains("_") ? String(filter { $0 != "_" }) : self
    }
}
