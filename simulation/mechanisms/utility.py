"""What cooperation is worth to a nation: benefits, sovereignty cost, funding and net value.

Every matrix is read row to column: entry [i, j] is the value *to i* of cooperating
with j. Benefits are stated for full (depth 4) cooperation and scaled by
`depth_benefit`, which is concave: the first rungs bring most of the gain.
Funding grows linearly with depth and sovereignty cost ever faster
(`sovereignty_exposure`). So each nation has a depth beyond which the next rung
costs more than it brings, and that depth falls as its sovereignty sensitivity
rises.
"""

import numpy as np

from simulation.domain import MAX_DEPTH, MIN_DEPTH
from simulation.mechanisms.geography import client_distance_value

DEPTH_BENEFIT_EXPONENT = 0.7


def depth_benefit(depth: np.ndarray | int) -> np.ndarray:
    """Share of full-cooperation benefit realised at a depth: (depth/4)^0.7, concave.

    0.38 at depth 1, 0.62 at 2, 0.82 at 3, 1 at 4: each rung adds less than the
    one before, while funding adds the same and sovereignty cost more, so
    deepening needs ever more benefit per unit of cost.
    """
    depth = np.asarray(depth)
    if depth.dtype.kind in "iu":
        return _DEPTH_BENEFIT_BY_RUNG[depth]
    return (depth.astype(np.float64) / MAX_DEPTH) ** DEPTH_BENEFIT_EXPONENT


def depth_cost(depth: np.ndarray | int) -> np.ndarray:
    """Share of the full-cooperation running cost (funding) borne at a depth: linear."""
    return np.asarray(depth, dtype=np.float64) / MAX_DEPTH


SOVEREIGNTY_EXPOSURE_EXPONENT = 1.5


def sovereignty_exposure(depth: np.ndarray | int) -> np.ndarray:
    """Share of the full sovereignty cost borne at a depth: (depth/4)^1.5, convex.

    0.13 at depth 1, 0.35 at 2, 0.65 at 3, 1 at 4. Consultation exposes little;
    foreign bases and binding defense obligations at the top of the ladder expose
    most. So a sensitive state signs dialogue agreements readily but stops short
    of integration, where an insensitive one climbs on.
    """
    depth = np.asarray(depth)
    if depth.dtype.kind in "iu":
        return _EXPOSURE_BY_RUNG[depth]
    return (depth.astype(np.float64) / MAX_DEPTH) ** SOVEREIGNTY_EXPOSURE_EXPONENT


# whole rungs -1 .. 5 (one beyond each end, for the rung below and above), looked up
# rather than raised to a power on every call
_RUNGS = np.arange(-1, MAX_DEPTH + 2, dtype=np.float64)
_DEPTH_BENEFIT_BY_RUNG = np.roll(
    (np.clip(_RUNGS, 0, None) / MAX_DEPTH) ** DEPTH_BENEFIT_EXPONENT, -1
)
_EXPOSURE_BY_RUNG = np.roll(
    (np.clip(_RUNGS, 0, None) / MAX_DEPTH) ** SOVEREIGNTY_EXPOSURE_EXPONENT, -1
)


def relative_share(capability: np.ndarray) -> np.ndarray:
    """[i, j] = capability_j / (capability_i + capability_j): j's weight in the pair."""
    total = capability[:, None] + capability[None, :]
    return np.divide(capability[None, :], total, out=total if total.dtype.kind == "f" else None)


def dominance(capability: np.ndarray, share: np.ndarray | None = None) -> np.ndarray:
    """[i, j] = how far j outweighs i, in [0, 1): 0 when i is the stronger.

    Pass `share` (from `relative_share`) when it is already at hand.
    """
    if share is None:
        share = relative_share(capability)
    outweighs = 2.0 * share
    outweighs -= 1.0
    np.maximum(outweighs, 0.0, out=outweighs)
    return np.minimum(outweighs, 1.0, out=outweighs)


def alignment(
    region: np.ndarray, policy_position: np.ndarray, region_weight: float = 0.5
) -> np.ndarray:
    """Homophily signal in [0, 1]: `region_weight` of it shared region, the rest
    closeness of policy positions (half and half by default)."""
    same_region = region[:, None] == region[None, :]
    closeness = 1.0 - np.abs(policy_position[:, None] - policy_position[None, :])
    return region_weight * same_region + (1.0 - region_weight) * closeness


def influence_reach(capability: np.ndarray, exponent: float = 1.0) -> np.ndarray:
    """A state's global reach, in (0, 1]: its capability relative to the strongest
    state's, raised to `exponent`. Relative to the strongest rather than to the sum, so
    adding small states to a world does not shrink a great power's reach. An exponent
    below 1 gives middle powers a reach of their own: in DCAD the hubs include states
    with a tenth of the strongest's capability (Turkey, Ukraine, Spain)."""
    relative = capability / capability.max()
    return relative if exponent == 1.0 else relative**exponent


def client_dilution(degree: np.ndarray, exclusivity: float) -> tuple[np.ndarray, np.ndarray]:
    """The share of a patron's influence over each client that its other partners leave:
    (1 + partners other than the patron)^-exclusivity, for a patron not yet tied to it
    (all its partners are others) and for one tied to it (one fewer). A client with no
    other partner is the patron's alone (1); its influence is shared as it finds more."""
    degree = np.asarray(degree, dtype=np.float64)
    untied = (1.0 + degree) ** -exclusivity
    tied = np.maximum(degree, 1.0) ** -exclusivity
    return untied, tied


def redundancy(shared_partners: np.ndarray, degree: np.ndarray, ties: np.ndarray) -> np.ndarray:
    """Share of i's other partners that j is already tied to (Burt 1992's redundancy of
    a contact): R_ij = S_ij / max(k_i − [i and j tied], 1), with S the plain count of
    shared partners. j is not among i's other partners, so a tie is as redundant before
    it is signed as after; 0 for a state with no other partner."""
    others = np.asarray(degree, dtype=np.float64)[:, None] - np.asarray(ties, dtype=bool)
    return np.asarray(shared_partners, dtype=np.float64) / np.maximum(others, 1.0)


def absorptive_capacity(capability: np.ndarray, reference: np.ndarray | None = None) -> np.ndarray:
    """How many partnerships a state can run, relative to the median state: the square
    root of its capability relative to the median, kept within [0.5, 10]. A great power
    at 100 times the median runs ten times as many before each new one is worth half.
    `reference`: the capabilities the median is taken over (the states in the system),
    if not all of `capability`."""
    relative = np.sqrt(capability / _median(capability if reference is None else reference))
    return np.minimum(np.maximum(relative, 0.5), 10.0)


def _median(values: np.ndarray) -> float:
    """`np.median` of a 1-D array without NaNs, to the bit: the middle of a partial
    sort (the mean of the two middle values for an even count), without its overhead."""
    half = values.size // 2
    if values.size % 2:
        return np.partition(values, half)[half]
    middle = np.partition(values, (half - 1, half))
    return (middle[half - 1] + middle[half]) / 2


def partner_benefit(
    capability: np.ndarray,
    threat: np.ndarray,
    reputation: np.ndarray,
    trust: np.ndarray,
    alignment: np.ndarray,
    common_partners: np.ndarray,
    degree: np.ndarray,
    ties: np.ndarray,
    interoperability: np.ndarray,
    *,
    threat_weight: float,
    technology_weight: float,
    status_weight: float,
    homophily_weight: float,
    triadic_closure_weight: float,
    preferential_attachment_weight: float,
    partner_saturation: float,
    share: np.ndarray | None = None,
    dominance_matrix: np.ndarray | None = None,
    common_pairs: tuple[np.ndarray, np.ndarray] | None = None,
    rivalry: np.ndarray | None = None,
    capacity: np.ndarray | None = None,
    homophily: np.ndarray | None = None,
    states: np.ndarray | None = None,
    distance_weight: float = 0.0,
    influence_weight: float = 0.0,
    proximity: np.ndarray | None = None,
    client_distance: np.ndarray | None = None,
    influence_reach_exponent: float = 1.0,
    influence_exclusivity: float = 0.0,
    tie_flat: np.ndarray | None = None,
    redundancy_weight: float = 0.0,
    shared_partners: np.ndarray | None = None,
) -> np.ndarray:
    """Benefit to i of full cooperation with j, before costs (may be negative).

    Security gain is i's threat times j's share of the pair's capability; technology
    access is how far j is ahead; status is j's soft power, and for a stronger i
    the influence a weaker client extends (the soft power of patronage). Trust and alignment
    count for or against, centred on 0.5: a distrusted or unlike-minded partner
    is a liability, and a rival (`rivalry`, 0-1) is one in full measure: the security
    it would bring is the threat itself. Interoperability already built with j is worth keeping. The
    network adds triadic closure (shared partners vouch for j) and preferential
    attachment (a well-connected j is worth more as a hub). Gains saturate as i's
    partners accumulate: attention, absorptive capacity and the security already
    bought all shrink what one more partner adds; a stronger state can run more
    partnerships (see `absorptive_capacity`). The saturation counts j among
    i's partners whether or not they are tied yet, so an agreement is valued the
    same before and after it is signed.

    Geography (`proximity`, exp(-distance / scale); None when the world has no
    locations, and then distance counts for nothing): a near partner is worth more
    (`distance_weight`, centred like homophily), and a great power gains influence from
    a small client (`influence_weight` x i's reach x how far i outweighs j), the more so
    the farther away the client is and the fewer other partners it has
    (`influence_exclusivity`, with `tie_flat` the flat positions of `ties` if at hand).

    Built for speed; `partner_benefit_reference` states the same equation term by
    term, and is the version to check the science on.

    `share`, `dominance_matrix`, `common_pairs` (the nonzero entries of
    `common_partners`), `capacity` (`absorptive_capacity(capability)`), `homophily`
    ((2 x homophily_weight) x alignment + (2 x distance_weight) x proximity, in the
    benefit's precision: the constant part of the affinity) and `client_distance`
    (`geography.client_distance_value(proximity)`) may be passed when already computed.
    `states` (N bool) marks the states in the system when not all nations are: the
    mean degree (and the median capability) are theirs.
    """
    # built in place, term by term: at 1000 nations each N x N temporary costs a millisecond
    if share is None:
        share = relative_share(capability)
    if dominance_matrix is None:
        dominance_matrix = dominance(capability, share)
    # vectors take the matrices' precision, so single-precision state stays single
    dtype = share.dtype
    security = (2.0 * threat_weight * threat[:, None]).astype(dtype)
    benefit = np.multiply(share, security, order="C")  # C order: its ravel is a view
    # one scratch matrix for the weighted terms, where their precision is the benefit's
    # (otherwise the term is formed in its own precision, as written)
    scratch = np.empty_like(benefit)

    def add_weighted(weight: float, matrix: np.ndarray) -> None:
        term = (
            np.multiply(matrix, weight, out=scratch) if matrix.dtype == dtype else weight * matrix
        )
        np.add(benefit, term, out=benefit)

    if technology_weight:
        add_weighted(technology_weight, dominance_matrix)
    benefit += trust
    benefit += interoperability
    if rivalry is not None:
        benefit -= rivalry
    # without locations distance is undefined, and counts for nothing
    near = proximity is not None and bool(distance_weight)
    if homophily is not None and (homophily_weight or near):
        benefit += homophily
    else:
        if homophily_weight:
            add_weighted(2.0 * homophily_weight, alignment)
        if near:
            add_weighted(2.0 * distance_weight, proximity)
    counted = degree if states is None else degree[states]
    mean_degree = float(counted.mean()) if counted.size else 0.0
    attachment = preferential_attachment_weight * (degree / (degree + mean_degree + 1.0))
    offset = status_weight * reputation + attachment - 0.5 - homophily_weight
    if near:
        offset -= distance_weight  # the proximity term is centred, like homophily
    benefit += offset[None, :].astype(dtype)
    if status_weight:
        add_weighted(status_weight, dominance_matrix.T)  # a client extends i's influence
    if influence_weight:
        # a great power's stake in a small client: reach (of i) x how far i outweighs j
        reach = (influence_weight * influence_reach(capability, influence_reach_exponent)).astype(
            dtype
        )
        influence = np.multiply(dominance_matrix.T, reach[:, None], out=scratch)
        if proximity is not None:
            if client_distance is None:
                client_distance = client_distance_value(proximity)
            influence *= client_distance
        if influence_exclusivity:
            # shared with the client's other partners: i among them once tied, so a
            # tie is worth the same before and after signing
            untied, tied = client_dilution(degree, influence_exclusivity)
            influence *= untied[None, :].astype(dtype)
            if tie_flat is None:
                tie_flat = np.flatnonzero(ties)
            columns = tie_flat % benefit.shape[1]
            influence.ravel()[tie_flat] *= (tied[columns] / untied[columns]).astype(dtype)
        benefit += influence
    # triadic closure: over the whole matrix, or only where partners are shared when the
    # caller has those dyads at hand (a sparse set in a large, sparse network); at weight
    # 0 (the presets' value) it adds nothing, and an N x N exponential is not free
    if not triadic_closure_weight:
        pass
    elif common_pairs is None:
        add_weighted(triadic_closure_weight, 1.0 - np.exp(-common_partners))
    else:
        rows, cols = common_pairs
        shared = rows * benefit.shape[1] + cols  # flat positions: faster than (row, column)
        benefit.ravel()[shared] += triadic_closure_weight * (
            1.0 - np.exp(-common_partners.ravel()[shared])
        )
    if redundancy_weight:
        # a partner whose partners i already has reaches little that i does not
        plain = common_partners if shared_partners is None else shared_partners
        if common_pairs is None:
            add_weighted(-redundancy_weight, redundancy(plain, degree, ties).astype(dtype))
        else:
            # only where partners are shared (the vouching count is nonzero where the
            # plain one is: its weights are positive)
            rows, cols = common_pairs
            shared = rows * benefit.shape[1] + cols
            others = np.maximum(degree[rows] - ties.ravel()[shared], 1.0)
            benefit.ravel()[shared] -= (redundancy_weight * plain.ravel()[shared] / others).astype(
                dtype
            )
    if capacity is None:
        capacity = absorptive_capacity(capability, None if states is None else capability[states])
    held_well = (partner_saturation * capacity).astype(dtype)
    others_held = (degree - 1.0).astype(dtype)
    # per nation, two factors only: j already among i's partners, or one more of them
    with np.errstate(divide="ignore", invalid="ignore"):  # a nation with no ties uses none
        tied_saturation = held_well / (held_well + others_held)
    untied_saturation = held_well / (held_well + (others_held + 1))
    saturation = np.empty_like(benefit)
    saturation[...] = untied_saturation[:, None]
    np.copyto(saturation, tied_saturation[:, None], where=ties.astype(bool, copy=False))
    np.multiply(benefit, saturation, out=benefit, where=benefit > 0)
    np.fill_diagonal(benefit, 0.0)
    return benefit


def rival_closeness(
    first: np.ndarray,
    second: np.ndarray,
    intensity: np.ndarray,
    tie_depth: np.ndarray,
    rows: np.ndarray,
) -> np.ndarray:
    """How close each candidate partner j stands to the rivals of each nation of `rows`
    (threat-directed alignment, Walt 1987): sum over i's rivals r of rivalry(i, r) x
    depth(r, j) / 4, at most 1. A partner allied to a full rival (depth 4) is 1; one
    with a training agreement (depth 1) with a half rival is 0.125.

    `first`, `second`, `intensity`: the rival pairs (each once) and their rivalry;
    `tie_depth`: the deepest agreement of each pair (alliances at 4); `rows`: the
    nations with a rival, sorted (the result's rows, in that order)."""
    closeness = np.zeros((rows.size, tie_depth.shape[1]))
    position = np.searchsorted(rows, np.concatenate([first, second]))
    rival = np.concatenate([second, first])
    weight = np.concatenate([intensity, intensity]).astype(np.float64)
    np.add.at(closeness, position, weight[:, None] * (tie_depth[rival] / 4.0))
    return np.minimum(closeness, 1.0)


def partner_benefit_reference(
    capability: np.ndarray,
    threat: np.ndarray,
    reputation: np.ndarray,
    trust: np.ndarray,
    alignment: np.ndarray,
    common_partners: np.ndarray,
    degree: np.ndarray,
    ties: np.ndarray,
    interoperability: np.ndarray,
    *,
    threat_weight: float,
    technology_weight: float,
    status_weight: float,
    homophily_weight: float,
    triadic_closure_weight: float,
    preferential_attachment_weight: float,
    partner_saturation: float,
    rivalry: np.ndarray | None = None,
    states: np.ndarray | None = None,
    distance_weight: float = 0.0,
    influence_weight: float = 0.0,
    proximity: np.ndarray | None = None,
    influence_reach_exponent: float = 1.0,
    influence_exclusivity: float = 0.0,
    redundancy_weight: float = 0.0,
    shared_partners: np.ndarray | None = None,
) -> np.ndarray:
    """Benefit to i of full cooperation with j, written as docs/MODEL.md (7.2) states it.

    This is the version a reviewer checks the science on: one named term per line of
    the equation, in double precision, with no caches and nothing built in place.
    `partner_benefit` is the fast version the model runs; a property test holds the
    two equal to single-precision tolerance.

        B_ij = 2 w_T · T_i · s_ij                    security gain against i's threat
             + w_tech · D_ij                         technology access: how far j is ahead
             + w_S · R_j                             status: j's soft power
             + w_S · D_ji                            patronage: i's influence on a weaker j
             + (τ_ij − 0.5)                          trust, centred on 0.5
             + I_ij                                  interoperability already built
             − ρ_ij                                  a rival is a liability
             + w_H · (2 A_ij − 1)                    homophily, centred
             + w_D · (2 P_ij − 1)                    proximity, centred (0 without locations)
             + w_I · g_i · D_ji · f_ij · x_ij        influence: a great power's small client
             + w_PA · k_j / (k_j + k̄ + 1)            preferential attachment
             + w_TC · (1 − exp(−C_ij))               triadic closure
             − w_R · S_ij / max(k_i − [i, j tied], 1)  redundancy: i's partners j has

        s_ij   = c_j / (c_i + c_j)                   j's weight in the pair
        D_ij   = clip(2 s_ij − 1, 0, 1)              how far j outweighs i
        P_ij   = exp(−d_ij / L)                      proximity of the capitals
        g_i    = (c_i / max(c))^γ                    i's global reach (γ = influence_reach_exponent)
        f_ij   = 1 − 0.5 P_ij (1 without locations)  a far client is worth more
        x_ij   = (1 + k_j − [i and j tied])^−ε       shared with j's other partners
                                              (ε = influence_exclusivity)
        a_i    = clip(sqrt(c_i / median(c)), 0.5, 10)  absorptive capacity
        K_i    = partner_saturation · a_i
        sat_ij = K_i / (K_i + k_i − 1 + [i and j not tied])
        benefit_ij = B_ij · sat_ij where B_ij > 0, else B_ij;  benefit_ii = 0

    `rivalry` (ρ, 0-1) None means no nation is anyone's rival; `proximity` (P) None
    means the world has no locations. `states` (N bool) marks the states in the system,
    over which k̄ and median(c) are taken (None: all nations). Every other argument is
    as for `partner_benefit`.
    """
    capability = np.asarray(capability, dtype=np.float64)
    threat = np.asarray(threat, dtype=np.float64)
    reputation = np.asarray(reputation, dtype=np.float64)
    trust = np.asarray(trust, dtype=np.float64)
    alignment = np.asarray(alignment, dtype=np.float64)
    common_partners = np.asarray(common_partners, dtype=np.float64)
    degree = np.asarray(degree, dtype=np.float64)
    tied = np.asarray(ties, dtype=bool)
    interoperability = np.asarray(interoperability, dtype=np.float64)
    rivalry = np.zeros_like(trust) if rivalry is None else np.asarray(rivalry, dtype=np.float64)

    own_capability = capability[:, None]  # c_i, down the rows
    partner_capability = capability[None, :]  # c_j, across the columns
    partner_share = partner_capability / (own_capability + partner_capability)  # s_ij
    partner_dominance = np.clip(2.0 * partner_share - 1.0, 0.0, 1.0)  # D_ij
    states = np.ones(degree.size, dtype=bool) if states is None else np.asarray(states)
    mean_degree = degree[states].mean() if states.any() else 0.0  # k̄ over the states
    partner_degree = degree[None, :]  # k_j

    security = 2.0 * threat_weight * threat[:, None] * partner_share
    technology = technology_weight * partner_dominance
    status = status_weight * reputation[None, :]
    patronage = status_weight * partner_dominance.T
    trust_term = trust - 0.5
    interoperability_term = interoperability
    rivalry_term = -rivalry
    homophily = homophily_weight * (2.0 * alignment - 1.0)
    if proximity is None:  # no locations: distance is undefined and counts for nothing
        proximity_term = 0.0
        client_at_distance = 1.0
    else:
        proximity = np.asarray(proximity, dtype=np.float64)
        proximity_term = distance_weight * (2.0 * proximity - 1.0)
        client_at_distance = 1.0 - 0.5 * proximity  # f_ij
    reach = (capability / capability.max()) ** influence_reach_exponent  # g_i
    other_partners_of_client = partner_degree - tied  # k_j − [i and j tied]
    exclusive = (1.0 + other_partners_of_client) ** -influence_exclusivity  # x_ij
    influence = (
        influence_weight * reach[:, None] * partner_dominance.T * client_at_distance * exclusive
    )
    preferential_attachment = (
        preferential_attachment_weight * partner_degree / (partner_degree + mean_degree + 1.0)
    )
    triadic_closure = triadic_closure_weight * (1.0 - np.exp(-common_partners))
    plain_shared = (
        common_partners if shared_partners is None else np.asarray(shared_partners, np.float64)
    )  # S_ij: the plain count, not discounted through hubs
    redundant = -redundancy_weight * plain_shared / np.maximum(degree[:, None] - tied, 1.0)

    raw_benefit = (
        security
        + technology
        + status
        + patronage
        + trust_term
        + interoperability_term
        + rivalry_term
        + homophily
        + proximity_term
        + influence
        + preferential_attachment
        + triadic_closure
        + redundant
    )

    absorptive_capacity = np.clip(np.sqrt(capability / np.median(capability[states])), 0.5, 10.0)
    held_well = (partner_saturation * absorptive_capacity)[:, None]  # K_i
    # i's partners other than j, once j is counted among them: j is counted whether or
    # not it is tied yet, so an agreement is worth the same before and after signing
    other_partners = degree[:, None] - 1.0 + (~tied)
    saturation = held_well / (held_well + other_partners)

    # only a gain saturates: a liability is not made smaller by having many partners
    benefit = np.where(raw_benefit > 0.0, raw_benefit * saturation, raw_benefit)
    np.fill_diagonal(benefit, 0.0)
    return benefit


def sovereignty_cost(
    sovereignty_sensitivity: np.ndarray,
    dominance: np.ndarray,
    *,
    sovereignty_weight: float,
    asymmetry_weight: float,
) -> np.ndarray:
    """Sovereignty cost of full cooperation, elementwise (callers shape the inputs:
    a column of sensitivities against a dominance matrix gives the N x N costs).

    Foreign presence and binding obligations cost in proportion to the nation's
    sensitivity; a partner that outweighs it makes it worse (dependence, dominance).
    """
    return sovereignty_weight * sovereignty_sensitivity * (1.0 + asymmetry_weight * dominance)


def funding_burden(funding_share: np.ndarray, *, funding_cost: float) -> np.ndarray:
    """Funding cost of full cooperation; `funding_share` is 1 for an even split of the bill."""
    return funding_cost * MAX_DEPTH * funding_share


def net_value(
    benefit: np.ndarray,
    sovereignty: np.ndarray,
    funding: np.ndarray,
    depth: np.ndarray | int,
) -> np.ndarray:
    """Net value of cooperating at `depth`: concave benefit, less a sovereignty cost that
    grows ever faster up the ladder and a funding cost that grows in step with it."""
    return (
        benefit * depth_benefit(depth)
        - sovereignty * sovereignty_exposure(depth)
        - funding * depth_cost(depth)
    )


def funding_shares(capability: np.ndarray, split: str) -> np.ndarray:
    """Each member's share of an agreement's bill, scaled so an even split gives 1.

    `capability` holds the members' capabilities; `split` is a FundingSplit value.
    """
    members = capability.size
    if split not in ("equal", "proportional", "lead_nation"):
        raise ValueError(f"unknown funding split {split!r}")
    if members == 1:
        return np.ones(1)
    if split == "proportional":
        return members * capability / capability.sum()
    if split == "lead_nation":
        # the strongest pays half the bill, the rest share the other half
        shares = np.full(members, 0.5 / max(members - 1, 1))
        shares[int(np.argmax(capability))] = 0.5
        return members * shares
    return np.ones(members)


# Shares of full benefit, sovereignty exposure and funding at the dialogue rung, where
# every new agreement starts
DIALOGUE_BENEFIT = float(depth_benefit(MIN_DEPTH))
DIALOGUE_EXPOSURE = float(sovereignty_exposure(MIN_DEPTH))
DIALOGUE_COST = float(depth_cost(MIN_DEPTH))
