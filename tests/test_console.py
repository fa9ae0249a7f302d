"""The console of a pipeline run: quiet by default (profiles/default), everything on request."""

from __future__ import annotations

import shutil

import pytest

from conftest import ROOT, run_workflow

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rerun_output(built, tmp_path_factory) -> str:
    """The console of a run with the default profile that redoes the report (and publication)."""
    work = tmp_path_factory.mktemp("console") / "work"
    shutil.copytree(built.parent, work, symlinks=True)
    profile = str(ROOT / "profiles" / "default")
    result = run_workflow(
        work, work / "reviews", "--workflow-profile", profile, "--forcerun", "report"
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-3000:]
    return out


def test_default_profile_keeps_the_console_quiet(rerun_output):
    lines = rerun_output.splitlines()
    assert "tidyreview [report] done in" in rerun_output
    assert "tidyreview [published_dataset] published" in rerun_output
    assert "steps (100%) done" in rerun_output
    # Snakemake's account of each job (long input lists and reasons) is left out.
    assert not [line for line in lines if line.strip().startswith(("input:", "reason:", "output:"))]
    assert max(len(line) for line in lines) < 200


def test_verbose_pipeline_shows_snakemake_account(built, tmp_path):
    """bin/pipeline -v drops the profile: the test command (no profile) is what it shows."""
    pipeline = (ROOT / "bin" / "pipeline").read_text(encoding="utf-8")
    assert '"-v"' in pipeline and "--workflow-profile none" in pipeline
    work = tmp_path / "work"
    shutil.copytree(built.parent, work, symlinks=True)
    result = run_workflow(work, work / "reviews", "--forcerun", "report", "--dry-run")
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-3000:]
    assert "rule report:" in out and "reason:" in out
