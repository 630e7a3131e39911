import GRDB
import Logging
import QMostCore
import QMostStore

/// Everything a stage may use while running one job.
public struct StageContext: Sendable {
    public var configuration: QMostCore.Configuration
    public var repository: Repository
    public var scheduler: Scheduler
    public var logger: Logger

    public init(configuration: QMostCore.Configuration, repository: Repository, scheduler: Scheduler, logger: Logger) {
        self.configuration = configuration
        self.repository = repository
        self.scheduler = scheduler
        self.logger = logger
    }
}

/// A stage implementation: runs one job. Stages must be idempotent, since a job whose worker died is run again.
public protocol StageRunner: Sendable {
    /// The code version recorded with every run, part of the idempotency key.
    var codeVersion: String { get }
    /// Whether a run with the same idempotency key that already succeeded makes this job a no-op.
    var skipsRepeatedRuns: Bool { get }
    func run(_ job: Job, context: StageContext) async throws(StageError) -> StageResult
    /// What the job's result depends on beyond stage, subject, parameters and code version, for its idempotency
    /// key; nil for the default (a night-level job's frames).
    func idempotencyInputs(for job: Job, in db: Database) throws -> [String]?
    /// Whether a run whose inputs changed while it ran is run again. A request for the job that arrives while it
    /// runs finds it live and is absorbed, so without this a change made meanwhile (an exemption recorded during a
    /// validation) would never be seen. Only for stages whose own results are not among their inputs.
    var rerunsWhenInputsChange: Bool { get }
}

extension StageRunner {
    public func idempotencyInputs(for job: Job, in db: Database) throws -> [String]? { nil }
    public var rerunsWhenInputsChange: Bool { false }
}
