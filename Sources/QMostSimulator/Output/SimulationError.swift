import QMostCore

/// A simulation that could not be written: the file and the problem.
public typealias SimulationError = FileProblem
