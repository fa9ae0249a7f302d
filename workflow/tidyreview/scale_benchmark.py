"""How the pipeline scales with the number of reviews: time, CPU and memory against N.

Each corpus holds N copies of a review, each under its own file name (so its own doc_id)
and with its own DOI, run cold and then again with nothing to do. Reported per N: the cold
run's wall time and CPU time (all processes), the no-op rerun, and the peak memory of the
per-review jobs and of the aggregation jobs (from each rule's Snakemake `benchmark:` file).
The marginal cost is the CPU time one more review adds between the two largest N.
"""

from __future__ import annotations

import csv
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .source import DOC_FILE_NAME

AGGREGATION_RULES = ("validated_tables", "database", "report")
DOI_LINK = "https://doi.org/"


@dataclass(frozen=True)
class ScalePoint:
    n: int
    cold_s: float
    cpu_s: float
    noop_s: float
    review_job_mb: float | None
    aggregation_mb: float | None


def _letters(i: int) -> str:
    """0 -> '', 1 -> 'a', 26 -> 'z', 27 -> 'aa': doc ids are letters and a year."""
    out = ""
    while i > 0:
        i, r = divmod(i - 1, 26)
        out = chr(ord("a") + r) + out
    return out


def make_corpus(review: Path, n: int, dest: Path) -> list[Path]:
    """Write `n` copies of the text review `review` into `dest`, each with its own doc_id
    and DOI (the review's DOI with a suffix); return their paths."""
    m = DOC_FILE_NAME.match(review.name)
    if not m or review.suffix != ".txt":
        raise ValueError(f"{review}: a text review named <author>-<year>-*.txt is needed")
    text = review.read_text(encoding="utf-8")
    at = text.find(DOI_LINK)
    doi_end = at + len(DOI_LINK) + len(text[at + len(DOI_LINK) :].split()[0].rstrip(".>"))
    dest.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        copy = text if i == 0 else f"{text[:doi_end]}-copy{i}{text[doi_end:]}"
        path = dest / f"{m['author']}{_letters(i)}-{m['year']}-scale.txt"
        path.write_text(copy, encoding="utf-8")
        paths.append(path)
    return paths


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(cmd: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if result.returncode != 0:
        raise SystemExit(f"pipeline failed:\n{result.stderr[-4000:]}")
    return elapsed, result.stdout + result.stderr


def peak_memory(benchmarks: Path) -> tuple[float | None, float | None]:
    """Return the largest max_rss (MB) of the per-review jobs and of the aggregation jobs,
    from the Snakemake benchmark files under `benchmarks` (None where there are none)."""
    review, aggregation = [], []
    for path in sorted(benchmarks.rglob("*.tsv")):
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                if row.get("max_rss") not in (None, "", "NA", "-"):
                    rule = path.relative_to(benchmarks).parts[0]
                    target = aggregation if rule.split(".")[0] in AGGREGATION_RULES else review
                    target.append(float(row["max_rss"]))
    return (max(review) if review else None, max(aggregation) if aggregation else None)


def measure(review: Path, n: int, command, noop_repeats: int = 3) -> ScalePoint:
    """Return one point: a cold run and no-op reruns of `n` copies of `review`.

    `command(workdir, reviews_dir)` returns the Snakemake command line to run."""
    with tempfile.TemporaryDirectory(prefix=f"tidyreview-scale-{n}-") as tmp:
        work = Path(tmp)
        reviews = work / "reviews"
        make_corpus(review, n, reviews)
        cpu0 = _children_cpu()
        cold, _ = _run(command(work, reviews))
        cpu = _children_cpu() - cpu0
        noops = []
        for _ in range(noop_repeats):
            elapsed, out = _run(command(work, reviews))
            if "Nothing to be done" not in out:
                raise SystemExit(f"N={n}: the rerun was not a no-op:\n{out[-2000:]}")
            noops.append(elapsed)
        review_mb, aggregation_mb = peak_memory(work / "outputs" / "benchmarks")
        shutil.rmtree(work / "outputs", ignore_errors=True)
    return ScalePoint(n, cold, cpu, statistics.median(noops), review_mb, aggregation_mb)


def marginal_cpu(points: list[ScalePoint]) -> float | None:
    """Return the CPU seconds one more review costs, between the two largest corpora."""
    if len(points) < 2:
        return None
    a, b = sorted(points, key=lambda p: p.n)[-2:]
    return (b.cpu_s - a.cpu_s) / (b.n - a.n)


def _mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def markdown_table(points: list[ScalePoint]) -> str:
    """Return the points as a Markdown table (README, docs/scale.md)."""
    lines = [
        "| reviews | cold run (s) | CPU (s) | CPU per review (s) | no-op (s) "
        "| peak MB, per-review job | peak MB, aggregation |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for p in points:
        lines.append(
            f"| {p.n} | {p.cold_s:.1f} | {p.cpu_s:.1f} | {p.cpu_s / p.n:.2f} | {p.noop_s:.2f} "
            f"| {_mb(p.review_job_mb)} | {_mb(p.aggregation_mb)} |"
        )
    return "\n".join(lines) + "\n"


def plot(points: list[ScalePoint], path: Path) -> None:
    """Save a plot of time against the number of reviews (log-log) to `path`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ns = [p.n for p in points]
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    ax.plot(ns, [p.cold_s for p in points], "o-", label="cold run, wall (s)")
    ax.plot(ns, [p.cpu_s for p in points], "s-", label="cold run, CPU (s)")
    ax.plot(ns, [p.noop_s for p in points], "^-", label="no-op rerun, wall (s)")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("reviews (N)")
    ax.set_ylabel("seconds")
    ax.set_title("tidyreview: time against the number of reviews (2 cores)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
