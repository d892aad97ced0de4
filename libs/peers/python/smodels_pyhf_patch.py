"""SModelS 3.2.1's pyhf signal patch and limits for background-only workspaces named in `jsonFiles`.

The peer of sigmap's smodelsPyhfPatch (libs/catalogue/src/smodels/pyhfPatch.ts): SModelS 3.2.1 reads only the new
`regionMappings` notation and ignores the database v3.0.0's `jsonFiles`, so this driver hands the `jsonFiles` regions
to SModelS's own pyhf interface (smodels.statistics.pyhfInterface.PyhfData, as SModelS 3.0 did with them: plain
dataset names get their pyhf channels from `updatePyhfNames`) and prints SModelS's patch, and optionally pyhf's CLs
at mu = 1 of the patched workspace and SModelS's observed upper limit on mu.

Input (stdin, JSON): [{"workspace": PATH, "regions": [name | {smodels, pyhf, type}], "includeCRs": bool,
"signalUncertainty": float | null, "nsignals": {dataset: events}, "limits": bool}]
Output (stdout, JSON): [{"patch": [...], "clsObs": float, "muUpObs": float} | {"error": str}]
"""
import json
import logging
import sys


def regions_of(entries):
    out = []
    for e in entries:
        if isinstance(e, str):
            # no "pyhf" key: PyhfData.updatePyhfNames names the channels; "type" because checkConsistency reads it
            # before the naming runs (SModelS 3.2.1 raises KeyError without it)
            out.append({"smodels": e, "type": "SR"})
        else:
            r = {"smodels": e.get("smodels"), "type": e.get("type", "SR")}
            if "pyhf" in e:
                r["pyhf"] = e["pyhf"]
            out.append(r)
    return out


def main() -> int:
    logging.disable(logging.WARNING)
    import jsonpatch
    import pyhf
    from smodels.base.smodelsLogging import setLogLevel
    from smodels.statistics.basicStats import observed
    from smodels.statistics.pyhfInterface import PyhfData, PyhfUpperLimitComputer

    setLogLevel("error")
    pyhf.set_backend("numpy", pyhf.optimize.scipy_optimizer())
    cases = json.load(sys.stdin)
    results = []
    cache = {}
    for case in cases:
        try:
            path = case["workspace"]
            if path not in cache:
                with open(path) as f:
                    cache[path] = json.load(f)
            ws = cache[path]
            data = PyhfData(case["nsignals"], ws, regions_of(case["regions"]), bool(case.get("includeCRs")),
                            case.get("signalUncertainty"), jsonFileName=path)
            if data.errorFlag:
                results.append({"error": "SModelS's PyhfData refused the regions (errorFlag)"})
                continue
            computer = PyhfUpperLimitComputer(data)
            out = {"patch": computer.patch}
            if case.get("limits"):
                spec = jsonpatch.apply_patch(ws, computer.patch)
                w = pyhf.Workspace(spec)
                model = w.model(modifier_settings={"normsys": {"interpcode": "code4"}, "histosys": {"interpcode": "code4p"}})
                cls = pyhf.infer.hypotest(1.0, w.data(model), model, test_stat="qtilde")
                out["clsObs"] = float(cls)
                out["muUpObs"] = computer.getUpperLimitOnMu(evaluationType=observed)
            results.append(out)
        except Exception as e:  # noqa: BLE001 - reported per case, the comparison names it
            results.append({"error": f"{type(e).__name__}: {e}"})
    json.dump(results, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
