/// The banded symmetric overlap system C S = D of one detector column (seed 9.1.11: the matrix is "very
/// sparsely populated … in a limited diagonal band"), solved directly by a band LDLᵀ factorisation, with the
/// diagonal of C⁻¹ (the fluxes' variances) from the Takahashi recurrence over the same band. O(N p²) for N fibres
/// and half-bandwidth p; works on caller-owned buffers so a column allocates nothing.
///
/// Layout: `a[i * (p + 1) + k]` = C[i, i + k] for k = 0…p (the upper band, row-major). The factorisation
/// overwrites it with D[i] at k = 0 and Lᵀ[i, i + k] = L[i + k, i] at k ≥ 1.
enum BandSolver {
    /// Factorises in place. A fibre whose diagonal is not positive (no usable pixel) is decoupled: its row and
    /// column become the identity and it is reported through `dead[i] = true`.
    @inline(__always)
    static func factorise(_ a: UnsafeMutablePointer<Double>, n: Int, p: Int, dead: UnsafeMutablePointer<Bool>) {
        let s = p + 1
        for i in 0..<n {
            dead[i] = !(a[i * s] > 1e-300)
            if dead[i] {
                a[i * s] = 1
                for k in 1..<s where i + k < n { a[i * s + k] = 0 }
                for k in 1..<s where i - k >= 0 { a[(i - k) * s + k] = 0 }
            }
        }
        for j in 0..<n {
            // d_j = C_jj − Σ_k L_jk² d_k; L_ij = (C_ij − Σ_k L_ik L_jk d_k) / d_j, k over the band before j.
            let k0 = max(0, j - p)
            var d = a[j * s]
            for k in k0..<j {
                let ljk = a[k * s + (j - k)]
                d -= ljk * ljk * a[k * s]
            }
            if !(d > 1e-300 * max(1, abs(a[j * s]))) { d = max(abs(a[j * s]), 1e-300) }  // guard round-off only
            a[j * s] = d
            let top = min(n - 1, j + p)
            if top > j {
                for i in (j + 1)...top {
                    var c = a[j * s + (i - j)]
                    for k in max(0, i - p)..<j {
                        c -= a[k * s + (i - k)] * a[k * s + (j - k)] * a[k * s]
                    }
                    a[j * s + (i - j)] = c / d
                }
            }
        }
    }

    /// Solves L D Lᵀ x = b in place in `b`.
    @inline(__always)
    static func solve(_ a: UnsafePointer<Double>, n: Int, p: Int, _ b: UnsafeMutablePointer<Double>) {
        let s = p + 1
        for i in 0..<n {
            var v = b[i]
            for k in max(0, i - p)..<i { v -= a[k * s + (i - k)] * b[k] }
            b[i] = v
        }
        for i in 0..<n { b[i] /= a[i * s] }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var v = b[i]
            let top = min(n - 1, i + p)
            if top > i { for k in (i + 1)...top { v -= a[i * s + (k - i)] * b[k] } }
            b[i] = v
        }
    }

    /// The diagonal of C⁻¹ into `diag`, using `z` (n × (p + 1)) as the band of the inverse:
    /// Z_ij = −Σ_k L_ki Z_kj (j > i), Z_ii = 1/d_i − Σ_k L_ki Z_ki, k = i+1…i+p.
    @inline(__always)
    static func inverseDiagonal(_ a: UnsafePointer<Double>, n: Int, p: Int, z: UnsafeMutablePointer<Double>,
                                _ diag: UnsafeMutablePointer<Double>) {
        let s = p + 1
        @inline(__always) func zAt(_ i: Int, _ j: Int) -> Double {  // symmetric band look-up, |i − j| ≤ p
            i <= j ? z[i * s + (j - i)] : z[j * s + (i - j)]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            let top = min(n - 1, i + p)
            if top > i {
                for j in stride(from: top, through: i + 1, by: -1) {
                    var v = 0.0
                    for k in (i + 1)...top where abs(k - j) <= p { v -= a[i * s + (k - i)] * zAt(k, j) }
                    z[i * s + (j - i)] = v
                }
            }
            var d = 1 / a[i * s]
            if top > i { for k in (i + 1)...top { d -= a[i * s + (k - i)] * z[i * s + (k - i)] } }
            z[i * s] = d
            diag[i] = d
        }
    }
}
