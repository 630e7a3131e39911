/// The documented configuration written by `qmostd init`; every key with its default and meaning.
///
/// The checkout's `etc/qmostd.yaml` is this text (a test keeps them equal), and parsing it yields exactly
/// `Configuration()`, so the documentation cannot drift from the defaults.
public enum ConfigurationTemplate {
    public static let text = """
# qmostd configuration. Every key is optional: the value shown is the default.
# Relative paths are relative to the installation root, the folder that holds etc/.
# Unknown keys are errors, so a typo never silently leaves a default in force.

paths:
  spool_raw: spool/raw            # drop raw FITS frames here (subfolders too); the SAF poller writes here
  spool_dxu: spool/dxu            # drop L2 data exchange units (DXU) here
  quarantine: spool/quarantine    # rejected input, each with a <name>.reason.txt beside it
  repository: repo                # ingested frames (repo/raw/<night>/), masters, L1, QA and L2 products
  prerelease: prerelease          # the trickled pre-release area
  releases: releases              # cut data releases
  database: qmost.db              # SQLite (WAL): the single source of truth

night:
  keyword: NIGHT                  # header keyword naming the night (YYYY-MM-DD or YYYYMMDD); '' to ignore it
  mjd_keyword: MJD-OBS            # otherwise the night is the UTC date of this MJD ...
  offset_hours: 12                # ... minus this many hours (ESO convention: a night falls on the date it began)
  required_kinds: [bias, fibre_flat, arc]   # `qmostd night close` calls a night lacking any of these incomplete

frame_keywords:                   # header keywords recorded for every frame (HIERARCH prefix optional)
  ob_id: ESO OBS ID
  spectrograph: ESO INS SPEC ID   # LRS-A, LRS-B or HRS for 4MOST
  arm: ESO DET ARM NAME           # BLUE, GREEN or RED
  instrument: INSTRUME
  exposure_time: EXPTIME
  object: OBJECT
  mjd: MJD-OBS

classification:
  # Tried in order, first match wins; a frame matching none is kind 'other' (kept, never dropped).
  # 'when' maps header keywords to case-insensitive globs ('*' any run, '?' one character);
  # "*" alone means present with any value, "!" means absent.
  # Kinds: bias dark detector_flat fibre_flat twilight_flat arc fp science standard other
  rules:
    - {name: bias, kind: bias, when: {ESO DPR TYPE: BIAS}}
    - {name: dark, kind: dark, when: {ESO DPR TYPE: DARK}}
    - {name: led-flat, kind: detector_flat, when: {ESO DPR TYPE: "FLAT,LED"}}
    - {name: twilight-flat, kind: twilight_flat, when: {ESO DPR TYPE: "FLAT,TWILIGHT"}}
    - {name: sky-flat, kind: twilight_flat, when: {ESO DPR TYPE: "SKY,FLAT"}}
    - {name: fibre-flat, kind: fibre_flat, when: {ESO DPR TYPE: "FLAT*"}}
    - {name: fabry-perot, kind: fp, when: {ESO DPR TYPE: "WAVE,FP"}}
    - {name: arc, kind: arc, when: {ESO DPR TYPE: "WAVE*"}}
    - {name: standard, kind: standard, when: {ESO DPR TYPE: "STD*"}}
    - {name: science, kind: science, when: {ESO DPR CATG: SCIENCE}}

watch:
  reconcile_interval_s: 60        # full scan of the spool this often: the backstop for missed inotify events
  incomplete_grace_s: 300         # a file still shorter than its headers declare this long after its last
                                  # change is quarantined
  incomplete_recheck_s: 2         # how often a file still being written is looked at again
  settle_s: 2                     # a file the daemon may not take a read lease on (another user's, without
                                  # CAP_LEASE) must be unchanged this long, as a writer may still hold it open
  event_buffer: 65536             # watcher events held in memory; beyond it the kernel queue fills and, if it
                                  # overflows, a full rescan (counted in `status`) finds every file

ingest:
  verify_checksums: true          # verify CHECKSUM/DATASUM where present; a mismatch quarantines the file

engine:
  workers: 0                      # concurrent jobs; 0 = two per core
  lease_s: 120                    # a claimed job whose worker stops heartbeating is re-queued after this
  heartbeat_s: 20                 # must be shorter than lease_s
  max_attempts: 5                 # then the job is dead and an alert is sent
  backoff_base_s: 10              # retry delay doubles from this ...
  backoff_max_s: 3600             # ... up to this
  poll_ms: 250                    # idle workers look for work this often when nothing woke them

stages:
  # The graph ingest -> l1 -> qa -> qa_analyse -> l2 -> qc -> trickle is fixed; here each stage is enabled
  # and tuned. Built-in stages run by default; the others run once given a command (or a later release
  # ships them). Keys per stage:
  #   enabled: true|false
  #   command: [argv, list]   run this program instead (no shell); its last argument is the path of a JSON
  #                           manifest naming the inputs, the output folder and the parameters; exit 0 = done
  #   quiet_period_s: N       night-level stages start N s after the night's last new frame, or at once
  #                           after `qmostd night close`
  #   max_attempts: N         overrides engine.max_attempts
  #   timeout_s: N            an external command running longer is killed and the attempt fails
  #   parameters: {k: v}      part of the idempotency key; passed to commands in the manifest
  ingest:
    enabled: true
  # l1 is built in: once a night is closed or quiet for 1800 s it makes the night's masters (bias, dark, LED
  # detector flat with linearity and bad-pixel mask, fibre traces and profiles, wavelength solutions) and
  # reduces each science frame with the best calibrations (see calibrations below); e.g.
  # l1: {quiet_period_s: 600}
  # l2 is built in: once qa_analyse has validated a night (or its failures are exempted) it measures 4XP-Z
  # redshifts and 4GP radial velocities on the night's container and writes repo/l2/<night>/QMOST_<night>_4XP.fits
  # and QMOST_<night>_4GP.fits. It needs redrock templates (rrtemplate-*.fits): until a folder is named here or in
  # $QMOSTD_TEMPLATES, the night's L2 waits (qmostd explain says so); e.g.
  # l2: {parameters: {templates: /data/redrock-templates}}

alerts:
  enabled: false
  smtp_url: smtp://127.0.0.1:25   # smtp:// (STARTTLS when offered) or smtps://
  # username: qmostd              # SMTP AUTH user, optional
  # password_file: etc/smtp.secret  # file holding the SMTP password (mode 0600)
  require_tls: false              # refuse to send over smtp:// without STARTTLS
  from: qmostd@localhost
  to: []                          # e.g. [ops@example.org]
  dedup_window_s: 3600            # the same cause within this window is one mail (with a count)
  digest_interval_s: 0            # 0 = mail each alert at once; N = one digest of pending alerts every N s
  retry_s: 30                     # an SMTP failure is retried after this; alerts are never dropped

targets:
  # `qmostd targets ingest CATALOGUE.fits --survey NAME` loads target catalogues; targets of one resolution
  # mode closer than this radius at epoch 2016.0 (proper motion applied) are linked into one object (U_OBJ_ID),
  # friends of friends. Changing it affects later ingests only: objects never split.
  link_radius_arcsec: 1.0
  columns:                        # FITS column names; units are checked from TUNITn and converted when known
    name: NAME                    # target name, unique within a survey: re-ingesting it keeps its TARG_ID
    ra: RA                        # ICRS right ascension [deg]
    dec: DEC                      # ICRS declination [deg]
    pmra: PMRA                    # proper motion in RA, times cos(Dec) [mas/yr]; optional, 0 if absent
    pmdec: PMDEC                  # proper motion in Dec [mas/yr]; optional
    epoch: EPOCH                  # epoch of RA/DEC [Julian yr]; required when proper motions are given
    parallax: PARALLAX            # [mas]; optional
    resolution: RESOLUTION        # 1 = LR, 2 = HR
    mag: MAG                      # optional
    mag_type: MAG_TYPE            # optional, e.g. Gaia_G_Vega

calibrations:
  # L1 applies to each exposure, per kind, the master of its spectrograph taken in the same OB, else in the
  # same night, else in the nearest night at most this many nights away (the later one on a tie); the tier
  # used is recorded and shown by `qmostd explain`. A better master arriving later re-reduces just the
  # exposures it improves. Seed 9.1: biases weekly; darks, linearity, masks and detector flats monthly.
  max_nights:
    bias: 7
    dark: 31
    detector_flat: 31             # with the linearity fit and the bad-pixel mask of the same LED sequence
    trace: 1                      # fibre traces and profiles from a fibre flat
    wave: 3                       # wavelength solutions from arc (and Fabry-Perot) frames
    fibre_flat_field: 3           # relative fibre throughputs from fibre flats, levelled by twilight flats
  # Electrical crosstalk between a detector's two outputs, applied first (seed 9.1.1): C[i][j] is the fraction of
  # output i's signal that appears in output j at the mirrored column, e.g. LRS-A/BLUE: [[0, 3.2e-4], [-1.8e-4, 0]].
  crosstalk: {}

qa:
  # qa_analyse tests every arm of every reduced exposure against a catalogue (seed 9.2.2) and writes a row per
  # test into the qa table: state 2 passed the goal, 1 passed the requirement, 0 failed. A night is as good as
  # its worst test; state 0 mails the alert recipients and holds the night's L2 until `qmostd qa exempt`.
  # `tests` replaces the built-in catalogue (ids 1001-1012, see docs/qa.md); metrics of each exposure's arms:
  # sky_line_offset, residual_sky_percent, sky_residual_level, worst_sky_fibre_percent, sky_line_residual_rms,
  # noise_factor, low_flux_fibres, negative_variance_pixels, sky_fibre_fraction, average_sky_flux; of each Phase 3
  # spectrum (every stack level): stack_masked_fraction, stack_bad_error_pixels. Direction max (smaller is better)
  # or min, e.g.:
  # tests:
  #   - {id: 1001, name: sky-line wavelength offset, metric: sky_line_offset, req: 0.1, goal: 0.03, direction: max}

"""
}
