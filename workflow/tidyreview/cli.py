"""The `tidyreview` command: benchmark, data dictionary, DDL.

tidyreview benchmark            pipeline timings and memory, then each area's benchmark
tidyreview benchmark --only scale [--sizes 1,8,32,128]
                                time, CPU and memory against the number of reviews
tidyreview dictionary [--check] write (or check) docs/data-dictionary.md from the schemas
tidyreview ddl                  print the DuckDB DDL generated from the schemas
tidyreview lint                 snakemake --lint, failing on any lint not justified below
tidyreview --version            the installed version (from the package metadata)
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DICTIONARY = ROOT / "docs" / "data-dictionary.md"
MANIFEST = ROOT / "workflow" / "tables.json"


def workflow_command(workdir: Path, reviews_dir: Path, *extra: str, repo: Path = ROOT) -> list[str]:
    """Return the Snakemake command running `repo`'s workflow with outputs in `workdir`.

    Snakemake's full console account (no quiet profile, whatever the working directory):
    the tests read it; `extra` may name a profile again (the last one given wins).
    """
    return [
        str(Path(sys.executable).with_name("snakemake")),
        "--workflow-profile",
        "none",
        "-s",
        str(repo / "Snakefile"),
        "--directory",
        str(workdir),
        "--cores",
        "2",
        "--config",
        f"out_dir={workdir / 'outputs'}",
        f"reviews_dir={reviews_dir}",
        f"vocabularies_dir={repo / 'raw' / 'vocabularies'}",
        *extra,
    ]


# Lints of `snakemake --lint` that this workflow keeps, each with its reason.
JUSTIFIED_LINTS = {
    # Every rule runs the same Python package, whose exact pins live in pyproject.toml and
    # are installed once into .venv by bin/_env.sh (and on a cluster by the profile's
    # shared environment); a per-rule conda file would be a second, drifting copy of them.
    "Specify a conda environment or container for each rule.",
}


def lint(repo: Path = ROOT) -> list[str]:
    """Return the lints `snakemake --lint` reports for `repo` that are not justified."""
    snakemake = str(Path(sys.executable).with_name("snakemake"))
    result = subprocess.run(
        [snakemake, "--lint", "-s", str(repo / "Snakefile"), "-d", str(repo)],
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    titles = [line.strip()[2:] for line in output.splitlines() if line.startswith("    * ")]
    unjustified = [t for t in titles if t.rstrip(":") not in JUSTIFIED_LINTS]
    if result.returncode not in (0, 1) or (result.returncode == 1 and not titles):
        unjustified.append(f"snakemake --lint failed: {output[-2000:]}")
    return unjustified


def _snakemake(workdir: Path, reviews: Path, *extra: str) -> tuple[float, str]:
    cmd = workflow_command(workdir, reviews, *extra)
    t0 = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if result.returncode != 0:
        raise SystemExit(f"pipeline failed:\n{result.stderr[-4000:]}")
    return elapsed, result.stdout + result.stderr


def benchmark_pipeline(repeats: int = 3) -> list[str]:
    """Return report lines: cold runs, no-op reruns (median of `repeats`), peak memory."""
    cold, noop = [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory(prefix="tidyreview-bench-") as tmp:
            work = Path(tmp)
            reviews = work / "reviews"
            shutil.copytree(ROOT / "raw" / "reviews", reviews)
            cold.append(_snakemake(work, reviews)[0])
            elapsed, out = _snakemake(work, reviews)
            if "Nothing to be done" not in out:
                raise SystemExit("the rerun was not a no-op:\n" + out[-2000:])
            noop.append(elapsed)
            n_tables = len(list((work / "outputs" / "parquet").glob("*.parquet")))
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return [
        f"pipeline cold run:    {statistics.median(cold):6.2f} s median of {repeats} "
        f"(min {min(cold):.2f}, max {max(cold):.2f}; target < 10 s; {n_tables} tables)",
        f"pipeline no-op rerun: {statistics.median(noop):6.2f} s median of {repeats} "
        f"(min {min(noop):.2f}, max {max(noop):.2f}; target < 2 s)",
        f"peak memory (largest process of the runs): {peak_kib / 1024:6.1f} MB (target < 500 MB)",
    ]


def benchmark_scale(review: Path, sizes: str) -> list[str]:
    """Run the scale benchmark; write docs/scale.md and docs/scale.png; return its lines."""
    from tidyreview import scale_benchmark as scale

    points = []
    for n in (int(s) for s in sizes.split(",")):
        points.append(scale.measure(review, n, workflow_command))
        print(f"N={n}: {points[-1]}", file=sys.stderr)
    table = scale.markdown_table(points)
    marginal = scale.marginal_cpu(points)
    summary = f"marginal cost: {marginal:.2f} CPU-s per review (goal <= 1)" if marginal else ""
    (ROOT / "docs" / "scale.md").write_text(table + "\n" + summary + "\n", encoding="utf-8")
    scale.plot(points, ROOT / "docs" / "scale.png")
    return [*table.splitlines(), summary, "wrote docs/scale.md, docs/scale.png"]


def area_benchmarks(source_path: str) -> list[str]:
    """Run every `tidyreview.benchmarks.<area>.run(source_path)` and collect its lines."""
    from tidyreview import benchmarks

    lines = []
    for info in sorted(pkgutil.iter_modules(benchmarks.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"tidyreview.benchmarks.{info.name}")
        lines.append(f"--- {info.name}")
        try:
            lines.extend(module.run(source_path))
        except ImportError as exc:
            lines.append(f"skipped: {exc} (install the bench extra: pip install -e '.[bench]')")
    return lines


def package_version() -> str:
    """Return the installed distribution's version (pyproject.toml's `version`)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tidyreview")
    except PackageNotFoundError:  # run from a source tree without installing
        return "unknown (not installed)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="tidyreview", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"tidyreview {package_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    bench = sub.add_parser(
        "benchmark", help="time the pipeline and the parsers against their peers"
    )
    bench.add_argument("--only", choices=["pipeline", "areas", "scale"], help="run one part only")
    bench.add_argument(
        "--sizes", default="1,8,32,128", help="with --only scale: the numbers of reviews"
    )
    bench.add_argument("--repeats", type=int, default=3, help="pipeline runs to take the median of")
    dic = sub.add_parser(
        "dictionary", help="write docs/data-dictionary.md and workflow/tables.json from the schemas"
    )
    dic.add_argument("--check", action="store_true", help="fail if the file is out of date")
    sub.add_parser("ddl", help="print the DuckDB DDL generated from the schemas")
    sub.add_parser("lint", help="snakemake --lint, failing on lints not justified in cli.py")
    args = parser.parse_args(argv)

    if args.command == "benchmark":
        review = sorted((ROOT / "raw" / "reviews").glob("*.txt"))[0]
        lines = []
        if args.only in (None, "pipeline"):
            lines += ["--- pipeline", *benchmark_pipeline(args.repeats)]
        if args.only in (None, "areas"):
            lines += area_benchmarks(str(review))
        if args.only == "scale":
            lines += ["--- scale", *benchmark_scale(review, args.sizes)]
        print("\n".join(lines))
        return 0
    if args.command == "dictionary":
        from tidyreview.metadata import data_dictionary, manifest_json

        generated = {DICTIONARY: data_dictionary(), MANIFEST: manifest_json()}
        if args.check:
            stale = [
                p
                for p, text in generated.items()
                if not p.exists() or p.read_text(encoding="utf-8") != text
            ]
            for path in stale:
                print(f"{path} is out of date: run `tidyreview dictionary`", file=sys.stderr)
            return 1 if stale else 0
        for path, text in generated.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
        return 0
    if args.command == "lint":
        problems = lint()
        for problem in problems:
            print(f"lint: {problem}", file=sys.stderr)
        print(f"snakemake --lint: {len(problems)} unjustified lint(s)")
        return 1 if problems else 0
    if args.command == "ddl":
        from tidyreview.metadata import ddl

        print(ddl(), end="")
        return 0
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
