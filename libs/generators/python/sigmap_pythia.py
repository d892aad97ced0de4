"""sigmap's event-generator driver: Pythia 8 (pythia8mc), LHE showering, HepMC3 reading.

Reads one JSON request on stdin, writes frames on stdout: a little-endian uint32 length, a JSON header of that length,
then header["bytes"] bytes of little-endian float64 rows (COLUMNS below). Pythia's own printout goes to stderr.
Batch b of a Pythia or LHE run is generated after Rndm::init(batch_seed(seed, b)) with Pythia's statistics reset, so
it depends only on (settings, seed, b): a run resumed at batch b gives the same events and batch cross sections.
"""
import json
import os
import sys
import tempfile

import numpy as np

COLUMNS = ["event", "pdg", "px", "py", "pz", "E", "m", "charge", "mother", "final", "label", "origin"]
LABEL_TAUH, LABEL_FROM_TAU, LABEL_NONPROMPT = 1, 2, 3
RESONANCES = (6, 23, 24, 25)
PARTONS_AND_LEPTONS = (1, 2, 3, 4, 5, 21, 11, 12, 13, 14, 15, 16)
MB_TO_PB = 1e9

_out = None


def send(header, payload=b""):
    header = dict(header, bytes=len(payload))
    h = json.dumps(header, separators=(",", ":")).encode()
    _out.write(len(h).to_bytes(4, "little") + h + payload)
    _out.flush()


class DriverError(Exception):
    def __init__(self, field, problem):
        super().__init__(problem)
        self.field = field
        self.problem = problem


def batch_seed(seed, batch):
    """Pythia seeds lie in [1, 900000000]: a splitmix64 step of (seed, batch), folded into that range."""
    z = (seed * 0x9E3779B97F4A7C15 + (batch + 1) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return 1 + (z ^ (z >> 31)) % 900000000


def charge_of(ids, pdata, cache):
    """Electric charge per particle from Pythia's particle table (looked up once per distinct id)."""
    uniq, inv = np.unique(ids, return_inverse=True)
    q = np.empty(len(uniq))
    for k, i in enumerate(uniq):
        i = int(i)
        if i not in cache:
            cache[i] = pdata.charge(i)
        q[k] = cache[i]
    return q[inv]


def is_hadron(aid):
    return (aid > 100) & (aid < 1000000)


def rows_for(offsets, ids, status_final, decayed_mask, mother1, px, py, pz, e, m, charge):
    """
    The rows sigmap's EventRecord needs, from flat particle arrays of several events (event i owns
    [offsets[i], offsets[i+1])). mother1 is a flat index or -1. Kept: final-state particles; last copies of b and c
    quarks and of taus; last copies of t, W, Z, H with their direct parton/lepton daughters (the truth objects of the
    jet and large-R labelling). Labels: visible products of a hadronic tau decay (origin = the tau's row), leptons
    from tau decays, and non-prompt products of hadron decays.
    """
    n = len(ids)
    aid = np.abs(ids)
    has_mother = mother1 >= 0
    m1 = np.where(has_mother, mother1, 0)
    same_as_mother = has_mother & (ids[m1] == ids)
    not_last = np.zeros(n, bool)
    not_last[mother1[same_as_mother]] = True
    has_child = np.zeros(n, bool)
    has_child[mother1[has_mother]] = True
    last = ~not_last
    decayed = decayed_mask & last & has_child & (is_hadron(aid) | (aid == 15))
    # first copy of each particle (walk up through same-id mothers)
    first = np.arange(n)
    for _ in range(64):
        up = same_as_mother[first]
        if not up.any():
            break
        first = np.where(up, mother1[first], first)
    # root of a decay chain: the topmost decayed ancestor of consecutive decays
    mom_decayed = has_mother & decayed[m1]
    root = np.where(mom_decayed, m1, -1)
    for _ in range(64):
        r = np.where(root >= 0, root, 0)
        step = (root >= 0) & (mother1[r] >= 0) & decayed[np.where(mother1[r] >= 0, mother1[r], 0)]
        if not step.any():
            break
        root = np.where(step, mother1[r], root)
    rr = np.where(root >= 0, root, 0)
    from_tau = (root >= 0) & (aid[rr] == 15)
    lepton_child = has_mother & ((aid == 11) | (aid == 13))
    tau_leptonic = np.zeros(n, bool)
    tau_leptonic[mother1[lepton_child]] = True
    final = status_final
    tau_had_product = final & from_tau & ~tau_leptonic[rr] & ~np.isin(aid, (12, 14, 16))
    label = np.zeros(n)
    label[final & from_tau & tau_leptonic[rr] & ((aid == 11) | (aid == 13))] = LABEL_FROM_TAU
    label[final & (root >= 0) & ~from_tau] = LABEL_NONPROMPT
    label[tau_had_product] = LABEL_TAUH
    res_last = last & has_child & np.isin(aid, RESONANCES)
    res_child = has_mother & res_last[m1] & np.isin(aid, PARTONS_AND_LEPTONS) & ~np.isin(aid, RESONANCES)
    heavy = last & ((aid == 4) | (aid == 5))
    taus = decayed & (aid == 15)
    keep = final | res_last | res_child | heavy | taus
    # resonance rows hang from the resonance their first copy came from (t -> W b: the W's last copy under the top)
    fm = mother1[first]
    res_parent = np.where(res_last & (fm >= 0), fm, -1)
    res_parent = np.where((res_parent >= 0) & res_last[np.where(res_parent >= 0, res_parent, 0)], res_parent, -1)
    event_of = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    kept_before = np.cumsum(keep) - keep
    row = kept_before - kept_before[offsets[:-1]][event_of]  # row within its event's kept list
    mother_row = np.full(n, -1.0)
    mother_row[res_child] = row[mother1[res_child]]
    has_rp = res_parent >= 0
    mother_row[has_rp] = row[res_parent[has_rp]]
    origin = np.full(n, -1.0)
    origin[tau_had_product] = row[rr[tau_had_product]]
    cols = [event_of, ids, px, py, pz, e, m, charge, mother_row, final.astype(float), label, origin]
    return np.stack([np.asarray(c, dtype="<f8")[keep] for c in cols], axis=1)


def flat_of(batch):
    """Flat arrays (all events of a nextBatch result) with mother1 as a flat index; Pythia entry 0 is the system."""
    import awkward as ak

    prt = batch.prt
    counts = np.asarray(ak.num(prt))
    offsets = np.concatenate([[0], np.cumsum(counts)])
    f = lambda a: np.asarray(ak.flatten(a))
    ids = f(prt.id).astype(np.int64)
    status = f(prt.status)
    mother = f(prt.mother1).astype(np.int64)
    event_of = np.repeat(np.arange(len(counts)), counts)
    mother = np.where(mother > 0, mother + offsets[:-1][event_of], -1)
    p = prt.p
    return offsets, ids, status, mother, f(p.px), f(p.py), f(p.pz), f(p.e), f(prt.m)


def pythia_rows(batch, pdata, cache):
    offsets, ids, status, mother, px, py, pz, e, m = flat_of(batch)
    # drop Pythia's entry 0 (the whole event) by making it neither final nor kept: it has id 90
    final = status > 0
    decayed = status < 0
    return rows_for(offsets, ids, final, decayed, mother, px, py, pz, e, m, charge_of(ids, pdata, cache))


def make_pythia(settings, slha_text, lhe_file, skip):
    import pythia8mc

    py = pythia8mc.Pythia("", False)
    base = ["Print:quiet = on", "Next:numberCount = 0", "Stat:reset = on", "Random:setSeed = on", "Random:seed = 1", "Check:abortIfVeto = off"]
    tmp = None
    if slha_text:
        tmp = tempfile.NamedTemporaryFile("w", suffix=".slha", delete=False)
        tmp.write(slha_text)
        tmp.close()
        base.append(f"SLHA:file = {tmp.name}")
    if lhe_file:
        base += ["Beams:frameType = 4", f"Beams:LHEF = {lhe_file}", f"Beams:nSkipLHEFatInit = {skip}"]
    for s in base + list(settings):
        if not py.readString(s):
            raise DriverError("settings", f"Pythia rejected '{s}'")
    if not py.init():
        raise DriverError("settings", "Pythia initialisation failed (its messages are on stderr)")
    if tmp:
        os.unlink(tmp.name)
    return py


def run_pythia(req):
    import pythia8mc

    seed, events, bs, start_batch = req["seed"], req["events"], req["batchSize"], req.get("startBatch", 0)
    lhe = req.get("lhe")
    py = make_pythia(req.get("settings", []), req.get("slha"), lhe, start_batch * bs)
    send({"type": "init", "generator": f"pythia8mc {pythia8mc.__version__ if hasattr(pythia8mc, '__version__') else '8.317'}", "columns": COLUMNS})
    cache = {}
    nb = (events + bs - 1) // bs
    for b in range(start_batch, nb):
        n = min(bs, events - b * bs)
        py.rndm.init(batch_seed(seed, b))
        batch = py.nextBatch(n)
        got = len(batch)
        if got < n and not lhe:
            raise DriverError("events", f"Pythia returned {got} of {n} events in batch {b} (errors on stderr)")
        rows = pythia_rows(batch, py.particleData, cache)
        info = py.infoPython()  # a snapshot: fetched after each batch
        sigma, err, acc = info.sigmaGen() * MB_TO_PB, info.sigmaErr() * MB_TO_PB, info.nAccepted()
        py.stat()  # Stat:reset = on: the next batch's cross-section estimate starts afresh
        send({"type": "batch", "batch": b, "start": b * bs, "events": got, "rows": rows.shape[0], "cols": len(COLUMNS), "sigmaPb": sigma, "sigmaErrPb": err, "accepted": acc}, rows.tobytes())
        if lhe and got < n:
            break
    send({"type": "end"})


def check_lhe(path):
    """pylhe parses every event; a record it cannot read is reported with its event number."""
    import pylhe

    try:
        lhe = pylhe.LHEFile.fromfile(path)
        procs = lhe.init.procInfo
    except Exception as e:  # noqa: BLE001 - pylhe raises several types
        raise DriverError(path, f"LHE <init> block unreadable: {type(e).__name__}: {e}")
    k = 0
    try:
        for k, ev in enumerate(lhe.events, start=1):
            nup = int(ev.eventinfo.nparticles)
            if nup != len(ev.particles) or nup == 0:
                raise DriverError(path, f"event {k}: its header says {nup} particles, the record has {len(ev.particles)}")
            for p in ev.particles:
                if not all(np.isfinite(v) for v in (p.px, p.py, p.pz, p.e)):
                    raise DriverError(path, f"event {k}: non-finite momentum component")
    except DriverError:
        raise
    except Exception as e:  # noqa: BLE001
        raise DriverError(path, f"event {k + 1}: {type(e).__name__}: {e}")
    if k == 0:
        raise DriverError(path, "no <event> records")
    xsec = sum(float(p.xSection) for p in procs)
    xerr = float(np.sqrt(sum(float(p.error) ** 2 for p in procs)))
    return k, xsec, xerr


def run_lhe(req):
    path = req["file"]
    n_file, xsec, xerr = check_lhe(path)
    events = min(req["events"], n_file) if req["events"] > 0 else n_file
    send({"type": "lhe", "eventsInFile": n_file, "xsecPb": xsec, "xsecErrPb": xerr})
    run_pythia(dict(req, events=events, lhe=path))


def run_hepmc(req):
    """HepMC3 events as given (already showered and hadronised): statuses 1 final, 2 decayed (HepMC3 convention)."""
    import pyhepmc
    import pythia8mc

    pdata = pythia8mc.Pythia("", False).particleData  # charges only; nothing is generated
    path, bs, start_batch, limit = req["file"], req["batchSize"], req.get("startBatch", 0), req["events"]
    send({"type": "init", "generator": f"pyhepmc {pyhepmc.__version__}", "columns": COLUMNS})
    cache = {}
    pending = []
    xsec = None
    k = 0
    # line numbers of the event records, to name the record a failed read stopped at
    try:
        with open(path, "rb") as raw:
            event_lines = [i for i, line in enumerate(raw, start=1) if line.startswith(b"E ")]
    except OSError as e:
        raise DriverError(path, f"cannot read: {e}")

    def flush(batch_index):
        arrays = [np.concatenate([a[j] for a in pending]) for j in range(8)]
        counts = [len(a[0]) for a in pending]
        offsets = np.concatenate([[0], np.cumsum(counts)])
        ids, status, mother, px, py, pz, e, m = arrays
        rows = rows_for(offsets, ids, status == 1, status == 2, mother, px, py, pz, e, m, charge_of(ids, pdata, cache))
        send({"type": "batch", "batch": batch_index, "start": batch_index * bs, "events": len(pending), "rows": rows.shape[0], "cols": len(COLUMNS), "sigmaPb": xsec, "sigmaErrPb": None}, rows.tobytes())
        pending.clear()

    try:
        with pyhepmc.open(path) as f:
            while True:
                if limit > 0 and k >= limit:
                    break
                try:
                    ev = f.read()
                except Exception as e:  # noqa: BLE001
                    raise DriverError(path, f"event {k + 1}: {type(e).__name__}: {e}")
                if ev is None:
                    if k < len(event_lines):
                        raise DriverError(path, f"event {k + 1} (record at line {event_lines[k]}): HepMC3 reader failed to parse it")
                    break
                k += 1
                if k <= start_batch * bs:
                    continue
                a = ev.numpy.particles
                npart = len(a.pid)
                if npart == 0:
                    raise DriverError(path, f"event {k} (event_number {ev.event_number}): no particles")
                if ev.cross_section is not None:  # a running estimate: the last event's is the best
                    xsec = float(ev.cross_section.xsec())
                # parents by vertex (one Python step per vertex, not per particle)
                mother = np.full(npart, -1, np.int64)
                for v in ev.vertices:
                    ins = v.particles_in
                    if not ins:
                        continue
                    p0 = ins[0].id - 1
                    for o in v.particles_out:
                        mother[o.id - 1] = p0
                mom = [np.asarray(a.px), np.asarray(a.py), np.asarray(a.pz), np.asarray(a.e)]
                if not all(np.isfinite(x).all() for x in mom):
                    raise DriverError(path, f"event {k}: non-finite momentum component")
                ids = np.asarray(a.pid, np.int64)
                status = np.asarray(a.status)
                msq = mom[3] ** 2 - mom[0] ** 2 - mom[1] ** 2 - mom[2] ** 2
                m = np.sqrt(np.clip(msq, 0, None))
                pending.append([ids, status, mother, *mom, m])
                if len(pending) == bs:
                    _offset_mothers(pending)
                    flush((k - 1) // bs)
    except DriverError:
        raise
    except OSError as e:
        raise DriverError(path, f"cannot read: {e}")
    if k == 0:
        raise DriverError(path, "no HepMC3 events in the file")
    if pending:
        _offset_mothers(pending)
        flush((k - 1) // bs)
    send({"type": "end", "eventsInFile": k})


def _offset_mothers(pending):
    """Per-event parent indices -> flat indices over the batch."""
    off = 0
    for a in pending:
        a[2] = np.where(a[2] >= 0, a[2] + off, -1)
        off += len(a[0])


def main():
    global _out
    # Pythia prints on C++ std::cout (fd 1): the protocol gets its own copy of stdout, fd 1 becomes stderr.
    _out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    try:
        req = json.loads(sys.stdin.read())
        src = req.get("source")
        if src == "pythia":
            run_pythia(req)
        elif src == "lhe":
            run_lhe(req)
        elif src == "hepmc":
            run_hepmc(req)
        else:
            raise DriverError("source", f"expected pythia, lhe or hepmc, got {src!r}")
    except DriverError as e:
        send({"type": "error", "field": e.field, "problem": e.problem})
        return 3
    except Exception as e:  # noqa: BLE001 - any failure goes back as one message
        send({"type": "error", "field": "generator", "problem": f"{type(e).__name__}: {e}"})
        return 4
    return 0


if __name__ == "__main__":
    sys.exit(main())
