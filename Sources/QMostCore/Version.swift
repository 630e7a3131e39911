/// The qmostd release, recorded with every stage run as part of its provenance.
public enum QMostVersion {
    public static let current = "0.1.0"
}
