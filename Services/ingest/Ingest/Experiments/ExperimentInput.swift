import BallastCore
import BallastService
import BallastTrading
import Foundation

/// An experiment as `POST /api/v1/experiments` sends it, read field by field so one 400 names every bad field:
/// `name`, `mode` (`split`, the default, or `shadow`), `quoteCurrency` (default: the trading account's, or USD),
/// `scope` (`sources`, `strategies`, `symbols`), `variants` (each `name`, `engine`, `settings`, `weight` in a split,
/// `startingCash`, default 10000) and `start`. Engines and their settings are checked by `DecisionEngine`, the weights by
/// `VariantAssignment`, so what is saved can always be routed.
struct ExperimentInput {
    static let fields = ["name", "mode", "quoteCurrency", "scope", "variants", "start"]
    static let variantFields = ["name", "engine", "settings", "weight", "startingCash"]
    static let scopeFields = ["sources", "strategies", "symbols"]
    static let maxVariants = 8
    static let defaultStartingCash: Decimal = 10_000

    var name: String?
    var mode = Experiment.Mode.split
    var quoteCurrency: String?
    var scope: ExperimentScope?
    var variants: [NewExperiment.Variant] = []
    var start = false
    private var fields: BodyFields

    var problems: [ProblemDetails.InvalidParameter] { fields.problems }

    /// Reads a new experiment (`creating`) or a draft's change (name and scope only).
    init(_ body: JSONValue, creating: Bool) {
        fields = BodyFields(body)
        guard case .object = body else {
            fields.report("body", "must be a JSON object")
            return
        }
        fields.reportUnknown(creating ? Self.fields : ["name", "scope"], of: creating ? "an experiment" : "an experiment's change")
        name = fields.text("name", maxLength: 200)
        if creating, name == nil, !fields.hasProblem("name") { fields.report("name", "is required") }
        if body["scope"] != nil { scope = readScope(body["scope"]) }
        guard creating else { return }
        mode = fields.choice("mode", Experiment.Mode.self) ?? .split
        if let text = fields.text("quoteCurrency", maxLength: 64) {
            quoteCurrency = PaperAccountStore.currency(text)
            if quoteCurrency == nil {
                fields.report("quoteCurrency", "'\(text.prefix(64))' is not a currency code (2 to 10 letters or digits)")
            }
        }
        switch body["start"] {
        case nil, .null?: break
        case .bool(let value)?: start = value
        default: fields.report("start", "must be true or false")
        }
        readVariants(body["variants"])
    }

    private mutating func readScope(_ value: JSONValue?) -> ExperimentScope? {
        guard case .object(let members)? = value else {
            if value != .null { fields.report("scope", "must be an object with sources, strategies and symbols") }
            return nil
        }
        for key in members.map(\.key) where !Self.scopeFields.contains(key) {
            fields.report("scope.\(key.prefix(64))", "is not a field of a scope; expected \(Self.scopeFields.joined(separator: ", "))")
        }
        var scope = ExperimentScope()
        for (index, text) in strings(value?["sources"], name: "scope.sources").enumerated() {
            if let id = UUID(uuidString: text) {
                scope.sources.append(id)
            } else {
                fields.report("scope.sources[\(index)]", "'\(text.prefix(64))' is not a source id")
            }
        }
        scope.strategies = strings(value?["strategies"], name: "scope.strategies")
        scope.symbols = strings(value?["symbols"], name: "scope.symbols")
        return scope
    }

    private mutating func strings(_ value: JSONValue?, name: String) -> [String] {
        switch value {
        case nil, .null?: return []
        case .array(let items)?:
            var strings: [String] = []
            for (index, item) in items.enumerated() {
                guard case .string(let text) = item, !text.isEmpty, text.count <= 128 else {
                    fields.report("\(name)[\(index)]", "must be a non-empty string of at most 128 characters")
                    continue
                }
                strings.append(text)
            }
            return strings
        default:
            fields.report(name, "must be an array of strings")
            return []
        }
    }

    private mutating func readVariants(_ value: JSONValue?) {
        guard case .array(let items)? = value else {
            fields.report("variants", value == nil ? "is required: at least two variants to compare" : "must be an array of variants")
            return
        }
        guard (2...Self.maxVariants).contains(items.count) else {
            fields.report("variants", "must hold 2 to \(Self.maxVariants) variants, got \(items.count)")
            return
        }
        var seen: Set<String> = []
        for (index, item) in items.enumerated() {
            let path = "variants[\(index)]"
            guard case .object(let members) = item else {
                fields.report(path, "must be an object with name, engine, settings, weight and startingCash")
                continue
            }
            for key in members.map(\.key) where !Self.variantFields.contains(key) {
                fields.report(
                    "\(path).\(key.prefix(64))", "is not a field of a variant; expected \(Self.variantFields.joined(separator: ", "))")
            }
            var variantFields = BodyFields(item)
            let name = variantFields.text("name", maxLength: 32)
            let engine = variantFields.text("engine", maxLength: 32)
            var weight: Decimal?
            if variantFields.isPresent("weight") { weight = variantFields.positiveDecimal("weight") }
            let startingCash =
                variantFields.isPresent("startingCash") ? variantFields.positiveDecimal("startingCash") : Self.defaultStartingCash
            for problem in variantFields.problems { fields.report("\(path).\(problem.name)", problem.reason) }
            guard let name else {
                if !variantFields.hasProblem("name") { fields.report("\(path).name", "is required") }
                continue
            }
            guard name.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" }) else {
                fields.report("\(path).name", "'\(name)' may hold letters, digits, - and _ only")
                continue
            }
            guard seen.insert(name).inserted else {
                fields.report("\(path).name", "'\(name)' names another variant too")
                continue
            }
            guard let engine else {
                if !variantFields.hasProblem("engine") {
                    fields.report("\(path).engine", "is required: \(DecisionEngine.names.joined(separator: " or "))")
                }
                continue
            }
            var problems: [ProblemDetails.InvalidParameter] = []
            let settings = EngineSettingsBody.settings(item["settings"], path: "\(path).settings", problems: &problems)
            let usable = EngineSettingsBody.isUsable(engine: engine, settings: settings ?? [:], prefix: "\(path).", problems: &problems)
            fields.report(problems)
            guard usable else { continue }
            switch (mode, weight) {
            case (.shadow, .some):
                fields.report("\(path).weight", "a shadow experiment runs every signal on every variant; leave weight out")
            case (.split, nil) where !variantFields.hasProblem("weight"):
                fields.report("\(path).weight", "is required in a split experiment: the percent of signals, all summing to 100")
            default: break
            }
            guard let startingCash else { continue }
            variants.append(
                NewExperiment.Variant(name: name, engine: engine, settings: settings ?? [:], weight: weight, startingCash: startingCash))
        }
        guard problems.isEmpty else { return }
        let weights: ExperimentWeights =
            mode == .shadow ? .shadow : .split(Dictionary(uniqueKeysWithValues: variants.map { ($0.name, $0.weight ?? 0) }))
        do throws(ExperimentError) {
            _ = try VariantAssignment(experimentID: UUID(), weights: weights, variants: variants.map(\.name))
        } catch {
            fields.report("variants[].weight", error.description)
        }
    }

    mutating func report(_ name: String, _ reason: String) { fields.report(name, reason) }
}
