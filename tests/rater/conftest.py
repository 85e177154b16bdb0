from tests.ui.conftest import data_dir, normal_mode, shell, terminal_template  # noqa: F401
