from tests.ui.conftest import normal_mode, shell  # noqa: F401
