"""The trends of the times (issue 14): a threat shared across states, an
emerging-technology sector, environmental provisions."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.mechanisms.pacts import shared_threat_value
from simulation.mechanisms.sector_choice import choose_sector, choose_sectors
from simulation.model import DefenseCooperationModel
from simulation.scenario import scenario_from_dict
from simulation.single_run import run_scenario
from simulation.summary import summarise
from tests.conftest import small_world

# ------------------------------------------------------------ a shared threat


def test_a_shared_threat_is_worth_more_the_more_states_meet_it_together():
    values = shared_threat_value(0.4, np.array([1.0, 2.0, 4.0, 20.0]))
    np.testing.assert_allclose(values, [0.0, 0.2, 0.3, 0.38])
    assert shared_threat_value(0.0, np.array([10.0]))[0] == 0.0


def test_a_shared_threat_raises_every_partners_worth_by_half_of_it():
    plain = DefenseCooperationModel(scenario_from_dict(small_world())).state
    shared = DefenseCooperationModel(
        scenario_from_dict(small_world(parameters={"transnational_threat": 0.4}))
    ).state
    off_diagonal = ~np.eye(plain.size, dtype=bool)
    np.testing.assert_allclose(
        (shared.benefit - plain.benefit)[off_diagonal], 0.2, rtol=0, atol=1e-6
    )
    assert (np.diag(shared.benefit) == 0).all()


def test_a_shared_threat_raises_a_pacts_worth_beyond_a_pairs_share():
    from simulation.phases.partner_valuation import value_pacts

    def pact_benefit(threat: float) -> np.ndarray:
        state = DefenseCooperationModel(
            scenario_from_dict(small_world(parameters={"transnational_threat": threat}))
        ).state
        pacts = state.registry.active_pacts()
        return value_pacts(state, pacts).benefit, [len(p.members) for p in pacts]

    plain, sizes = pact_benefit(0.0)
    shared, _ = pact_benefit(0.4)
    # the alliance of five: a member gains 0.4 x (1 - 1/5) in all, of which 0.2 (a
    # pair's share) already through the mean dyadic benefit
    assert sizes == [5]
    gain = shared - plain
    assert gain.min() > 0.2 - 1e-6
    assert gain.max() <= 0.4 * (1 - 1 / 6) + 0.05


def test_a_shared_threat_can_be_started_by_an_event_and_brings_more_pacts():
    def pacts(events: list) -> float:
        counts = []
        for seed in (1, 2, 3):
            tables = run_scenario(
                scenario_from_dict(small_world(seed=seed, events=events))
            ).tables()
            counts.append(tables["model"]["multilateral_agreements"].iloc[-1])
        return float(np.mean(counts))

    rising = [
        {
            "step": 5,
            "type": "parameter_change",
            "parameter": "transnational_threat",
            "value": 0.8,
            "over": 5,
        }
    ]
    assert pacts(rising) > pacts([])


# ------------------------------------------------------- emerging technology


def test_emerging_technology_is_never_chosen_until_the_world_turns_to_it():
    draws = np.linspace(0.0, 0.999, 200)
    chosen = choose_sectors(
        np.full(draws.size, 0.9), draws, np.full(draws.size, 0.5), np.full(draws.size, 0.3)
    )
    assert "emerging_technology" not in {choose_sector(0.9, d, 0.5, 0.3) for d in draws}
    from simulation.domain import SECTORS

    assert all(SECTORS[code] != "emerging_technology" for code in chosen.tolist())
    # with interest, it takes its share: weight E beside training's 1 and the others
    with_interest = {choose_sector(0.9, d, 0.0, 0.0, emerging=1.0) for d in draws}
    assert "emerging_technology" in with_interest
    high = np.array([choose_sector(0.9, d, 0.0, 0.0, emerging=3.0) for d in draws])
    # weights at T = G = 0: training 1, technology 0.2, arms 0.2, emerging 3
    assert (high == "emerging_technology").mean() == pytest.approx(3 / 4.4, abs=0.02)


def test_the_vector_choice_matches_the_rule_with_emerging_interest():
    rng = np.random.default_rng(5)
    general, sector = rng.random(500), rng.random(500)
    threat, gap = rng.random(500), rng.random(500)
    from simulation.domain import SECTORS

    vector = choose_sectors(general, sector, threat, gap, emerging=1.5)
    scalar = [
        choose_sector(g, s, t, d, emerging=1.5)
        for g, s, t, d in zip(general.tolist(), sector.tolist(), threat.tolist(), gap.tolist())
    ]
    assert [SECTORS[code] for code in vector.tolist()] == scalar


# ------------------------------------------------------ environmental provisions


def test_environmental_provisions_are_recorded_counted_and_reported():
    data = small_world(parameters={"environmental_share": 0.5})
    data["agreements"][1]["environmental_provisions"] = True
    result = run_scenario(scenario_from_dict(data))
    tables = result.tables()
    agreements = tables["agreements"].set_index("agreement_id")
    assert bool(agreements.loc["caldera-south", "environmental"])
    assert not bool(agreements.loc["alliance", "environmental"])
    signed = agreements[agreements["signed_step"] > 0]["environmental"]
    assert 0.35 < signed.mean() < 0.65
    model = tables["model"]
    # counted in force: the agreements in force at the last step that carry them
    active = agreements[agreements["ended_step"].isna()]
    assert model["environmental_agreements"].iloc[-1] == int(active["environmental"].sum())
    assert "with environmental provisions" in summarise(result)


def test_without_a_share_no_agreement_carries_environmental_provisions():
    tables = run_scenario(scenario_from_dict(small_world())).tables()
    assert not tables["agreements"]["environmental"].any()
    assert (tables["model"]["environmental_agreements"] == 0).all()
