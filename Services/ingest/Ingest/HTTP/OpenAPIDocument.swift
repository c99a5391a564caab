import Foundation
import Hummingbird

/// The OpenAPI 3.1 description of ingest's public routes: `openapi.json` in this target's folder,
/// bundled as a resource and served byte for byte at `/openapi.json`. `scripts/check-api` validates it
/// and fuzzes a live ingest with it; `OpenAPIRoutesTests` keeps its paths and the router's routes equal.
enum OpenAPIDocument {
    static func addRoute(to router: Router<IngestRequestContext>) {
        let body = ByteBuffer(bytes: bytes)
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
        }
    }

    /// The file as the build bundled it. Read once; a missing file is a broken build or install
    /// (`Ballast_Ingest.resources` must sit beside the executable), so ingest stops at startup.
    static let bytes: Data = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"), let data = try? Data(contentsOf: url) else {
            fatalError("openapi.json is missing from ingest's resource bundle (Ballast_Ingest.resources beside the executable)")
        }
        return data
    }()
}
