"""Split an exact total over many parties in proportion to their weights (largest remainder method).

Used wherever the user asked for an exact number: appointments and procedures per patient add up to
exactly what was requested, whatever the weights.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence


def allocate(total: int, weights: Sequence[float], floor: Sequence[int] | None = None) -> array:
    """Integers that sum to `total`: `floor[i]` each first, the rest in proportion to `weights`.

    Ties in the remainders go to the lower index, so the result is deterministic. Arrays rather than lists:
    the census calls this with one weight per patient.
    """
    n = len(weights)
    result = array("q", floor) if floor else array("q", bytes(8 * n))
    rest = total - sum(result)
    if rest < 0:
        raise ValueError("the floors exceed the total")
    weight_sum = sum(weights)
    if rest == 0 or weight_sum <= 0:
        if rest:
            raise ValueError("nothing can take the remainder: every weight is zero")
        return result
    fractions = array("d", bytes(8 * n))
    for i, weight in enumerate(weights):
        share = rest * weight / weight_sum
        whole = int(share)
        result[i] += whole
        fractions[i] = share - whole
    left = total - sum(result)
    for i in sorted(range(n), key=lambda i: -fractions[i])[:left]:  # a stable sort: ties keep index order
        result[i] += 1
    return result
