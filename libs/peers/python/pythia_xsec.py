"""Pythia 8's parton densities, alpha_s and LO cross sections (sigmaGen) with an LHAPDF6 grid: the peer of sigmap's
resonance cross sections (libs/physics/src/xsec: pdfset.ts, lhagrid.ts, resonance.ts).

Every process runs with PDF:pSet = LHAGrid1:<pdfFile> (the grid the pythia8mc wheel ships in share/Pythia8/pdfdata),
SigmaProcess:alphaSvalue / alphaSorder as given, alpha_em fixed at its m_Z value (SigmaProcess:alphaEMorder = -1, as
sigmap's couplings are), parton and hadron levels off (the hard process only: sigmaGen is the LO cross section over
the generated mass window, with Pythia's running-width Breit-Wigner).

Input (stdin, JSON): {"pdfFile", "alphaSMz", "alphaSOrder", "points": [{"pid", "x", "Q"}], "alphaSAt": [Q],
"processes": [{"id", "settings": [...], "events"}], "seed"}
Output (stdout, JSON): {"pythia": version, "xf": [x f(x, Q^2) per point, Pythia's PDF::xf of the beam],
"alphaS": [alpha_s(Q^2)], "processes": [{"id", "sigmaPb", "errPb", "accepted", "widthGeV": {id: width}}], "seconds"}
"""
import json
import sys
import time
from importlib.metadata import version

import pythia8mc as p8

MB_TO_PB = 1e9
QUIET = ["Print:quiet = on", "Next:numberCount = 0", "Init:showProcesses = off", "Init:showChangedSettings = off", "Init:showChangedParticleData = off"]
RESONANCES = (32, 34, 4000001, 4000002)


def make(req, settings, seed):
    py = p8.Pythia("", False)
    common = [
        f"PDF:pSet = LHAGrid1:{req['pdfFile']}",
        f"SigmaProcess:alphaSvalue = {req['alphaSMz']}",
        f"SigmaProcess:alphaSorder = {req['alphaSOrder']}",
        "SigmaProcess:alphaEMorder = -1",
        "PartonLevel:all = off",
        "HadronLevel:all = off",
        "ProcessLevel:resonanceDecays = off",
        "Random:setSeed = on",
        f"Random:seed = {seed}",
    ]
    for s in QUIET + common + list(settings):
        if not py.readString(s):
            raise SystemExit(f"Pythia rejected the setting '{s}'")
    return py


def main():
    req = json.load(sys.stdin)
    t0 = time.time()
    # PDF values and alpha_s from an instance with no process (SoftQCD off: nothing to generate, init only).
    py = make(req, ["ProcessLevel:all = off"], req.get("seed", 1))
    if not py.init():
        raise SystemExit("Pythia init failed for the PDF instance")
    pdf = py.getPDFPtr(2212)
    xf = [pdf.xf(int(p["pid"]), float(p["x"]), float(p["Q"]) ** 2) for p in req["points"]]
    alpha_s = [py.coupSM.alphaS(float(q) ** 2) for q in req["alphaSAt"]]
    out = []
    for k, c in enumerate(req["processes"]):
        py = make(req, c["settings"], req.get("seed", 1) + k)
        if not py.init():
            raise SystemExit(f"Pythia init failed for {c['id']}")
        for _ in range(int(c["events"])):
            py.next()
        info = py.infoPython()
        widths = {str(i): py.particleData.mWidth(i) for i in RESONANCES if py.particleData.isResonance(i)}
        out.append({"id": c["id"], "sigmaPb": info.sigmaGen() * MB_TO_PB, "errPb": info.sigmaErr() * MB_TO_PB, "accepted": info.nAccepted(), "widthGeV": widths})
    json.dump({"pythia": version("pythia8mc"), "xf": xf, "alphaS": alpha_s, "processes": out, "seconds": time.time() - t0}, sys.stdout)


if __name__ == "__main__":
    main()
