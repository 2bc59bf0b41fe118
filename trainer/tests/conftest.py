import sys
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

torch.set_num_threads(1)


@pytest.fixture(scope="session")
def template() -> str:
    from distill_trainer.template import template_from_ts

    return template_from_ts()


@pytest.fixture(scope="session")
def nano_gguf(tmp_path_factory: pytest.TempPathFactory, template: str) -> Path:
    from distill_trainer.init_model import init_model

    out = tmp_path_factory.mktemp("nano") / "nano.gguf"
    init_model("nano", str(out), seed=7, chat_template=template)
    return out
