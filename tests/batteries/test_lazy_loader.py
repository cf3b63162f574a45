"""``vivace.utils.lazy_loader.LazyLoader``: the module is imported on first use only."""

from __future__ import annotations

import sys
from typing import Any

from vivace.utils.lazy_loader import LazyLoader


def test_imports_on_first_attribute_and_replaces_itself() -> None:
    sys.modules.pop("colorsys", None)
    namespace: dict[str, Any] = {}
    stand_in = LazyLoader("colors", namespace, "colorsys")
    namespace["colors"] = stand_in
    assert "colorsys" not in sys.modules  # nothing imported yet
    assert stand_in.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
    assert namespace["colors"] is sys.modules["colorsys"]  # the real module from now on
    assert "hls_to_rgb" in dir(stand_in)
    assert stand_in.hls_to_rgb is sys.modules["colorsys"].hls_to_rgb  # copied, no lookup
