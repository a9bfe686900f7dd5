/// Hard disqualifiers (issue 10): email domains that are not a buying company, checked when a
/// profile gives `email_domain`. A disqualified lead is in bucket `disqualified` whatever its
/// score, until a profile lifts it (`disqualified: false` from the CRM, or a domain on no list).
///
/// Matching: a domain matches an entry when it equals the entry or ends with `.` + the entry,
/// compared in lower case without a trailing dot. So `edu` matches `mit.edu` and `cs.mit.edu`,
/// `gmail.com` matches `gmail.com` (and `mail.gmail.com`), and `acme.com` does not match
/// `notacme.com`. The lists are checked in the order competitor, personal, student; the first
/// that matches names the reason.
public struct DisqualifierConfig: Sendable, Equatable {
    /// Free mail providers: a lead writing from one is a person, not a company.
    public var personalDomains: [String] = DisqualifierConfig.defaultPersonalDomains
    /// Competitors' domains (none by default).
    public var competitorDomains: [String] = []
    /// Academic domains (`edu` and the common national academic suffixes).
    public var studentDomains: [String] = ["edu", "ac.uk", "edu.au", "ac.jp", "edu.cn"]

    /// The defaults.
    public init() {}

    /// The default personal (free mail) domains.
    public static let defaultPersonalDomains = [
        "gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com", "msn.com",
        "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de", "mail.com",
        "yandex.ru", "qq.com", "163.com",
    ]

    /// Why a domain disqualifies a lead.
    public enum DomainReason: UInt8, Sendable, CaseIterable {
        /// On `personal_domains`.
        case personal = 1
        /// On `competitor_domains`.
        case competitor = 2
        /// On `student_domains`.
        case student = 3

        /// The output name: `personal_email_domain`, `competitor_email_domain`, `student_email_domain`.
        public var name: String {
            switch self {
            case .personal: "personal_email_domain"
            case .competitor: "competitor_email_domain"
            case .student: "student_email_domain"
            }
        }
    }

    /// The domain in the form lists are compared in: ASCII lower case, one trailing dot dropped.
    public static func normalized(_ domain: String) -> String {
        var text = domain.lowercased()
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

}
