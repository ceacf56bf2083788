"""scripts/test-postgres.sh names the test database after the checkout, so two checkouts' runs never meet."""

import os
import re
import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "test-postgres.sh"


def database_name(checkout: Path, **env: str) -> subprocess.CompletedProcess:
    """Run a copy of the script placed in `checkout` with --name, which prints the name and touches no database."""
    (checkout / "scripts").mkdir(parents=True)
    script = shutil.copy(SCRIPT, checkout / "scripts")
    environment = {key: value for key, value in os.environ.items() if key != "CAREINSPECT_TEST_DB"} | env
    return subprocess.run([script, "--name"], capture_output=True, text=True, env=environment, check=False)


def test_two_checkouts_get_different_database_names_by_default(tmp_path):
    first = database_name(tmp_path / "one").stdout.strip()
    second = database_name(tmp_path / "two").stdout.strip()
    assert re.fullmatch(r"careinspect_test_[0-9a-f]{10}", first)
    assert re.fullmatch(r"careinspect_test_[0-9a-f]{10}", second)
    assert first != second


def test_careinspect_test_db_overrides_the_name(tmp_path):
    assert database_name(tmp_path, CAREINSPECT_TEST_DB="careinspect_mine").stdout == "careinspect_mine\n"


def test_a_name_that_is_not_a_plain_identifier_is_refused(tmp_path):
    refused = database_name(tmp_path, CAREINSPECT_TEST_DB="x; dropdb careinspect")
    assert refused.returncode == 1
    assert "not a plain database name" in refused.stderr
