import CCurl

/// One libcurl easy handle for one transfer, with everything libcurl points into kept alive until cleanup.
///
/// Protocol clients (SMTP now, HTTP later) configure it with `set`, optionally attach an upload body, and call
/// `perform` once. libcurl does not copy `curl_slist`s, the error buffer or callback contexts, so this object owns
/// them and frees them only after `curl_easy_cleanup`. Not Sendable: a handle must not be used from two threads.
final class EasyHandle {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    /// Objects whose unretained pointers were handed to libcurl as callback contexts.
    private var callbackContexts: [AnyObject] = []
    /// Already redacted; used in every error.
    private let url: String
    private let secrets: [String]

    /// Creates a handle aimed at `url`; `secrets` are scrubbed from every error message this handle produces.
    init(url: String, secrets: [String]) throws(CurlError) {
        try CurlGlobal.ensureInitialised(url: url)
        guard let handle = curl_easy_init() else {
            throw CurlError(
                code: Int32(bitPattern: CURLE_FAILED_INIT.rawValue), message: "curl_easy_init failed", url: url)
        }
        self.handle = handle
        self.url = Redaction.url(url)
        self.secrets = secrets
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        // From here on a failing setopt is reported through `check`, which needs a fully initialised self.
        try check(qmost_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
        // Without this libcurl uses SIGALRM for DNS timeouts, which is unsafe in a multithreaded process.
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_URL, url)
    }

    deinit {
        curl_easy_cleanup(handle)
        for list in lists { curl_slist_free_all(list) }
        errorBuffer.deallocate()
    }

    func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(qmost_curl_setopt_long(handle, option, value), option)
    }

    func set(_ option: CURLoption, _ value: Bool) throws(CurlError) {
        try set(option, value ? 1 : 0)
    }

    /// For `curl_off_t` options, which are not `long` on every platform.
    func set(_ option: CURLoption, offset value: Int64) throws(CurlError) {
        try check(qmost_curl_setopt_offset(handle, option, curl_off_t(value)), option)
    }

    /// libcurl copies string options (since 7.17), so the temporary C string may die after the call.
    func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        try check(qmost_curl_setopt_string(handle, option, value), option)
    }

    /// Sets a list option (recipients, headers); the list lives as long as the handle.
    func set(_ option: CURLoption, list values: [String]) throws(CurlError) {
        var list: UnsafeMutablePointer<curl_slist>?
        for value in values {
            guard let appended = curl_slist_append(list, value) else {
                curl_slist_free_all(list)
                throw error(CURLE_OUT_OF_MEMORY, detail: "curl_slist_append failed")
            }
            list = appended
        }
        guard let list else { return }
        lists.append(list)
        try check(qmost_curl_setopt_slist(handle, option, list), option)
    }

    /// Makes the transfer an upload of `bytes`, fed to libcurl through the read callback.
    func setUpload(_ bytes: [UInt8]) throws(CurlError) {
        let source = UploadSource(bytes)
        callbackContexts.append(source)
        try set(CURLOPT_UPLOAD, true)
        try set(CURLOPT_INFILESIZE_LARGE, offset: Int64(bytes.count))
        try check(
            qmost_curl_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(source).toOpaque()),
            CURLOPT_READDATA)
        try check(
            qmost_curl_setopt_read_callback(handle) { buffer, size, count, context in
                guard let buffer, let context else { return Int(CURL_READFUNC_ABORT) }
                return Unmanaged<UploadSource>.fromOpaque(context).takeUnretainedValue()
                    .read(into: UnsafeMutableRawPointer(buffer), capacity: size * count)
            }, CURLOPT_READFUNCTION)
    }

    /// Runs the transfer to completion, blocking the calling thread.
    func perform() throws(CurlError) {
        errorBuffer[0] = 0
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else { throw error(code, detail: nil) }
    }

    /// The last protocol response code (an SMTP reply such as 535, an HTTP status), or 0 if none was received.
    var responseCode: Int {
        var value = 0
        return qmost_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &value) == CURLE_OK ? value : 0
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(CurlError) {
        try check(code, "curl option \(option.rawValue)")
    }

    private func check(_ code: CURLcode, _ what: String) throws(CurlError) {
        guard code == CURLE_OK else { throw error(code, detail: "while setting \(what)") }
    }

    /// Combines libcurl's generic text, the per-transfer detail and the server's reply code into one message.
    private func error(_ code: CURLcode, detail: String?) -> CurlError {
        var parts = [String(cString: curl_easy_strerror(code))]
        let buffered = String(cString: errorBuffer).trimmingTrailingNewlines()
        if !buffered.isEmpty, buffered != parts[0] { parts.append(buffered) }
        if let detail { parts.append(detail) }
        var message = parts.joined(separator: ": ")
        let reply = responseCode
        if reply != 0 { message += " (last server reply \(reply))" }
        return CurlError(
            code: Int32(bitPattern: code.rawValue), message: Redaction.scrub(message, secrets: secrets), url: url)
    }
}

/// The bytes of an upload and how far libcurl has read them.
private final class UploadSource {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Copies the next chunk into libcurl's buffer; returning 0 signals end of data.
    func read(into buffer: UnsafeMutableRawPointer, capacity: Int) -> Int {
        let count = min(capacity, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}

extension String {
    fileprivate func trimmingTrailingNewlines() -> String {
        var result = Substring(self)
        while let last = result.last, last.isNewline { result.removeLast() }
        return String(result)
    }
}
