/// Text placed in HTML: the one escaping rule of every page the project renders (the live
/// dashboard and the evaluation and fit reports), so a name or id from the data can never open
/// a tag or end an attribute.
public enum HTMLText {
    /// `text` escaped for element content and quoted attribute values (`&`, `<`, `>`, `"`, `'`).
    public static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
