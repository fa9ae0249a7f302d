"""The SLURM profile: a dry run plans one cluster job per review, with per-rule resources."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PROFILE = ROOT / "profiles" / "slurm"
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
PER_REVIEW = {"structure", "references", "review_tables", "entities", "annotations"}


@pytest.fixture(scope="module")
def dry_run(tmp_path_factory) -> str:
    pytest.importorskip("snakemake_executor_plugin_slurm")
    work = tmp_path_factory.mktemp("cluster")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SNAKEMAKE")}
    cmd = [SNAKEMAKE, "--workflow-profile", "none", "--profile", str(PROFILE)]
    cmd += ["-s", str(ROOT / "Snakefile"), "-d", str(ROOT), "-n", "--forceall"]
    cmd += ["--config", f"out_dir={work / 'outputs'}"]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=work, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout + result.stderr


def groups(out: str) -> list[str]:
    """Return the text of each group job the dry run plans."""
    parts = re.split(r"^\[[^\]]+\] Group job ", out, flags=re.M)[1:]
    return [p.split("\n[", 1)[0] for p in parts]


def test_profile_uses_the_slurm_executor_with_resources_for_every_rule():
    config = yaml.safe_load((PROFILE / "config.yaml").read_text(encoding="utf-8"))
    assert config["executor"] == "slurm"
    rules = {"validated_tables", "database", "report", *PER_REVIEW}
    assert rules <= set(config["set-resources"])
    for resources in config["set-resources"].values():
        assert resources["mem_mb"] > 0 and resources["runtime"] > 0
    assert {r for r, g in config["groups"].items() if g == "review"} == {
        *PER_REVIEW,
        "pdf_text",
        "review_extracted",
    }


def test_dry_run_plans_one_cluster_job_per_review(dry_run):
    reviews = sorted(
        p for p in (ROOT / "raw" / "reviews").iterdir() if p.suffix in (".txt", ".pdf")
    )
    jobs = groups(dry_run)
    assert len(jobs) == len(reviews) == 2
    for job in jobs:
        assert job.startswith("review ")
        rules = set(re.findall(r"rule (\w+):", job))
        assert PER_REVIEW | {"review_extracted"} <= rules
        docs = set(re.findall(r"wildcards: doc_id=(\w+)", job))
        assert len(docs) == 1  # one review per cluster job
    # Per-rule resources reach the jobs.
    for rule, mem_mb in (("entities", 1000), ("structure", 500), ("validated_tables", 8000)):
        pattern = rf"rule {rule}:\n(?: +\S.*\n)*? +resources: .*mem_mb={mem_mb},"
        assert re.search(pattern, dry_run), rule
