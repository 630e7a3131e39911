import Foundation

/// This process's resource use so far, from getrusage.
struct ProcessUsage {
    /// User plus system CPU time, s.
    var cpuSeconds: Double
    /// Peak resident set size, MB (ru_maxrss is in KiB on Linux).
    var peakResidentMegabytes: Double

    static func current() -> ProcessUsage {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return ProcessUsage(cpuSeconds: cpu, peakResidentMegabytes: Double(usage.ru_maxrss) / 1024)
    }
}
