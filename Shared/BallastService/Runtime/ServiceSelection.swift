import BallastCore
import Foundation

/// Which services `ballast serve --modules` runs: a comma list of service names and presets, the seed's
/// `MODULES_SET` values among them. `all` (or `monolith`) is every service, `api` is ingest, `background` the five
/// others. The result is in the services' usual order (ingest first), each once.
public enum ServiceSelection {
    /// A list that names no service, or names something that is neither a service nor a preset.
    public enum Invalid: Error, Equatable, CustomStringConvertible {
        case empty
        case unknown(String)

        public var description: String {
            switch self {
            case .empty: "names no module; use \(ServiceSelection.choices)"
            case .unknown(let name): "unknown module '\(name)'; use \(ServiceSelection.choices)"
            }
        }
    }

    public static let presets: [(name: String, services: [ServiceName])] = [
        ("all", ServiceName.allCases),
        ("monolith", ServiceName.allCases),
        ("api", [.ingest]),
        ("background", ServiceName.allCases.filter { $0 != .ingest }),
    ]

    /// What a user may write, for messages and help.
    /// What `ballast serve` and `ballast-server` say of themselves in `--help`.
    public static let serveDiscussion = """
        --modules all (or monolith) runs the six services; api runs ingest; background runs the five others; or name \
        them: --modules ingest,signal-processor. The process reads each service's BALLAST_* settings; ingest's public \
        port is BALLAST_INGEST_PORT, and /healthz, /readyz, /metrics and /jobs answer on the first service's admin \
        port (BALLAST_INGEST_ADMIN_PORT, 9101, whenever ingest runs). Stops gracefully on SIGTERM or SIGINT. Exits 2 \
        on a bad --modules or setting, 1 when a service fails.
        """

    public static let choices =
        "\(presets.map(\.name).joined(separator: ", ")) or a comma list of \(ServiceName.allCases.map(\.name).joined(separator: ", "))"

    public static func parse(_ text: String) throws(Invalid) -> [ServiceName] {
        var chosen: Set<ServiceName> = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = item.trimmingCharacters(in: .whitespaces).lowercased()
            if name.isEmpty { continue }
            if let preset = presets.first(where: { $0.name == name }) {
                chosen.formUnion(preset.services)
            } else if let service = ServiceName(rawValue: name) {
                chosen.insert(service)
            } else {
                throw .unknown(String(item.trimmingCharacters(in: .whitespaces)))
            }
        }
        guard !chosen.isEmpty else { throw .empty }
        return ServiceName.allCases.filter(chosen.contains)
    }
}
