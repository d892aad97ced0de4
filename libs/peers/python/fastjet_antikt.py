"""FastJet peer for sigmap's anti-kT clustering (libs/physics/src/detector/jets.ts).

Reads one JSON document on stdin:
  {"R": 0.4, "pt_min": 10.0, "events": [[[px, py, pz, E], ...], ...], "repeat": 0}
Clusters every event with FastJet's anti-kT (E-scheme, the default strategy) and prints one JSON document:
  {"fastjet_version": ..., "events": [[{"px", "py", "pz", "E", "constituents": [input indices, ascending]}, ...]],
   "seconds": wall time of clustering all events `repeat` times (ClusterSequence + inclusive_jets + sorted_by_pt;
   building the PseudoJet inputs is outside the timed region)}
with each event's inclusive jets of pT >= pt_min by decreasing pT.
"""
import json
import os
import sys
import time

import fastjet


def main():
    doc = json.load(sys.stdin)
    # FastJet's C++ banner goes to the process's stdout: send it to stderr, keep stdout for the JSON.
    sys.stdout.flush()
    json_fd = os.dup(1)
    os.dup2(2, 1)
    jet_def = fastjet.JetDefinition(fastjet.antikt_algorithm, float(doc["R"]))
    pt_min = float(doc["pt_min"])
    inputs = []
    for event in doc["events"]:
        particles = []
        for i, (px, py, pz, e) in enumerate(event):
            p = fastjet.PseudoJet(px, py, pz, e)
            p.set_user_index(i)
            particles.append(p)
        inputs.append(particles)
    t0 = time.perf_counter()
    for _ in range(int(doc.get("repeat", 0))):
        for particles in inputs:
            fastjet.sorted_by_pt(fastjet.ClusterSequence(particles, jet_def).inclusive_jets(pt_min))
    seconds = time.perf_counter() - t0
    out = []
    for particles in inputs:
        cs = fastjet.ClusterSequence(particles, jet_def)
        jets = fastjet.sorted_by_pt(cs.inclusive_jets(pt_min))
        out.append([
            {"px": j.px(), "py": j.py(), "pz": j.pz(), "E": j.E(), "constituents": sorted(c.user_index() for c in j.constituents())}
            for j in jets
        ])
    sys.stdout.flush()
    os.dup2(json_fd, 1)
    json.dump({"fastjet_version": fastjet.__version__, "events": out, "seconds": seconds}, sys.stdout)


if __name__ == "__main__":
    main()
