"""The DAG is honest: rule code inputs come from the import graph, paths are relative.

One real run in a copy of the repository (outputs inside it, as a user runs it), then dry
runs after editing a deep module, after moving the checkout and from another folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tidyreview.code_graph import module_imports, rule_code
from tidyreview.stages import STAGE_MODULES

ROOT = Path(__file__).resolve().parents[1]
PARTS = ("Snakefile", "config", "workflow", "schemas", "raw")
EXTRACTION_RULES = {"structure", "references", "review_tables", "entities", "annotations"}
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))


def copy_repository(dest: Path) -> Path:
    for part in PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / part)
    return dest


def snakemake(repo: Path, *extra: str, cwd: Path | None = None) -> str:
    """Run the repository's workflow in `repo` with its own config; return its output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SNAKEMAKE")}
    result = subprocess.run(
        [SNAKEMAKE, "--workflow-profile", "none", "-s", str(repo / "Snakefile"), "-d", str(repo)]
        + ["--cores", "2", *extra],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd or repo,
        timeout=600,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    return out


def rules_to_run(out: str) -> set[str]:
    """Return the rules a dry run lists in its job stats."""
    if "Nothing to be done" in out:
        return set()
    stats = out.split("Job stats:", 1)[1].split("\n\n", 1)[0]
    return {m[1] for m in re.finditer(r"^(\w+)\s+\d+$", stats, re.M)} - {"total", "all"}


@pytest.fixture(scope="module")
def built_repo(tmp_path_factory) -> Path:
    repo = copy_repository(tmp_path_factory.mktemp("dag") / "repo")
    snakemake(repo, "-q")
    return repo


def test_manifest_code_is_the_import_graph():
    committed = json.loads((ROOT / "workflow" / "tables.json").read_text(encoding="utf-8"))
    assert committed["code"] == rule_code(STAGE_MODULES)
    # Spot checks by hand: the review_tables stage imports tidy_tables, which imports
    # ctgov; the structure stage imports neither; the database rule needs no schema module.
    assert "workflow/tidyreview/ctgov.py" in committed["code"]["review_tables"]
    assert "workflow/tidyreview/review_tables.py" not in committed["code"]["structure"]
    assert not any(p.startswith("schemas/") for p in committed["code"]["database"])


def test_function_level_imports_count_only_for_the_function_a_script_calls():
    runner = Path("workflow/tidyreview/runner.py")
    assert Path("workflow/tidyreview/publish.py") in module_imports(runner)
    assert Path("workflow/tidyreview/publish.py") not in module_imports(
        runner, function="run_stage"
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "module, importing, rerun_expected",
    [
        # findings is imported by the annotations stage only, and nothing reads its tables.
        ("findings", {"annotations"}, {"annotations"}),
        # citations is imported by references and (through trials) by entities;
        # annotations reads the entities stage's interim files, so it reruns after them.
        ("citations", {"references", "entities"}, {"references", "entities", "annotations"}),
    ],
)
def test_editing_a_deep_module_reruns_exactly_the_rules_importing_it(
    built_repo, module, importing, rerun_expected
):
    assert rules_to_run(snakemake(built_repo, "-n")) == set()
    path = built_repo / "workflow" / "tidyreview" / f"{module}.py"
    original, stat = path.read_text(encoding="utf-8"), path.stat()
    try:
        path.write_text(original + "\n# edited\n", encoding="utf-8")
        rerun = rules_to_run(snakemake(built_repo, "-n"))
    finally:
        path.write_text(original, encoding="utf-8")
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    code = json.loads((built_repo / "workflow" / "tables.json").read_text())["code"]
    relative = f"workflow/tidyreview/{module}.py"
    assert {rule for rule, files in code.items() if relative in files} & EXTRACTION_RULES == (
        importing
    )
    assert rerun & EXTRACTION_RULES == rerun_expected
    assert {"validated_tables", "database", "report"} <= rerun
    assert rules_to_run(snakemake(built_repo, "-n")) == set()


@pytest.mark.slow
def test_a_moved_checkout_and_another_working_folder_have_nothing_to_do(built_repo, tmp_path):
    assert rules_to_run(snakemake(built_repo, "-n", cwd=tmp_path)) == set()
    moved = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(built_repo, moved, symlinks=True)
    assert rules_to_run(snakemake(moved, "-n")) == set()
    assert rules_to_run(snakemake(built_repo, "-n")) == set()


def dry_run_with_config(cwd: Path, *config: str) -> subprocess.CompletedProcess:
    """Dry-run the repository's workflow with `--config` values (it may fail)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SNAKEMAKE")}
    cmd = [SNAKEMAKE, "-s", str(ROOT / "Snakefile"), "-d", str(ROOT), "-n", "--config", *config]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd)


def test_config_is_validated_against_its_schema(tmp_path):
    result = dry_run_with_config(tmp_path, "reviews_dirr=x")
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert "Error validating config file" in out and "'reviews_dirr' was unexpected" in out


@pytest.mark.slow
def test_switching_the_curated_lexicon_off_reruns_the_entities_stage(built_repo):
    assert rules_to_run(snakemake(built_repo, "-n")) == set()
    rerun = rules_to_run(snakemake(built_repo, "-n", "--config", "curated_lexicon=false"))
    assert "entities" in rerun and "structure" not in rerun
    assert rules_to_run(snakemake(built_repo, "-n", "--config", "curated_lexicon=true")) == set()


def test_a_curated_lexicon_setting_that_is_not_a_boolean_is_one_line(tmp_path):
    result = dry_run_with_config(tmp_path, "curated_lexicon=maybe")
    assert result.returncode != 0
    assert "config key curated_lexicon: 'maybe' is not true or false" in result.stderr
