import Yams

extension ConfigError {
    /// Parses a YAML document for configuration reading. A syntax error is reported by line and
    /// column with the parser's short explanation, never with the document's text (which may hold
    /// secrets: Yams' own descriptions quote the offending line).
    public static func composeYAML(_ text: String) throws(ConfigError) -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigError(problems: [.init(path: "(document)", reason: "not valid YAML: \(Self.describe(error))")])
        } catch {
            throw ConfigError(problems: [.init(path: "(document)", reason: "not valid YAML")])
        }
    }

    /// Where and what, with no quoted text.
    static func describe(_ error: YamlError) -> String {
        func at(_ mark: Mark, _ problem: String, _ context: YamlError.Context?) -> String {
            var text = "line \(mark.line), column \(mark.column): \(problem)"
            if let context { text += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))" }
            return text
        }
        switch error {
        case let .scanner(context, problem, mark, _): return at(mark, problem, context)
        case let .parser(context, problem, mark, _): return at(mark, problem, context)
        case let .composer(context, problem, mark, _): return at(mark, problem, context)
        case let .reader(problem, offset, _, _):
            return offset.map { "byte \($0): \(problem)" } ?? problem
        case let .duplicatedKeysInMapping(duplicates, context):
            return "duplicate keys \(duplicates.sorted().joined(separator: ", ")) in a mapping at line \(context.mark.line), column \(context.mark.column)"
        default:
            return "the document cannot be read as YAML"
        }
    }
}
