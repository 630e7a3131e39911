/// Disjoint sets over 0..<n with path halving and union by size.
struct UnionFind {
    private var parent: [Int32]
    private var size: [Int32]

    init(count: Int) {
        parent = (0..<Int32(count)).map { $0 }
        size = [Int32](repeating: 1, count: count)
    }

    mutating func find(_ node: Int) -> Int {
        var n = Int32(node)
        while parent[Int(n)] != n {
            parent[Int(n)] = parent[Int(parent[Int(n)])]
            n = parent[Int(n)]
        }
        return Int(n)
    }

    mutating func union(_ a: Int, _ b: Int) {
        var ra = find(a), rb = find(b)
        guard ra != rb else { return }
        if size[ra] < size[rb] { swap(&ra, &rb) }
        parent[rb] = Int32(ra)
        size[ra] += size[rb]
    }
}
