"""The mutation gate: every safety mutant in tests/mutants/ must be killed by its tests.

Each mutant is a TOML file:

    why = "what the breakage would leak"
    tests = ["tests/properties/test_x.py::test_y"]   # pytest node ids or paths that must fail
    plugins = []                   # optional: pytest plugins beyond PLUGINS that they need

    [[edit]]                       # one or more; applied in order
    file = "app/security/keys.py"
    old = '''exact text, found exactly once'''
    new = '''its replacement'''

The tree (tracked and untracked files, not ignored ones) is copied once per worker into a
scratch directory; for each mutant the worker applies its edits there, runs its tests with
`-x -q -p no:cacheprovider` on SQLite, and puts the files back (the test template database is
migrated once, from the unmutated tree, for every mutant that does not edit a migration). A
mutant is

- killed    when its tests fail (pytest exit status 1);
- survived  when they pass (status 0): a missing test;
- error     when it cannot be applied (an `old` text not found exactly once: the code moved
            and the mutant is stale), or pytest fails otherwise (collection error, no tests
            found, time-out): the mutant proves nothing until it is fixed.

Exit status 0 only if every mutant is killed. Usage:
    python scripts/mutants.py [-j 2] [--list] [NAME ...]
    python scripts/mutants.py --which tests/room NAME     # which tests kill NAME?
"""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "tests" / "mutants"
# Plugins are not autoloaded (schemathesis' and playwright's cost seconds a start); the suite's
# own need only these. A mutant whose tests need another names it: plugins = ["..."].
PLUGINS = ["pytest_timeout", "hypothesis.extra.pytestplugin", "anyio.pytest_plugin"]
PYTEST_ARGS = ["-x", "-q", "-p", "no:cacheprovider"]
WHICH_ARGS = ["-q", "-p", "no:cacheprovider", "-rf"]
TIMEOUT = 600  # seconds per mutant, then it is an error


@dataclass(frozen=True)
class Edit:
    file: str
    old: str
    new: str


@dataclass(frozen=True)
class Mutant:
    name: str
    why: str
    tests: tuple[str, ...]
    edits: tuple[Edit, ...]
    plugins: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    mutant: Mutant
    status: str  # killed | survived | error
    seconds: float
    detail: str = ""


class BadMutant(Exception):
    """The mutant file is malformed or no longer applies to the code."""


def load(path: Path) -> Mutant:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise BadMutant(f"{path.name}: not valid TOML: {exc}") from exc
    tests = data.get("tests")
    edits = data.get("edit")
    if not isinstance(data.get("why"), str) or not data["why"].strip():
        raise BadMutant(f"{path.name}: `why` must say what the breakage would leak")
    if not isinstance(tests, list) or not tests or not all(isinstance(t, str) for t in tests):
        raise BadMutant(f"{path.name}: `tests` must be a non-empty list of pytest node ids")
    if not isinstance(edits, list) or not edits:
        raise BadMutant(f"{path.name}: at least one [[edit]] with file, old and new")
    parsed = []
    for edit in edits:
        if not all(isinstance(edit.get(k), str) for k in ("file", "old", "new")):
            raise BadMutant(f"{path.name}: every [[edit]] needs file, old and new strings")
        if not edit["old"] or edit["old"] == edit["new"]:
            raise BadMutant(f"{path.name}: an edit of {edit['file']} changes nothing")
        parsed.append(Edit(edit["file"], edit["old"], edit["new"]))
    plugins = data.get("plugins", [])
    if not isinstance(plugins, list) or not all(isinstance(p, str) for p in plugins):
        raise BadMutant(f"{path.name}: `plugins` must be a list of pytest plugin modules")
    return Mutant(path.stem, data["why"].strip(), tuple(tests), tuple(parsed), tuple(plugins))


def edited(mutant: Mutant, tree: Path) -> dict[Path, tuple[str, str]]:
    """Each file the mutant changes in `tree`: (original text, mutated text). Nothing is
    written; BadMutant if a file is missing or an `old` text is not found exactly once."""
    texts: dict[Path, tuple[str, str]] = {}
    for edit in mutant.edits:
        path = tree / edit.file
        if path not in texts:
            if not path.is_file():
                raise BadMutant(f"{edit.file}: no such file")
            original = path.read_text(encoding="utf-8")
            texts[path] = (original, original)
        original, text = texts[path]
        found = text.count(edit.old)
        if found != 1:
            raise BadMutant(f"{edit.file}: `old` found {found} times, not once (stale?)")
        texts[path] = (original, text.replace(edit.old, edit.new))
    return texts


def apply(mutant: Mutant, tree: Path) -> dict[Path, str]:
    """Apply the edits in `tree`; returns the original text of each file changed."""
    texts = edited(mutant, tree)
    for path, (_original, text) in texts.items():
        path.write_text(text, encoding="utf-8")
        forget_bytecode(path)
    return {path: original for path, (original, _text) in texts.items()}


def restore(originals: dict[Path, str]) -> None:
    for path, text in originals.items():
        path.write_text(text, encoding="utf-8")
        forget_bytecode(path)


def forget_bytecode(path: Path) -> None:
    """Bytecode is cached in the scratch tree between runs, but never for an edited file: its
    pyc is checked by mtime and size, which an edit of one character within a second keeps."""
    for cached in (path.parent / "__pycache__").glob(f"{path.stem}.*.pyc"):
        cached.unlink(missing_ok=True)


def scratch_copy(into: Path) -> Path:
    """Tracked and untracked (not ignored) files of the tree, as they are on disk."""
    git = shutil.which("git") or "git"
    listed = subprocess.run(  # noqa: S603 - fixed arguments
        [git, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / os.fsdecode(name)
        if source.is_file():  # a deleted, not yet committed file is listed but absent
            target = into / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return into


def environment(mutant: Mutant, template: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("TRACKTWO_TEST_DATABASE_URL", "TRACKTWO_DATABASE_URL", "PYTEST_ADDOPTS"):
        env.pop(name, None)  # the gate runs on SQLite: parallel workers share no database
    env.pop("TRACKTWO_TEST_TEMPLATE_DB", None)
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    if template is not None and not any(e.file.startswith("migrations/") for e in mutant.edits):
        env["TRACKTWO_TEST_TEMPLATE_DB"] = str(template)  # not migrated again for each mutant
    return env


def migrated_template(into: Path) -> Path:
    """The test template database, migrated once from the unmutated tree (tests/conftest.py
    copies it instead of running every migration again); a mutant of a migration migrates."""
    path = into / "template.db"
    subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", f"from app.migrate import upgrade; upgrade('sqlite:///{path}')"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("TRACKTWO_")},
        check=True,
    )
    return path


def run(
    mutant: Mutant,
    trees: queue.Queue[Path],
    which: list[str] | None = None,
    verbose: bool = False,
    template: Path | None = None,
) -> Outcome:
    """Apply, run the mutant's tests (or, with `which`, these paths without -x, to find the
    tests that kill it: their node ids are the detail), restore."""
    tree = trees.get()
    plugins = [arg for name in (*PLUGINS, *mutant.plugins) for arg in ("-p", name)]
    args = [*plugins, *(PYTEST_ARGS if which is None else WHICH_ARGS)]
    args += list(mutant.tests if which is None else which)
    started = time.monotonic()
    try:
        try:
            originals = apply(mutant, tree)
        except BadMutant as exc:
            return Outcome(mutant, "error", time.monotonic() - started, str(exc))
        try:
            done = subprocess.run(  # noqa: S603 - this interpreter, the mutant's own test ids
                [sys.executable, "-m", "pytest", *args],
                cwd=tree,
                env=environment(mutant, template),
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            return Outcome(mutant, "error", time.monotonic() - started, f"timed out ({TIMEOUT} s)")
        finally:
            restore(originals)
        elapsed = time.monotonic() - started
        last = (done.stdout.strip().splitlines() or [""])[-1]
        failed = [ln.split()[1] for ln in done.stdout.splitlines() if ln.startswith("FAILED ")]
        if verbose:
            lines = [ln for ln in done.stdout.splitlines() if ln.startswith("E ")]
            last = "\n".join([last, *lines[:12]])
        if done.returncode == 1:
            if which is not None:
                return Outcome(mutant, "killed", elapsed, "\n".join([last, *failed]))
            by = f" by {failed[0]}" if failed else ""
            return Outcome(mutant, "killed", elapsed, f"{last}{by}")
        if done.returncode == 0:
            return Outcome(mutant, "survived", elapsed, last)
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        return Outcome(mutant, "error", elapsed, f"pytest exit {done.returncode}\n{tail}")
    finally:
        trees.put(tree)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("names", nargs="*", help="run only these mutants (file stems)")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="parallel workers (2)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument(
        "--which",
        nargs="+",
        metavar="TESTS",
        help="run these test paths (not -x) under each mutant and print the tests that fail",
    )
    parser.add_argument(
        "--check", action="store_true", help="only check that every mutant still applies"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show how each one failed")
    args = parser.parse_args(argv)

    paths = sorted(MUTANTS.glob("*.toml"))
    if args.names:
        unknown = set(args.names) - {p.stem for p in paths}
        if unknown:
            print(f"mutants: no such mutant: {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        paths = [p for p in paths if p.stem in args.names]
    mutants: list[Mutant] = []
    outcomes: list[Outcome] = []
    for path in paths:
        try:
            mutants.append(load(path))
        except BadMutant as exc:
            outcomes.append(Outcome(Mutant(path.stem, "", (), ()), "error", 0.0, str(exc)))
    if args.check:  # in memory: does every anchor still match the tree?
        for m in mutants:
            try:
                edited(m, ROOT)
            except BadMutant as exc:
                outcomes.append(Outcome(m, "error", 0.0, str(exc)))
        for outcome in outcomes:
            print(f"error  {outcome.mutant.name}: {outcome.detail}")
        print(f"mutants: {len(paths)} checked, {len(outcomes)} stale or malformed")
        return 1 if outcomes else 0
    if args.list:
        for m in mutants:
            print(f"{m.name}: {' '.join(m.why.split())}")
        return 0
    if not mutants and not outcomes:
        print("mutants: nothing to run", file=sys.stderr)
        return 2

    started = time.monotonic()
    jobs = max(1, min(args.jobs, len(mutants) or 1))
    with tempfile.TemporaryDirectory(prefix="tracktwo-mutants-") as scratch:
        trees: queue.Queue[Path] = queue.Queue()
        for n in range(jobs):
            trees.put(scratch_copy(Path(scratch) / f"tree{n}"))
        template = migrated_template(Path(scratch))
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = [
                pool.submit(run, m, trees, args.which, args.verbose, template) for m in mutants
            ]
            for future in as_completed(futures):
                outcome = future.result()
                outcomes.append(outcome)
                print(
                    f"{outcome.status:9} {outcome.seconds:6.1f}s  {outcome.mutant.name}"
                    f"  {outcome.detail.splitlines()[0] if outcome.detail else ''}",
                    flush=True,
                )
    if args.which or args.verbose:
        for outcome in outcomes:
            print(f"\n== {outcome.mutant.name}: {outcome.status}\n{outcome.detail}")
    bad = [o for o in outcomes if o.status != "killed"]
    for outcome in bad:
        print(f"\n== {outcome.status}: {outcome.mutant.name}\n{outcome.mutant.why}")
        print(f"tests: {' '.join(outcome.mutant.tests)}\n{outcome.detail}")
    counts = {s: sum(o.status == s for o in outcomes) for s in ("killed", "survived", "error")}
    print(
        f"\nmutants: {counts['killed']} killed, {counts['survived']} survived, "
        f"{counts['error']} error in {time.monotonic() - started:.0f}s ({jobs} workers)"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
