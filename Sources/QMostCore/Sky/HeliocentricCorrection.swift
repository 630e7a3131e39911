import Foundation

/// An observatory on the WGS84 ellipsoid.
public struct ObservingSite: Sendable, Equatable {
    /// Geodetic latitude in degrees (north positive).
    public var latitude: Double
    /// Longitude in degrees, east positive (Paranal is west: negative).
    public var longitude: Double
    /// Height above the ellipsoid in metres.
    public var height: Double

    public init(latitude: Double, longitude: Double, height: Double) {
        self.latitude = latitude
        self.longitude = longitude
        self.height = height
    }

    /// Cerro Paranal (VISTA), lat −24.6272°, lon −70.4042°, 2635 m.
    public static let paranal = ObservingSite(latitude: -24.6272, longitude: -70.4042, height: 2635)
}

/// The heliocentric radial-velocity correction: the component, along the line of sight, of the observer's velocity
/// relative to the Sun (Earth's orbital motion plus the diurnal rotation of the site).
///
/// **Sign convention.** ``velocity(mjd:ra:dec:site:)`` is `v = v_obs · ŝ`, positive when the observer moves
/// *towards* the source. That is the amount to *add* to a measured radial velocity to make it heliocentric
/// (`RV_helio = RV_obs + v`, the IRAF `rvcorrect` / astropy `radial_velocity_correction` convention), and an
/// observed wavelength is made heliocentric by multiplying it by ``wavelengthFactor(velocity:)`` = 1 + v/c.
///
/// **Method.** Earth's heliocentric velocity is the time derivative of the geometric solar coordinates of
/// Meeus, *Astronomical Algorithms* (2nd ed. 1998) ch. 25 "low accuracy" (true longitude ⊙ = L₀ + C and radius
/// R = 1.000001018(1 − e²)/(1 + e cos ν), eqs. 25.2–25.5, good to 0.01° in longitude), taken analytically, in the
/// ecliptic and equinox of date; it is turned to the equator of date with the mean obliquity (Meeus 22.2), and the
/// J2000 (ICRS) source direction is precessed to date with the IAU 1976 angles ζ, z, θ (Meeus 21.2–21.4). The
/// Earth–Moon barycentre wobble (≤ 0.013 km/s) and planetary perturbations are not modelled; accuracy is about
/// 0.01–0.02 km/s. The diurnal term uses the WGS84 geocentric distance from the rotation axis and the Greenwich
/// mean sidereal time (Meeus 12.4) with UT1 ≈ UTC (|UT1 − UTC| < 0.9 s moves it by < 0.0001 km/s). TT = UTC + 69.184 s
/// (TAI − UTC = 37 s since 2017).
public enum HeliocentricCorrection {
    /// Speed of light in km/s.
    public static let speedOfLight = PhysicalConstants.speedOfLightKmPerSecond
    /// TT − UTC in seconds (32.184 s + 37 leap seconds, valid since 2017-01-01).
    public static let ttMinusUTC = 69.184
    /// The astronomical unit in km (IAU 2012).
    public static let astronomicalUnit = 149_597_870.7
    /// Earth's rotation rate in rad/s (IERS).
    public static let earthRotationRate = 7.292_115_0e-5

    /// The correction in km/s towards the J2000/ICRS direction (`ra`, `dec` in degrees) at `mjd` (UTC); positive
    /// when the observer moves towards the source.
    public static func velocity(mjd: Double, ra: Double, dec: Double, site: ObservingSite = .paranal) -> Double {
        let source = directionOfDate(ra: ra, dec: dec, mjd: mjd)
        let v = orbitalVelocity(mjd: mjd)
        let orbital = v.x * source.x + v.y * source.y + v.z * source.z
        return orbital + diurnalVelocity(mjd: mjd, ra: ra, dec: dec, site: site)
    }

    /// The factor 1 + v/c that takes an observed (air or vacuum) wavelength to the heliocentric frame.
    public static func wavelengthFactor(velocity: Double) -> Double { 1 + velocity / speedOfLight }

    /// The factor for an observation, ``wavelengthFactor(velocity:)`` of ``velocity(mjd:ra:dec:site:)``.
    public static func wavelengthFactor(mjd: Double, ra: Double, dec: Double, site: ObservingSite = .paranal) -> Double {
        wavelengthFactor(velocity: velocity(mjd: mjd, ra: ra, dec: dec, site: site))
    }

    /// Earth's velocity relative to the Sun in km/s, equatorial frame of date (x to the equinox, z to the pole).
    public static func orbitalVelocity(mjd: Double) -> (x: Double, y: Double, z: Double) {
        let t = julianCenturies(mjd: mjd)
        let rad = Double.pi / 180
        // Meeus 25.2–25.4 (degrees), their rates per Julian century.
        let l0 = 280.46646 + 36000.76983 * t + 0.0003032 * t * t
        let m = 357.52911 + 35999.05029 * t - 0.0001537 * t * t
        let e = 0.016708634 - 0.000042037 * t - 0.0000001267 * t * t
        let c = (1.914602 - 0.004817 * t - 0.000014 * t * t) * sin(m * rad)
            + (0.019993 - 0.000101 * t) * sin(2 * m * rad) + 0.000289 * sin(3 * m * rad)
        let dl0 = 36000.76983 + 2 * 0.0003032 * t
        let dm = 35999.05029 - 2 * 0.0001537 * t
        let dc = ((1.914602 - 0.004817 * t) * cos(m * rad) + 2 * (0.019993 - 0.000101 * t) * cos(2 * m * rad)
            + 3 * 0.000289 * cos(3 * m * rad)) * dm * rad  // degrees per century
        let lambda = (l0 + c) * rad
        let nu = (m + c) * rad
        let dLambda = (dl0 + dc) * rad                      // rad per century
        let dNu = (dm + dc) * rad
        let a = 1.000001018
        let r = a * (1 - e * e) / (1 + e * cos(nu))          // AU
        let dr = a * (1 - e * e) * e * sin(nu) * dNu / ((1 + e * cos(nu)) * (1 + e * cos(nu)))
        // The Sun's geocentric position is r(cos λ, sin λ, 0) in the ecliptic of date; Earth's heliocentric one is minus
        // that, and so is its velocity.
        let perCentury = astronomicalUnit / (36525 * 86400)  // AU/century → km/s
        let vx = -(dr * cos(lambda) - r * sin(lambda) * dLambda) * perCentury
        let vy = -(dr * sin(lambda) + r * cos(lambda) * dLambda) * perCentury
        let eps = meanObliquity(t) * rad
        return (vx, vy * cos(eps), vy * sin(eps))
    }

    /// The diurnal term in km/s: the site's rotation velocity along the line of sight, −ω ρ cos φ′ cos δ sin H.
    public static func diurnalVelocity(mjd: Double, ra: Double, dec: Double, site: ObservingSite = .paranal) -> Double {
        let rad = Double.pi / 180
        let phi = site.latitude * rad
        // WGS84: distance from the rotation axis, (N + h) cos φ.
        let a = 6378.137, f = 1 / 298.257223563
        let e2 = f * (2 - f)
        let n = a / (1 - e2 * sin(phi) * sin(phi)).squareRoot()
        let axisDistance = (n + site.height / 1000) * cos(phi)
        let source = directionOfDate(ra: ra, dec: dec, mjd: mjd)
        let lst = (greenwichMeanSiderealTime(mjd: mjd) + site.longitude) * rad
        // v_site = ω ρcosφ′ (−sin LST, cos LST, 0).
        let speed = earthRotationRate * axisDistance
        return speed * (-sin(lst) * source.x + cos(lst) * source.y)
    }

    /// Greenwich mean sidereal time in degrees, [0, 360) (Meeus 12.4, with UT1 = UTC).
    public static func greenwichMeanSiderealTime(mjd: Double) -> Double {
        let d = mjd - 51544.5
        let t = d / 36525
        let g = 280.46061837 + 360.98564736629 * d + 0.000387933 * t * t - t * t * t / 38_710_000
        let r = g.truncatingRemainder(dividingBy: 360)
        return r < 0 ? r + 360 : r
    }

    /// The J2000 direction precessed to the mean equator and equinox of `mjd` (IAU 1976, Meeus 21.2–21.4).
    public static func directionOfDate(ra: Double, dec: Double, mjd: Double) -> (x: Double, y: Double, z: Double) {
        let t = julianCenturies(mjd: mjd)
        let arcsec = Double.pi / (180 * 3600)
        let zeta = (2306.2181 * t + 0.30188 * t * t + 0.017998 * t * t * t) * arcsec
        let z = (2306.2181 * t + 1.09468 * t * t + 0.018203 * t * t * t) * arcsec
        let theta = (2004.3109 * t - 0.42665 * t * t - 0.041833 * t * t * t) * arcsec
        let a = ra * .pi / 180, d = dec * .pi / 180
        let aa = cos(d) * sin(a + zeta)
        let bb = cos(theta) * cos(d) * cos(a + zeta) - sin(theta) * sin(d)
        let cc = sin(theta) * cos(d) * cos(a + zeta) + cos(theta) * sin(d)
        let alpha = atan2(aa, bb) + z
        let delta = asin(max(-1, min(1, cc)))
        return (cos(delta) * cos(alpha), cos(delta) * sin(alpha), sin(delta))
    }

    /// Julian centuries of TT from J2000.0.
    static func julianCenturies(mjd: Double) -> Double {
        (mjd + ttMinusUTC / 86400 - 51544.5) / 36525
    }

    /// Mean obliquity of the ecliptic in degrees (Meeus 22.2).
    static func meanObliquity(_ t: Double) -> Double {
        23.4392911111 - (46.8150 * t + 0.00059 * t * t - 0.001813 * t * t * t) / 3600
    }
}
