import numpy as np
import pytest

from course_lib.metrics import mean_absolute_error


def test_mae():
    assert mean_absolute_error([1, 2, 3], [1, 4, 0]) == pytest.approx(5 / 3)
    assert mean_absolute_error(np.ones((2, 1)), np.ones((2, 1))) == 0.0
    with pytest.raises(ValueError, match="shapes differ"):
        mean_absolute_error(np.ones(3), np.ones((3, 1)))
    with pytest.raises(ValueError, match="empty"):
        mean_absolute_error([], [])
