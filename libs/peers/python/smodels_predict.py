"""Run SModelS 3.2.1 on SLHA files against the local SModelS database v3.0.0 and write its theory predictions.

It repeats the steps of SModelS' own runner (smodels/matching/modelTester.py: testPoint) with the parameters
of smodels/etc/parameters_default.ini, fixed below in PARAMETERS, and reads the pickle that
smodels_build_db.py wrote (force_load="pcl": no network, no rebuild).

Usage:
  python libs/peers/python/smodels_predict.py [--pickle FILE] --out reference.json FILE.slha...   full predictions
  python libs/peers/python/smodels_predict.py --live FILE.slha...                                 timing JSON on stdout
"""
import argparse
import datetime
import json
import os
import sys
import time

DEFAULT_PICKLE = os.path.expanduser("~/.cache/sigmap/smodels-peer/db300.pcl")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATABASE_SUMS = os.path.join(os.path.dirname(REPO), "shared", "data", "smodels_database_300", "SHA256SUMS")

# smodels/etc/parameters_default.ini of 3.2.1, stated explicitly so a change of defaults cannot slip in.
PARAMETERS = {
    "model": "share.models.mssm",
    "promptWidth_GeV": 1e-11,
    "stableWidth_GeV": 1e-25,
    "checkInput": True,
    "doInvisible": True,
    "doCompress": True,
    "sigmacut_fb": 0.005,
    "minmassgap_GeV": 5.0,
    "minmassgapISR_GeV": 1.0,
    "maxcond": 0.2,
    "ncpus": 1,
    "combineSRs": True,
    "useBestDataset": True,
    "testCoverage": True,
    "computeStatistics": True,
    "expectedValues": "apriori",
    "analyses": "all",
    "txnames": "all",
    "dataselector": "all",
    "useNonValidated": False,
    "maxMassDist": 0.2,
    "deltas_rel": 0.2,
}


def number(value, unit=None):
    """A plain float (or None) from a SModelS unum quantity or float."""
    if value is None:
        return None
    if unit is not None and hasattr(value, "asNumber"):
        value = value.asNumber(unit)
    elif hasattr(value, "asNumber"):
        value = value.asNumber()
    value = float(value)
    return value if value == value and abs(value) != float("inf") else None


def guarded(compute):
    """Statistics that SModelS cannot compute for a result come back as None, with the reason kept."""
    try:
        return compute(), None
    except Exception as error:  # SModelS raises assorted types from its statistics back ends
        return None, f"{type(error).__name__}: {error}"


def database_archive_sha256():
    """The sha256 of smodels-database-300.tar.xz as its SHA256SUMS states it (the unpacked tree came from it)."""
    if not os.path.isfile(DATABASE_SUMS):
        return None
    with open(DATABASE_SUMS) as handle:
        for line in handle:
            digest, _, name = line.strip().partition("  ")
            if name == "smodels-database-300.tar.xz":
                return {"file": name, "sha256": digest, "from": "../shared/data/smodels_database_300/SHA256SUMS"}
    return None


def load_database(pickle):
    from smodels.experiment.databaseObj import Database

    started = time.time()
    database = Database(pickle, force_load="pcl")
    database.selectExpResults(analysisIDs=[PARAMETERS["analyses"]], txnames=[PARAMETERS["txnames"]],
                              datasetIDs=[PARAMETERS["dataselector"]], dataTypes=["all"],
                              useNonValidated=PARAMETERS["useNonValidated"])
    return database, time.time() - started


def masses_of(prediction):
    from smodels.base.physicsUnits import GeV

    sms = prediction.avgSMS
    if sms is None:
        return None
    return {str(node): number(node.mass, GeV) for node in sms.nodes if not node.isSM and node is not sms.root}


def describe(prediction):
    from smodels.base.physicsUnits import TeV, fb
    from smodels.statistics.basicStats import observed, apriori

    result = prediction.expResult
    data_type = prediction.dataType()
    record = {
        "analysisId": result.globalInfo.id,
        "datasetId": prediction.dataId(),
        "dataType": data_type,
        "sqrts_TeV": number(result.globalInfo.sqrts, TeV),
        "lumi_fb": number(result.globalInfo.lumi * fb),
        "txnames": sorted({tx.txName for tx in prediction.txnames}),
        "txnameWeights_fb": {tx.txName: number(w, fb) for tx, w in prediction.getTxNamesWeights().items()},
        "xsection_fb": number(prediction.xsection, fb),
        "masses_GeV": masses_of(prediction),
        "maxcond": number(prediction.getmaxCondition()),
        "upperLimit_fb": number(prediction.getUpperLimit(), fb),
        "expectedUpperLimit_fb": number(prediction.getUpperLimit(evaluationType=apriori), fb),
        "r_obs": number(prediction.getRValue(evaluationType=observed)),
        "r_exp": number(prediction.getRValue(evaluationType=apriori)),
    }
    if data_type == "combined":
        record["combinedDatasets"] = [p.dataId() for p in prediction.datasetPredictions]
    if data_type != "upperLimit":
        cls_obs, why = guarded(lambda: prediction.CLs(evaluationType=observed))
        cls_exp, _ = guarded(lambda: prediction.CLs(evaluationType=apriori))
        record["CLs_obs"] = number(cls_obs)
        record["CLs_exp"] = number(cls_exp)
        if why:
            record["CLs_error"] = why
    for key, compute in (("nll", lambda: prediction.nll()), ("nll_min", lambda: prediction.nll_min()),
                         ("nll_SM", lambda: prediction.nllsm())):
        value, _ = guarded(compute)
        record[key] = number(value)
    return record


def missing_topologies(uncovered):
    from smodels.base.physicsUnits import TeV

    groups = {}
    for group in sorted(uncovered.groups, key=lambda g: g.label):
        groups[group.label] = {
            "description": group.description,
            "sqrts_TeV": number(group.sqrts, TeV),
            "totalXsec_fb": number(group.getTotalXSec()),
            "sms": [{"sms": str(sms), "weight_fb": number(sms.missingX)} for sms in group.finalStateSMS[:10]],
        }
    return groups


def run_point(path, database):
    """One SLHA file through the steps of modelTester.testPoint; returns its record."""
    from smodels.base import runtime
    from smodels.base.model import Model
    from smodels.base.physicsUnits import GeV, TeV, fb
    from smodels.decomposition import decomposer
    from smodels.matching import theoryPrediction
    from smodels.matching.theoryPrediction import theoryPredictionsFor
    from smodels.share.models.SMparticles import SMList
    from smodels.tools import coverage, ioObjects
    from smodels.tools.particlesLoader import load

    started = time.time()
    runtime.modelFile = PARAMETERS["model"]
    status = ioObjects.FileStatus()
    status.checkFile(path)
    record = {"inputStatus": list(status.status) if isinstance(status.status, tuple) else status.status}
    if isinstance(status.status, tuple) and status.status[0] < 0:
        record["seconds"] = time.time() - started
        return record

    model = Model(BSMparticles=load(), SMparticles=SMList)
    model.updateParticles(inputFile=path, promptWidth=PARAMETERS["promptWidth_GeV"] * GeV,
                          stableWidth=PARAMETERS["stableWidth_GeV"] * GeV)
    sigmacut = PARAMETERS["sigmacut_fb"] * fb
    topologies = decomposer.decompose(model, sigmacut, massCompress=PARAMETERS["doCompress"],
                                      invisibleCompress=PARAMETERS["doInvisible"],
                                      minmassgap=PARAMETERS["minmassgap_GeV"] * GeV,
                                      minmassgapISR=PARAMETERS["minmassgapISR_GeV"] * GeV)
    record["nSMS"] = len(topologies.getSMSList())
    record["xsections_fb"] = [{"sqrts_TeV": number(x.info.sqrts, TeV), "order": x.info.order,
                               "pdgs": list(x.pid), "value_fb": number(x.value, fb)}
                              for x in model.xsections]
    if not topologies:
        record["status"] = "no SMS above sigmacut"
        record["seconds"] = time.time() - started
        return record

    predictions = theoryPredictionsFor(database, topologies, maxMassDist=PARAMETERS["maxMassDist"],
                                       useBestDataset=PARAMETERS["useBestDataset"],
                                       combinedResults=PARAMETERS["combineSRs"],
                                       deltas_rel=PARAMETERS["deltas_rel"])
    for prediction in predictions:
        prediction.computeStatistics()
    kept = theoryPrediction.TheoryPredictionList(predictions, PARAMETERS["maxcond"])
    # modelTester.testPoint drops control-region results before printing.
    kept._theoryPredictions = [tp for tp in kept._theoryPredictions
                               if "CR" not in os.path.basename(tp.dataset.path)]
    kept.sortTheoryPredictions()
    described = [describe(tp) for tp in kept]
    record["nPredictionsBeforeMaxcond"] = len(predictions)
    record["predictions"] = described
    with_r = [p for p in described if p["r_obs"] is not None]
    best = max(with_r, key=lambda p: p["r_obs"]) if with_r else None
    record["mostConstraining"] = None if best is None else {
        key: best[key] for key in ("analysisId", "datasetId", "dataType", "txnames", "r_obs", "r_exp")}
    record["combined"] = [p for p in described if p["dataType"] == "combined"]
    uncovered = coverage.Uncovered(topologies, sigmacut=sigmacut)
    record["missingTopologies"] = missing_topologies(uncovered)
    record["seconds"] = time.time() - started
    return record


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="SLHA files")
    parser.add_argument("--pickle", default=DEFAULT_PICKLE)
    parser.add_argument("--out", help="write the full JSON here")
    parser.add_argument("--live", action="store_true", help="print timing JSON only")
    parser.add_argument("--command", help="the command line to record as origin (defaults to argv)")
    args = parser.parse_args()
    if not os.path.isfile(args.pickle):
        print(f"--pickle: {args.pickle} not found; build it with libs/peers/python/smodels_build_db.py", file=sys.stderr)
        return 2
    for path in args.files:
        if not os.path.isfile(path):
            print(f"files: {path} not found", file=sys.stderr)
            return 2
    if not args.live and not args.out:
        print("--out: required unless --live", file=sys.stderr)
        return 2

    from smodels.base.smodelsLogging import setLogLevel
    from smodels.installation import version

    setLogLevel("error")
    database, load_seconds = load_database(args.pickle)
    results = {}
    for path in args.files:
        results[os.path.basename(path)] = run_point(path, database)
        print(f"{os.path.basename(path)}: {results[os.path.basename(path)]['seconds']:.1f} s", file=sys.stderr, flush=True)

    if args.live:
        print(json.dumps({
            "tool": f"SModelS {version()}", "database": database.databaseVersion,
            "databaseLoad_s": load_seconds,
            "files": {name: {"seconds": r["seconds"], "predictions": len(r.get("predictions", [])),
                             "rmax": (r.get("mostConstraining") or {}).get("r_obs")} for name, r in results.items()},
        }))
        return 0

    output = {
        "origin": {
            "tool": f"SModelS {version()}",
            "database": database.databaseVersion,
            "databaseArchive": database_archive_sha256(),
            "databasePickle": args.pickle,
            "parameters": PARAMETERS,
            "command": args.command or " ".join(["python"] + sys.argv),
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "databaseLoad_s": load_seconds,
            "activeResults": len(database.expResultList),
        },
        "files": results,
    }
    with open(args.out, "w") as handle:
        json.dump(output, handle, indent=1, sort_keys=False)
        handle.write("\n")
    print(json.dumps({name: (r.get("mostConstraining") or {}).get("r_obs") for name, r in results.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
