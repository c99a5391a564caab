/// How log lines are written: `logfmt` for people reading a terminal, `json` for log shippers.
public enum LogFormat: String, Sendable, CaseIterable {
    case logfmt
    case json
}
