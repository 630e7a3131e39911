"""Reference positions for AstrometryTests, computed with ERFA (the open SOFA), independently of qmostd.

    pip install pyerfa && python3 propagation_references.py

eraPmsafe propagates a star's space motion rigorously (with light time); radial velocity is zero because
the 4FS target catalogue carries none. Epochs are Julian years, turned into TDB Julian dates.
"""
import math
import erfa

CASES = [
    # name, ra, dec [deg], pmra* [mas/yr], pmdec, parallax [mas], epoch from, epoch to
    ("Barnard Gaia DR3 -> J2000", 269.44850252543836, 4.739420051112412, -801.551, 10362.394, 546.9759, 2016.0, 2000.0),
    ("Barnard Gaia DR3 -> 2050", 269.44850252543836, 4.739420051112412, -801.551, 10362.394, 546.9759, 2016.0, 2050.0),
    ("fast star near the pole", 123.4, 89.98, 5000.0, -3000.0, 100.0, 2000.0, 2016.0),
    ("fast star across RA 0", 359.999, -30.0, 8000.0, 1000.0, 200.0, 2000.0, 2016.0),
    ("southern fast star", 77.9, -45.0, 6500.0, -5730.0, 254.0, 1991.25, 2016.0),
]


def jd(epoch):
    return 2451545.0 + (epoch - 2000.0) * 365.25


for name, ra, dec, pmra, pmdec, plx, e1, e2 in CASES:
    r, d = math.radians(ra), math.radians(dec)
    pmr = math.radians(pmra / math.cos(d) / 3.6e6)
    pmd = math.radians(pmdec / 3.6e6)
    r2, d2, *_ = erfa.pmsafe(r, d, pmr, pmd, plx / 1000.0, 0.0, jd(e1), 0.0, jd(e2), 0.0)
    print(f'("{name}", {ra!r}, {dec!r}, {pmra!r}, {pmdec!r}, {plx!r}, {e1!r}, {e2!r}, '
          f'{math.degrees(r2) % 360!r}, {math.degrees(d2)!r}),')
