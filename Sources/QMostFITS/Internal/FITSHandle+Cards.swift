import CFITSIO

extension FITSHandle {
    /// Appends a ready-made 80-column record.
    func appendRecord(_ record: String) throws(FITSError) {
        try call("ffprec") { f, status in _ = ffprec(f, record, &status) }
    }

    /// Appends COMMENT records (cfitsio splits long text over several).
    func appendComment(_ text: String) throws(FITSError) {
        try call("ffpcom") { f, status in _ = ffpcom(f, text, &status) }
    }

    /// Appends HISTORY records (cfitsio splits long text over several).
    func appendHistory(_ text: String) throws(FITSError) {
        try call("ffphis") { f, status in _ = ffphis(f, text, &status) }
    }

    /// Sets a string keyword, using CONTINUE records when it does not fit one card.
    func updateString(_ keyword: String, _ value: String, comment: String?) throws(FITSError) {
        try call("ffukls") { f, status in _ = ffukls(f, keyword, value, comment, &status) }
    }

    /// Sets a keyword with an empty value field.
    func updateUndefined(_ keyword: String, comment: String?) throws(FITSError) {
        try call("ffukyu") { f, status in _ = ffukyu(f, keyword, comment, &status) }
    }

    /// Sets a keyword to an already formatted value (number, logical or complex): the card
    /// is built by cfitsio (which applies the HIERARCH convention) and replaces an existing
    /// card of the same keyword or is appended.
    func updateFormatted(_ keyword: String, value: String, comment: String?) throws(FITSError) {
        var card = [CChar](repeating: 0, count: Int(FLEN_CARD) + 1)
        var valueText = Array(value.utf8CString)
        var status: Int32 = 0
        ffmkky(keyword, &valueText, comment ?? "", &card, &status)
        if status > 0 { throw FITSCalls.error(status: status, call: "ffmkky", path: path, detail: keyword) }
        try call("ffucrd") { f, status in _ = ffucrd(f, keyword, card, &status) }
    }
}
