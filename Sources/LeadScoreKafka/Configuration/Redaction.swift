/// The one rule that decides which configuration values may be shown (logs, `config check`,
/// error messages, endpoints) and which are replaced by `Redaction.placeholder`.
///
/// It errs towards hiding: a value is hidden when its librdkafka key looks secret-like
/// (`*password*`, `*passwd*`, `*secret*`, `*jaas*`, `*token*`, `*credential*`, any `*key*` such as
/// `ssl.key.pem` or `sasl.kerberos.keytab`), or is any SASL setting but the mechanism (so a
/// misspelt `sasl.pasword` or `sasl.username` stays hidden too), or came from the environment
/// (environment overrides are where operators put credentials).
public enum Redaction {
    /// What is shown instead of a hidden value.
    public static let placeholder = "[REDACTED]"

    /// SASL settings that are safe to show and help debugging.
    private static let visibleSASL: Set<String> = ["sasl.mechanism", "sasl.mechanisms", "sasl.kerberos.service.name"]

    /// Whether the value of a librdkafka property must never be shown.
    public static func isSecret(_ key: String) -> Bool {
        let key = key.lowercased().replacingUnderscores()
        for marker in ["password", "passwd", "secret", "jaas", "token", "credential", "key", "private"] where key.contains(marker) {
            return true
        }
        if key.hasPrefix("sasl.") && !visibleSASL.contains(key) { return true }
        return false
    }

    /// A value as it may be shown: the placeholder for a secret key or an environment override.
    public static func shown(_ key: String, _ value: String, fromEnvironment: Bool = false) -> String {
        fromEnvironment || isSecret(key) ? placeholder : value
    }

    /// A copy of `properties` safe to show; keys in `environmentKeys` are always hidden.
    public static func redacted(_ properties: [String: String], environmentKeys: Set<String> = []) -> [String: String] {
        properties.reduce(into: [:]) { out, pair in
            out[pair.key] = shown(pair.key, pair.value, fromEnvironment: environmentKeys.contains(pair.key))
        }
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(map { $0 == "_" ? "." : $0 })
    }
}
