import Hummingbird

extension Response {
    /// A 200 whose body is JSON already written as text (hand-written for exact decimals, or as cached).
    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

extension Request {
    /// The query string as a dictionary; of a repeated name, the last value counts.
    var queryValues: [String: String] {
        Dictionary(uri.queryParameters.map { (String($0.key), String($0.value)) }) { _, last in last }
    }
}
