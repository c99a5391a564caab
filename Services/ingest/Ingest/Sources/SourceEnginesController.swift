import BallastCore
import BallastService
import BallastTrading
import Foundation
import Hummingbird

/// `/api/v1/sources/{id}/engine`: the decision engine a source's signals get outside experiments, with overrides per
/// strategy: `{"engine": "confirmed", "settings": {...}, "strategies": {"swing": {"engine": "rules"}}}`. `DELETE`
/// goes back to `rules`. The change applies to signals accepted from then on (here at once, on other ingest instances
/// within the source cache's second).
struct SourceEnginesController {
    static let maxBodyBytes = 32 * 1024

    let store: SignalSourceStore
    let cache: SourceCache

    func addRoutes(to group: RouterGroup<IngestRequestContext>) {
        group.get("{id}/engine") { _, context in
            let user = try context.requireUser()
            let id = try context.pathID(of: "source")
            guard let engines = try await store.engines(source: id, user: user) else { throw ProblemDetails.notFound("source", "\(id)") }
            return SourceEnginesView(engines: engines ?? SourceEngines(engine: EngineChoice(engine: "rules")))
        }
        group.put("{id}/engine") { request, context in
            let user = try context.requireUser()
            let id = try context.pathID(of: "source")
            let engines = try Self.engines(try await JSONRequestBody.read(request, maxBytes: Self.maxBodyBytes).value)
            guard try await store.setEngines(engines, source: id, user: user) else { throw ProblemDetails.notFound("source", "\(id)") }
            cache.forget(id)
            return SourceEnginesView(engines: engines)
        }
        group.delete("{id}/engine") { _, context in
            let user = try context.requireUser()
            let id = try context.pathID(of: "source")
            guard try await store.setEngines(nil, source: id, user: user) else { throw ProblemDetails.notFound("source", "\(id)") }
            cache.forget(id)
            return Response(status: .noContent)
        }
    }

    /// The body, checked: every engine and setting must be usable (`DecisionEngine`), or the 400 names the field.
    static func engines(_ body: JSONValue) throws -> SourceEngines {
        var problems: [ProblemDetails.InvalidParameter] = []
        guard case .object(let members) = body else { throw BodyFields.failure([.init(name: "body", reason: "must be a JSON object")]) }
        for key in members.map(\.key) where !["engine", "settings", "strategies"].contains(key) {
            problems.append(
                .init(name: String(key.prefix(64)), reason: "is not a field of a source's engine; expected engine, settings, strategies"))
        }
        func choice(_ value: JSONValue, path: String) -> EngineChoice? {
            let prefix = path.isEmpty ? "" : path + "."
            if !path.isEmpty {
                guard case .object(let members) = value else {
                    problems.append(.init(name: path, reason: "must be an object with engine and settings"))
                    return nil
                }
                for key in members.map(\.key) where !["engine", "settings"].contains(key) {
                    problems.append(
                        .init(name: prefix + String(key.prefix(64)), reason: "is not a field of an engine; expected engine, settings"))
                }
            }
            guard case .string(let engine)? = value["engine"] else {
                problems.append(.init(name: prefix + "engine", reason: "is required: \(DecisionEngine.names.joined(separator: " or "))"))
                return nil
            }
            let settings = EngineSettingsBody.settings(value["settings"], path: prefix + "settings", problems: &problems) ?? [:]
            guard EngineSettingsBody.isUsable(engine: engine, settings: settings, prefix: prefix, problems: &problems) else { return nil }
            return EngineChoice(engine: engine, settings: settings)
        }
        // Overrides per strategy alone leave the source's other signals on `rules`.
        let onlyStrategies = body["engine"] == nil && body["settings"] == nil && body["strategies"] != nil
        var engines = SourceEngines(engine: onlyStrategies ? nil : choice(body, path: ""))
        switch body["strategies"] {
        case nil, .null?: break
        case .object(let strategies)?:
            for (name, value) in strategies {
                if let strategyChoice = choice(value, path: "strategies.\(name.prefix(64))") { engines.strategies[name] = strategyChoice }
            }
        default: problems.append(.init(name: "strategies", reason: "must be an object: strategy name to engine and settings"))
        }
        guard problems.isEmpty else { throw BodyFields.failure(problems) }
        return engines
    }
}

struct SourceEnginesView: ResponseEncodable, Sendable {
    var engine: String
    var settings: [String: String]
    var strategies: [String: EngineChoice]

    init(engines: SourceEngines) {
        engine = engines.engine?.engine ?? "rules"
        settings = engines.engine?.settings ?? [:]
        strategies = engines.strategies
    }
}
