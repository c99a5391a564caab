import BallastCore
import BallastDeposits
import BallastService
import Foundation
import Hummingbird

/// `/api/v1/deposit-addresses`: the caller's address on each chain, handed out from the pool an operator loads with
/// `ballast deposits import-addresses`. Asking again for a chain answers the address already given; the user keeps it.
struct DepositAddressesController {
    static let maxBodyBytes = 4 * 1024

    let addresses: DepositAddressStore

    func addRoutes(to group: RouterGroup<IngestRequestContext>) {
        group.get { request, context in
            let user = try context.requireUser()
            var reader = QueryParameters(request.queryValues)
            let chain = reader.chain()
            try reader.check()
            let owned = try await addresses.addresses(of: user).filter { chain == nil || $0.chain == chain }
            return ListResponse(data: owned.map(DepositAddressDocument.init))
        }
        group.post { request, context in
            let user = try context.requireUser()
            let chain = try await Self.chain(request)
            // A chain without a single address imported is not one this installation takes deposits on.
            guard try await addresses.poolSizes()[chain] != nil else {
                throw BodyFields.failure([
                    .init(name: "chain", reason: "no deposit addresses exist for chain '\(chain)': it takes no deposits here")
                ])
            }
            do {
                let (address, created) = try await addresses.assign(user: user, chain: chain)
                guard created else { return EditedResponse(status: .ok, response: DepositAddressDocument(address)) }
                return EditedResponse(
                    status: .created, headers: [.location: "/api/v1/deposit-addresses?chain=\(chain)"],
                    response: DepositAddressDocument(address))
            } catch DepositAddressStore.AssignError.poolEmpty {
                throw ProblemDetails(
                    status: .serviceUnavailable,
                    detail: """
                        every deposit address of chain '\(chain)' is taken: an operator must import more with \
                        `ballast deposits import-addresses`
                        """)
            }
        }
    }

    /// The `chain` of `{"chain": "bitcoin"}`, lower-cased; any other field is a 400.
    private static func chain(_ request: Request) async throws -> String {
        let body = try await JSONRequestBody.read(request, maxBytes: maxBodyBytes).value
        guard case .object = body else { throw BodyFields.failure([.init(name: "body", reason: "must be a JSON object")]) }
        var fields = BodyFields(body)
        fields.reportUnknown(["chain"], of: "a deposit address request")
        var chain: String?
        if case .number? = body["chain"] {
            fields.report("chain", "must be a string")
        } else if let text = fields.text("chain", maxLength: 64) {
            if let name = DepositChainName.normalized(text) {
                chain = name
            } else {
                fields.report("chain", "'\(text.prefix(40))' is not a chain name (letters, digits and '-', at most 32)")
            }
        } else if !fields.hasProblem("chain") {
            fields.report("chain", "is required: the chain to receive deposits on, for example bitcoin or ethereum")
        }
        guard fields.problems.isEmpty, let chain else { throw fields.failure }
        return chain
    }
}
