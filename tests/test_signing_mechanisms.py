"""Capacity that varies by state, several agreements per pair, and lapse, in whole runs.

The rules themselves have known-answer tests in tests/mechanisms/; these pin down what
they do to a run of the small test world.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from simulation.domain import ExitReason, Kind
from simulation.model import DefenseCooperationModel
from simulation.scenario import scenario_from_dict
from simulation.tables import all_tables
from tests.conftest import small_world
from tests.golden_support import table_fingerprint

SEEDS = (1, 2, 3)


def run(steps: int = 20, seed: int = 1, agreements: list | None = None, **parameters):
    data = small_world(seed=seed, steps=steps, parameters=parameters)
    if agreements is not None:
        data["agreements"] = agreements
    model = DefenseCooperationModel(scenario_from_dict(data))
    for _ in range(steps):
        model.step()
    return model


def bilateral(model) -> list:
    return [a for a in model.registry.by_slot if a.kind is Kind.BILATERAL]


def signings_by_step_and_nation(model) -> np.ndarray:
    counts = np.zeros((model.steps + 1, model.state.size), dtype=int)
    for agreement in bilateral(model):
        if agreement.signed_step > 0:
            counts[agreement.signed_step, agreement.members] += 1
    return counts


def test_neutral_values_of_the_new_parameters_reproduce_the_run_without_them():
    neutral = {
        "capacity_capability_elasticity": 0.0,
        "capacity_network_elasticity": 0.0,
        "agreements_per_pair": 1,
        "lapse_rate": 0.0,
        "conclusion_rate": 1.0,
        "protocol_cost_share": 1.0,
        "consent_foresight": 0.0,
        "negotiation_experience": 0.0,
        "influence_exclusivity": 0.0,
        "closure_hub_discount": 0.0,
        "reorientation_years": 0,
        "reorientation_effort": 0.0,
    }
    plain, explicit = run(seed=4), run(seed=4, **neutral)
    from simulation.tables import all_tables

    for name, table in all_tables(plain).items():
        assert table_fingerprint(table) == table_fingerprint(all_tables(explicit)[name]), name


# ------------------------------------------------------------ capacity by state


def test_with_capability_elasticity_strong_nations_sign_more_a_year_than_weak_ones():
    def strong_to_weak(elasticity: float) -> float:
        strong = weak = 0
        for seed in SEEDS:
            model = run(seed=seed, capacity_capability_elasticity=elasticity)
            counts = signings_by_step_and_nation(model)
            order = np.argsort(model.state.capability)
            quarter = order.size // 4
            strong += counts[:, order[-quarter:]].sum()
            weak += counts[:, order[:quarter]].sum()
        return strong / weak

    assert strong_to_weak(1.0) > strong_to_weak(0.0) > 0


def test_capacity_lets_strong_nations_sign_beyond_the_uniform_capacity():
    uniform = run(seed=2)
    assert signings_by_step_and_nation(uniform).max() <= uniform.parameters.diplomatic_capacity
    varied = run(seed=2, capacity_capability_elasticity=1.0)
    counts = signings_by_step_and_nation(varied)
    assert counts.max() > varied.parameters.diplomatic_capacity
    busiest = np.unravel_index(np.argmax(counts), counts.shape)[1]
    assert varied.state.capability[busiest] > np.median(varied.state.capability)


# ------------------------------------------------------- several agreements per pair


def pairs_in_force(model) -> dict[tuple[int, int], list[str]]:
    held: dict[tuple[int, int], list[str]] = {}
    for agreement in bilateral(model):
        if agreement.active:
            held.setdefault(tuple(sorted(agreement.members)), []).append(agreement.sector)
    return held


@pytest.mark.parametrize("seed", SEEDS)
def test_pairs_hold_up_to_three_agreements_in_distinct_sectors(seed):
    data = small_world(seed=seed, steps=30, parameters={"agreements_per_pair": 3})
    model = DefenseCooperationModel(scenario_from_dict(data))
    most = 0
    for _ in range(30):
        model.step()
        for sectors in pairs_in_force(model).values():
            assert len(sectors) <= 3
            assert len(set(sectors)) == len(sectors), sectors
            most = max(most, len(sectors))
    assert most >= 2
    further = [e for e in model.events.rows if e[1] == "signed" and "further" in e[-1]]
    assert further


def test_without_room_for_more_a_tied_pair_signs_nothing_more():
    model = run(steps=30)
    assert all(len(sectors) == 1 for sectors in pairs_in_force(model).values())


def duplicated_protocol() -> list:
    agreements = copy.deepcopy(small_world()["agreements"])
    # a second training protocol between the same two nations: it opens nothing the
    # first does not
    agreements.append(
        {
            "id": "caldera-south-again",
            "members": ["Caldera", "South 1"],
            "depth": 2,
            "sector": "training",
            "term": 10,
        }
    )
    return agreements


def test_a_redundant_protocol_is_dropped_while_the_first_is_kept():
    model = run(steps=16, agreements=duplicated_protocol(), agreements_per_pair=2)
    first = model.registry.by_id["caldera-south"]
    again = model.registry.by_id["caldera-south-again"]
    assert not again.active
    # dropped once patience ran out (or at term end, whichever came first)
    assert again.ended_step <= model.parameters.exit_patience + 1
    assert first.active or first.ended_step > again.ended_step


def test_with_one_agreement_per_pair_a_redundant_protocol_is_kept_as_today():
    model = run(steps=16, agreements=duplicated_protocol())
    assert model.registry.by_id["caldera-south-again"].active


# ------------------------------------------------------------------------ lapse


@pytest.mark.parametrize("seed", SEEDS)
def test_at_lapse_rate_one_every_agreement_ends_at_its_first_term_end(seed):
    model = run(steps=25, seed=seed, lapse_rate=1.0)
    lapsed = 0
    for agreement in bilateral(model):
        assert agreement.renewals == 0
        if agreement.end_reason is ExitReason.LAPSED:
            lapsed += 1
            assert agreement.ended_step == agreement.expires_step
        if agreement.active:
            assert agreement.expires_step > model.steps - 1
    assert lapsed > 0
    # pacts are institutions: they do not lapse
    pact = model.registry.by_id["alliance"]
    assert pact.end_reason is not ExitReason.LAPSED
    assert pact.renewals > 0 or not pact.active


def test_a_lapse_is_no_walk_out_and_the_pair_may_sign_again():
    model = run(steps=25, lapse_rate=1.0)
    lapsed = [a for a in bilateral(model) if a.end_reason is ExitReason.LAPSED]
    rows = [e for e in model.events.rows if e[1] == "exited" and "lapsed" in e]
    assert len(rows) == len(lapsed)
    signed_again = {
        tuple(sorted(a.members))
        for a in bilateral(model)
        if any(
            tuple(sorted(b.members)) == tuple(sorted(a.members)) and a.signed_step > b.ended_step
            for b in lapsed
        )
    }
    assert signed_again  # no estrangement after a lapse


def test_at_lapse_rate_zero_no_agreement_lapses_and_bilateral_agreements_renew():
    model = run(steps=25)
    assert not any(a.end_reason is ExitReason.LAPSED for a in model.registry.by_slot)
    assert any(a.renewals > 0 for a in bilateral(model))


# ------------------------------------------------------------ conclusion rate


def bilateral_in_force(model) -> np.ndarray:
    return model.recorder.model_table()["bilateral_agreements"].to_numpy()


def test_slow_negotiations_grow_the_network_later_toward_nearly_the_same_size():
    fast = np.mean([bilateral_in_force(run(steps=60, seed=s)) for s in SEEDS], axis=0)
    slow = np.mean(
        [bilateral_in_force(run(steps=60, seed=s, conclusion_rate=0.2)) for s in SEEDS], axis=0
    )
    # early on the slow network is well behind; at the end it has nearly caught up (it
    # settles about 15% lower: fewer early ties leave less trust to build on)
    assert slow[3] < 0.7 * fast[3]
    assert slow[-10:].mean() > 0.8 * fast[-10:].mean()
    # and it grows for longer: the step it reaches 90% of its final size comes later
    reach = [int(np.argmax(series >= 0.9 * series[-10:].mean())) for series in (fast, slow)]
    assert reach[1] > reach[0]


# ------------------------------------------------------------ consent foresight


def test_a_nation_that_looks_ahead_proposes_only_to_partners_that_value_it_back(monkeypatch):
    import simulation.phases.signing as signing

    seen = []
    choose = signing.choose_partners

    def recording(value, eligible, *args):
        seen.append((value.copy(), eligible.copy()))
        return choose(value, eligible, *args)

    monkeypatch.setattr(signing, "choose_partners", recording)
    run(seed=2, consent_foresight=1.0)
    assert seen
    for value, eligible in seen:
        assert not (eligible & (value.T <= 0)).any()
    seen.clear()
    run(seed=2)
    assert any((eligible & (value.T <= 0)).any() for value, eligible in seen)


# ------------------------------------------------------------ further agreements


def test_further_agreements_are_proposed_beside_new_partners_not_in_their_place(monkeypatch):
    import simulation.phases.signing as signing

    tied_and_eligible = []
    choose = signing.choose_partners

    def recording(value, eligible, *args):
        state = model_state[0]
        tied_and_eligible.append(int(eligible.ravel()[state.tie_flat].sum()))
        return choose(value, eligible, *args)

    monkeypatch.setattr(signing, "choose_partners", recording)
    data = small_world(
        seed=3, steps=20, parameters={"agreements_per_pair": 3, "protocol_cost_share": 0.0}
    )
    model = DefenseCooperationModel(scenario_from_dict(data))
    model_state = [model.state]
    for _ in range(20):
        model.step()
    assert tied_and_eligible and not any(tied_and_eligible)
    events = all_tables(model)["events"]
    assert events["detail"].str.contains("further").any()


def signing_effort(model, share: float) -> list[tuple[float, float]]:
    """Per nation and step with signings: (effort of all its signings, of the largest)."""
    events = all_tables(model)["events"]
    signed = events[(events["event"] == "signed") & (events["kind"] == "bilateral")]
    effort: dict[tuple[int, str], list[float]] = {}
    for row in signed.itertuples(index=False):
        cost = share if "further" in row.detail else 1.0
        for nation in (row.nation, row.other):
            effort.setdefault((row.step, nation), []).append(cost)
    return [(sum(costs), max(costs)) for costs in effort.values()]


@pytest.mark.parametrize("share", [1.0, 0.25])
def test_a_further_agreement_spends_its_share_of_negotiating_capacity(share):
    signings_beyond_capacity = 0
    for seed in SEEDS:
        model = run(
            steps=25,
            seed=seed,
            diplomatic_capacity=1,
            agreements_per_pair=3,
            protocol_cost_share=share,
        )
        for total, largest in signing_effort(model, share):
            # a nation signs while it has capacity left: all but its last signing fit
            assert total - largest < 1.0
            signings_beyond_capacity += total > 1.0
    assert (signings_beyond_capacity > 0) == (share < 1.0)


def test_further_agreements_conclude_at_the_rate_to_the_power_of_their_cost_share(monkeypatch):
    import simulation.phases.signing as signing

    rates = []
    conclude = signing.concluded

    def recording(draws, rate):
        rates.append(np.broadcast_to(rate, np.shape(draws)).copy())
        return conclude(draws, rate)

    monkeypatch.setattr(signing, "concluded", recording)
    run(seed=3, agreements_per_pair=3, conclusion_rate=0.2, protocol_cost_share=0.5)
    seen = np.concatenate(rates)
    # first agreements at the rate, further ones at 0.2 ** 0.5, and both occur
    assert set(np.unique(seen)) == {0.2, 0.2**0.5}


# ------------------------------------------------------------ experience


def test_an_experienced_state_values_a_new_partner_higher_by_the_cost_it_saves():
    import simulation.phases.signing as signing

    model = run(steps=20, seed=2, negotiation_cost=0.2)
    state = model.state
    novice_values = signing.dialogue_value(state)
    state.parameters = state.parameters.model_copy(update={"negotiation_experience": 0.5})
    experienced_values = signing.dialogue_value(state)
    # experience is in DCAs: a nation's allies are not its DCA partners
    saved = 0.2 - 0.2 * (1.0 + state.dca_degree) ** -0.5
    assert state.dca_degree.max() > 0 and (state.dca_degree != state.degree).any()
    np.testing.assert_allclose(
        experienced_values - novice_values, np.repeat(saved[:, None], state.size, 1), atol=1e-6
    )


def test_with_experience_each_side_of_a_pair_pays_its_own_negotiation_cost():
    from simulation.mechanisms.funding import negotiate_fundings

    # a gain of 0.1 at the dialogue rung clears a cost of 0.05, not one of 0.2
    gain = np.full(2, 0.1 / 0.38)  # DIALOGUE_BENEFIT 0.38: full benefit of that gain
    common = {
        "proportional_share": 0.0,
        "funding_cost": 0.0,
    }
    arrays = (gain, gain, np.zeros(2), np.zeros(2), np.ones(2), np.ones(2), np.zeros(2))
    both_cheap = negotiate_fundings(*arrays, negotiation_cost=np.full(2, 0.05), **common)
    second_dear = negotiate_fundings(
        *arrays,
        negotiation_cost=np.full(2, 0.05),
        negotiation_cost_second=np.full(2, 0.2),
        **common,
    )
    assert list(both_cheap) == [0, 0]
    assert list(second_dear) == [-1, -1]


# ------------------------------------------------------------ reorientation


def test_proposals_with_a_state_entering_or_leaving_a_pact_conclude_sooner_for_its_years(
    monkeypatch,
):
    import simulation.phases.signing as signing

    seen = []
    conclude = signing.concluded

    def recording(draws, rate):
        seen.append(np.broadcast_to(rate, np.shape(draws)))
        return conclude(draws, rate)

    monkeypatch.setattr(signing, "concluded", recording)
    data = small_world(
        seed=2,
        steps=12,
        parameters={"conclusion_rate": 0.1, "reorientation_years": 3, "reorientation_effort": 4},
    )
    data["nations"].append({"name": "Newland", "region": "North", "capability": 5.0, "enters": 4})
    data["events"] = [
        {"step": 6, "type": "leave_agreement", "nation": "Borealis", "agreement": "alliance"}
    ]
    model = DefenseCooperationModel(scenario_from_dict(data))
    for _ in range(12):
        model.step()
    names = model.names
    newland, borealis = names.index("Newland"), names.index("Borealis")
    assert model.state.reoriented_at[newland] == 4
    assert model.state.reoriented_at[borealis] == 6  # it left the pact at step 6
    # proposals conclude at 0.1, or at 1 - 0.9^5 with a state within its three years
    boosted = 1 - 0.9**5
    rates = np.concatenate(seen)
    assert np.all(np.isclose(rates, 0.1) | np.isclose(rates, boosted))
    assert np.isclose(rates, boosted).any()
