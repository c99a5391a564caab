import Crypto
import Foundation

/// Signs Kraken's private REST calls: `API-Sign` is base64(HMAC-SHA512(key: the decoded secret, message: the URI path's
/// bytes followed by SHA-256(nonce + body))). The nonce is hashed with the body so that a captured signature cannot be
/// replayed with another nonce, and the path is signed so that it cannot be sent to another method.
public struct KrakenSigner: Sendable {
    /// The decoded secret; a `SymmetricKey` is made from it per signature (it is not `Sendable`).
    private let secret: Data

    /// A signer for `secret`, the base64 private key Kraken shows once; nil when it is not base64 (a key pasted
    /// incompletely, or the public key given in its place).
    public init?(secret: String) {
        guard let bytes = Data(base64Encoded: secret.trimmingCharacters(in: .whitespacesAndNewlines)), !bytes.isEmpty else {
            return nil
        }
        self.secret = bytes
    }

    /// The `API-Sign` value for a call to `path` (`/0/private/AddOrder`) whose form-encoded `body` carries `nonce`.
    public func signature(path: String, nonce: UInt64, body: String) -> String {
        let digest = SHA256.hash(data: Data((String(nonce) + body).utf8))
        var message = Data(path.utf8)
        message.append(contentsOf: digest)
        let mac = HMAC<SHA512>.authenticationCode(for: message, using: SymmetricKey(data: secret))
        return Data(mac).base64EncodedString()
    }
}
