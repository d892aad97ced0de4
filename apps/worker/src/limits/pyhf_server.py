"""pyhf peer for the sbottom lookup limits, used by the worker while @sigmap/stats has no hypotest.

Reads one JSON request per line on stdin, answers one JSON line on stdout:
  {"id": 1, "archive": PATH, "region": "RegionA", "patch": "sbottom_1000_205_60"}
  -> {"id": 1, "clsObs": ..., "clsExp": [5 values], "seconds": ...}
pyhf settings for ATLAS SUSY-2018-31 (shared/data README): normsys code4, histosys code4p, q-tilde, mu = 1.
Exits when stdin closes (its parent worker died or shut down).
"""
import json
import sys
import tarfile
import time

import jsonpatch
import pyhf

pyhf.set_backend("numpy")
_archives = {}


def load(path):
    if path not in _archives:
        files = {}
        # stream mode: one sequential pass over the gzip (random access re-inflates from the start each time)
        with tarfile.open(path, "r|gz") as tf:
            for m in tf:
                if m.isfile() and m.name.endswith(".json"):
                    parts = m.name.split("/")
                    files[(parts[-2], parts[-1])] = tf.extractfile(m).read()
        _archives[path] = files
    return _archives[path]


def hypotest(req):
    files = load(req["archive"])
    bkg = json.loads(files[(req["region"], "BkgOnly.json")])
    patch = json.loads(files[(req["region"], "patch.%s.json" % req["patch"])])
    ws = pyhf.Workspace(jsonpatch.apply_patch(bkg, patch))
    model = ws.model(modifier_settings={"normsys": {"interpcode": "code4"}, "histosys": {"interpcode": "code4p"}})
    data = ws.data(model)
    obs, exp = pyhf.infer.hypotest(1.0, data, model, test_stat="qtilde", return_expected_set=True)
    return float(obs), [float(e) for e in exp]


for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    req = json.loads(line)
    t0 = time.time()
    try:
        obs, exp = hypotest(req)
        out = {"id": req.get("id"), "clsObs": obs, "clsExp": exp, "seconds": time.time() - t0}
    except Exception as e:  # noqa: BLE001 - reported to the caller
        out = {"id": req.get("id"), "error": "%s: %s" % (type(e).__name__, e)}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
