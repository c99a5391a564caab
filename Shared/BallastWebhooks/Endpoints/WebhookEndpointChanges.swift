/// The fields an update sets; nil leaves a field as it is.
public struct WebhookEndpointChanges: Sendable, Equatable {
    public var url: WebhookTargetURL?
    public var events: [String]?
    public var description: String?
    public var enabled: Bool?

    public init(url: WebhookTargetURL? = nil, events: [String]? = nil, description: String? = nil, enabled: Bool? = nil) {
        self.url = url
        self.events = events
        self.description = description
        self.enabled = enabled
    }
}
