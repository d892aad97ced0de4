"""Write one SLHA spectrum per simplified-model point into test/fixtures/smodels/slha/points/.

Each file is a plain SLHA1 spectrum: BLOCK MASS (everything not in the chain decoupled at 1e4 GeV),
one DECAY block per particle (BR = 1 chains, mothers with a prompt 1 GeV width, LSP and decoupled
particles width 0) and XSECTION blocks (SLHA cross-section extension, as SModelS reads them through
pyslha: smodels/base/crossSection.py getXsecFromSLHAFile). Every cross section is a value from a
published table, looked up at a mass that is a node of that table (no interpolation):

  13 TeV gluino pairs, stop/sbottom pairs: LHC SUSY WG NNLOapprox+NNLL (NNLL-fast), ../shared/data/xsec_lhc_susy_wg
  13 TeV wino C1N2: LHC SUSY WG NLO+NLL, ../shared/data/xsec_lhc_susy_wg/pp13_winopm_C1N2_NLO+NLL.json
  13 TeV light squarks (gluino decoupled): NLL-fast 3.1 sdcpl grid (NLO+NLL, CTEQ6.6), shipped in the smodels
      3.2.1 sdist at smodels/lib/nllfast/nllfast-3.1/sdcpl_nllnlo_cteq66_13TeV.grid
  8 TeV gluino / stop-sbottom / squark: NLL-fast 2.1 grids (NLO+NLL, CTEQ6) from the same sdist folder nllfast-2.1
  13 TeV slepton pairs (TSlepSlep) and wino C1+C1- (TChiWW): no table here, so they are computed at leading order
      with Pythia 8.317 (pythia8mc, process level only, fixed seed), as SModelS' own xsecComputer does (-p, LO);
      LO is lower than the NLO+NLL the experiments used, which the files say in a comment.

Usage: python libs/peers/python/make_slha_points.py --nllfast DIR [--out DIR]
  DIR = smodels-3.2.1/smodels/lib/nllfast of the sdist (`pip download smodels==3.2.1 --no-binary :all: --no-deps`).
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
XSEC_WG = os.path.join(os.path.dirname(REPO), "shared", "data", "xsec_lhc_susy_wg")
DEFAULT_OUT = os.path.join(REPO, "test", "fixtures", "smodels", "slha", "points")

DECOUPLED_MASS = 1.0e4
PROMPT_WIDTH = 1.0  # GeV: far above SModelS' promptWidth 1e-11 GeV, so every mother decays promptly

# PDG codes of the MSSM spectrum (SLHA1 numbering), all present in every file.
SUSY_PDGS = {
    1000001: "~d_L", 2000001: "~d_R", 1000002: "~u_L", 2000002: "~u_R",
    1000003: "~s_L", 2000003: "~s_R", 1000004: "~c_L", 2000004: "~c_R",
    1000005: "~b_1", 2000005: "~b_2", 1000006: "~t_1", 2000006: "~t_2",
    1000011: "~e_L", 2000011: "~e_R", 1000012: "~nu_eL", 1000013: "~mu_L", 2000013: "~mu_R",
    1000014: "~nu_muL", 1000015: "~tau_1", 2000015: "~tau_2", 1000016: "~nu_tauL",
    1000021: "~g", 1000022: "~chi_10", 1000023: "~chi_20", 1000025: "~chi_30", 1000035: "~chi_40",
    1000024: "~chi_1+", 1000037: "~chi_2+",
}
LIGHT_SQUARKS = [1000001, 2000001, 1000002, 2000002, 1000003, 2000003, 1000004, 2000004]
SQUARK_QUARK = {1000001: 1, 2000001: 1, 1000002: 2, 2000002: 2, 1000003: 3, 2000003: 3, 1000004: 4, 2000004: 4}
SM_MASSES = {6: (172.5, "top"), 23: (91.1876, "Z"), 24: (80.379, "W+"), 25: (125.0, "h")}

# SModelS' perturbative-order codes (smodels/base/crossSection.py: LO, NLO, NLL, NNLL = range(4)).
ORDER_NLO_NLL = 2
ORDER_NNLL = 3


class Table:
    """A published cross-section table: mass (GeV) -> sigma (pb), looked up at its nodes only."""

    def __init__(self, label, order, values):
        self.label = label
        self.order = order
        self.values = values

    def covers(self, mass):
        return min(self.values) <= mass <= max(self.values)

    def at(self, mass):
        key = int(round(mass))
        if key not in self.values or abs(mass - key) > 1e-9:
            raise SystemExit(f"{self.label}: {mass} GeV is not a node of the table (nodes {min(self.values)}..{max(self.values)})")
        return self.values[key]


def wg_table(filename, order):
    path = os.path.join(XSEC_WG, filename)
    with open(path) as handle:
        data = json.load(handle)
    values = {int(mass): entry["xsec_pb"] for mass, entry in data["data"].items()}
    return Table(f"LHC SUSY WG {data['order']} {data['process_id']} ({data['source']}; ../shared/data/xsec_lhc_susy_wg/{filename})",
                 order, values)


def nllfast_table(nllfast_dir, relpath, mass_column):
    """NLL-fast grid rows: process m1 m2 LO(3) NLO(3) pdf(2) alpha_s(2) NLO+NLL(3); take NLO+NLL."""
    path = os.path.join(nllfast_dir, relpath)
    values = {}
    with open(path) as handle:
        for line in handle:
            tokens = line.split()
            if len(tokens) < 16 or tokens[0] == "process":
                continue
            values[int(round(float(tokens[mass_column])))] = float(tokens[13])
    if not values:
        raise SystemExit(f"--nllfast: no NLO+NLL rows in {path}")
    return Table(f"NLL-fast {relpath} (NLO+NLL column, smodels-3.2.1 sdist smodels/lib/nllfast)", ORDER_NLO_NLL, values)


def load_tables(nllfast_dir):
    return {
        "gluino13": wg_table("pp13_gluino_NNLO+NNLL.json", ORDER_NNLL),
        "stop13": wg_table("pp13_stopsbottom_NNLO+NNLL.json", ORDER_NNLL),
        "c1n2_13": wg_table("pp13_winopm_C1N2_NLO+NLL.json", ORDER_NLO_NLL),
        "squark13": nllfast_table(nllfast_dir, "nllfast-3.1/sdcpl_nllnlo_cteq66_13TeV.grid", 1),
        "gluino8": nllfast_table(nllfast_dir, "nllfast-2.1/gdcpl_nllnlo_cteq6.grid", 2),
        "stop8": nllfast_table(nllfast_dir, "nllfast-2.1/st_nllnlo_cteq6.grid", 1),
        "squark8": nllfast_table(nllfast_dir, "nllfast-2.1/sdcpl_nllnlo_cteq6.grid", 1),
    }


def pair(pdg_a, pdg_b, sqrts, table, mass, share=1.0, note=""):
    return {"pdgs": (pdg_a, pdg_b), "sqrts": sqrts, "table": table, "mass": mass, "share": share, "note": note}


def strong_pair(pdg, mass, table13, table8):
    return [pair(pdg, -pdg if pdg != 1000021 else pdg, 13000, table13, mass),
            pair(pdg, -pdg if pdg != 1000021 else pdg, 8000, table8, mass)]


def t2tt(mstop, mlsp):
    return {"topology": "T2tt", "masses": {1000006: mstop, 1000022: mlsp},
            "decays": {1000006: [(1.0, [1000022, 6])]},
            "production": strong_pair(1000006, mstop, "stop13", "stop8")}


def t2bb(msb, mlsp):
    return {"topology": "T2bb", "masses": {1000005: msb, 1000022: mlsp},
            "decays": {1000005: [(1.0, [1000022, 5])]},
            "production": strong_pair(1000005, msb, "stop13", "stop8")}


def t6bbhh(msb, mchi2, mlsp):
    return {"topology": "T6bbHH", "masses": {1000005: msb, 1000023: mchi2, 1000022: mlsp},
            "decays": {1000005: [(1.0, [1000023, 5])], 1000023: [(1.0, [1000022, 25])]},
            "production": strong_pair(1000005, msb, "stop13", "stop8")}


def gluino(topology, mgl, mlsp, quark):
    return {"topology": topology, "masses": {1000021: mgl, 1000022: mlsp},
            "decays": {1000021: [(1.0, [1000022, quark, -quark])]},
            "production": strong_pair(1000021, mgl, "gluino13", "gluino8")}


def t1(mgl, mlsp):
    # BR split equally over u, d, s, c like the CMS/ATLAS T1 convention (light-flavour jets only).
    spec = gluino("T1", mgl, mlsp, 1)
    spec["decays"] = {1000021: [(0.25, [1000022, q, -q]) for q in (1, 2, 3, 4)]}
    return spec


def t2(msq, mlsp):
    # NLL-fast sums 5 degenerate flavours x (L, R) = 10 squarks (nllfast-3.1 source header). With the gluino
    # decoupled only flavour-blind s-channel/gg diagrams remain, so each squark-antisquark pair gets 1/10.
    production = []
    for pdg in LIGHT_SQUARKS:
        note = "1/10 of NLL-fast sdcpl (10 degenerate squarks, gluino decoupled)"
        production.append(pair(pdg, -pdg, 13000, "squark13", msq, 0.1, note))
        production.append(pair(pdg, -pdg, 8000, "squark8", msq, 0.1, note))
    return {"topology": "T2", "masses": {**{pdg: msq for pdg in LIGHT_SQUARKS}, 1000022: mlsp},
            "decays": {pdg: [(1.0, [1000022, SQUARK_QUARK[pdg]])] for pdg in LIGHT_SQUARKS},
            "production": production}


def electroweakino(topology, mass, mlsp, chi2_daughter):
    # The WG table is the C1+N2 plus C1-N2 sum; it is booked on (N2, C1+) because SModelS' final states
    # (W+ and W- are both 'W') and the database topologies do not tell the chargino's sign apart.
    note = "sum of C1+N2 and C1-N2 (wino), booked on N2 C1+"
    return {"topology": topology, "masses": {1000023: mass, 1000024: mass, 1000022: mlsp},
            "decays": {1000024: [(1.0, [1000022, 24])], 1000023: [(1.0, [1000022, chi2_daughter])]},
            "production": [pair(1000023, 1000024, 13000, "c1n2_13", mass, 1.0, note)]}


# Spectrum blocks Pythia needs to build couplings (pure bino N1, wino N2/C1, unmixed sfermions).
PYTHIA_BLOCKS = """BLOCK MODSEL  # general MSSM
  1  0
BLOCK NMIX  # N1 bino, N2 wino, N3/N4 higgsino
  1  1  1.0
  2  2  1.0
  3  3  1.0
  4  4  1.0
BLOCK UMIX  # C1 wino
  1  1  1.0
  2  2  1.0
BLOCK VMIX
  1  1  1.0
  2  2  1.0
BLOCK STOPMIX
  1  1  1.0
  2  2  1.0
BLOCK SBOTMIX
  1  1  1.0
  2  2  1.0
BLOCK STAUMIX
  1  1  1.0
  2  2  1.0
BLOCK ALPHA
  -1.1E-01
BLOCK HMIX Q= 1.0E+03
  1  1.0E+04  # mu (higgsinos decoupled)
  2  1.0E+01  # tan(beta)
"""
PYTHIA_EVENTS = 20000
PYTHIA_SEED = 20240820


def tslepslep(mslep, mlsp):
    sleptons = {1000011: 11, 2000011: 11, 1000013: 13, 2000013: 13}
    return {"topology": "TSlepSlep", "masses": {**{p: mslep for p in sleptons}, 1000022: mlsp},
            "decays": {p: [(1.0, [1000022, lepton])] for p, lepton in sleptons.items()},
            "pythia": "SUSY:qqbar2sleptonantislepton", "blocks": PYTHIA_BLOCKS}


def tchiww(mass, mlsp):
    return {"topology": "TChiWW", "masses": {1000024: mass, 1000022: mlsp},
            "decays": {1000024: [(1.0, [1000022, 24])]},
            "pythia": "SUSY:qqbar2chi+chi-", "blocks": PYTHIA_BLOCKS}


def pythia_lo(slha_text, process, workdir):
    """LO sigma (pb) per final state pair, from Pythia 8 at 13 TeV; pairs with zero sigma are dropped."""
    import pythia8mc

    spectrum = os.path.join(workdir, "pythia-spectrum.slha")
    with open(spectrum, "w") as handle:
        handle.write(slha_text)
    pythia = pythia8mc.Pythia("", False)
    for setting in ("Beams:eCM = 13000", f"SLHA:file = {spectrum}", f"{process} = on",
                    "PartonLevel:all = off", "HadronLevel:all = off", "ProcessLevel:resonanceDecays = off",
                    "Random:setSeed = on", f"Random:seed = {PYTHIA_SEED}", "Next:numberCount = 0", "Print:quiet = on"):
        pythia.readString(setting)
    if not pythia.init():
        raise SystemExit(f"Pythia could not initialise {process} on {spectrum}")
    for _ in range(PYTHIA_EVENTS):
        pythia.next()
    info = pythia.infoPython()
    by_name = {}
    for pdg in SUSY_PDGS:
        by_name[pythia.particleData.name(pdg)] = pdg
        by_name[pythia.particleData.name(-pdg)] = -pdg
    sigmas = {}
    for code in info.codesHard():
        sigma_mb = info.sigmaGen(code)
        if sigma_mb <= 0:
            continue
        final = info.nameProc(code).split("->")[1].replace("+ c.c.", "").split()
        pdgs = tuple(sorted((by_name[token] for token in final), key=lambda pdg: (-abs(pdg), -pdg)))
        sigmas[pdgs] = (sigma_mb * 1e9, info.sigmaErr(code) * 1e9)  # mb -> pb
    version = pythia.settings.parm("Pythia:versionNumber")
    return sigmas, version


def points():
    """~5-6 points per topology, inside the database grids, some excluded and some allowed."""
    grid = []
    grid += [t2tt(m, l) for m, l in [(600, 100), (800, 300), (1000, 100), (1200, 100), (1400, 200), (900, 650)]]
    grid += [t2bb(m, l) for m, l in [(600, 200), (900, 100), (1100, 300), (1300, 100), (1500, 400), (800, 650)]]
    grid += [t2(m, l) for m, l in [(800, 200), (1200, 100), (1500, 600), (1800, 100), (2100, 200), (1000, 800)]]
    grid += [t1(m, l) for m, l in [(1200, 200), (1600, 800), (2000, 100), (2300, 300), (2600, 100), (1400, 1200)]]
    grid += [gluino("T1tttt", m, l, 6) for m, l in [(1200, 300), (1600, 100), (1900, 900), (2200, 100), (2500, 200), (1500, 1100)]]
    grid += [gluino("T1bbbb", m, l, 5) for m, l in [(1200, 500), (1600, 100), (2000, 1000), (2300, 100), (2600, 200), (1500, 1300)]]
    grid += [electroweakino("TChiWZ", m, l, 23) for m, l in [(300, 100), (400, 50), (600, 100), (800, 100), (1000, 100), (250, 175)]]
    grid += [electroweakino("TChiWH", m, l, 25) for m, l in [(300, 50), (500, 100), (700, 100), (900, 100), (1100, 50), (600, 400)]]
    grid += [t6bbhh(m, c, 60) for m, c in [(700, 400), (1000, 300), (1100, 700), (1300, 500), (1500, 400)]]
    grid += [tslepslep(m, l) for m, l in [(200, 50), (350, 100), (500, 150), (700, 100), (900, 100)]]
    grid += [tchiww(m, l) for m, l in [(200, 50), (300, 100), (400, 50), (500, 100), (700, 100)]]
    return grid


def point_name(spec):
    masses = spec["masses"]
    if spec["topology"] == "T2":
        chain = [masses[1000001], masses[1000022]]
    else:
        order = [1000021, 1000006, 1000005, 1000024, 1000023, 1000022]
        chain = [masses[p] for p in order if p in masses]
        if spec["topology"] == "TSlepSlep":
            chain = [masses[1000011], masses[1000022]]
        if spec["topology"] in ("TChiWZ", "TChiWH", "TChiWW"):
            chain = [masses[1000024], masses[1000022]]
    return spec["topology"] + "_" + "_".join(str(int(m)) for m in chain)


def render(spec, tables, workdir=None):
    masses = {pdg: DECOUPLED_MASS for pdg in SUSY_PDGS}
    masses.update(spec["masses"])
    lines = [f"# sigmap simplified-model point {point_name(spec)} ({spec['topology']}), written by libs/peers/python/make_slha_points.py",
             "# Decoupled particles at 1e4 GeV; BR = 1 chains; mothers with a prompt 1 GeV width; LSP stable.",
             "BLOCK MASS  # Mass spectrum"]
    for pdg, (mass, label) in SM_MASSES.items():
        lines.append(f"  {pdg:>8d}  {mass:.8E}   # {label}")
    for pdg, label in SUSY_PDGS.items():
        lines.append(f"  {pdg:>8d}  {masses[pdg]:.8E}   # {label}")
    for pdg, label in SUSY_PDGS.items():
        channels = spec["decays"].get(pdg)
        width = PROMPT_WIDTH if channels else 0.0
        lines.append(f"DECAY {pdg:>8d}  {width:.8E}   # {label}")
        for br, daughters in channels or []:
            ids = "  ".join(f"{d:>8d}" for d in daughters)
            lines.append(f"     {br:.8E}  {len(daughters)}  {ids}")
    if spec.get("blocks"):
        lines.append(spec["blocks"].rstrip("\n"))
    if spec.get("pythia"):
        sigmas, version = pythia_lo("\n".join(lines) + "\n", spec["pythia"], workdir)
        for (pdg_a, pdg_b), (sigma, error) in sigmas.items():
            lines.append(f"# Pythia {version:.3f} LO ({spec['pythia']}, {PYTHIA_EVENTS} events, seed {PYTHIA_SEED}),"
                         f" MC error {error:.2E} pb; LO, below the NLO+NLL the experiments used")
            lines.append(f"XSECTION  1.30E+04  2212 2212 2 {pdg_a} {pdg_b}   # xsec unit: pb")
            lines.append(f"  0  0  0  0  0  0  {sigma:.8E} sigmap-make_slha_points")
    for production in spec.get("production", []):
        table = tables[production["table"]]
        if production["sqrts"] == 8000 and not table.covers(production["mass"]):
            # Beyond the 8 TeV grid the 8 TeV searches have no sensitivity; leave that energy out.
            lines.append(f"# no 8 TeV cross section: {production['mass']} GeV is beyond {table.label}")
            continue
        sigma = table.at(production["mass"]) * production["share"]
        pdg_a, pdg_b = production["pdgs"]
        note = f"; {production['note']}" if production["note"] else ""
        lines.append(f"# {table.label} at m = {production['mass']} GeV{note}")
        lines.append(f"XSECTION  {production['sqrts']:.2E}  2212 2212 2 {pdg_a} {pdg_b}   # xsec unit: pb")
        lines.append(f"  0  {table.order}  0  0  0  0  {sigma:.8E} sigmap-make_slha_points")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nllfast", required=True, help="smodels-3.2.1/smodels/lib/nllfast from the smodels sdist")
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--only", help="comma-separated topologies to write (default: all)")
    args = parser.parse_args()
    if not os.path.isdir(os.path.join(args.nllfast, "nllfast-3.1")):
        print(f"--nllfast: {args.nllfast} has no nllfast-3.1 folder", file=sys.stderr)
        return 2
    tables = load_tables(args.nllfast)
    os.makedirs(args.out, exist_ok=True)
    written = {}
    only = set(args.only.split(",")) if args.only else None
    import tempfile
    with tempfile.TemporaryDirectory() as workdir:
        for spec in points():
            if only and spec["topology"] not in only:
                continue
            name = point_name(spec) + ".slha"
            text = render(spec, tables, workdir)
            with open(os.path.join(args.out, name), "w") as handle:
                handle.write(text)
            written.setdefault(spec["topology"], []).append(name)
    print(json.dumps({topology: len(names) for topology, names in written.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
