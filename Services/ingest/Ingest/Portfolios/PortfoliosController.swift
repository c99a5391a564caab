import BallastCore
import BallastMarket
import BallastPortfolios
import BallastService
import BallastTrading
import Foundation
import Hummingbird

/// `/api/v1/portfolios`: the caller's portfolios (target weights, how and when they rebalance, their own paper
/// account), their valuation and drift at the last prices, manual rebalances and their history. Another user's
/// portfolio is a 404, like an unknown one. Every change publishes its `portfolio.*` event (in `PortfolioStore`).
struct PortfoliosController {
    static let maxBodyBytes = 16 * 1024

    let portfolios: PortfolioStore
    let runs: RebalanceRunStore
    let valuer: PortfolioValuer
    let accounts: PaperAccountStore
    /// Prices older than this make the drift answer `priced: false`, as they make a rebalance fail.
    let maxPriceAge: Duration

    func addRoutes(to group: RouterGroup<IngestRequestContext>) {
        group.get { request, context in
            let user = try context.requireUser()
            var reader = QueryParameters(request.queryValues)
            let cursor = reader.cursor()
            let limit = reader.limit(1...100, default: 50)
            try reader.check()
            let page = try await portfolios.list(user: user, after: cursor, limit: limit)
            return ListResponse(data: page.items.map(PortfolioView.init), nextCursor: page.next?.text)
        }
        group.post { request, context in
            EditedResponse(status: .created, response: PortfolioView(try await create(request, user: try context.requireUser())))
        }
        group.get("{id}") { _, context in
            let portfolio = try await portfolio(context)
            return PortfolioDetail(
                portfolio: PortfolioView(portfolio),
                valuation: PortfolioValuation(try await inputs(of: portfolio), now: Date(), maxPriceAge: nil))
        }
        group.patch("{id}") { request, context in
            PortfolioView(try await update(request, context))
        }
        group.delete("{id}") { _, context in
            let user = try context.requireUser()
            let id = try context.pathID(of: "portfolio")
            guard try await portfolios.delete(id, user: user) else { throw ProblemDetails.notFound("portfolio", "\(id)") }
            return Response(status: .noContent)
        }
        group.post("{id}/pause") { _, context in try await setPaused(true, context) }
        group.post("{id}/resume") { _, context in try await setPaused(false, context) }
        group.get("{id}/drift") { _, context in
            let portfolio = try await portfolio(context)
            let now = Date()
            return PortfolioDrift(
                portfolio, valuation: PortfolioValuation(try await inputs(of: portfolio), now: now, maxPriceAge: maxPriceAge))
        }
        group.post("{id}/rebalance") { request, context in
            let user = try context.requireUser()
            let id = try context.pathID(of: "portfolio")
            let dryRun = try await Self.dryRun(request)
            switch try await runs.request(portfolio: id, user: user, trigger: .manual, dryRun: dryRun) {
            case .requested(let run):
                return EditedResponse(
                    status: .accepted, headers: [.location: "/api/v1/rebalances/\(run.id.uuidString.lowercased())"],
                    response: RebalanceAccepted(runID: run.id, portfolioID: id, status: run.status.rawValue, dryRun: run.dryRun))
            case .alreadyActive(let active):
                let location = "/api/v1/rebalances/\(active.uuidString.lowercased())"
                throw ProblemDetails(
                    status: .conflict, detail: "portfolio \(id) has a rebalance run in progress: \(location)",
                    headers: [.location: location])
            case .notFound: throw ProblemDetails.notFound("portfolio", "\(id)")
            }
        }
        group.get("{id}/rebalances") { request, context in
            let user = try context.requireUser()
            let id = try context.pathID(of: "portfolio")
            var reader = QueryParameters(request.queryValues)
            let cursor = reader.cursor()
            let limit = reader.limit(1...100, default: 50)
            try reader.check()
            guard let page = try await runs.runs(portfolio: id, user: user, after: cursor, limit: limit) else {
                throw ProblemDetails.notFound("portfolio", "\(id)")
            }
            return ListResponse(data: page.items.map { RebalanceRunView($0, detailed: false) }, nextCursor: page.next?.text)
        }
    }

    private func create(_ request: Request, user: UUID) async throws -> Portfolio {
        let body = try await JSONRequestBody.read(request, maxBytes: Self.maxBodyBytes).value
        var input = PortfolioInput(body, fields: PortfolioInput.createFields)
        if case .object = body {
            if input.name == nil, !input.hasProblem("name") { input.report("name", "is required") }
            if input.targetWeights == nil, !input.hasProblem("targetWeights") {
                input.report("targetWeights", "is required: asset to weight in percent, summing to 100")
            }
        }
        let trading = try await accounts.account(of: user)
        let quote = input.quoteCurrency ?? trading?.quoteCurrency ?? "USD"
        let fundingField: String? =
            switch input.funding {
            case .transfer: "transferFromAccount"
            case .tradingAccount: "useTradingAccount"
            case .none, .initialCash: nil
            }
        if let fundingField {
            if let trading, trading.quoteCurrency != quote {
                input.report(fundingField, "your trading account keeps cash in \(trading.quoteCurrency), this portfolio in \(quote)")
            } else if trading == nil {
                input.report(fundingField, PortfolioStoreError.noTradingAccount.description)
            }
        }
        let schedule = input.schedule(changing: nil)
        let defaults = PortfolioSettings(
            name: input.name ?? "-", quoteCurrency: quote, targetWeights: [quote: FixedDecimal(units: 100 * FixedDecimal.unitsPerWhole)],
            schedule: schedule ?? Self.daily)
        let settings = input.applied(to: defaults, schedule: schedule ?? Self.daily)
        input.check(settings, knownSymbols: try await knownSymbols(settings))
        guard input.problems.isEmpty else { throw BodyFields.failure(input.problems) }
        return try await Self.refusals { try await portfolios.create(settings, user: user, funding: input.funding) }
    }

    private func update(_ request: Request, _ context: IngestRequestContext) async throws -> Portfolio {
        let user = try context.requireUser()
        let id = try context.pathID(of: "portfolio")
        let body = try await JSONRequestBody.read(request, maxBytes: Self.maxBodyBytes).value
        // The sent fields are applied to the portfolio as read; a change stored meanwhile (another PATCH) is not
        // overwritten: the fields are applied again to what is stored now.
        return try await Self.refusals {
            var attempt = 1
            while true {
                var input = PortfolioInput(body, fields: PortfolioInput.updateFields)
                guard let current = try await portfolios.portfolio(id, user: user) else {
                    throw ProblemDetails.notFound("portfolio", "\(id)")
                }
                if let quote = input.quoteCurrency, quote != current.quoteCurrency {
                    input.report(
                        "quoteCurrency", "cannot change (it is \(current.quoteCurrency)): the portfolio's account keeps cash in it")
                }
                let schedule = input.schedule(changing: current.settings.schedule)
                let settings = input.applied(to: current.settings, schedule: schedule ?? current.settings.schedule)
                // Weights not sent were checked when they were set: a market dropped since then must not block a rename.
                input.check(
                    settings, knownSymbols: input.targetWeights == nil ? Self.symbols(of: settings) : try await knownSymbols(settings))
                guard input.problems.isEmpty else { throw BodyFields.failure(input.problems) }
                do {
                    guard let updated = try await portfolios.update(id, user: user, settings: settings, unchangedSince: current.updatedAt)
                    else { throw ProblemDetails.notFound("portfolio", "\(id)") }
                    return updated
                } catch PortfolioStoreError.changedMeanwhile where attempt < 5 {
                    attempt += 1
                }
            }
        }
    }

    private func setPaused(_ paused: Bool, _ context: IngestRequestContext) async throws -> PortfolioView {
        let user = try context.requireUser()
        let id = try context.pathID(of: "portfolio")
        guard let portfolio = try await portfolios.setPaused(id, user: user, paused: paused) else {
            throw ProblemDetails.notFound("portfolio", "\(id)")
        }
        return PortfolioView(portfolio)
    }

    private func portfolio(_ context: IngestRequestContext) async throws -> Portfolio {
        let user = try context.requireUser()
        let id = try context.pathID(of: "portfolio")
        guard let portfolio = try await portfolios.portfolio(id, user: user) else { throw ProblemDetails.notFound("portfolio", "\(id)") }
        return portfolio
    }

    /// The planner's inputs now. Prices live in Redis: when it cannot answer, that is the server's state (503).
    private func inputs(of portfolio: Portfolio) async throws -> RebalanceInputs {
        do {
            return try await valuer.inputs(of: portfolio)
        } catch {
            throw ProblemDetails(status: .serviceUnavailable, detail: "the last prices are unavailable: \(error)")
        }
    }

    /// The market symbols of `settings`' assets that market-data knows.
    private func knownSymbols(_ settings: PortfolioSettings) async throws -> Set<String> {
        let symbols = Self.symbols(of: settings)
        return symbols.isEmpty ? [] : try await portfolios.knownSymbols(Array(symbols))
    }

    /// The market symbols `settings`' assets trade on.
    private static func symbols(of settings: PortfolioSettings) -> Set<String> {
        Set(settings.targetWeights.keys.filter { $0 != settings.quoteCurrency }.map { "\($0)-\(settings.quoteCurrency)" })
    }

    /// The store's refusals as problems: a name in use is a 409, the others are 400s naming their field.
    private static func refusals<Value>(_ change: () async throws -> Value) async throws -> Value {
        do {
            return try await change()
        } catch let problem as PortfolioFieldError {
            throw BodyFields.failure([.init(name: problem.field, reason: problem.message)])
        } catch let refusal as PortfolioStoreError {
            switch refusal {
            case .nameTaken, .tradingAccountTaken:
                throw ProblemDetails(
                    status: .conflict, detail: refusal.description,
                    invalidParams: [.init(name: refusal.field ?? "name", reason: refusal.description)])
            case .changedMeanwhile:
                throw ProblemDetails(status: .conflict, detail: refusal.description)
            default:
                guard let field = refusal.field else { throw refusal }
                throw BodyFields.failure([.init(name: field, reason: refusal.description)])
            }
        }
    }

    /// The optional `{"dryRun": true}` of a manual rebalance; false without a body.
    private static func dryRun(_ request: Request) async throws -> Bool {
        var request = request
        let bytes = Array(buffer: try await request.collectBody(upTo: maxBodyBytes))
        guard bytes.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { return false }
        let body: JSONValue
        do {
            body = try JSONValue(parsing: bytes)
        } catch {
            throw ProblemDetails(status: .badRequest, detail: "the body is not valid JSON: \(error)")
        }
        guard case .object = body else { throw BodyFields.failure([.init(name: "body", reason: "must be a JSON object")]) }
        var fields = BodyFields(body)
        fields.reportUnknown(["dryRun"], of: "a rebalance request")
        var dryRun = false
        switch body["dryRun"] {
        case nil, .null?: break
        case .bool(let value)?: dryRun = value
        default: fields.report("dryRun", "must be true or false")
        }
        guard fields.problems.isEmpty else { throw fields.failure }
        return dryRun
    }

    private static let daily: PortfolioSchedule = {
        guard case .success(let schedule) = PortfolioSchedule.make(interval: .daily, cron: nil, timeZone: "UTC") else {
            fatalError("the daily schedule in UTC is always valid")
        }
        return schedule
    }()
}

extension PortfolioView: ResponseEncodable {}
