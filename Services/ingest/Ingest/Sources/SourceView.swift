import Foundation

/// A signal source as the API shows it; the secret appears only when created or rotated.
public struct SourceView: Codable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var isDefault: Bool
    public var createdAt: Date
    public var webhookPath: String
    public var secret: String?
}
