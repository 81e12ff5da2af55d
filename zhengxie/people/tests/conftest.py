import pytest


@pytest.fixture(autouse=True)
def import_batches_in_tmp(settings, tmp_path):
    """Keep the import step's stored batches out of the project's var folder."""
    settings.VAR_DIR = tmp_path
