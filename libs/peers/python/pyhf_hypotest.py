"""pyhf peer for sigmap's cross-checks and benchmarks.

Reads one JSON document on stdin:
  {"workspaces": {KEY: workspace JSON}, "jobs": [{"workspace": KEY, "patch": [JSON Patch ops] | null,
   "poi_test": 1.0, "test_stat": "qtilde", "normsys": "code4", "histosys": "code4p"}],
   "tolerance": null | float (scipy SLSQP ftol; null = pyhf default), "repeat": 1}
Runs pyhf.infer.hypotest (numpy backend, scipy optimizer) for every job, `repeat` times, and prints one JSON document:
  {"pyhf_version": ..., "results": [{"CLs_obs": x, "CLs_exp": [5], "twice_nll": {fit: -2 log L at pyhf's fit}}],
   "seconds": wall time of the hypotests only, "hypotests": count}
Model building (Workspace + patch + model) is outside the timed region, as for sigmap.
"""
import json
import sys
import time

import jsonpatch
import pyhf


def num(x):
    """JSON has no NaN: a failed pyhf fit comes back as null."""
    x = float(x)
    return None if x != x else x


def main():
    req = json.load(sys.stdin)
    tol = req.get("tolerance")
    pyhf.set_backend("numpy", pyhf.optimize.scipy_optimizer(tolerance=tol) if tol else "scipy")
    prepared = []
    for job in req["jobs"]:
        spec = req["workspaces"][job["workspace"]]
        if job.get("patch"):
            spec = jsonpatch.apply_patch(spec, job["patch"])
        ws = pyhf.Workspace(spec)
        model = ws.model(
            modifier_settings={
                "normsys": {"interpcode": job.get("normsys", "code4")},
                "histosys": {"interpcode": job.get("histosys", "code4p")},
            }
        )
        prepared.append((model, ws.data(model), job))
    repeat = int(req.get("repeat", 1))
    results = []
    t0 = time.perf_counter()
    for r in range(repeat):
        for model, data, job in prepared:
            obs, exp, calc = pyhf.infer.hypotest(
                job.get("poi_test", 1.0),
                data,
                model,
                test_stat=job.get("test_stat", "qtilde"),
                return_expected_set=True,
                return_calculator=True,
            )
            if r == 0:
                results.append({"CLs_obs": num(obs), "CLs_exp": [num(x) for x in exp], "_calc": (calc, model, data)})
    seconds = time.perf_counter() - t0
    # -2 log L at pyhf's five fits (outside the timed region), to tell which minimum each fit found
    for res in results:
        calc, model, data = res.pop("_calc")
        fp = calc.fitted_pars
        asimov = model.expected_data(fp.asimov_pars)
        nll = lambda pars, d: num(-2 * model.logpdf(pars, d)[0])
        res["twice_nll"] = {
            "freeData": nll(fp.free_fit_to_data, data),
            "fixedData": nll(fp.fixed_poi_fit_to_data, data),
            "asimov": nll(fp.asimov_pars, data),
            "freeAsimov": nll(fp.free_fit_to_asimov, asimov),
            "fixedAsimov": nll(fp.fixed_poi_fit_to_asimov, asimov),
        }
    json.dump({"pyhf_version": pyhf.__version__, "results": results, "seconds": seconds, "hypotests": repeat * len(prepared)}, sys.stdout)


if __name__ == "__main__":
    main()
