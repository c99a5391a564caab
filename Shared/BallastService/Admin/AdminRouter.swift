import BallastScheduler
import Foundation
import Hummingbird
import Prometheus

/// The admin endpoints every service serves on its admin port.
public enum AdminRouter {
    public static func build(
        readiness: ReadinessCheck,
        metrics: PrometheusCollectorRegistry,
        jobs: JobRunner? = nil
    ) -> Router<BasicRequestContext> {
        build(readiness: readiness, metrics: metrics, jobRunners: jobs.map { [$0] } ?? [])
    }

    /// The admin endpoints of a process that runs several services: `/jobs` lists the jobs of every runner, and
    /// `/readyz` adds `"modules"`, each service's readiness, when the readiness check has modules.
    public static func build(
        readiness: ReadinessCheck,
        metrics: PrometheusCollectorRegistry,
        jobRunners: [JobRunner]
    ) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ProblemMiddleware())
        router.get("/healthz") { _, _ in
            jsonResponse(.ok, ["status": "ok"])
        }
        router.get("/readyz") { _, _ in
            let checks = await readiness.run()
            let ready = checks.allSatisfy(\.healthy)
            var body: [String: Any] = [
                "status": ready ? "ready" : "not ready",
                "checks": Dictionary(checks.map { ($0.name, $0.healthy) }, uniquingKeysWith: { $0 && $1 }),
            ]
            if !readiness.modules.isEmpty { body["modules"] = readiness.moduleReadiness() }
            return jsonResponse(ready ? .ok : .serviceUnavailable, body)
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer()))
            )
        }
        if !jobRunners.isEmpty { JobsController(runners: jobRunners).addRoutes(to: router.group("jobs")) }
        return router
    }

    private static func jsonResponse(_ status: HTTPResponse.Status, _ body: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
