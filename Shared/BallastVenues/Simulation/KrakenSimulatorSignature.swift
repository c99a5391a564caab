import Crypto
import Foundation

/// Checks `API-Sign` as Kraken does, written apart from the Kraken adapter's signer so that a mistake in one is not
/// copied into the other: base64(HMAC-SHA512(key: the base64-decoded secret, message: the URI path's bytes followed
/// by SHA-256(nonce + body))).
enum KrakenSimulatorSignature {
    /// Whether `signature` signs `body`, whose nonce field reads `nonce`, for `path` (`/0/private/Balance`).
    static func isValid(_ signature: String, secret: String, path: String, nonce: String, body: [UInt8]) -> Bool {
        guard let key = Data(base64Encoded: secret), let given = Data(base64Encoded: signature) else { return false }
        var hashed = Data(nonce.utf8)
        hashed.append(contentsOf: body)
        var message = Data(path.utf8)
        message.append(contentsOf: SHA256.hash(data: hashed))
        return HMAC<SHA512>.isValidAuthenticationCode(given, authenticating: message, using: SymmetricKey(data: key))
    }
}
