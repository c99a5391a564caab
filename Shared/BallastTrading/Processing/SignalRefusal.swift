/// Why a step of a signal's decision refuses it, and the order to record as rejected (nil: none, when the order has
/// no side or size yet).
struct SignalRefusal: Error {
    var reasons: [RiskViolation]
    var order: OrderRequest?

    init(_ reasons: [RiskViolation], order: OrderRequest? = nil) {
        self.reasons = reasons
        self.order = order
    }
}
