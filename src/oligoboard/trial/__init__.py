"""Trial analysis services: QoL scoring, CTCAE toxicity, survival statistics, CONSORT counts (issue 16).

One estimator or scorer per module (`shared/design/growth-layout.md`); nothing here renders (plots and
tables live in `report/trial/`). The services layer: may import domain, engine, knowledge and case.
"""
