import BallastCore
import BallastService
import BallastTrading

/// An engine and its `settings` object in a request body (an experiment's variant, a source's engine), read into what
/// `DecisionEngine` takes: settings as text by name (JSON strings of at most 64 characters, numbers exactly as written,
/// booleans). What is wrong is reported under `path` (`variants[1].settings.fastEma`).
enum EngineSettingsBody {
    static func settings(_ value: JSONValue?, path: String, problems: inout [ProblemDetails.InvalidParameter]) -> [String: String]? {
        switch value {
        case nil, .null?: return nil
        case .object(let members)?:
            var settings: [String: String] = [:]
            for (key, item) in members {
                switch item {
                case .string(let text) where text.count <= 64: settings[key] = text
                case .number(let number): settings[key] = number
                case .bool(let flag): settings[key] = flag ? "true" : "false"
                default:
                    problems.append(
                        .init(name: "\(path).\(key.prefix(64))", reason: "must be a number, a string of at most 64 characters or a boolean")
                    )
                }
            }
            return settings
        default:
            problems.append(.init(name: path, reason: "must be an object of settings"))
            return nil
        }
    }

    /// Whether `engine` with `settings` is one `DecisionEngine` can run; if not, the problem is reported under `prefix`
    /// (`variants[1].` names `variants[1].engine` or `variants[1].settings.<name>`).
    static func isUsable(
        engine: String, settings: [String: String], prefix: String, problems: inout [ProblemDetails.InvalidParameter]
    ) -> Bool {
        do throws(EngineSettingsError) {
            _ = try DecisionEngine(name: engine, settings: settings)
            return true
        } catch {
            problems.append(.init(name: prefix + error.field, reason: error.reason))
            return false
        }
    }
}
