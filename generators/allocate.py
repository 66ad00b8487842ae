"""Split an exact total over many parties in proportion to their weights (largest remainder method).

Used wherever the user asked for an exact number: appointments and procedures per patient add up to
exactly what was requested, whatever the weights.
"""

from __future__ import annotations


def allocate(total: int, weights: list[float], floor: list[int] | None = None) -> list[int]:
    """Integers that sum to `total`: `floor[i]` each first, the rest in proportion to `weights`.

    Ties in the remainders go to the lower index, so the result is deterministic.
    """
    n = len(weights)
    base = list(floor) if floor else [0] * n
    rest = total - sum(base)
    if rest < 0:
        raise ValueError("the floors exceed the total")
    weight_sum = sum(weights)
    if rest == 0 or weight_sum <= 0:
        if rest:
            raise ValueError("nothing can take the remainder: every weight is zero")
        return base
    shares = [rest * w / weight_sum for w in weights]
    result = [b + int(s) for b, s in zip(base, shares)]
    left = total - sum(result)
    by_remainder = sorted(range(n), key=lambda i: (-(shares[i] - int(shares[i])), i))
    for i in by_remainder[:left]:
        result[i] += 1
    return result
