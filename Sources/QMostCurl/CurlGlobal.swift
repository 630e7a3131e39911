import CCurl

/// The result of the one and only `curl_global_init`.
///
/// libcurl requires `curl_global_init` to run once, before any other libcurl call and while no other thread is
/// inside libcurl. Swift initialises globals lazily behind `swift_once`, so every path into libcurl first reads
/// this constant and the call happens exactly once, atomically, on first use.
private let globalInitCode: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

enum CurlGlobal {
    /// Initialises libcurl on first use; throws on every call if that initialisation failed.
    static func ensureInitialised(url: String) throws(CurlError) {
        let code = globalInitCode
        guard code == CURLE_OK else {
            throw CurlError(
                code: Int32(bitPattern: code.rawValue),
                message: "curl_global_init failed: " + String(cString: curl_easy_strerror(code)), url: url)
        }
    }
}

/// `CURLcode` values the Swift side reports without going through libcurl.
enum CurlCode {
    /// Used for requests refused before they reach libcurl, such as a malformed address.
    static let badFunctionArgument = Int32(bitPattern: CURLE_BAD_FUNCTION_ARGUMENT.rawValue)
}
