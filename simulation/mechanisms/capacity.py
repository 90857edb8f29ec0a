"""How many agreements a nation can negotiate in a year: its negotiating capacity.

Negotiating a defense cooperation agreement takes ministry staff, attachés and
political attention. Strong states have more of all three, and a state with many
partners has the embassies, templates and habits that make the next agreement cheaper
to conclude: the network effect that Kinne (2018) finds drives DCA diffusion. So
capacity grows with capability and with the partners already held, and hubs can keep
adding partners where a uniform capacity caps every state at the same pace.
"""

from __future__ import annotations

import numpy as np

# The most agreements any nation negotiates in a year, whatever its size: even the
# United States signed a few dozen DCAs in its busiest years, not hundreds
MAX_NEGOTIATING_CAPACITY = 20


def negotiating_capacity(
    capability: np.ndarray,
    degree: np.ndarray,
    base: int,
    capability_elasticity: float,
    network_elasticity: float,
) -> np.ndarray:
    """Agreements each nation can propose and sign this year, a whole number.

        k_i = round(base · (c_i / median c)^ε_c · ((1 + k_i) / (1 + median k))^ε_n)

    kept within [1, max(base, MAX_NEGOTIATING_CAPACITY)]; `base` is the capacity of the
    median nation (median capability, median number of partners `degree`). With both
    elasticities 0 every nation has `base`, exactly; with `base` 0 nobody negotiates.
    """
    count = capability.size
    if base <= 0:
        return np.zeros(count, dtype=np.int64)
    if capability_elasticity == 0 and network_elasticity == 0:
        return np.full(count, base, dtype=np.int64)
    scale = np.full(count, float(base))
    if capability_elasticity:
        capability = np.asarray(capability, dtype=np.float64)
        relative = capability / _median(capability)
        scale *= relative**capability_elasticity
    if network_elasticity:
        partners = 1.0 + np.asarray(degree, dtype=np.float64)
        scale *= (partners / _median(partners)) ** network_elasticity
    ceiling = max(base, MAX_NEGOTIATING_CAPACITY)
    # half up, not half to even: a nation exactly between two capacities gets the larger
    return np.clip(np.floor(scale + 0.5), 1, ceiling).astype(np.int64)


def _median(values: np.ndarray) -> np.float64:
    """`np.median(values)` to the last bit (the middle value, or the mean of the middle
    two), by a partial sort alone: np.median's checks cost five times the sort at a few
    hundred nations, every step."""
    half = values.size // 2
    if not values.size:
        return np.float64(np.nan)
    if values.size % 2:
        return np.partition(values, half)[half]
    middle = np.partition(values, [half - 1, half])
    return (middle[half - 1] + middle[half]) / 2.0


def protocol_conclusion_rate(conclusion_rate: float, protocol_cost_share: float) -> float:
    """The chance that a further agreement between tied states is concluded within the
    year: `conclusion_rate` ** `protocol_cost_share`. A protocol under a framework
    already in force reuses its legal basis and needs that share of a first agreement's
    negotiation; as if a first agreement had to clear hurdles that each pass in a year
    independently, a share s of them passes with the rate to the power s (at rate 0.1
    and share 0.4: 0.40 a year, against 0.1). DCAD's sector protocols often follow
    their framework within a few years."""
    return conclusion_rate**protocol_cost_share


def reorienting(reoriented_at: np.ndarray, step: int, years: int) -> np.ndarray:
    """Which nations are still reorienting at `step`: those that entered the system or
    left a pact (`reoriented_at`, the step it happened) fewer than `years` steps ago."""
    return (reoriented_at <= step) & (step < reoriented_at + years)


def reoriented_conclusion_rate(
    conclusion_rate: float | np.ndarray, effort: float
) -> float | np.ndarray:
    """The chance a proposal with a reorienting state is concluded within the year:
    1 - (1 - rate)^(1 + effort), as if it were negotiated in 1 + effort independent
    rounds a year. A new state (Ukraine signed 79 DCAs by 2000), or a former member of a
    bloc that dissolved, builds its defense relations from scratch and puts its
    diplomacy behind it; at rate 0.08 and effort 5 a proposal concludes with chance 0.39
    a year instead of 0.08."""
    return 1.0 - (1.0 - np.asarray(conclusion_rate, dtype=np.float64)) ** (1.0 + effort)


def concluded(draws: np.ndarray, conclusion_rate: float | np.ndarray) -> np.ndarray:
    """Which proposals both sides value are concluded this year: those whose uniform
    draw falls below `conclusion_rate`.

    Negotiating a DCA can take more than a year of drafts, legal review and
    scheduling; a proposal not concluded this year may be made again the next, so the
    rate sets mostly the pace at which a network reaches the size its states want (in
    the test world a rate of 0.2 ends about 15% below a rate of 1: fewer early ties
    leave less trust to build on). `conclusion_rate` may be one a proposal."""
    return np.asarray(draws) < conclusion_rate


def foresees_consent(size: int, foresight: float, rng: np.random.Generator) -> np.ndarray:
    """Which nations look ahead this year: propose only to partners that value them
    back, rather than to the partners they value most whatever the answer.

    Each nation with chance `foresight` (one uniform draw per nation, none when it is 0
    or 1). A small state that proposes to the great powers it values most, year after
    year, is turned down or crowded out by their other suitors; one that asks whether
    the partner wants it too finds one. Without foresight, reach (the states with any
    DCA) stopped near 115 of 195 in the calibrated world of 1990."""
    if foresight <= 0 or foresight >= 1:
        return np.full(size, foresight >= 1)
    return rng.random(size) < foresight


def experienced_cost(
    negotiation_cost: float, partners: np.ndarray, experience: float
) -> np.ndarray:
    """Each state's cost of negotiating an agreement: `negotiation_cost` x (1 + its
    partners)^-experience. Treaty-making is learned: a state with many agreements has
    the templates, the staff and the procedures, so the next one costs it less (at
    experience 0.5 a state with 24 partners pays a fifth of a novice's cost)."""
    partners = np.asarray(partners, dtype=np.float64)
    if experience == 0:
        return np.full(partners.shape, float(negotiation_cost))
    return negotiation_cost * (1.0 + partners) ** -experience
