import Foundation

/// The shared-target procedure (seed §11.2): links targets of one resolution mode into unique objects by
/// positional coincidence at epoch 2016.0, transitively (friends of friends over every pair closer than the
/// link radius).
///
/// The object catalogue only grows. Targets already linked keep their objects; a new target that matches an
/// existing target joins that target's object; a new target that reaches two or more objects merges them into
/// the oldest (smallest U_OBJ_ID), and the absorbed ids are reported so they can resolve to the survivor.
/// Pure: positions in, decisions out.
public enum SharedTargetLinker {
    /// A target already in the object catalogue.
    public struct Linked: Sendable {
        public var position: SkyPosition
        public var objectID: Int64
        public init(position: SkyPosition, objectID: Int64) {
            self.position = position
            self.objectID = objectID
        }
    }

    /// A target to link: new, or already linked with updated astrometry (`objectID` set).
    public struct Incoming: Sendable {
        public var position: SkyPosition
        public var objectID: Int64?
        public init(position: SkyPosition, objectID: Int64? = nil) {
            self.position = position
            self.objectID = objectID
        }
    }

    /// Where an incoming target ends up.
    public enum Assignment: Sendable, Equatable {
        /// An object that existed before (after merges, the survivor).
        case existing(Int64)
        /// The n-th entry of ``Result/newObjects``.
        case new(Int)
    }

    /// Two or more existing objects joined by incoming targets.
    public struct Merge: Sendable, Equatable {
        public var absorbed: Int64
        public var survivor: Int64
        /// The first incoming target (by index) of the linked group that joined them.
        public var bridgingTarget: Int
    }

    public struct Result: Sendable {
        /// One per incoming target, in order.
        public var assignments: [Assignment]
        /// Founding incoming target of each new object: the first of its group, whose position the object takes.
        public var newObjects: [Int]
        public var merges: [Merge]
        /// Pairs closer than the radius that were found (for reports and tests).
        public var pairCount: Int
    }

    /// Links `incoming` against `linked` and among themselves. `progress` is called now and then with the
    /// number of incoming targets searched so far.
    public static func link(
        incoming: [Incoming], linked: [Linked], radiusArcseconds: Double,
        progress: ((Int) -> Void)? = nil
    ) -> Result {
        let radius = radiusArcseconds * SkyPosition.degreesPerArcsecond
        let n = incoming.count
        // Nodes 0..<n are incoming targets; each existing object that takes part gets a node after them.
        var objectNode: [Int64: Int] = [:]
        var nodeObject: [Int64] = []
        func node(of object: Int64) -> Int {
            if let existing = objectNode[object] { return existing }
            let new = n + nodeObject.count
            objectNode[object] = new
            nodeObject.append(object)
            return new
        }
        var pairs: [(Int, Int)] = []
        let index = SkyZoneIndex(linked.map(\.position) + incoming.map(\.position), zoneHeightDegrees: radius)
        var pairCount = 0
        for i in 0..<n {
            index.forEachNeighbour(of: incoming[i].position, within: radius) { k in
                if k < linked.count {
                    pairs.append((i, node(of: linked[k].objectID)))
                    pairCount += 1
                } else if k - linked.count > i {
                    pairs.append((i, k - linked.count))
                    pairCount += 1
                }
            }
            if let object = incoming[i].objectID { pairs.append((i, node(of: object))) }
            if i % 65_536 == 65_535 { progress?(i + 1) }
        }
        progress?(n)

        var sets = UnionFind(count: n + nodeObject.count)
        for (a, b) in pairs { sets.union(a, b) }

        // Per group (indexed by its root): the existing objects it holds, its first incoming target and the
        // new object made for it. Arrays, not dictionaries: a million lookups each.
        var groupObjects: [Int: [Int64]] = [:]
        for (offset, object) in nodeObject.enumerated() {
            groupObjects[sets.find(n + offset), default: []].append(object)
        }
        let nodes = n + nodeObject.count
        var firstIncoming = [Int32](repeating: -1, count: nodes)
        var newObjectOfGroup = [Int32](repeating: -1, count: nodes)
        var survivorOfGroup = [Int64](repeating: 0, count: nodes)
        for (group, objects) in groupObjects { survivorOfGroup[group] = objects.min()! }
        var assignments = [Assignment](repeating: .new(0), count: n)
        var newObjects: [Int] = []
        var merges: [Merge] = []
        for i in 0..<n {
            let group = sets.find(i)
            if firstIncoming[group] < 0 { firstIncoming[group] = Int32(i) }
            if survivorOfGroup[group] != 0 {
                assignments[i] = .existing(survivorOfGroup[group])
            } else if newObjectOfGroup[group] >= 0 {
                assignments[i] = .new(Int(newObjectOfGroup[group]))
            } else {
                newObjectOfGroup[group] = Int32(newObjects.count)
                assignments[i] = .new(newObjects.count)
                newObjects.append(i)
            }
        }
        for (group, objects) in groupObjects where objects.count > 1 {
            let survivor = survivorOfGroup[group]
            for absorbed in objects.sorted() where absorbed != survivor {
                merges.append(Merge(absorbed: absorbed, survivor: survivor, bridgingTarget: Int(firstIncoming[group])))
            }
        }
        merges.sort { $0.absorbed < $1.absorbed }
        return Result(assignments: assignments, newObjects: newObjects, merges: merges, pairCount: pairCount)
    }
}
