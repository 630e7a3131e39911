/// Downhill-simplex (Nelder–Mead) minimisation of a smooth function of a few parameters, as the profile fit
/// (seed 9.1.11) uses it for its non-linear shape parameters while the fluxes are solved linearly inside.
enum Simplex {
    /// The parameters minimising `f` from `start`, the initial simplex spanned by `step`, stopping when the
    /// function values of the simplex agree within `tolerance` (relative) or after `evaluations` calls.
    static func minimise(_ f: ([Double]) -> Double, start: [Double], step: [Double], tolerance: Double = 1e-7,
                         evaluations: Int = 400) -> (point: [Double], value: Double) {
        let n = start.count
        var points = [start]
        for i in 0..<n {
            var p = start
            p[i] += step[i]
            points.append(p)
        }
        var values = points.map(f)
        var calls = n + 1
        while calls < evaluations {
            let order = values.indices.sorted { values[$0] < values[$1] }
            points = order.map { points[$0] }
            values = order.map { values[$0] }
            if abs(values[n] - values[0]) <= tolerance * (abs(values[0]) + 1e-300) { break }
            var centroid = [Double](repeating: 0, count: n)
            for p in points.dropLast() { for i in 0..<n { centroid[i] += p[i] / Double(n) } }
            func along(_ t: Double) -> [Double] { (0..<n).map { centroid[$0] + t * (points[n][$0] - centroid[$0]) } }
            let reflected = along(-1), fr = f(reflected)
            calls += 1
            if fr < values[0] {
                let expanded = along(-2), fe = f(expanded)
                calls += 1
                if fe < fr { points[n] = expanded; values[n] = fe } else { points[n] = reflected; values[n] = fr }
            } else if fr < values[n - 1] {
                points[n] = reflected
                values[n] = fr
            } else {
                let contracted = fr < values[n] ? along(-0.5) : along(0.5)
                let fc = f(contracted)
                calls += 1
                if fc < min(fr, values[n]) {
                    points[n] = contracted
                    values[n] = fc
                } else {
                    for k in 1...n {
                        points[k] = (0..<n).map { points[0][$0] + 0.5 * (points[k][$0] - points[0][$0]) }
                        values[k] = f(points[k])
                    }
                    calls += n
                }
            }
        }
        let best = values.indices.min { values[$0] < values[$1] }!
        return (points[best], values[best])
    }
}
