"""SModelS 3.2.1's simplified-likelihood upper limits on mu for counting data with a covariance (and third moments).

The peer of sigmap's CountingLikelihood (libs/catalogue/src/smodels/simplifiedLikelihood.ts) on the SR combinations of
the SModelS database v3.0.0: SModelS 3.2.1 reads only the newer `regionMappings` notation and skips v3.0.0's
`covariance` tag, so this driver hands the numbers to SModelS's own smodels.statistics.simplifiedLikelihoods (SLData,
SLUpperLimitComputer) as SModelS's statsTools.forSimplifiedLikelihood does: third moments only when every region has one.

Input (stdin, JSON): [{"observed": [...], "backgrounds": [...], "covariance": [[...]], "thirdMoment": [...] | null,
"nsignal": [...]}]
Output (stdout, JSON): [{"ulObs", "ulExpApriori": float | null, "skewed": bool, "muHatObs", "muHatApriori": float,
"nllObs", "nllApriori": [profiled -ln L at mu = 0, 0.5, 1 on the observed / the expected (= background) counts]}
| {"error": str}]
"""
import json
import logging
import sys


MUS = [0.0, 0.5, 1.0]


def main() -> int:
    logging.disable(logging.WARNING)
    from smodels.base.smodelsLogging import setLogLevel
    from smodels.statistics.basicStats import apriori, observed
    from smodels.statistics.simplifiedLikelihoods import SLData, SLLikelihoodComputer, SLUpperLimitComputer

    setLogLevel("error")
    out = []
    for case in json.load(sys.stdin):
        try:
            data = SLData(case["observed"], case["backgrounds"], case["covariance"], third_moment=case.get("thirdMoment"),
                          nsignal=case["nsignal"], deltas_rel=0.2)
            computer = SLUpperLimitComputer(data)
            expected = SLData(case["backgrounds"], case["backgrounds"], case["covariance"], third_moment=case.get("thirdMoment"),
                              nsignal=case["nsignal"], deltas_rel=0.2)
            lc_obs, lc_exp = SLLikelihoodComputer(data), SLLikelihoodComputer(expected)
            out.append({
                "ulObs": computer.getUpperLimitOnMu(evaluationType=observed),
                "ulExpApriori": computer.getUpperLimitOnMu(evaluationType=apriori),
                "skewed": not data.isLinear(),
                "muHatObs": float(lc_obs.findMuHat()),
                "muHatApriori": float(lc_exp.findMuHat()),
                "nllObs": [float(lc_obs.nll(mu)) for mu in MUS],
                "nllApriori": [float(lc_exp.nll(mu)) for mu in MUS],
            })
        except Exception as e:  # noqa: BLE001 - reported per case
            out.append({"error": f"{type(e).__name__}: {e}"})
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
