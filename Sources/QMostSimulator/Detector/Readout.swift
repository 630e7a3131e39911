import Dispatch
import Foundation
import QMostCore

/// Turns the expected photo-electrons on one arm's detector into a raw frame: response non-uniformity, dark
/// current, Poisson noise, cosmic rays, non-linearity and full well, then per amplifier gain, crosstalk, bias
/// with its frame, row and fixed-pattern structure, read noise, the prescan and overscan columns, and the
/// 16-bit ADC.
///
/// Rows are processed in parallel; each row draws from its own generator seeded by the frame seed and row
/// number, so the frame is the same for a seed whatever the number of threads.
public struct Readout: Sendable {
    public let detector: DetectorModel

    public init(detector: DetectorModel) { self.detector = detector }

    /// What one readout injected, for the truth tables.
    public struct Record: Sendable, Equatable {
        /// The bias offset of this frame added to every amplifier's level (ADU).
        public var frameBiasOffset: Double
        /// Cosmic-ray events.
        public var cosmicRayEvents: Int
        /// Every pixel's cosmic-ray charge (trimmed columns), for the truth.
        public var cosmicRays: [CosmicRays.Deposit]
    }

    /// The raw frame (``DetectorGeometry/rawColumns`` × ``DetectorGeometry/rawRows``, row-major) for `photons`,
    /// the expected photo-electrons per active pixel before the pixel response (nil: a closed shutter), exposed
    /// for `exposureTime` seconds with dark current integrating over `darkTime` seconds.
    public func read(photons: [Float]?, darkTime: Double, seed: UInt64) -> (pixels: [UInt16], record: Record) {
        let g = detector.geometry
        let cols = g.activeColumns, rows = g.activeRows, raw = g.rawColumns
        precondition(photons == nil || photons!.count == cols * rows, "one value per active pixel")
        var frameRandom = Deviates(seed: PixelHash.seed(seed, 0xF4A3E))
        let frameOffset = detector.frameBiasScatter * frameRandom.normal()
        let cosmics = CosmicRays.hits(geometry: g, seconds: darkTime, seed: PixelHash.seed(seed, 0xC05))
        var cosmicByRow: [Int: [(Int, Double)]] = [:]
        for d in cosmics.deposits { cosmicByRow[d.row, default: []].append((d.column, d.electrons)) }
        var hotByRow: [Int: [(Int, Double)]] = [:]
        for h in detector.hotPixels { hotByRow[h.row, default: []].append((h.column, h.darkCurrent)) }
        var columnKind = [UInt8](repeating: 0, count: cols), columnStart = [Int](repeating: .max, count: cols)
        for b in detector.badColumns {
            columnKind[b.column] = b.kind == .cold ? 1 : 2
            columnStart[b.column] = b.startRow
        }
        let amps = g.amplifiers, models = detector.amplifiers
        let xtalk = detector.crosstalk
        var output = [UInt16](repeating: 0, count: raw * rows)
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let blocks = min(rows, workers * 8)
        output.withUnsafeMutableBufferPointer { out in
            let outBase = UncheckedSendable(out)
            let cosmicRows = cosmicByRow, hotRows = hotByRow, kinds = columnKind, starts = columnStart
            let photonArray = photons
            // Per-column constants, so the pixel loops do no look-ups beyond arrays.
            let ampOfColumn = (0..<cols).map { g.amplifierIndex(forActiveColumn: $0) }
            let inverseGain = ampOfColumn.map { 1 / models[$0].gain }
            let beta = detector.nonLinearity, fullWell = detector.fullWell
            // Dark current per column for the glow's column factor; the row factor multiplies it per row.
            let glowColumns = (0..<cols).map { detector.glowCurrent * detector.glowAlongRows(x: $0) }
            let uniformDark = detector.darkCurrent
            DispatchQueue.concurrentPerform(iterations: blocks) { block in
                let out = outBase.value
                var signal = [Double](repeating: 0, count: cols)
                var coupled = [Double](repeating: 0, count: cols)
                let y0 = block * rows / blocks, y1 = (block + 1) * rows / blocks
                for y in y0..<y1 {
                    var rng = Deviates(seed: PixelHash.seed(seed, UInt64(y) &+ 1))
                    let glowRow = detector.glowAlongColumns(y: y) * darkTime
                    signal.withUnsafeMutableBufferPointer { signal in
                        // Electrons per active pixel.
                        if let p = photonArray {
                            p.withUnsafeBufferPointer { p in
                                let row = y * cols
                                for x in 0..<cols {
                                    var response = detector.response(x: x, y: y)
                                    if kinds[x] == 1 && y >= starts[x] { response *= DetectorModel.coldColumnResponse }
                                    var mean = uniformDark * darkTime + glowColumns[x] * glowRow + Double(p[row + x]) * response
                                    if kinds[x] == 2 && y >= starts[x] { mean += DetectorModel.hotColumnCharge }
                                    signal[x] = rng.poisson(mean)
                                }
                            }
                        } else {
                            for x in 0..<cols {
                                var mean = uniformDark * darkTime + glowColumns[x] * glowRow
                                if kinds[x] == 2 && y >= starts[x] { mean += DetectorModel.hotColumnCharge }
                                signal[x] = rng.poisson(mean)
                            }
                        }
                        if let hot = hotRows[y] { for (x, rate) in hot { signal[x] += rng.poisson(rate * darkTime) } }
                        if let hits = cosmicRows[y] { for (x, e) in hits { signal[x] += e.rounded() } }
                        for x in 0..<cols {
                            let e = signal[x]
                            signal[x] = min(e * (1 + beta * e), fullWell) * inverseGain[x]
                        }
                    }
                    // Crosstalk: pixels read at the same moment sit at the same distance from their outputs.
                    coupled = signal
                    if amps.count == 2 {
                        for d in 0..<g.activeColumnsPerAmplifier {
                            let a = d, b = cols - 1 - d
                            coupled[b] += xtalk[0][1] * signal[a]
                            coupled[a] += xtalk[1][0] * signal[b]
                        }
                    }
                    let rowBase = y * raw
                    for (i, amp) in amps.enumerated() {
                        let m = models[i]
                        let level = m.biasLevel + frameOffset + detector.rowBiasScatter * rng.normal()
                        let noise = m.readNoise / m.gain
                        let top = ArmModel.adcMaximum
                        for range in [amp.prescan, amp.overscan] {
                            for rawX in range {
                                let v = level + detector.biasPattern(rawColumn: rawX, y: y) + noise * rng.normal()
                                out[rowBase + rawX] = UInt16(min(max(v + 0.5, 0), top))
                            }
                        }
                        let offset = amp.trimmed.lowerBound - amp.active.lowerBound
                        coupled.withUnsafeBufferPointer { coupled in
                            for rawX in amp.active {
                                let v = coupled[rawX + offset] + level + detector.biasPattern(rawColumn: rawX, y: y) + noise * rng.normal()
                                out[rowBase + rawX] = UInt16(min(max(v + 0.5, 0), top))
                            }
                        }
                    }
                }
            }
        }
        return (output, Record(frameBiasOffset: frameOffset, cosmicRayEvents: cosmics.events, cosmicRays: cosmics.deposits))
    }
}
