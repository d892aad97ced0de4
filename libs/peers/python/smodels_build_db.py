"""Build SModelS 3.2.1's binary (pickle) copy of the local SModelS database v3.0.0, once.

SModelS skips every folder whose absolute real path has a hidden component
(smodels/experiment/expAuxiliaryFuncs.py: cleanWalk), so a database under ~/.cache loads zero results.
We therefore parse a hard-linked mirror of it at ~/smodels-peer/smodels-database-300 (same inodes, no copy)
and write the pickle to ~/.cache/sigmap/smodels-peer/db300.pcl, outside the clone and the database.
smodels_predict.py loads that pickle with force_load="pcl": no network, no silent rebuild.

Usage: python libs/peers/python/smodels_build_db.py [--database DIR] [--mirror DIR] [--pickle FILE]
"""
import argparse
import json
import os
import shutil
import sys
import time

DEFAULT_DATABASE = os.path.expanduser("~/.cache/sigmap/smodels-database-300")
DEFAULT_MIRROR = os.path.expanduser("~/smodels-peer/smodels-database-300")
DEFAULT_PICKLE = os.path.expanduser("~/.cache/sigmap/smodels-peer/db300.pcl")


def has_hidden_component(path: str) -> bool:
    return any(part.startswith(".") for part in os.path.realpath(path).split(os.sep) if part)


def mirror_database(source: str, target: str) -> None:
    """Hard-link every file of source under target (a copy where linking is impossible)."""
    for root, _dirs, files in os.walk(source):
        destination = os.path.join(target, os.path.relpath(root, source))
        os.makedirs(destination, exist_ok=True)
        for name in files:
            linked = os.path.join(destination, name)
            if os.path.exists(linked):
                continue
            try:
                os.link(os.path.join(root, name), linked)
            except OSError:
                shutil.copy2(os.path.join(root, name), linked)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--mirror", default=DEFAULT_MIRROR)
    parser.add_argument("--pickle", default=DEFAULT_PICKLE)
    args = parser.parse_args()
    if not os.path.isfile(os.path.join(args.database, "version")):
        print(f"--database: {args.database} has no 'version' file, not an SModelS database", file=sys.stderr)
        return 2
    parsed_path = args.database
    if has_hidden_component(args.database):
        if has_hidden_component(args.mirror):
            print(f"--mirror: {args.mirror} has a hidden path component, SModelS would skip it", file=sys.stderr)
            return 2
        mirror_database(args.database, args.mirror)
        parsed_path = args.mirror
    os.makedirs(os.path.dirname(os.path.abspath(args.pickle)), exist_ok=True)

    from smodels.base.smodelsLogging import setLogLevel
    from smodels.experiment.databaseObj import Database
    from smodels.installation import version

    setLogLevel("info")
    started = time.time()
    # force_load="txt": parse the text files only; the pickle is written explicitly below.
    database = Database(parsed_path, force_load="txt")
    parsed = time.time()
    results = database.subs[0]._allExpResults
    if not results:
        print(f"--database: SModelS loaded zero results from {parsed_path}", file=sys.stderr)
        return 1
    # The sub-database holds every result, before Database.selectExpResults' default filter.
    database.subs[0].createBinaryFile(args.pickle)
    written = time.time()
    print(json.dumps({
        "smodels": version(),
        "database": args.database,
        "parsed": parsed_path,
        "databaseVersion": database.databaseVersion,
        "pickle": args.pickle,
        "results": len(results),
        "parse_s": round(parsed - started, 1),
        "write_s": round(written - parsed, 1),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
