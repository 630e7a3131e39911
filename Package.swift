// swift-tools-version: 6.2
// qmostd — the 4MOST back-end data flow for small installations.
import PackageDescription

/// One settings list for every Swift target (as swift-log does), so the whole tree speaks the same dialect.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// Tests import what they use but are spared MemberImportVisibility's per-member bookkeeping.
let testSettings: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "qmostd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "qmostd", targets: ["qmostd"]),
        .executable(name: "qmostd-bench", targets: ["qmostd-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // C libraries: module maps plus shims for macros and variadic calls.
        .systemLibrary(name: "CFITSIO", pkgConfig: "cfitsio", providers: [.apt(["libcfitsio-dev"])]),
        .systemLibrary(name: "CFFTW3", pkgConfig: "fftw3", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // Wrappers: know nothing of the domain.
        .target(name: "QMostFITS", dependencies: ["CFITSIO"], swiftSettings: swiftSettings),
        // Optimised in debug builds too: the L2 tests correlate thousands of spectra through it.
        .target(
            name: "QMostFFT", dependencies: ["CFFTW3"],
            swiftSettings: swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "QMostCurl", dependencies: ["CCurl"], swiftSettings: swiftSettings),

        // Pure domain: no C, no SQL.
        .target(
            name: "QMostCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings),

        // Science: pure functions over arrays. The simulator renders tens of millions of pixels per frame, so it
        // is optimised in debug builds too: the tests and `make demo` (debug builds) would otherwise take minutes.
        .target(
            name: "QMostSimulator",
            dependencies: ["QMostCore", "QMostFITS"],
            swiftSettings: swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]),

        // L1 reduction (seed 9.1): master calibrations and the 2D corrections, pure functions over planes.
        .target(
            name: "QMostL1",
            dependencies: ["QMostCore", "QMostFITS"],
            swiftSettings: swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]),

        // L1 quality assessment (seed 9.2): the QA numbers, tables and diagnostic plots, pure over spectra.
        .target(
            name: "QMostQA",
            dependencies: ["QMostCore", "QMostFITS", "QMostL1"],
            swiftSettings: swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]),

        // L2 analysis (seed 10): redshifts, radial velocities, classes, flags and completeness, pure over spectra.
        .target(
            name: "QMostL2",
            dependencies: ["QMostCore", "QMostFITS", "QMostFFT", "QMostL1"],
            swiftSettings: swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]),

        // State.
        .target(
            name: "QMostStore",
            dependencies: ["QMostCore", "CSQLite", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings),

        // Edges.
        .target(
            name: "QMostWatch",
            dependencies: ["QMostCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .target(
            name: "QMostIngest",
            dependencies: [
                "QMostCore", "QMostFITS", "QMostStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "QMostAlerts",
            dependencies: [
                "QMostCore", "QMostCurl", "QMostStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),

        // Orchestration.
        .target(
            name: "QMostEngine",
            dependencies: [
                "QMostCore", "QMostStore", "QMostIngest", "QMostL1", "QMostQA", "QMostL2", "QMostFITS",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),

        // Wiring.
        .target(
            name: "QMostDaemon",
            dependencies: [
                "QMostCore", "QMostStore", "QMostWatch", "QMostIngest", "QMostAlerts", "QMostEngine",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "QMostCLI",
            dependencies: [
                "QMostQA", "QMostL2",
                "QMostCore", "QMostStore", "QMostDaemon", "QMostIngest", "QMostEngine", "QMostFITS", "QMostSimulator", "QMostTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(name: "qmostd", dependencies: ["QMostCLI"], swiftSettings: swiftSettings),

        // Synthetic frames, temporary installations and loopback servers for tests, demo and benchmarks.
        .target(
            name: "QMostTesting",
            dependencies: ["QMostCore", "QMostFITS"],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "qmostd-bench",
            dependencies: [
                "QMostCore", "QMostStore", "QMostIngest", "QMostEngine", "QMostDaemon", "QMostFITS", "QMostSimulator", "QMostL1", "QMostQA", "QMostL2", "QMostTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings),

        // Fast unit tests, one target per module.
        .testTarget(name: "QMostFITSTests", dependencies: ["QMostFITS", "QMostTesting"], swiftSettings: testSettings),
        .testTarget(name: "QMostFFTTests", dependencies: ["QMostFFT"], swiftSettings: testSettings),
        .testTarget(name: "QMostCurlTests", dependencies: ["QMostCurl", "QMostTesting"], swiftSettings: testSettings),
        .testTarget(
            name: "QMostCoreTests", dependencies: ["QMostCore", "QMostTesting"],
            exclude: ["Reference"],  // the script that computed the ERFA reference values
            swiftSettings: testSettings),
        .testTarget(
            name: "QMostSimulatorTests", dependencies: ["QMostSimulator", "QMostCore", "QMostFITS", "QMostIngest", "QMostTesting"],
            swiftSettings: testSettings),
        .testTarget(
            name: "QMostL1Tests", dependencies: ["QMostL1", "QMostQA", "QMostSimulator", "QMostCore", "QMostFITS", "QMostTesting"],
            swiftSettings: testSettings),
        .testTarget(name: "QMostQATests", dependencies: ["QMostQA", "QMostL1", "QMostCore"], swiftSettings: testSettings),
        .testTarget(
            name: "QMostL2Tests", dependencies: ["QMostL2", "QMostL1", "QMostSimulator", "QMostCore", "QMostFITS", "QMostTesting"],
            swiftSettings: testSettings),
        .testTarget(name: "QMostStoreTests", dependencies: ["QMostStore", "QMostTesting", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: testSettings),
        .testTarget(name: "QMostWatchTests", dependencies: ["QMostWatch", "QMostTesting"], swiftSettings: testSettings),
        .testTarget(
            name: "QMostIngestTests",
            dependencies: [
                "QMostIngest", "QMostStore", "QMostTesting", "QMostCore", "QMostFITS",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: testSettings),
        .testTarget(
            name: "QMostEngineTests",
            dependencies: [
                "QMostEngine", "QMostStore", "QMostTesting", "QMostCore",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: testSettings),
        // Slower tests: real SMTP server, the daemon as a subprocess, floods and crashes.
        .testTarget(
            name: "QMostIntegrationTests",
            dependencies: [
                "QMostCurl", "QMostAlerts", "QMostStore", "QMostCore", "QMostTesting", "QMostDaemon", "QMostFITS",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: testSettings),
    ]
)
