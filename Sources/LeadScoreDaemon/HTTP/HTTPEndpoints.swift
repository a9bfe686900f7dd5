import Hummingbird
import NIOCore

/// The daemon's HTTP surface: `/metrics`, `/healthz`, `/readyz`, `/leads/{id}`, `/reps`,
/// `/summary` and the dashboard page at `/`.
///
/// Built as a plain router over a `LiveState` so tests drive the real endpoints in process.
public enum HTTPEndpoints {
    /// Builds the router for a daemon's live state.
    public static func router(state: some LiveState) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/healthz") { _, _ -> Response in
            if let reason = state.unhealthyReason {
                return text(.serviceUnavailable, "unhealthy: \(reason)\n")
            }
            return text(.ok, "ok\n")
        }
        router.get("/readyz") { _, _ -> Response in
            state.isReady ? text(.ok, "ready\n") : text(.serviceUnavailable, "restoring state\n")
        }
        router.get("/metrics") { _, _ -> Response in
            bytes(.ok, state.metricsText(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("/leads/:id") { _, context -> Response in
            guard let id = context.parameters.get("id"), !id.isEmpty else {
                return json(.badRequest, Array(#"{"error":"missing lead id"}"#.utf8))
            }
            guard let body = await state.leadJSON(id: id) else {
                return json(.notFound, Array(#"{"error":"unknown lead on this instance"}"#.utf8))
            }
            return json(.ok, body)
        }
        router.get("/reps") { _, _ -> Response in json(.ok, state.repsJSON()) }
        router.get("/summary") { _, _ -> Response in json(.ok, state.summaryJSON()) }
        router.get("/") { _, _ -> Response in
            bytes(.ok, state.dashboardHTML(), contentType: "text/html; charset=utf-8")
        }
        return router
    }

    private static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        bytes(status, Array(body.utf8), contentType: "text/plain; charset=utf-8")
    }

    private static func json(_ status: HTTPResponse.Status, _ body: [UInt8]) -> Response {
        bytes(status, body, contentType: "application/json")
    }

    private static func bytes(_ status: HTTPResponse.Status, _ body: [UInt8], contentType: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: contentType, .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}
