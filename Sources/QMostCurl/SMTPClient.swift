import CCurl

/// Submits mail over SMTP with libcurl.
public enum SMTPClient {
    /// Sends `message`, blocking the calling thread until the server has accepted it or the transfer failed.
    ///
    /// Each call uses its own connection, so calls may run concurrently from any threads.
    public static func send(_ message: MailMessage, using settings: SMTPSettings) throws(CurlError) {
        let composed = try MailComposer.compose(message, url: settings.url)
        let easy = try EasyHandle(url: settings.url, secrets: [settings.password].compactMap { $0 })

        // A configuration typo such as file:// must not turn mail delivery into something else.
        try easy.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        try easy.set(CURLOPT_USE_SSL, Int((settings.requireTLS ? CURLUSESSL_ALL : CURLUSESSL_TRY).rawValue))
        try easy.set(CURLOPT_SSL_VERIFYPEER, settings.verifyPeer)
        try easy.set(CURLOPT_SSL_VERIFYHOST, settings.verifyPeer ? 2 : 0)
        if let caFile = settings.caFile { try easy.set(CURLOPT_CAINFO, caFile) }
        try easy.set(CURLOPT_CONNECTTIMEOUT, settings.timeoutSeconds)
        try easy.set(CURLOPT_TIMEOUT, settings.timeoutSeconds)

        if let username = settings.username {
            try easy.set(CURLOPT_USERNAME, username)
            try easy.set(CURLOPT_PASSWORD, settings.password ?? "")
            if let mechanism = settings.authMechanism {
                try easy.set(CURLOPT_LOGIN_OPTIONS, "AUTH=" + mechanism.rawValue)
            }
        }

        try easy.set(CURLOPT_MAIL_FROM, composed.sender)
        try easy.set(CURLOPT_MAIL_RCPT, list: composed.recipients)
        try easy.setUpload(composed.data)
        try easy.perform()
    }
}
