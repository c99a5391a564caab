import BallastCore
import BallastTrading
import Foundation

/// Reads the order entries of OpenOrders, ClosedOrders and QueryOrders (`{"OXXXXX-...": {"status": ..., ...}}`).
enum KrakenOrderInfo {
    /// The orders in `orders`, an object keyed by txid, in the order Kraken sent them. An entry without a status Ballast
    /// knows is left out.
    static func states(in orders: JSONValue?) -> [VenueOrderState] {
        (orders?.krakenMembers ?? []).compactMap { state(txid: $0.key, json: $0.value) }
    }

    static func state(txid: String, json: JSONValue) -> VenueOrderState? {
        guard let statusText = json["status"]?.krakenText, let status = VenueOrderState.Status(rawValue: statusText) else {
            return nil
        }
        let reason = json["reason"]?.krakenText.flatMap { $0.isEmpty ? nil : $0 }
        return VenueOrderState(
            venueOrderID: txid, clientOrderID: json["cl_ord_id"]?.krakenText, status: status,
            filledQuantity: json["vol_exec"]?.krakenDecimal ?? 0, reason: reason)
    }
}
