"""The phases of a step, one module each, in the order `DefenseCooperationModel.step`
runs them (one step is one year by default):

1. `environment`: threat shocks fade, scheduled events, capability growth, threat;
2. `partner_valuation`: what cooperation with every other nation is worth;
3. `signing`: bilateral agreements signed by mutual consent within diplomatic capacity;
4. `pacts`: joining multilateral pacts, and new pacts founded by trusting triangles;
5. `deepening`: agreements climb the depth ladder;
6. `renewal`: stepping down, renewal or exit, each exit with a reason;
7. `cooperation`: trust, interoperability and reputation move with the ties;
8. `crises`: hazard, allies called, honoured or reneged, escalated or prevented;
9. `member_evaluation`: what the agreements in force bring and cost each member;
10. recording: the step's outcomes (`simulation.outcomes`, called by the model).

Each phase reads and writes the run's `WorldState`; the rules it applies are public
pure functions in `simulation.mechanisms`.
"""
